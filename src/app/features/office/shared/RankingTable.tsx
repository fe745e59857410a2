/** The district ranking as a table with a bar per average: shared by the publish page and the public page. */
import { useTranslation } from 'react-i18next';
import type { DistrictTally } from '../../../../domain/report';
import { formatScore } from './format';
import { TallyCells, TallyHeads } from './tally';

export function RankingTable({ districts, caption }: { districts: readonly DistrictTally[]; caption?: string }) {
  const { t } = useTranslation('office');
  return (
    <table className="data-table ranking-table" data-testid="ranking-table">
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col" className="num">
            {t('report.rank')}
          </th>
          <th scope="col">{t('report.district')}</th>
          <TallyHeads />
        </tr>
      </thead>
      <tbody>
        {districts.map((row) => (
          <tr key={row.district}>
            <td className="num">{row.rank ?? '—'}</td>
            <th scope="row">{row.district}</th>
            <TallyCells
              row={row}
              average={
                <td>
                  <span className="score-bar">
                    <span
                      className="score-bar__fill"
                      style={{ width: `${row.averageScore ?? 0}%` }}
                      aria-hidden="true"
                    />
                    <span className="score-bar__value">{formatScore(row.averageScore)}</span>
                  </span>
                </td>
              }
            />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
