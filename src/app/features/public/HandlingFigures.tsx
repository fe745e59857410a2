/**
 * 市民反馈办理情况 on the public ranking page: per district, reports received, 受理率, 办结率,
 * average hours to close and satisfaction — figures only (the server sends nothing a resident
 * wrote). Shown under the published ranking, as the city's 12345 handling ranking is.
 */
import { useMemo } from 'react';
import { useTranslation } from '../../i18n';
import { createCitizenApi } from '../../api/citizen-api';
import { useServices } from '../../services';
import { useLoad } from '../office/shared/use-load';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const plain = (value: number | null) => (value === null ? '—' : String(value));

export function HandlingFigures() {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const handling = useLoad('public:handling', (signal) => api.handling({ signal }));
  if (!handling.data) return null;
  const { districts } = handling.data;
  return (
    <section data-testid="handling-figures">
      <h2>{t('handling.title')}</h2>
      {districts.length === 0 ? (
        <p className="muted">{t('handling.none')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('handling.district')}</th>
              <th scope="col">{t('handling.received')}</th>
              <th scope="col">{t('handling.acceptedRate')}</th>
              <th scope="col">{t('handling.closedRate')}</th>
              <th scope="col">{t('handling.hours')}</th>
              <th scope="col">{t('handling.satisfaction')}</th>
            </tr>
          </thead>
          <tbody>
            {districts.map((row) => (
              <tr key={row.district} data-testid="handling-row" data-district={row.district}>
                <th scope="row">{row.district}</th>
                <td>{row.received}</td>
                <td>{percent(row.acceptedRate)}</td>
                <td>{percent(row.closedRate)}</td>
                <td>{plain(row.averageHoursToClose)}</td>
                <td>{plain(row.satisfaction)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
