/** The tally columns (sites, inspected, full marks, to rectify, average) shared by the office's ranking tables. */
import type { ReactNode } from 'react';
import { useTranslation } from '../../../i18n';
import type { DistrictTally } from '../../../../domain/report';
import { NumericHeads } from '../../../ui/NumericHeads';
import { formatScore } from './format';

/** A tally's counts and average as table cells: report tables and the published ranking. */
export function TallyCells({
  row,
  average,
}: {
  row: { sites: number; inspected: number; fullMarks: number; toRectify: number; averageScore: number | null };
  /** The average's cell, when it is shown otherwise than as a number. */
  average?: ReactNode;
}) {
  return (
    <>
      <td className="num">{row.sites}</td>
      <td className="num">{row.inspected}</td>
      <td className="num">{row.fullMarks}</td>
      <td className="num">{row.toRectify}</td>
      {average ?? <td className="num">{formatScore(row.averageScore)}</td>}
    </>
  );
}

/** The headers of `TallyCells`' columns. */
export function TallyHeads() {
  const { t } = useTranslation('office');
  return (
    <NumericHeads
      labels={[
        t('report.sites'),
        t('report.inspected'),
        t('report.fullMarks'),
        t('report.toRectify'),
        t('report.average'),
      ]}
    />
  );
}

/** Districts by rank with their tallies: the report's table and the published ranking differ only in the average. */
export function DistrictRankTable({
  districts,
  caption,
  className,
  testId,
  average,
}: {
  districts: readonly DistrictTally[];
  caption?: string;
  className: string;
  testId: string;
  /** The average's cell of a row, when it is shown otherwise than as a number. */
  average?: (row: DistrictTally) => ReactNode;
}) {
  const { t } = useTranslation('office');
  return (
    <table className={className} data-testid={testId}>
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
            <TallyCells row={row} average={average?.(row)} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
