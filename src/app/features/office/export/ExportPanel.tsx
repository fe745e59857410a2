/**
 * Exports of the round: results, per-item scores and the rectification list as CSV (UTF-8 with
 * BOM, for Excel and WPS) or all three in one XLSX workbook. Fetched fresh when clicked: the
 * results with grades (`GET /api/rounds/{id}/results`) and the report.
 */
import { useState } from 'react';
import { useTranslation } from '../../../i18n';
import { useRound } from '../rounds/round-context';
import { saveBlob, safeFileName } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { cityToday } from '../shared/format';
import { useOffice } from '../shared/office-context';
import { csvBlob } from './csv';
import { itemRows, rectificationRows, resultRows, type ExportContext, type ExportTable } from './export-rows';
import { xlsxBlob } from './xlsx';

type Kind = 'results' | 'items' | 'rectifications' | 'xlsx';

export function ExportPanel() {
  const { t } = useTranslation('office');
  const { api, now } = useOffice();
  const { round, sites, userName } = useRound();
  const [busy, setBusy] = useState<Kind>();
  const [failure, setFailure] = useState<string>();

  const context = async (): Promise<ExportContext> => {
    const [results, report, rubric] = await Promise.all([
      api.results(round.id),
      api.report(round.id),
      api.rubric(round.rubricVersion),
    ]);
    return { round, sites, userName, report, results, rubric, today: cityToday(now()) };
  };
  const run = async (kind: Kind) => {
    setBusy(kind);
    setFailure(undefined);
    try {
      const data = await context();
      const base = safeFileName(round.name);
      const tables: Record<Exclude<Kind, 'xlsx'>, () => ExportTable> = {
        results: () => resultRows(data),
        items: () => itemRows(data),
        rectifications: () => rectificationRows(data),
      };
      if (kind === 'xlsx') {
        const sheets = [tables.results(), tables.items(), tables.rectifications()];
        saveBlob(await xlsxBlob(sheets), `${base}.xlsx`);
      } else {
        const table = tables[kind]();
        saveBlob(csvBlob(table.rows), `${base}-${table.name}.csv`);
      }
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(undefined);
    }
  };
  const button = (kind: Kind, label: string) => (
    <button type="button" className="button" disabled={busy !== undefined} onClick={() => void run(kind)}>
      {busy === kind ? t('exports.working') : label}
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
        {button('xlsx', t('exports.xlsx'))}
      </div>
      {failure && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
