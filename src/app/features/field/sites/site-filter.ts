/**
 * "My sites" by where the work stands: a filter (all / to inspect / waiting to sync / inspected)
 * and the order within a district (the work still to do first). A round of 29 sites with five
 * left to inspect otherwise hides those five in name order. The chosen filter is kept for the
 * browser session: opening a site and coming back, or reloading, keeps it.
 */
import type { SiteState } from '../../../db/inspection-reads';

export const SITE_FILTERS = ['all', 'todo', 'waiting', 'done'] as const;
export type SiteFilter = (typeof SITE_FILTERS)[number];

/** Where each state of a site belongs: a draft is still to do, a submission waits for the network. */
const STAGE: Readonly<Record<SiteState, Exclude<SiteFilter, 'all'>>> = {
  not_started: 'todo',
  draft: 'todo',
  submitted: 'waiting',
  synced: 'done',
  inspected: 'done',
};

export function inFilter(state: SiteState, filter: SiteFilter): boolean {
  return filter === 'all' || STAGE[state] === filter;
}

export function countByFilter(states: readonly SiteState[]): Record<SiteFilter, number> {
  const counts: Record<SiteFilter, number> = { all: states.length, todo: 0, waiting: 0, done: 0 };
  for (const state of states) counts[STAGE[state]] += 1;
  return counts;
}

/** Sort key within a district: still to inspect, then waiting to sync, then inspected. */
export function workOrder(state: SiteState): number {
  return ['todo', 'waiting', 'done'].indexOf(STAGE[state]);
}

const FILTER_KEY = 'civic-inspect.sites.filter';

export function rememberedFilter(): SiteFilter {
  try {
    const value = sessionStorage.getItem(FILTER_KEY);
    return (SITE_FILTERS as readonly string[]).includes(value ?? '') ? (value as SiteFilter) : 'all';
  } catch {
    return 'all'; // storage unavailable (private mode): start from all
  }
}

export function rememberFilter(filter: SiteFilter): void {
  try {
    sessionStorage.setItem(FILTER_KEY, filter);
  } catch {
    // Not kept across screens; the filter still works on this one.
  }
}
