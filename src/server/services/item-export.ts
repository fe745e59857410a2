/**
 * The per-item score sheet of a round as a CSV stream (`GET /api/rounds/{roundId}/exports/items.csv`):
 * one line per rubric item of each in-scope site's result — 2,000,000 lines for 100,000 sites at
 * 20 items — written a few hundred sites at a time, so the server holds one batch of stored
 * bodies, never the sheet. The columns, cells and order are those of the office's own export
 * (src/app/features/office/export/export-rows.ts `itemRows`): by district (Chinese collation),
 * type, then site id.
 */
import type { Kysely } from 'kysely';
import { CSV_BOM, csvLine } from '../../domain/csv';
import { ITEM_SHEET_HEADER, itemSheetRow, SITE_TYPE_ORDER } from '../../domain/item-sheet';
import { flagsCell, storedFlags } from '../../domain/presence';
import type { Rubric } from '../../domain/rubric';
import type { Answer } from '../../domain/wire';
import type { Database } from '../storage/schema';
import { assignedInRound } from './round-scope';

/** Sites per batch: their bodies are the only stored data held at once. */
export const EXPORT_BATCH = 250;

export interface ItemExport {
  /** Lines after the header: what a client counts to show progress. */
  rows: number;
  chunks: AsyncGenerator<string>;
}

export async function itemExport(db: Kysely<Database>, rubric: Rubric, roundId: string): Promise<ItemExport> {
  const sites = await db
    .selectFrom('site_results')
    .innerJoin('sites', 'sites.id', 'site_results.site_id')
    .where('site_results.round_id', '=', roundId)
    .where(assignedInRound(roundId, 'site_results.site_id'))
    .select(['sites.id', 'sites.district', 'sites.type'])
    .execute();
  const zh = new Intl.Collator('zh-CN');
  const byDefault = new Intl.Collator();
  sites.sort(
    (a, b) =>
      zh.compare(a.district, b.district) ||
      SITE_TYPE_ORDER[a.type] - SITE_TYPE_ORDER[b.type] ||
      byDefault.compare(a.id, b.id),
  );
  const rows = sites.reduce((sum, site) => sum + rubric.types[site.type].items.length, 0);
  const ids = sites.map((site) => site.id);
  return { rows, chunks: lines(db, rubric, roundId, ids) };
}

async function* lines(db: Kysely<Database>, rubric: Rubric, roundId: string, ids: readonly string[]) {
  yield CSV_BOM + csvLine(ITEM_SHEET_HEADER);
  for (let start = 0; start < ids.length; start += EXPORT_BATCH) {
    const batch = ids.slice(start, start + EXPORT_BATCH);
    const stored = await db
      .selectFrom('site_results')
      .innerJoin('inspections', (join) =>
        join
          .onRef('inspections.id', '=', 'site_results.inspection_id')
          .onRef('inspections.revision', '=', 'site_results.revision'),
      )
      .innerJoin('sites', 'sites.id', 'site_results.site_id')
      .where('site_results.round_id', '=', roundId)
      .where('site_results.site_id', 'in', batch)
      .select([
        'sites.id',
        'sites.name',
        'sites.district',
        'sites.type',
        'inspections.body_json',
        'site_results.flags_json',
      ])
      .execute();
    const bySite = new Map(stored.map((row) => [row.id, row]));
    let text = '';
    for (const siteId of batch) {
      const site = bySite.get(siteId);
      if (!site) continue; // its result changed site between the two queries: impossible, but never a crash
      const { answers } = JSON.parse(site.body_json) as { answers: Answer[] };
      const byItem = new Map(answers.map((answer) => [answer.itemId, answer]));
      const file = rubric.types[site.type];
      const flags = flagsCell(storedFlags(site.flags_json));
      for (const item of file.items) {
        const answer = byItem.get(item.id);
        const row = itemSheetRow(
          site,
          file,
          item,
          {
            grade: answer?.grade,
            defects: answer?.defects ?? null,
            note: answer?.note || null,
          },
          flags,
        );
        text += csvLine(row);
      }
    }
    yield text;
  }
}
