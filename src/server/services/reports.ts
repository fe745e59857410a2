/**
 * The round report from storage: one query each for the round's scope, its inspections and its
 * stored rectifications, then the domain's `buildRoundReport` — the same code the app uses, so
 * server and app can never disagree on a figure.
 */
import type { Kysely } from 'kysely';
import { buildRoundReport, latestResults, type InspectionResult, type RoundReport } from '../../domain/report';
import type { RubricStore } from '../rubric-store';
import type { Database } from '../storage/schema';
import { addExamplePhotos } from './report-photos';
import { inspectionResultOf } from './result-rows';

export interface RoundReportOptions {
  /** Count only inspections received up to this instant (a published ranking's cut-off). */
  receivedUpTo?: string;
  /** Photos per common problem (`commonProblems[].examplePhotos`); 0 leaves the field out. Default 3. */
  examplePhotos?: number;
}

export async function roundReport(
  db: Kysely<Database>,
  rubrics: RubricStore,
  roundId: string,
  options: RoundReportOptions = {},
): Promise<RoundReport | undefined> {
  const round = await db.selectFrom('rounds').selectAll().where('id', '=', roundId).executeTakeFirst();
  if (!round) return undefined;
  const { receivedUpTo } = options;
  const [sites, inspections, stored] = await Promise.all([
    scopeSites(db, roundId),
    db
      .selectFrom('inspections')
      .select(['id', 'revision', 'site_id', 'submitted_at', 'received_at', 'score', 'full_marks', 'deductions_json'])
      .where('round_id', '=', roundId)
      .$if(receivedUpTo !== undefined, (query) => query.where('received_at', '<=', receivedUpTo!))
      .execute(),
    db
      .selectFrom('rectifications')
      .select(['id', 'site_id', 'item_id', 'status'])
      .where('round_id', '=', roundId)
      .execute(),
  ]);
  const states = new Map(
    stored.map((row) => [`${row.site_id}\u0000${row.item_id}`, { id: row.id, status: row.status }]),
  );
  const titles = new Map(
    Object.values(rubrics.get(round.rubric_version)?.types ?? {}).flatMap((file) =>
      file.items.map((item) => [item.id, item.title] as const),
    ),
  );
  const results: InspectionResult[] = inspections.map(inspectionResultOf);
  const report = buildRoundReport({
    round: { id: round.id, rectifyBelow: round.rectify_below, rectifyDays: round.rectify_days },
    sites,
    results,
    itemTitle: (itemId) => titles.get(itemId) ?? itemId,
    rectificationState: (siteId, itemId) => states.get(`${siteId}\u0000${itemId}`),
  });
  const perProblem = options.examplePhotos ?? 3;
  if (perProblem > 0) {
    const inScope = new Set(sites.map((site) => site.id));
    const latest = latestResults(results.filter((result) => inScope.has(result.siteId)));
    await addExamplePhotos(db, roundId, report, [...latest.values()], perProblem);
  }
  return report;
}

/** A round's scope: the distinct sites assigned in it. */
export async function scopeSites(db: Kysely<Database>, roundId: string) {
  return db
    .selectFrom('sites')
    .select(['id', 'type', 'district'])
    .where('id', 'in', db.selectFrom('assignments').select('site_id').where('round_id', '=', roundId))
    .execute();
}
