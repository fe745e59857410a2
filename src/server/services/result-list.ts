/**
 * The office's results list a page at a time (`GET /api/rounds/{roundId}/result-list`): each
 * in-scope site's current result (`site_results`) with its site and inspector, filtered, sorted
 * and counted in SQL, so a round of 100,000 inspections answers with the rows on screen instead
 * of the whole round. Filters are the results page's (a search in site names and ids, district,
 * type, full marks, to rectify, inspector, Shanghai submission dates, score bounds).
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import * as z from 'zod/mini';
import { storedFlags } from '../../domain/presence';
import { RESULT_LIST_SORTS, type ResultListPage } from '../../domain/result-list';
import { SITE_TYPES } from '../../domain/rubric';
import { dateSchema } from '../../domain/wire';
import type { Database, Row } from '../storage/schema';

export { RESULT_LIST_SORTS, type ResultListPage, type ResultListRow } from '../../domain/result-list';
import { assignedInRound } from './round-scope';

const scoreBound = z.pipe(
  z.string().check(z.regex(/^\d{1,3}(\.\d{1,2})?$/, 'a score 0–100 with at most two decimals')),
  z.transform(Number),
);

export const resultListQuerySchema = z.object({
  offset: z.optional(z.pipe(z.string().check(z.regex(/^\d{1,7}$/)), z.transform(Number))),
  limit: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,4}$/)), z.transform(Number)),
      z.number().check(z.gte(1), z.lte(1000)),
    ),
  ),
  sort: z.optional(z.enum(RESULT_LIST_SORTS)),
  direction: z.optional(z.enum(['asc', 'desc'])),
  q: z.optional(z.string().check(z.maxLength(100))),
  district: z.optional(z.string().check(z.maxLength(50))),
  type: z.optional(z.enum(SITE_TYPES)),
  fullMarks: z.optional(z.enum(['yes', 'no'])),
  rectify: z.optional(z.enum(['yes', 'no'])),
  inspectorId: z.optional(z.string().check(z.maxLength(100))),
  from: z.optional(dateSchema),
  to: z.optional(dateSchema),
  minScore: z.optional(scoreBound),
  maxScore: z.optional(scoreBound),
  /** Proof of presence: `yes` at least one flag, `no` clean (checked, no flag). */
  flagged: z.optional(z.enum(['yes', 'no'])),
});
export type ResultListQuery = z.infer<typeof resultListQuerySchema>;

/** The UTC instant at which a Shanghai calendar date begins (UTC+8 all year). */
function shanghaiMidnight(date: string, addDays = 0): string {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return new Date(start + addDays * 86_400_000).toISOString();
}

/** `%`, `_` and `\` in a LIKE pattern taken literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export async function resultListPage(
  db: Kysely<Database>,
  round: Pick<Row<'rounds'>, 'id' | 'rectify_below'>,
  query: ResultListQuery,
): Promise<ResultListPage> {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 100;
  const filtered = filteredResults(db, round, query);
  const sort = query.sort ?? 'submittedAt';
  const direction = query.direction ?? 'desc';
  const column = {
    site: 'sites.name',
    district: 'sites.district',
    type: 'sites.type',
    score: 'site_results.score',
    fullMarks: 'site_results.full_marks',
    inspector: 'users.display_name',
    submittedAt: 'site_results.submitted_at',
    receivedAt: 'site_results.received_at',
  } as const;
  const [count, rows] = await Promise.all([
    filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    filtered
      .select([
        'site_results.inspection_id',
        'site_results.revision',
        'site_results.site_id',
        'sites.name',
        'sites.district',
        'sites.type',
        'site_results.inspector_id',
        'users.display_name',
        'site_results.submitted_at',
        'site_results.received_at',
        'site_results.score',
        'site_results.full_marks',
        'site_results.flags_json',
        'site_results.time_on_site_s',
      ])
      // Ties: newest arrival first, then site id, so pages never overlap or skip.
      .orderBy(column[sort], direction)
      .$if(sort !== 'receivedAt', (q) => q.orderBy('site_results.received_at', 'desc'))
      .orderBy('site_results.site_id')
      .limit(limit)
      .offset(offset)
      .execute(),
  ]);
  return {
    total: Number(count.total),
    offset,
    rows: rows.map((row) => ({
      inspectionId: row.inspection_id,
      revision: row.revision,
      siteId: row.site_id,
      siteName: row.name,
      district: row.district,
      type: row.type,
      inspectorId: row.inspector_id,
      inspectorName: row.display_name,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      score: row.score,
      fullMarks: row.full_marks === 1,
      mustRectify: row.score < round.rectify_below,
      flags: storedFlags(row.flags_json),
      timeOnSiteS: row.time_on_site_s,
    })),
  };
}

function filteredResults(
  db: Kysely<Database>,
  round: Pick<Row<'rounds'>, 'id' | 'rectify_below'>,
  query: ResultListQuery,
): SelectQueryBuilder<Database, 'site_results' | 'sites' | 'users', object> {
  const needle = query.q?.trim().toLowerCase();
  return (
    db
      .selectFrom('site_results')
      .innerJoin('sites', 'sites.id', 'site_results.site_id')
      .innerJoin('users', 'users.id', 'site_results.inspector_id')
      .where('site_results.round_id', '=', round.id)
      .where(assignedInRound(round.id, 'site_results.site_id'))
      .$if(Boolean(needle), (q) =>
        q.where(() => {
          const pattern = `%${likeLiteral(needle!)}%`;
          return sql<boolean>`(lower(sites.name) like ${pattern} escape '\\' or lower(sites.id) like ${pattern} escape '\\')`;
        }),
      )
      .$if(Boolean(query.district), (q) => q.where('sites.district', '=', query.district!))
      .$if(query.type !== undefined, (q) => q.where('sites.type', '=', query.type!))
      .$if(query.fullMarks !== undefined, (q) =>
        q.where('site_results.full_marks', '=', query.fullMarks === 'yes' ? 1 : 0),
      )
      .$if(query.rectify !== undefined, (q) =>
        q.where('site_results.score', query.rectify === 'yes' ? '<' : '>=', round.rectify_below),
      )
      .$if(Boolean(query.inspectorId), (q) => q.where('site_results.inspector_id', '=', query.inspectorId!))
      .$if(query.from !== undefined, (q) => q.where('site_results.submitted_at', '>=', shanghaiMidnight(query.from!)))
      .$if(query.to !== undefined, (q) => q.where('site_results.submitted_at', '<', shanghaiMidnight(query.to!, 1)))
      .$if(query.minScore !== undefined, (q) => q.where('site_results.score', '>=', query.minScore!))
      .$if(query.maxScore !== undefined, (q) => q.where('site_results.score', '<=', query.maxScore!))
      // Flags are stored as JSON text: `[]` is clean, null never checked, anything else flagged.
      .$if(query.flagged === 'yes', (q) =>
        q.where('site_results.flags_json', 'is not', null).where('site_results.flags_json', '!=', '[]'),
      )
      .$if(query.flagged === 'no', (q) => q.where('site_results.flags_json', '=', '[]'))
  );
}
