/**
 * Rectification progress of a round (整改进度): how many rectifications are closed (销号), still
 * open and overdue — in total, per site type, per district and per site — and which sites are
 * closed out, i.e. every one of their rectifications is closed. Pure: the server feeds it the
 * stored rectifications and the sites they name, a supervisor's screen shows what it returns.
 *
 * Rules:
 * - `overdue`: still open and its `dueOn` is before `asOf` (both Asia/Shanghai dates): an item due
 *   today is not overdue yet.
 * - `closedLate`: closed, but on a Shanghai date after its `dueOn`.
 * - A site is closed out when it has rectifications and all of them are closed; `closedOutOn`
 *   is the Shanghai date of the last closing. A later inspection never closes anything (only a
 *   recheck verdict does), so a closed-out site stays so until a newer verdict reopens an item.
 */
import { cityDate } from './dates';
import type { Grade } from './grades';
import { SITE_TYPES, type SiteType } from './rubric';

export interface ProgressSite {
  id: string;
  name: string;
  type: SiteType;
  district: string;
}

export interface ProgressRectification {
  id: string;
  siteId: string;
  itemId: string;
  grade: Exclude<Grade, 'A'>;
  /** `YYYY-MM-DD`, Asia/Shanghai. */
  dueOn: string;
  status: 'open' | 'closed';
  /** The instant of the verdict that closed it (ISO 8601); null or absent while open. */
  closedAt?: string | null;
}

export interface ProgressInput {
  roundId: string;
  /** Today in Asia/Shanghai, `YYYY-MM-DD`: what "overdue" is measured against. */
  asOf: string;
  /** The sites the rectifications name (others may be given; they are ignored). */
  sites: readonly ProgressSite[];
  rectifications: readonly ProgressRectification[];
}

export interface ProgressCounts {
  rectifications: number;
  closed: number;
  open: number;
  /** Open and past due. */
  overdue: number;
  /** Closed after the due date. */
  closedLate: number;
  /** Sites with at least one rectification. */
  sites: number;
  /** Of those, sites whose rectifications are all closed (销号). */
  sitesClosedOut: number;
}

export interface DistrictProgress extends ProgressCounts {
  district: string;
}

export interface SiteProgress {
  siteId: string;
  name: string;
  type: SiteType;
  district: string;
  rectifications: number;
  closed: number;
  open: number;
  overdue: number;
  closedLate: number;
  /** Every rectification of the site is closed (销号). */
  closedOut: boolean;
  /** Shanghai date of the last closing, when closed out. */
  closedOutOn: string | null;
  /** The earliest due date among the open ones; null when none is open. */
  nextDueOn: string | null;
}

export interface RectificationProgress {
  roundId: string;
  asOf: string;
  totals: ProgressCounts;
  byType: Record<SiteType, ProgressCounts>;
  /** Districts in Chinese collation. */
  byDistrict: DistrictProgress[];
  /** By district (Chinese collation), then site id. */
  sites: SiteProgress[];
}

/** True when an open rectification is past its due date on `asOf`. */
export function isOverdue(rectification: Pick<ProgressRectification, 'status' | 'dueOn'>, asOf: string): boolean {
  return rectification.status === 'open' && rectification.dueOn < asOf;
}

/** True when a closed rectification was closed on a Shanghai date after its due date. */
export function isClosedLate(rectification: Pick<ProgressRectification, 'status' | 'dueOn' | 'closedAt'>): boolean {
  return (
    rectification.status === 'closed' &&
    !!rectification.closedAt &&
    cityDate(rectification.closedAt) > rectification.dueOn
  );
}

const emptyCounts = (): ProgressCounts => ({
  rectifications: 0,
  closed: 0,
  open: 0,
  overdue: 0,
  closedLate: 0,
  sites: 0,
  sitesClosedOut: 0,
});

export function buildRectificationProgress(input: ProgressInput): RectificationProgress {
  const { asOf } = input;
  const sitesById = new Map(input.sites.map((site) => [site.id, site]));
  const bySite = new Map<string, ProgressRectification[]>();
  for (const rectification of input.rectifications) {
    bySite.set(rectification.siteId, [...(bySite.get(rectification.siteId) ?? []), rectification]);
  }

  const sites: SiteProgress[] = [...bySite].map(([siteId, list]) => {
    const site = sitesById.get(siteId) ?? { id: siteId, name: siteId, type: 'station' as const, district: '' };
    const closed = list.filter((r) => r.status === 'closed');
    const open = list.filter((r) => r.status === 'open');
    const closedOut = open.length === 0;
    const lastClosing = closed
      .map((r) => r.closedAt)
      .filter((at): at is string => !!at)
      .sort()
      .at(-1);
    return {
      siteId,
      name: site.name,
      type: site.type,
      district: site.district,
      rectifications: list.length,
      closed: closed.length,
      open: open.length,
      overdue: open.filter((r) => isOverdue(r, asOf)).length,
      closedLate: closed.filter(isClosedLate).length,
      closedOut,
      closedOutOn: closedOut && lastClosing ? cityDate(lastClosing) : null,
      nextDueOn: open.map((r) => r.dueOn).sort()[0] ?? null,
    };
  });
  sites.sort((a, b) => a.district.localeCompare(b.district, 'zh-CN') || a.siteId.localeCompare(b.siteId));

  const add = (counts: ProgressCounts, site: SiteProgress) => {
    counts.rectifications += site.rectifications;
    counts.closed += site.closed;
    counts.open += site.open;
    counts.overdue += site.overdue;
    counts.closedLate += site.closedLate;
    counts.sites += 1;
    if (site.closedOut) counts.sitesClosedOut += 1;
  };

  const totals = emptyCounts();
  const byType = Object.fromEntries(SITE_TYPES.map((type) => [type, emptyCounts()])) as Record<
    SiteType,
    ProgressCounts
  >;
  const districts = new Map<string, DistrictProgress>();
  for (const site of sites) {
    add(totals, site);
    add(byType[site.type], site);
    let district = districts.get(site.district);
    if (!district) districts.set(site.district, (district = { district: site.district, ...emptyCounts() }));
    add(district, site);
  }
  const byDistrict = [...districts.values()].sort((a, b) => a.district.localeCompare(b.district, 'zh-CN'));

  return { roundId: input.roundId, asOf, totals, byType, byDistrict, sites };
}
