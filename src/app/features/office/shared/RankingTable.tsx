/** The district ranking as a table with a bar per average: shared by the publish page and the public page. */
import type { DistrictTally } from '../../../../domain/report';
import { formatScore } from './format';
import { DistrictRankTable } from './tally';

export function RankingTable({ districts, caption }: { districts: readonly DistrictTally[]; caption?: string }) {
  return (
    <DistrictRankTable
      districts={districts}
      caption={caption}
      className="data-table ranking-table"
      testId="ranking-table"
      average={(row) => (
        <td>
          <span className="score-bar">
            <span className="score-bar__fill" style={{ width: `${row.averageScore ?? 0}%` }} aria-hidden="true" />
            <span className="score-bar__value">{formatScore(row.averageScore)}</span>
          </span>
        </td>
      )}
    />
  );
}
