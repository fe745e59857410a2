/** Each 市民记者's accepted reports, for the office's recognition. */
import { useMemo } from 'react';
import { useTranslation } from '../../../i18n';
import { createCitizenApi } from '../../../api/citizen-api';
import { useServices } from '../../../services';
import { formatDateTime } from '../shared/format';
import { useLoad } from '../shared/use-load';

export function ReporterList() {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const reporters = useLoad('citizen:reporters', (signal) => api.reporters({ signal }));
  return (
    <section data-testid="citizen-reporters">
      <h2>{t('citizen.reporters.title')}</h2>
      {reporters.data?.length === 0 && <p className="muted">{t('citizen.reporters.empty')}</p>}
      <ul>
        {reporters.data?.map((reporter) => (
          <li key={reporter.userId}>
            <strong>{reporter.displayName}</strong> {t('citizen.reporters.accepted', { count: reporter.accepted })}
            <ul>
              {reporter.reports.map((report) => (
                <li key={report.id} className="muted">
                  {report.code} · {report.siteName} · {formatDateTime(report.receivedAt)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
