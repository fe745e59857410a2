/**
 * The order the inspector sees the sites of a round in ("my sites"), and the next one to go to
 * after a submission: the same order, so "next" means the next card down the list.
 */
import { SITE_TYPES } from '../../../domain/ids';
import type { Site } from '../../../domain/wire';
import type { SiteState } from '../../db/inspection-reads';

/** Districts in Chinese collation; within one, centers, then institutes, then stations, by name. */
export function groupSites(sites: readonly Site[]): { district: string; sites: Site[] }[] {
  const byDistrict = new Map<string, Site[]>();
  for (const site of sites) byDistrict.set(site.district, [...(byDistrict.get(site.district) ?? []), site]);
  return [...byDistrict]
    .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
    .map(([district, list]) => ({
      district,
      sites: list.sort(
        (a, b) => SITE_TYPES.indexOf(a.type) - SITE_TYPES.indexOf(b.type) || a.name.localeCompare(b.name, 'zh-CN'),
      ),
    }));
}

/** Still to inspect: nobody's result on the server, and nothing submitted from this phone (a draft is not done). */
const toInspect = (state: SiteState | undefined) => state === undefined || state === 'not_started' || state === 'draft';

/** The first site after `currentSiteId` in list order (wrapping around) that is still to inspect. */
export function nextSiteToInspect(
  sites: readonly Site[],
  states: ReadonlyMap<string, SiteState>,
  currentSiteId: string,
): Site | undefined {
  const ordered = groupSites(sites).flatMap((group) => group.sites);
  const start = ordered.findIndex((site) => site.id === currentSiteId) + 1;
  for (let offset = 0; offset < ordered.length; offset++) {
    const site = ordered[(start + offset) % ordered.length]!;
    if (site.id !== currentSiteId && toInspect(states.get(site.id))) return site;
  }
  return undefined;
}
