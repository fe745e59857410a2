/**
 * The units' figures on the report page (#17): per district and per responsible unit, 按期整改率,
 * 返工率, 延期率, 申诉率 and 申诉改判率 with the counts they come from, then the totals
 * (`GET /api/rounds/{id}/unit-figures`, rules in domain/unit-figures.ts). Loads by itself, so a
 * round without units costs the report nothing but one small request.
 */
import { useTranslation } from '../../../i18n';
import type { LoopFigures, RoundLoopFigures } from '../../../../domain/unit-figures';
import { useRound } from '../rounds/round-context';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';

const RATES = ['onTimeRate', 'sentBackRate', 'extensionRate', 'objectionRate', 'upheldRate'] as const;

/** A rate as the office reads it: one decimal, and a dash where there is nothing to count. */
export const percentText = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);

export function UnitFiguresTable() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round } = useRound();
  const figures = useLoad<RoundLoopFigures>(`unit-figures:${round.id}`, (signal) => api.unitFigures(round.id, signal));
  if (!figures.data) return <LoadState error={figures.error} onRetry={figures.reload} />;
  const { totals, byDistrict, byUnit } = figures.data;
  if (totals.dispatched === 0) return <p className="muted">{t('unitFigures.none')}</p>;
  return (
    <table className="report-table" data-testid="unit-figures">
      <thead>
        <tr>
          <th scope="col">{t('unitFigures.name')}</th>
          <th scope="col" className="num">
            {t('unitFigures.dispatched')}
          </th>
          {RATES.map((rate) => (
            <th key={rate} scope="col" className="num">
              {t(`unitFigures.${rate}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {byDistrict.map((row) => (
          <FiguresRow key={`d:${row.district}`} name={t('unitFigures.district', { name: row.district })} row={row} />
        ))}
        {byUnit.map((row, index) => (
          <FiguresRow key={`u:${index}`} name={t('unitFigures.unit', { name: row.displayName })} row={row} />
        ))}
      </tbody>
      <tfoot>
        <FiguresRow name={t('unitFigures.total')} row={totals} />
      </tfoot>
    </table>
  );
}

function FiguresRow({ name, row }: { name: string; row: LoopFigures }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="num">{row.dispatched}</td>
      {RATES.map((rate) => (
        <td key={rate} className="num">
          {percentText(row[rate])}
        </td>
      ))}
    </tr>
  );
}
