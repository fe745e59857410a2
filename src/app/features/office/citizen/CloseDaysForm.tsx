/** The office's number of days to 办结 a report after 受理. */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from '../../../i18n';
import { createCitizenApi } from '../../../api/citizen-api';
import { useServices } from '../../../services';
import { useLoad } from '../shared/use-load';

export function CloseDaysForm() {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const settings = useLoad('citizen:settings', () => api.settings());
  const [days, setDays] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setFailed(undefined);
    try {
      await api.saveSettings({ closeDays: Number(days) });
      settings.reload();
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form className="inline-form" onSubmit={(event) => void save(event)}>
      <label>
        {t('citizen.closeDays')}{' '}
        <input
          type="number"
          min={1}
          max={60}
          value={days ?? settings.data?.closeDays ?? ''}
          onChange={(event) => setDays(event.target.value)}
        />
      </label>
      <button type="submit" className="button button--small" disabled={days === undefined}>
        {t('citizen.saveDays')}
      </button>
      {failed && <span className="notice notice--error">{t('citizen.action.failed', { message: failed })}</span>}
    </form>
  );
}
