/**
 * Creating or editing a round: name, rubric version, rectification threshold and days, dates.
 * Checked with the domain's `roundInputSchema` (the server's own), one readable message per
 * field. Editing sends only the changed fields (`PATCH`); threshold, days and rubric are locked
 * once results have arrived, as the server requires.
 */
import { useState } from 'react';
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { useTranslation } from '../../../i18n';
import { roundInputSchema, type Round, type RoundInput, type RoundPatch } from '../../../../domain/wire';
import { DEFAULT_PRESENCE_RADIUS_M } from '../../../../domain/presence';
import { errorMessage } from '../shared/errors';
import { Field } from '../../../ui/Field';

export interface RoundFormValues {
  id: string;
  name: string;
  rubricVersion: string;
  rectifyBelow: number;
  rectifyDays: number;
  startsOn: string;
  endsOn: string;
  /** Proof of presence: metres around a site within which a position counts as on site. */
  presenceRadiusM: number;
}

const FIELDS = [
  'id',
  'name',
  'rubricVersion',
  'rectifyBelow',
  'rectifyDays',
  'startsOn',
  'endsOn',
  'presenceRadiusM',
] as const;
type FieldName = (typeof FIELDS)[number];

export function toRoundInput(values: RoundFormValues): RoundInput {
  const id = values.id.trim();
  return {
    ...(id && { id }),
    name: values.name,
    rubricVersion: values.rubricVersion.trim(),
    rectifyBelow: values.rectifyBelow,
    rectifyDays: values.rectifyDays,
    startsOn: values.startsOn,
    endsOn: values.endsOn,
    presenceRadiusM: values.presenceRadiusM,
  };
}

const resolver: Resolver<RoundFormValues> = async (values) => {
  const parsed = roundInputSchema.safeParse(toRoundInput(values));
  if (parsed.success) return { values, errors: {} };
  const errors: FieldErrors<RoundFormValues> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as FieldName;
    if (FIELDS.includes(field) && !errors[field]) errors[field] = { type: issue.code, message: field };
  }
  return { values: {}, errors };
};

export function RoundForm({
  round,
  locked = false,
  onCreate,
  onUpdate,
}: {
  round?: Round;
  /** Threshold, days and rubric can no longer change (results are in). */
  locked?: boolean;
  onCreate?: (input: RoundInput) => Promise<void>;
  onUpdate?: (patch: RoundPatch) => Promise<void>;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState(false);
  const form = useForm<RoundFormValues>({
    resolver,
    defaultValues: round
      ? { ...round, id: round.id, presenceRadiusM: round.presenceRadiusM ?? DEFAULT_PRESENCE_RADIUS_M }
      : {
          id: '',
          name: '',
          rubricVersion: '2021',
          rectifyBelow: 90,
          rectifyDays: 15,
          startsOn: '',
          endsOn: '',
          presenceRadiusM: DEFAULT_PRESENCE_RADIUS_M,
        },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setFailure(undefined);
    setSaved(false);
    try {
      const input = toRoundInput(values);
      if (round && onUpdate) {
        const patch: RoundPatch = {};
        for (const field of [
          'name',
          'rubricVersion',
          'rectifyBelow',
          'rectifyDays',
          'startsOn',
          'endsOn',
          'presenceRadiusM',
        ] as const) {
          if (input[field] !== round[field]) Object.assign(patch, { [field]: input[field] });
        }
        await onUpdate(patch);
      } else if (onCreate) {
        await onCreate(input);
        form.reset();
      }
      setSaved(true);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  });

  const field = (name: FieldName, input: React.ReactNode, hint?: string) => (
    <Field label={t(`roundForm.${name}`)}>
      {input}
      {hint && <span className="muted field__hint">{hint}</span>}
      {errors[name] && <span className="field__error">{t(`roundForm.invalid.${name}`)}</span>}
    </Field>
  );
  const invalid = (name: FieldName) => (errors[name] ? true : undefined);

  return (
    <form className="office-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="office-form__grid">
        {!round &&
          field(
            'id',
            <input className="field__input" aria-invalid={invalid('id')} {...form.register('id')} />,
            t('roundForm.idHint'),
          )}
        {field('name', <input className="field__input" aria-invalid={invalid('name')} {...form.register('name')} />)}
        {field(
          'rubricVersion',
          <input
            className="field__input"
            disabled={locked}
            aria-invalid={invalid('rubricVersion')}
            {...form.register('rubricVersion')}
          />,
        )}
        {field(
          'rectifyBelow',
          <input
            className="field__input"
            type="number"
            min={0}
            max={100}
            step="0.01"
            disabled={locked}
            aria-invalid={invalid('rectifyBelow')}
            {...form.register('rectifyBelow', { valueAsNumber: true })}
          />,
          t('roundForm.rectifyBelowHint'),
        )}
        {field(
          'rectifyDays',
          <input
            className="field__input"
            type="number"
            min={1}
            max={365}
            step={1}
            disabled={locked}
            aria-invalid={invalid('rectifyDays')}
            {...form.register('rectifyDays', { valueAsNumber: true })}
          />,
        )}
        {field(
          'presenceRadiusM',
          <input
            className="field__input"
            type="number"
            min={10}
            max={10_000}
            step={1}
            disabled={locked}
            aria-invalid={invalid('presenceRadiusM')}
            {...form.register('presenceRadiusM', { valueAsNumber: true })}
          />,
          t('roundForm.presenceRadiusMHint'),
        )}
        {field(
          'startsOn',
          <input
            className="field__input"
            type="date"
            aria-invalid={invalid('startsOn')}
            {...form.register('startsOn')}
          />,
        )}
        {field(
          'endsOn',
          <input className="field__input" type="date" aria-invalid={invalid('endsOn')} {...form.register('endsOn')} />,
        )}
      </div>
      {locked && <p className="muted">{t('roundForm.lockedHint')}</p>}
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      {saved && !failure && (
        <p className="notice notice--ok" role="status">
          {round ? t('roundForm.saved') : t('roundForm.created')}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={isSubmitting}>
        {isSubmitting ? t('common.saving') : round ? t('roundForm.save') : t('roundForm.create')}
      </button>
    </form>
  );
}
