/**
 * The results sheet of a round as a CSV stream (`GET /api/rounds/{roundId}/exports/results.csv`):
 * one line per in-scope site — inspected or not — with its current result, the office export's
 * columns and cells (domain/result-sheet.ts), by district (Chinese collation), type, then site id.
 * Written a thousand sites at a time from the kept results (`site_results`, `site_result_items`),
 * never from stored bodies, so 100,000 sites stream with the memory of one batch.
 */
import type { Kysely } from 'kysely';
import { CSV_BOM, csvLine } from '../../domain/csv';
import { SITE_TYPE_ORDER } from '../../domain/item-sheet';
import { mustRectify } from '../../domain/report';
import { storedFlags } from '../../domain/presence';
import { RESULT_SHEET_HEADER, resultSheetRow, type ResultSheetSite } from '../../domain/result-sheet';
import type { Database, Row } from '../storage/schema';
import { assignedInRound } from './round-scope';

/** Sites per batch: the rows held at once. */
export const RESULT_EXPORT_BATCH = 1_000;

export interface ResultExport {
  /** Lines after the header: what a client counts to show progress. */
  rows: number;
  chunks: AsyncGenerator<string>;
}

export async function resultExport(
  db: Kysely<Database>,
  round: Pick<Row<'rounds'>, 'id' | 'rectify_below'>,
): Promise<ResultExport> {
  const sites = await db
    .selectFrom('sites')
    .where(assignedInRound(round.id, 'sites.id'))
    .select(['id', 'name', 'district', 'type'])
    .execute();
  const zh = new Intl.Collator('zh-CN');
  const byDefault = new Intl.Collator();
  sites.sort(
    (a, b) =>
      zh.compare(a.district, b.district) ||
      SITE_TYPE_ORDER[a.type] - SITE_TYPE_ORDER[b.type] ||
      byDefault.compare(a.id, b.id),
  );
  return { rows: sites.length, chunks: lines(db, round, sites) };
}

async function* lines(
  db: Kysely<Database>,
  round: Pick<Row<'rounds'>, 'id' | 'rectify_below'>,
  sites: readonly ResultSheetSite[],
) {
  yield CSV_BOM + csvLine(RESULT_SHEET_HEADER);
  for (let start = 0; start < sites.length; start += RESULT_EXPORT_BATCH) {
    const batch = sites.slice(start, start + RESULT_EXPORT_BATCH);
    const ids = batch.map((site) => site.id);
    const [results, deductions] = await Promise.all([
      db
        .selectFrom('site_results')
        .innerJoin('users', 'users.id', 'site_results.inspector_id')
        .where('site_results.round_id', '=', round.id)
        .where('site_results.site_id', 'in', ids)
        .select([
          'site_results.site_id',
          'site_results.score',
          'site_results.full_marks',
          'site_results.submitted_at',
          'site_results.revision',
          'site_results.flags_json',
          'users.display_name',
        ])
        .execute(),
      // Every kept item row is one that lost points (grades below A).
      db
        .selectFrom('site_result_items')
        .where('round_id', '=', round.id)
        .where('site_id', 'in', ids)
        .groupBy('site_id')
        .select((eb) => ['site_id', eb.fn.countAll<number | string>().as('deductions')])
        .execute(),
    ]);
    const bySite = new Map(results.map((result) => [result.site_id, result]));
    const deducted = new Map(deductions.map((row) => [row.site_id, Number(row.deductions)]));
    let text = '';
    for (const site of batch) {
      const result = bySite.get(site.id);
      text += csvLine(
        resultSheetRow(
          site,
          result && {
            score: result.score,
            fullMarks: result.full_marks === 1,
            mustRectify: mustRectify({ rectifyBelow: round.rectify_below }, result.score),
            deductions: deducted.get(site.id) ?? 0,
            inspectorName: result.display_name,
            submittedAt: result.submitted_at,
            revision: result.revision,
            flags: storedFlags(result.flags_json),
          },
        ),
      );
    }
    yield text;
  }
}
