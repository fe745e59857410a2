/**
 * The district ranking as a horizontal bar chart (Chart.js, only the bar parts registered,
 * loaded with the chart). Districts in rank order, average score per bar; the same figures
 * are in the district table beside it, and in the canvas's text alternative.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { DistrictTally } from '../../../../domain/report';

/** Bar colours: the three best-ranked districts, the others. */
export const TOP_COLOR = '#b71c1c';
export const OTHER_COLOR = '#8a8a8a';

/**
 * Where the score axis starts: ten below the lowest average's tens (86 → 70), never below 0, so
 * that close averages stay apart. The chart says so under it: bars do not start at zero.
 */
export function axisStart(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(0, Math.floor(Math.min(...values) / 10) * 10 - 10);
}

export function DistrictChart({ districts }: { districts: readonly DistrictTally[] }) {
  const { t } = useTranslation('office');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  const ranked = districts.filter((row) => row.averageScore !== null);
  const labels = ranked.map((row) => `${row.rank}. ${row.district}`);
  const values = ranked.map((row) => row.averageScore!);
  const low = axisStart(values);
  const key = JSON.stringify([labels, values]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || labels.length === 0) return;
    let chart: { destroy(): void } | undefined;
    let live = true;
    void import('chart.js')
      .then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip }) => {
        if (!live) return;
        Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
        chart = new Chart(element, {
          type: 'bar',
          data: {
            labels,
            datasets: [
              {
                label: t('report.average'),
                data: values,
                backgroundColor: ranked.map((row) => (row.rank! <= 3 ? TOP_COLOR : OTHER_COLOR)),
                borderRadius: 3,
              },
            ],
          },
          options: {
            indexAxis: 'y',
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            scales: { x: { min: low, max: 100, title: { display: true, text: t('report.axisTitle', { low }) } } },
            plugins: { tooltip: { enabled: true } },
          },
        });
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      chart?.destroy();
    };
    // `key` stands for labels and values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, t]);

  if (ranked.length === 0) return <p className="muted">{t('report.noRanking')}</p>;
  const summary = ranked.map((row) => `${row.rank}. ${row.district} ${row.averageScore}`).join('; ');
  return (
    <figure className="district-chart" data-testid="district-chart">
      <figcaption>{t('report.chart')}</figcaption>
      {failed ? (
        <p className="muted">{summary}</p>
      ) : (
        <>
          <div className="district-chart__canvas" style={{ height: Math.max(160, ranked.length * 36 + 56) }}>
            <canvas ref={canvas} role="img" aria-label={`${t('report.chart')}: ${summary}`} />
          </div>
          <p className="district-chart__note" data-testid="chart-note">
            <span className="chart-key">
              <span className="chart-key__swatch" style={{ background: TOP_COLOR }} aria-hidden="true" />
              {t('report.legendTop')}
            </span>
            <span className="chart-key">
              <span className="chart-key__swatch" style={{ background: OTHER_COLOR }} aria-hidden="true" />
              {t('report.legendOther')}
            </span>
            <span>{low > 0 ? t('report.axisFrom', { low }) : t('report.axisFromZero')}</span>
          </p>
        </>
      )}
    </figure>
  );
}
