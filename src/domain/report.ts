/**
 * The round report of API.md, computed from each site's result (its latest submitted
 * inspection): per type and per district — sites, inspected, full marks, to rectify, average —
 * the district ranking, the common problems and the rectification list with due dates.
 * Pure: the server feeds it rows from storage, the app feeds it what it has; both get the same
 * figures.
 */
import { dueOn } from './dates';
import type { AnswerGrade, Grade } from './grades';
import type { PresenceFlag } from './presence';
import { SITE_TYPES, type SiteType } from './rubric';

export interface ReportRound {
  id: string;
  rectifyBelow: number;
  rectifyDays: number;
}

export interface ReportSite {
  id: string;
  type: SiteType;
  district: string;
}

/** What picks a site's current result among its inspections (`latestResults`). */
export type ResultKey = Pick<InspectionResult, 'inspectionId' | 'revision' | 'siteId' | 'submittedAt' | 'receivedAt'>;

/** One submitted inspection, reduced to what ranking and reporting need. */
export interface InspectionResult {
  inspectionId: string;
  revision: number;
  siteId: string;
  submittedAt: string;
  receivedAt?: string;
  score: number;
  fullMarks: boolean;
  deductions: readonly { itemId: string; grade: Exclude<Grade, 'A'> }[];
}

export interface Tally {
  sites: number;
  inspected: number;
  fullMarks: number;
  toRectify: number;
  /** Mean score of the inspected sites, two decimals; null while none is inspected. */
  averageScore: number | null;
}

export interface DistrictTally extends Tally {
  district: string;
  /** 1-based, by average score, highest first; equal averages share a rank; null if none inspected. */
  rank: number | null;
}

export interface CommonProblem {
  itemId: string;
  title: string;
  sites: number;
  /** A few photos (sha256) of sites that lost points on the item; the server adds them. */
  examplePhotos?: string[];
  /** The site each example photo is from, index for index with `examplePhotos`. */
  exampleSites?: string[];
  /**
   * The thumbnail of each example photo (its inspection's `thumbnails`), index for index with
   * `examplePhotos`; null where the inspection named none (old data): draw the photo itself.
   */
  exampleThumbnails?: (string | null)[];
}

export type RectificationStatus = 'open' | 'closed';

export interface ReportRectification {
  id: string;
  siteId: string;
  itemId: string;
  grade: Exclude<Grade, 'A'>;
  dueOn: string;
  status: RectificationStatus;
}

export interface RoundReport {
  roundId: string;
  byType: Record<SiteType, Tally>;
  byDistrict: DistrictTally[];
  commonProblems: CommonProblem[];
  rectifications: ReportRectification[];
}

/**
 * A site's result with its answers per item, as `GET /api/rounds/{id}/results` sends it for
 * the office's exports (the per-item score sheet): the server builds it, the app reads it.
 */
export interface RoundResult {
  inspectionId: string;
  revision: number;
  siteId: string;
  inspectorId: string;
  submittedAt: string;
  receivedAt: string;
  score: number;
  fullMarks: boolean;
  grades: Record<string, AnswerGrade>;
  defects?: Record<string, number>;
  notes?: Record<string, string>;
  /** Proof-of-presence flags (`domain/presence.ts`); null when never checked, absent from older servers. */
  flags?: PresenceFlag[] | null;
  timeOnSiteS?: number | null;
}

export interface ReportInput {
  round: ReportRound;
  /** The round's scope: the sites assigned in it. */
  sites: readonly ReportSite[];
  /** Submitted inspections of the round; several per site are fine, the latest counts. */
  results: readonly InspectionResult[];
  /** Item titles for the common-problems list. */
  itemTitle: (itemId: string) => string;
  /** Stored state of a rectification, when the caller keeps one (the server does). */
  rectificationState?: (siteId: string, itemId: string) => { id: string; status: RectificationStatus } | undefined;
}

/** Stable key of a rectification: one per round, site and item. */
export function rectificationKey(roundId: string, siteId: string, itemId: string): string {
  return `${roundId}~${siteId}~${itemId}`;
}

/**
 * A site's result in a round is its latest submitted inspection: of one inspection's revisions
 * the highest; between inspections (two devices on one site) the latest `submittedAt`, then the
 * later arrival. Both inspections stay stored; this picks the one that counts.
 */
export function latestResults<T extends ResultKey>(results: readonly T[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const result of results) {
    const current = latest.get(result.siteId);
    if (!current || compareResults(result, current) > 0) latest.set(result.siteId, result);
  }
  return latest;
}

function compareResults(a: ResultKey, b: ResultKey): number {
  // Revisions of one inspection: the higher one replaces the lower, whatever the clocks say.
  if (a.inspectionId === b.inspectionId) return a.revision - b.revision;
  const byTime = Date.parse(a.submittedAt) - Date.parse(b.submittedAt);
  if (byTime !== 0) return byTime;
  return (a.receivedAt ?? '').localeCompare(b.receivedAt ?? '') || a.inspectionId.localeCompare(b.inspectionId);
}

export function mustRectify(round: Pick<ReportRound, 'rectifyBelow'>, score: number): boolean {
  return score < round.rectifyBelow;
}

export function buildRoundReport(input: ReportInput): RoundReport {
  const { round, sites } = input;
  const inScope = new Map(sites.map((site) => [site.id, site]));
  const results = latestResults(input.results.filter((result) => inScope.has(result.siteId)));

  const byType = Object.fromEntries(
    SITE_TYPES.map((type) => [
      type,
      tally(
        sites.filter((site) => site.type === type),
        results,
        round,
      ),
    ]),
  ) as Record<SiteType, Tally>;

  const districts = [...new Set(sites.map((site) => site.district))];
  const byDistrict = rankDistricts(
    districts.map((district) => ({
      district,
      ...tally(
        sites.filter((site) => site.district === district),
        results,
        round,
      ),
    })),
  );

  return {
    roundId: round.id,
    byType,
    byDistrict,
    commonProblems: commonProblems(results, input.itemTitle),
    rectifications: rectifications(input, results, inScope),
  };
}

function tally(sites: readonly ReportSite[], results: Map<string, InspectionResult>, round: ReportRound): Tally {
  const sums: TallySums = { sites: sites.length, inspected: 0, fullMarks: 0, toRectify: 0, hundredths: 0 };
  for (const site of sites) {
    const result = results.get(site.id);
    if (!result) continue;
    sums.inspected += 1;
    if (result.fullMarks) sums.fullMarks += 1;
    if (mustRectify(round, result.score)) sums.toRectify += 1;
    sums.hundredths += Math.round(result.score * 100);
  }
  return tallyOf(sums);
}

/** A tally's counts with `hundredths`, the exact integer sum of the inspected sites' scores × 100. */
export interface TallySums {
  sites: number;
  inspected: number;
  fullMarks: number;
  toRectify: number;
  hundredths: number;
}

/** The tally of summed counts (the server sums them in SQL): the average from the exact sum. */
export function tallyOf({ sites, inspected, fullMarks, toRectify, hundredths }: TallySums): Tally {
  const averageScore = inspected === 0 ? null : Math.round(hundredths / inspected) / 100;
  return { sites, inspected, fullMarks, toRectify, averageScore };
}

/** Districts by average score, highest first (then by name in Chinese collation); equal averages share a rank. */
export function rankDistricts(rows: (Tally & { district: string })[]): DistrictTally[] {
  const ordered = [...rows].sort(
    (a, b) => (b.averageScore ?? -1) - (a.averageScore ?? -1) || a.district.localeCompare(b.district, 'zh-CN'),
  );
  let previous: { score: number; rank: number } | undefined;
  return ordered.map((row, index) => {
    if (row.averageScore === null) return { ...row, rank: null };
    const rank = previous && previous.score === row.averageScore ? previous.rank : index + 1;
    previous = { score: row.averageScore, rank };
    return { ...row, rank };
  });
}

function commonProblems(
  results: Map<string, InspectionResult>,
  itemTitle: (itemId: string) => string,
): CommonProblem[] {
  const counts = new Map<string, number>();
  for (const result of results.values()) {
    for (const { itemId } of result.deductions) counts.set(itemId, (counts.get(itemId) ?? 0) + 1);
  }
  return sortCommonProblems([...counts].map(([itemId, sites]) => ({ itemId, title: itemTitle(itemId), sites })));
}

/** Most sites first, ties by item id. */
export function sortCommonProblems(problems: CommonProblem[]): CommonProblem[] {
  return problems.sort((a, b) => b.sites - a.sites || a.itemId.localeCompare(b.itemId));
}

function rectifications(
  input: ReportInput,
  results: Map<string, InspectionResult>,
  inScope: Map<string, ReportSite>,
): ReportRectification[] {
  const { round } = input;
  const list: ReportRectification[] = [];
  for (const site of inScope.values()) {
    const result = results.get(site.id);
    if (!result || !mustRectify(round, result.score)) continue;
    const due = dueOn(result.submittedAt, round.rectifyDays);
    for (const { itemId, grade } of result.deductions) {
      const state = input.rectificationState?.(site.id, itemId);
      list.push({
        id: state?.id ?? rectificationKey(round.id, site.id, itemId),
        siteId: site.id,
        itemId,
        grade,
        dueOn: due,
        status: state?.status ?? 'open',
      });
    }
  }
  return sortRectifications(list);
}

/** One collator for every comparison: `localeCompare` per call is many times slower on long lists. */
const byDefaultLocale = new Intl.Collator();

/** By site, then item (`localeCompare` order). */
export function sortRectifications(list: ReportRectification[]): ReportRectification[] {
  return list.sort(
    (a, b) => byDefaultLocale.compare(a.siteId, b.siteId) || byDefaultLocale.compare(a.itemId, b.itemId),
  );
}
