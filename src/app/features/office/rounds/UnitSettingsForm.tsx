/**
 * How a round treats responsible units (#17): whether the rectification period counts from the
 * inspection or from 交办, and how many days after dispatch a unit may object (申诉). Saved with
 * `PATCH /api/rounds/{id}/unit-settings` (the round PATCH does not take them), only what changed.
 */
import { useState } from 'react';
import { useTranslation } from '../../../i18n';
import { DUE_FROM, unitSettingsSchema, type DueFrom, type Round, type UnitSettings } from '../../../../domain/wire';
import { Field } from '../../../ui/Field';
import { errorMessage } from '../shared/errors';

/** The server's defaults for rounds made before the units' loop. */
const DEFAULTS: UnitSettings = { dueFrom: 'inspection', objectionDays: 3 };

export function UnitSettingsForm(props: {
  round: Round & Partial<UnitSettings>;
  onSave: (settings: Partial<UnitSettings>) => Promise<void>;
}) {
  const { t } = useTranslation('office');
  const stored: UnitSettings = {
    dueFrom: props.round.dueFrom ?? DEFAULTS.dueFrom,
    objectionDays: props.round.objectionDays ?? DEFAULTS.objectionDays,
  };
  const [dueFrom, setDueFrom] = useState<DueFrom>(stored.dueFrom);
  const [days, setDays] = useState(String(stored.objectionDays));
  const [state, setState] = useState<{ busy: boolean; invalid?: boolean; error?: string; saved?: boolean }>({
    busy: false,
  });

  const save = async () => {
    const changes = {
      ...(dueFrom !== stored.dueFrom && { dueFrom }),
      ...(days.trim() !== String(stored.objectionDays) && { objectionDays: Number(days.trim()) }),
    };
    // An empty or fractional entry is no number of days: `Number('')` would quietly be 0.
    const parsed = unitSettingsSchema.safeParse(changes);
    if (!parsed.success || (changes.objectionDays !== undefined && !/^\d+$/.test(days.trim())))
      return setState({ busy: false, invalid: true });
    setState({ busy: true });
    try {
      if (Object.keys(parsed.data).length > 0) await props.onSave(parsed.data);
      setState({ busy: false, saved: true });
    } catch (error) {
      setState({ busy: false, error: errorMessage(error) });
    }
  };

  return (
    <form
      className="office-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="office-form__grid">
        <Field label={t('unitSettings.dueFrom')}>
          <select
            className="field__input"
            value={dueFrom}
            onChange={(event) => setDueFrom(event.target.value as DueFrom)}
          >
            {DUE_FROM.map((option) => (
              <option key={option} value={option}>
                {t(`unitSettings.dueFromOptions.${option}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('unitSettings.objectionDays')}>
          <input
            className="field__input"
            inputMode="numeric"
            value={days}
            aria-invalid={state.invalid ? true : undefined}
            onChange={(event) => setDays(event.target.value)}
          />
          {state.invalid && <span className="field__error">{t('unitSettings.invalidDays')}</span>}
        </Field>
      </div>
      {state.error && (
        <p className="notice notice--error" role="alert">
          {t('unitSettings.failed', { message: state.error })}
        </p>
      )}
      {state.saved && <p role="status">{t('unitSettings.saved')}</p>}
      <button type="submit" className="button" disabled={state.busy}>
        {t('unitSettings.save')}
      </button>
    </form>
  );
}
