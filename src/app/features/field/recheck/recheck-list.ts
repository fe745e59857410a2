/**
 * The rechecker's list, worked out from the downloaded rectifications and the local rechecks:
 * grouped by district (Chinese collation) and site, items by id; what state each is in on this
 * device; what still needs a visit. Pure, so the list's rules are tested without a browser.
 */
import type { Site } from '../../../../domain/wire';
import type { RecheckTask } from '../../../db/recheck-reads';

export type TaskState = 'todo' | 'draft' | 'submitted' | 'synced';

/** Where the rechecker is with this item on this device. */
export function taskState(task: Pick<RecheckTask, 'recheck'>): TaskState {
  const recheck = task.recheck;
  if (!recheck) return 'todo';
  if (recheck.status !== 'draft') return recheck.status;
  const touched = recheck.verdict !== undefined || Boolean(recheck.note) || recheck.photos.length > 0;
  return touched ? 'draft' : 'todo';
}

/** Open on the server and no verdict sent from this device yet. */
export function needsRecheck(task: RecheckTask): boolean {
  const state = taskState(task);
  return task.rectification.status === 'open' && (state === 'todo' || state === 'draft');
}

export interface SiteGroup {
  siteId: string;
  siteName: string;
  district: string;
  /** Where to go: the site as downloaded (address, coordinates), when it is on the device. */
  site: Site | undefined;
  tasks: RecheckTask[];
  /** All the site's items in the round (the list may show fewer while searching). */
  total: number;
  /** Items still to recheck. */
  open: number;
  /** Every rectification of the site is closed on the server (销号). */
  closedOut: boolean;
}

export interface DistrictGroup {
  district: string;
  sites: SiteGroup[];
}

export function groupTasks(tasks: readonly RecheckTask[]): DistrictGroup[] {
  const bySite = new Map<string, RecheckTask[]>();
  for (const task of tasks) {
    const siteId = task.rectification.siteId;
    bySite.set(siteId, [...(bySite.get(siteId) ?? []), task]);
  }
  const sites: SiteGroup[] = [...bySite].map(([siteId, list]) => {
    const site = list[0]!.site;
    return {
      siteId,
      siteName: site?.name ?? siteId,
      district: site?.district ?? '',
      site,
      tasks: list.sort((a, b) => a.rectification.itemId.localeCompare(b.rectification.itemId)),
      total: list.length,
      open: list.filter(needsRecheck).length,
      closedOut: list.every((task) => task.rectification.status === 'closed'),
    };
  });
  const districts = new Map<string, SiteGroup[]>();
  for (const site of sites) districts.set(site.district, [...(districts.get(site.district) ?? []), site]);
  return [...districts]
    .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
    .map(([district, list]) => ({
      district,
      sites: list.sort((a, b) => a.siteName.localeCompare(b.siteName, 'zh-CN') || a.siteId.localeCompare(b.siteId)),
    }));
}

/**
 * The groups with only the tasks that pass `keep`, and no empty site or district left. A site's
 * counts (`open`, `closedOut`) stay those of all its items: a search narrows what is shown, not
 * where the site stands.
 */
export function narrowGroups(groups: readonly DistrictGroup[], keep: (task: RecheckTask) => boolean): DistrictGroup[] {
  return groups.flatMap((district) => {
    const sites = district.sites.flatMap((site) => {
      const tasks = site.tasks.filter(keep);
      return tasks.length > 0 ? [{ ...site, tasks }] : [];
    });
    return sites.length > 0 ? [{ ...district, sites }] : [];
  });
}

/**
 * Whether a task matches what the rechecker typed: the site's name, id, district or address,
 * or the item's id or title (both languages, as either may be typed). Case-insensitive; an
 * empty query matches everything.
 */
export function matchesQuery(task: RecheckTask, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (!needle) return true;
  const { site, item, rectification } = task;
  const haystack = [
    site?.name,
    rectification.siteId,
    site?.district,
    site?.address,
    rectification.itemId,
    item?.title,
    item?.titleEn,
  ];
  return haystack.some((text) => text?.toLowerCase().includes(needle));
}

/**
 * A link that opens the phone's map at the site: a `geo:` URI when the site has coordinates
 * (Android hands it to the installed map app), else an Amap search for its address — or its
 * name, which Amap usually finds — when it has none. Undefined without the site.
 */
export function navigationUrl(site: Pick<Site, 'name' | 'address' | 'lat' | 'lng'> | undefined): string | undefined {
  if (!site) return undefined;
  if (typeof site.lat === 'number' && typeof site.lng === 'number') {
    return `geo:${site.lat},${site.lng}?q=${site.lat},${site.lng}(${encodeURIComponent(site.name)})`;
  }
  const keyword = site.address?.trim() || site.name;
  return `https://uri.amap.com/search?keyword=${encodeURIComponent(keyword)}`;
}
