/**
 * The order the inspector sees the sites of a round in ("my sites"), and the next one to go to
 * after a submission: the same order, so "next" is the top card still to inspect in the same
 * district (or the districts after it).
 */
import { SITE_TYPES } from '../../../../domain/ids';
import type { Site } from '../../../../domain/wire';
import type { SiteState } from '../../../db/inspection-reads';
import { workOrder } from './site-filter';

/**
 * Districts in Chinese collation; within one, the work still to do first (then waiting to sync,
 * then inspected), and in each of those centers, then institutes, then stations, by name.
 */
export function groupSites(
  sites: readonly Site[],
  stateOf: (site: Site) => SiteState,
): { district: string; sites: Site[] }[] {
  const byDistrict = new Map<string, Site[]>();
  for (const site of sites) byDistrict.set(site.district, [...(byDistrict.get(site.district) ?? []), site]);
  return [...byDistrict]
    .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
    .map(([district, list]) => ({
      district,
      sites: list.sort(
        (a, b) =>
          workOrder(stateOf(a)) - workOrder(stateOf(b)) ||
          SITE_TYPES.indexOf(a.type) - SITE_TYPES.indexOf(b.type) ||
          a.name.localeCompare(b.name, 'zh-CN'),
      ),
    }));
}

/** Still to inspect: nobody's result on the server, and nothing submitted from this phone (a draft is not done). */
const toInspect = (state: SiteState) => state === 'not_started' || state === 'draft';

/**
 * The first site still to inspect in list order, from the top of the current site's district
 * and on through the districts after it (wrapping around); never the current site itself.
 */
export function nextSiteToInspect(
  sites: readonly Site[],
  states: ReadonlyMap<string, SiteState>,
  currentSiteId: string,
): Site | undefined {
  const stateOf = (site: Site) => states.get(site.id) ?? 'not_started';
  const ordered = groupSites(sites, stateOf).flatMap((group) => group.sites);
  const district = sites.find((site) => site.id === currentSiteId)?.district;
  const start = Math.max(
    0,
    ordered.findIndex((site) => site.district === district),
  );
  for (let offset = 0; offset < ordered.length; offset++) {
    const site = ordered[(start + offset) % ordered.length]!;
    if (site.id !== currentSiteId && toInspect(stateOf(site))) return site;
  }
  return undefined;
}
