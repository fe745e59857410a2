/**
 * React hooks over the database: each re-renders its component whenever the data it read
 * changes (Dexie's liveQuery), in this tab or another. The only place components get
 * IndexedDB data from; they never import Dexie.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CivicDatabase } from './database';
import { getMeta, type MetaKey } from './meta';
import { getInspection, siteStates } from './inspection-reads';
import { photosOf } from './photos';
import { outboxSummary, lastSyncAt } from './outbox';
import { assignedSites, getRound, getRounds, getRubricFile, getSession, getSite, unsyncedCount } from './session';
import type { SiteType } from '../../domain/rubric';

/** `undefined` while loading, then the value (which may itself be `null` for "none"). */
export function useSessionRecord(db: CivicDatabase) {
  return useLiveQuery(async () => (await getSession(db)) ?? null, [db]);
}

export function useRounds(db: CivicDatabase) {
  return useLiveQuery(() => getRounds(db), [db]);
}

export function useRoundSites(db: CivicDatabase, roundId: string | undefined, userId: string) {
  return useLiveQuery(async () => {
    if (!roundId) return { sites: [], states: new Map<string, never>() };
    const [sites, states] = await Promise.all([assignedSites(db, roundId, userId), siteStates(db, roundId, userId)]);
    return { sites, states };
  }, [db, roundId, userId]);
}

export function useSiteAndRound(db: CivicDatabase, roundId: string, siteId: string) {
  return useLiveQuery(async () => {
    const [site, round] = await Promise.all([getSite(db, siteId), getRound(db, roundId)]);
    return { site: site ?? null, round: round ?? null };
  }, [db, roundId, siteId]);
}

export function useRubricFile(db: CivicDatabase, version: string | undefined, type: SiteType | undefined) {
  return useLiveQuery(
    async () => (version && type ? ((await getRubricFile(db, version, type)) ?? null) : null),
    [db, version, type],
  );
}

export function useInspection(db: CivicDatabase, id: string | undefined) {
  return useLiveQuery(async () => (id ? ((await getInspection(db, id)) ?? null) : null), [db, id]);
}

/** Thumbnails of an owner's photos as object URLs, keyed by hash. The caller revokes them. */
export function usePhotoRecords(db: CivicDatabase, ownerId: string | undefined) {
  return useLiveQuery(async () => (ownerId ? photosOf(db, ownerId) : []), [db, ownerId]);
}

export function useOutboxSummary(db: CivicDatabase) {
  return useLiveQuery(
    async () => ({ summary: await outboxSummary(db), lastSyncAt: (await lastSyncAt(db)) ?? null }),
    [db],
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
