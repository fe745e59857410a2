/** The tally columns (sites, inspected, full marks, to rectify, average) shared by the office's ranking tables. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
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
    <>
      <th scope="col" className="num">
        {t('report.sites')}
      </th>
      <th scope="col" className="num">
        {t('report.inspected')}
      </th>
      <th scope="col" className="num">
        {t('report.fullMarks')}
      </th>
      <th scope="col" className="num">
        {t('report.toRectify')}
      </th>
      <th scope="col" className="num">
        {t('report.average')}
      </th>
    </>
  );
}
