/**
 * React hooks over the database: each re-renders its component whenever the data it read
 * changes (Dexie's liveQuery), in this tab or another. The only place components get
 * IndexedDB data from; they never import Dexie.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CivicDatabase } from './database';
import { readChecklist } from './checklist-read';
import { getMeta, type MetaKey } from './meta';
import { siteWork } from './inspection-reads';
import { outboxSummary, lastSyncAt } from './outbox';
import { reviewDecisions } from './review-decisions';
import { assignedSites, getRounds, getSession, serverResults, unsyncedCount } from './session';

/** `undefined` while loading, then the value (which may itself be `null` for "none"). */
export function useSessionRecord(db: CivicDatabase) {
  return useLiveQuery(async () => (await getSession(db)) ?? null, [db]);
}

export function useRounds(db: CivicDatabase) {
  return useLiveQuery(() => getRounds(db), [db]);
}

export function useRoundSites(db: CivicDatabase, roundId: string | undefined, userId: string) {
  return useLiveQuery(async () => {
    if (!roundId) {
      return {
        sites: [],
        states: new Map<string, never>(),
        synced: new Map<string, never>(),
        results: new Map<string, never>(),
      };
    }
    const [sites, { states, synced }, results] = await Promise.all([
      assignedSites(db, roundId, userId),
      siteWork(db, roundId, userId),
      serverResults(db, roundId, userId),
    ]);
    return { sites, states, synced, results };
  }, [db, roundId, userId]);
}

/** The checklist screen's data (checklist-read.ts), in one read each time anything in it changes. */
export function useChecklist(db: CivicDatabase, roundId: string, siteId: string, inspectorId: string) {
  return useLiveQuery(() => readChecklist(db, { roundId, siteId, inspectorId }), [db, roundId, siteId, inspectorId]);
}

/** `named`: with the site of each waiting group (the sync page); without, for the header's badge. */
export function useOutboxSummary(db: CivicDatabase, named = false) {
  return useLiveQuery(
    async () => ({ summary: await outboxSummary(db, { named }), lastSyncAt: (await lastSyncAt(db)) ?? null }),
    [db, named],
  );
}

/** Drafts with content plus submissions not yet on the server (sign-out warning, update guard). */
export function useUnsyncedCount(db: CivicDatabase) {
  return useLiveQuery(() => unsyncedCount(db), [db]);
}

/** One device setting from the meta store (undefined while loading or never set). */
export function useMeta<K extends MetaKey>(db: CivicDatabase, key: K) {
  return useLiveQuery(() => getMeta(db, key), [db, key]);
}

/**
 * The latest review decision per site of a round (by `roundId:siteId`): the office's word on
 * this inspector's work there, as last pulled.
 */
export function useSiteReviews(db: CivicDatabase, userId: string) {
  return useLiveQuery(async () => {
    const bySite = new Map<string, Awaited<ReturnType<typeof reviewDecisions>>[number]>();
    for (const decision of await reviewDecisions(db, userId)) {
      const key = `${decision.roundId}:${decision.siteId}`;
      const current = bySite.get(key);
      if (!current || current.seq < decision.seq) bySite.set(key, decision);
    }
    return bySite;
  }, [db, userId]);
}
