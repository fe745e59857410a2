/** The order the inspector sees the sites of a round in ("my sites"). */
import { SITE_TYPES } from '../../../domain/ids';
import type { Site } from '../../../domain/wire';

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
