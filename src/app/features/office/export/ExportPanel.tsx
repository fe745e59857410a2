/**
 * Exports of the round: results, per-item scores and the rectification list as CSV (UTF-8 with
 * BOM, for Excel and WPS) or all three in one XLSX workbook; the responsible units' figures
 * (#17) as the server's CSV.
 *
 * The results and per-item CSVs are streamed by the server (`exports/results.csv`,
 * `exports/items.csv`: 100,000 sites, 2,000,000 item lines) and saved as they arrive, with the
 * share received shown on the button; the page never holds the rows. The rectification list
 * (small) and the XLSX workbook are built here from fresh data (`GET /results`, the report). The
 * workbook is not streamed: the library writes it in memory, and at a province's size the
 * per-item sheet would not fit an Excel sheet anyway (2,000,000 lines against 1,048,576), so
 * beyond that limit the workbook leaves it out and says so.
 */
import { useRef, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { DownloadProgress } from '../../../api/api-client';
import { useRound } from '../rounds/round-context';
import { saveBlob, safeFileName } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { cityToday } from '../shared/format';
import { useOffice } from '../shared/office-context';
import { csvBlob } from './csv';
import { itemRows, rectificationRows, resultRows, type ExportContext } from './export-rows';
import { xlsxBlob, type SheetSpec } from './xlsx';

type Kind = 'results' | 'items' | 'rectifications' | 'unitFigures' | 'xlsx';

/** Rows one Excel sheet holds, its header included. */
export const EXCEL_MAX_ROWS = 1_048_576;

/** The file names' sheet part, as the office names its files. */
const SHEET_NAMES = { results: '测评结果', items: '分项得分', unitFigures: '整改指标' } as const;

export function ExportPanel() {
  const { t } = useTranslation('office');
  const { api, now } = useOffice();
  const { round, sites, siteById, userName } = useRound();
  const [busy, setBusy] = useState<Kind>();
  const [percent, setPercent] = useState<number>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const shownPercent = useRef<number>(undefined);

  /** Re-renders only when the whole percentage changes: a 2,000,000-line file arrives in thousands of chunks. */
  const onProgress = ({ rows, total }: DownloadProgress) => {
    if (!total) return;
    const next = Math.min(100, Math.floor((rows / total) * 100));
    if (next === shownPercent.current) return;
    shownPercent.current = next;
    setPercent(next);
  };

  const context = async (): Promise<ExportContext> => {
    const [results, report, rubric] = await Promise.all([
      api.results(round.id),
      api.report(round.id),
      api.rubric(round.rubricVersion),
    ]);
    return { round, sites, userName, report, results, rubric, today: cityToday(now()) };
  };

  const workbook = async (base: string) => {
    const data = await context();
    const sheets: SheetSpec[] = [resultRows(data)];
    const itemLines = data.results.reduce((sum, result) => {
      const site = siteById.get(result.siteId);
      return sum + (site ? data.rubric.types[site.type].items.length : 0);
    }, 0);
    if (itemLines + 1 <= EXCEL_MAX_ROWS) sheets.push(itemRows(data));
    else setNotice(t('exports.itemsTooMany', { rows: itemLines.toLocaleString('en-US') }));
    sheets.push(rectificationRows(data));
    saveBlob(await xlsxBlob(sheets), `${base}.xlsx`);
  };

  const run = async (kind: Kind) => {
    setBusy(kind);
    setFailure(undefined);
    setNotice(undefined);
    shownPercent.current = undefined;
    setPercent(undefined);
    const base = safeFileName(round.name);
    try {
      if (kind === 'results' || kind === 'items') {
        const blob = await api.exportCsv(round.id, kind, { onProgress });
        saveBlob(blob, `${base}-${SHEET_NAMES[kind]}.csv`);
      } else if (kind === 'unitFigures') {
        // 按期整改率 and the other rates per district and unit, counted by the server (#17).
        saveBlob(await api.unitFiguresCsv(round.id), `${base}-${SHEET_NAMES.unitFigures}.csv`);
      } else if (kind === 'rectifications') {
        const table = rectificationRows(await context());
        saveBlob(csvBlob(table.rows), `${base}-${table.name}.csv`);
      } else {
        await workbook(base);
      }
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(undefined);
    }
  };
  const button = (kind: Kind, label: string) => (
    <button type="button" className="button" disabled={busy !== undefined} onClick={() => void run(kind)}>
      {busy !== kind ? label : percent === undefined ? t('exports.working') : t('exports.progress', { percent })}
    </button>
  );
  return (
    <section className="office-card no-print" aria-labelledby="exports-title">
      <h2 id="exports-title">{t('exports.title')}</h2>
      <p className="muted">{t('exports.hint')}</p>
      <div className="toolbar toolbar--wrap">
        {button('results', t('exports.resultsCsv'))}
        {button('items', t('exports.itemsCsv'))}
        {button('rectifications', t('exports.rectificationsCsv'))}
        {button('unitFigures', t('exports.unitFiguresCsv'))}
        {button('xlsx', t('exports.xlsx'))}
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
