/**
 * The round report from storage. Each site's current result is kept as a row when an inspection
 * arrives (`site_results`, `site_result_items`, services/site-results.ts), so the report is a
 * few aggregate queries over those rows — its cost grows with the round, and no stored
 * inspection body is read. The domain's helpers (`tallyOf`, `rankDistricts`, the sort orders)
 * finish the figures exactly as its `buildRoundReport` does; that function itself still builds
 * the report as of a cut-off older than the round's last arrival (an old published ranking).
 */
import type { Kysely } from 'kysely';
import { dueOn } from '../../domain/dates';
import {
  buildRoundReport,
  rankDistricts,
  rectificationKey,
  sortCommonProblems,
  sortRectifications,
  tallyOf,
  type RoundReport,
  type Tally,
  type TallySums,
} from '../../domain/report';
import { SITE_TYPES, type SiteType } from '../../domain/rubric';
import type { RubricStore } from '../rubric-store';
import type { Database, Row } from '../storage/schema';
import { addExamplePhotos } from './report-photos';
import { assignedInRound } from './round-scope';
import { inspectionResultOf } from './result-rows';
import { awaitingReview } from './reviews';

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
  const titles = new Map(
    Object.values(rubrics.get(round.rubric_version)?.types ?? {}).flatMap((file) =>
      file.items.map((item) => [item.id, item.title] as const),
    ),
  );
  const itemTitle = (itemId: string) => titles.get(itemId) ?? itemId;
  const { receivedUpTo } = options;
  // A cut-off before the last arrival (a ranking published before migration 0008, built on its
  // first public read) needs the results as they were then: chosen among the stored revisions.
  if (receivedUpTo !== undefined && (await receivedAfter(db, roundId, receivedUpTo))) {
    return reportFromInspections(db, round, itemTitle, receivedUpTo);
  }
  const report = await reportFromSiteResults(db, round, itemTitle);
  // The kept results already hold approved revisions only in such a round; say what waits.
  if (round.approved_only === 1) report.awaitingReview = await awaitingReview(db, roundId);
  const perProblem = options.examplePhotos ?? 3;
  if (perProblem > 0) await addExamplePhotos(db, roundId, report, perProblem);
  return report;
}

/** True when an inspection of the round arrived after `instant`. */
async function receivedAfter(db: Kysely<Database>, roundId: string, instant: string): Promise<boolean> {
  const row = await db
    .selectFrom('inspections')
    .select('id')
    .where('round_id', '=', roundId)
    .where('received_at', '>', instant)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The report from the kept results (`site_results`, `site_result_items`): counts summed in SQL
 * per type and district, common problems counted in SQL, the rectification list joined with the
 * stored rectifications — the domain's own helpers finish each (averages, ranks, order), so the
 * figures are those of `buildRoundReport`.
 */
async function reportFromSiteResults(
  db: Kysely<Database>,
  round: Row<'rounds'>,
  itemTitle: (itemId: string) => string,
): Promise<RoundReport> {
  const roundId = round.id;
  // The scope's sites per type and district (a covering index scan of sites, one probe of the
  // assignments index each), then the inspected ones' sums: summed apart, joined in JS.
  const [scope, inspected, problems, listed] = await Promise.all([
    db
      .selectFrom('sites')
      .where(assignedInRound(roundId, 'sites.id'))
      .select((eb) => ['sites.type', 'sites.district', eb.fn.countAll<number>().as('sites')])
      .groupBy(['sites.type', 'sites.district'])
      .execute(),
    db
      .selectFrom('site_results')
      .innerJoin('sites', 'sites.id', 'site_results.site_id')
      .where('site_results.round_id', '=', roundId)
      .where(assignedInRound(roundId, 'site_results.site_id'))
      .select((eb) => [
        'sites.type',
        'sites.district',
        eb.fn.countAll<number>().as('inspected'),
        eb.fn.sum<number>('site_results.full_marks').as('full_marks'),
        eb.fn
          .sum<number>(eb.case().when('site_results.score', '<', round.rectify_below).then(1).else(0).end())
          .as('to_rectify'),
        eb.fn.sum<number>('site_results.score_hundredths').as('hundredths'),
      ])
      .groupBy(['sites.type', 'sites.district'])
      .execute(),
    db
      .selectFrom('site_result_items')
      .where('site_result_items.round_id', '=', roundId)
      .where(assignedInRound(roundId, 'site_result_items.site_id'))
      .select((eb) => ['site_result_items.item_id', eb.fn.countAll<number>().as('sites')])
      .groupBy('site_result_items.item_id')
      .execute(),
    db
      .selectFrom('site_result_items')
      .innerJoin('site_results', (join) =>
        join
          .onRef('site_results.round_id', '=', 'site_result_items.round_id')
          .onRef('site_results.site_id', '=', 'site_result_items.site_id'),
      )
      .leftJoin('rectifications', (join) =>
        join
          .onRef('rectifications.round_id', '=', 'site_result_items.round_id')
          .onRef('rectifications.site_id', '=', 'site_result_items.site_id')
          .onRef('rectifications.item_id', '=', 'site_result_items.item_id'),
      )
      .where('site_result_items.round_id', '=', roundId)
      .where('site_results.score', '<', round.rectify_below)
      .where(assignedInRound(roundId, 'site_result_items.site_id'))
      .select([
        'site_result_items.site_id',
        'site_result_items.item_id',
        'site_result_items.grade',
        'site_results.submitted_at',
        'rectifications.id',
        'rectifications.status',
      ])
      .execute(),
  ]);

  const byType = Object.fromEntries(
    SITE_TYPES.map((type) => [type, { sites: 0, inspected: 0, fullMarks: 0, toRectify: 0, hundredths: 0 }]),
  ) as Record<SiteType, TallySums>;
  const byDistrict = new Map<string, TallySums>();
  const zero = (): TallySums => ({ sites: 0, inspected: 0, fullMarks: 0, toRectify: 0, hundredths: 0 });
  const districtSums = (district: string) => {
    let sums = byDistrict.get(district);
    if (!sums) byDistrict.set(district, (sums = zero()));
    return sums;
  };
  for (const group of scope) {
    const sums = { ...zero(), sites: Number(group.sites) };
    add(byType[group.type], sums);
    add(districtSums(group.district), sums);
  }
  for (const group of inspected) {
    const sums = {
      ...zero(),
      inspected: Number(group.inspected),
      fullMarks: Number(group.full_marks),
      toRectify: Number(group.to_rectify),
      hundredths: Number(group.hundredths),
    };
    add(byType[group.type], sums);
    add(districtSums(group.district), sums);
  }

  const dueOnBySubmission = new Map<string, string>();
  const due = (submittedAt: string) => {
    let day = dueOnBySubmission.get(submittedAt);
    if (day === undefined) dueOnBySubmission.set(submittedAt, (day = dueOn(submittedAt, round.rectify_days)));
    return day;
  };
  return {
    roundId,
    byType: Object.fromEntries(SITE_TYPES.map((type) => [type, tallyOf(byType[type])])) as Record<SiteType, Tally>,
    byDistrict: rankDistricts([...byDistrict].map(([district, sums]) => ({ district, ...tallyOf(sums) }))),
    commonProblems: sortCommonProblems(
      problems.map((row) => ({ itemId: row.item_id, title: itemTitle(row.item_id), sites: Number(row.sites) })),
    ),
    rectifications: sortRectifications(
      listed.map((row) => ({
        id: row.id ?? rectificationKey(roundId, row.site_id, row.item_id),
        siteId: row.site_id,
        itemId: row.item_id,
        grade: row.grade,
        dueOn: due(row.submitted_at),
        status: row.status ?? 'open',
      })),
    ),
  };
}

function add(into: TallySums, sums: TallySums): void {
  into.sites += sums.sites;
  into.inspected += sums.inspected;
  into.fullMarks += sums.fullMarks;
  into.toRectify += sums.toRectify;
  into.hundredths += sums.hundredths;
}

/**
 * The report from every stored revision (received up to `receivedUpTo`, when given), the domain
 * choosing each site's result: a cut-off before the round's last arrival, and the tests' reference.
 */
export async function reportFromInspections(
  db: Kysely<Database>,
  round: Row<'rounds'>,
  itemTitle: (itemId: string) => string,
  receivedUpTo?: string,
): Promise<RoundReport> {
  const [sites, inspections, stored] = await Promise.all([
    scopeSites(db, round.id),
    db
      .selectFrom('inspections')
      .select(['id', 'revision', 'site_id', 'submitted_at', 'received_at', 'score', 'full_marks', 'deductions_json'])
      .where('round_id', '=', round.id)
      .$if(receivedUpTo !== undefined, (query) => query.where('received_at', '<=', receivedUpTo!))
      .$if(round.approved_only === 1, (query) => query.where('review_state', '=', 'approved'))
      .execute(),
    db
      .selectFrom('rectifications')
      .select(['id', 'site_id', 'item_id', 'status'])
      .where('round_id', '=', round.id)
      .execute(),
  ]);
  const states = new Map(
    stored.map((row) => [`${row.site_id}\u0000${row.item_id}`, { id: row.id, status: row.status }]),
  );
  return buildRoundReport({
    round: { id: round.id, rectifyBelow: round.rectify_below, rectifyDays: round.rectify_days },
    sites,
    results: inspections.map(inspectionResultOf),
    itemTitle,
    rectificationState: (siteId, itemId) => states.get(`${siteId}\u0000${itemId}`),
  });
}

/** A round's scope: the distinct sites assigned in it. */
export async function scopeSites(db: Kysely<Database>, roundId: string) {
  return db
    .selectFrom('sites')
    .select(['id', 'type', 'district'])
    .where('id', 'in', db.selectFrom('assignments').select('site_id').where('round_id', '=', roundId))
    .execute();
}
