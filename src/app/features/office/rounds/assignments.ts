/**
 * Bulk assignment by district and type: which sites a choice covers, the pairs to send (in
 * chunks the API accepts), and the summaries the office checks the result with.
 */
import type { SiteType } from '../../../../domain/rubric';
import type { Assignment, Site } from '../../../../domain/wire';

/** The API takes at most 5,000 pairs per request. */
export const ASSIGNMENT_CHUNK = 5000;

export interface SiteChoice {
  districts: ReadonlySet<string>;
  types: ReadonlySet<SiteType>;
}

export function matchSites(sites: readonly Site[], choice: SiteChoice): Site[] {
  return sites.filter((site) => choice.districts.has(site.district) && choice.types.has(site.type));
}

export function assignmentPairs(sites: readonly Site[], userId: string): Assignment[] {
  return sites.map((site) => ({ siteId: site.id, userId }));
}

/** The pairs of `pairs` that exist in `assignments` (what a removal would remove). */
export function existingPairs(pairs: readonly Assignment[], assignments: readonly Assignment[]): Assignment[] {
  const present = new Set(assignments.map((pair) => `${pair.siteId}\u0000${pair.userId}`));
  return pairs.filter((pair) => present.has(`${pair.siteId}\u0000${pair.userId}`));
}

export function chunks<T>(items: readonly T[], size = ASSIGNMENT_CHUNK): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export function districtsOf(sites: readonly Site[]): string[] {
  return [...new Set(sites.map((site) => site.district))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

export interface DistrictCoverage {
  district: string;
  sites: number;
  assigned: number;
}

export function coverageByDistrict(sites: readonly Site[], assignments: readonly Assignment[]): DistrictCoverage[] {
  const assigned = new Set(assignments.map((pair) => pair.siteId));
  return districtsOf(sites).map((district) => {
    const inDistrict = sites.filter((site) => site.district === district);
    return {
      district,
      sites: inDistrict.length,
      assigned: inDistrict.filter((site) => assigned.has(site.id)).length,
    };
  });
}

export function sitesPerUser(assignments: readonly Assignment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pair of assignments) counts.set(pair.userId, (counts.get(pair.userId) ?? 0) + 1);
  return counts;
}
