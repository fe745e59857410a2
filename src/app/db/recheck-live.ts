/**
 * React hooks for the recheck screens (live: they re-render when the data they read changes, in
 * this tab or another). Like live.ts, the only way components get IndexedDB data; they never
 * import Dexie.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { beforePhotoStats, getBeforePhotos } from './before-photos';
import type { CivicDatabase } from './database';
import { photosOf } from './photos';
import { recheckTask, recheckTasks } from './recheck-reads';
import { getRecheck } from './rechecks';

/** Every downloaded rectification with its site, round, item and local recheck. */
export function useRecheckTasks(db: CivicDatabase) {
  return useLiveQuery(() => recheckTasks(db), [db]);
}

/** One rectification's context; `null` when it is not on the device. */
export function useRecheckTask(db: CivicDatabase, rectificationId: string) {
  return useLiveQuery(async () => (await recheckTask(db, rectificationId)) ?? null, [db, rectificationId]);
}

/** A recheck by id (`null` while none is given or when it does not exist). */
export function useRecheck(db: CivicDatabase, id: string | undefined) {
  return useLiveQuery(async () => (id ? ((await getRecheck(db, id)) ?? null) : null), [db, id]);
}

/** The after-photos of a recheck. */
export function useRecheckPhotos(db: CivicDatabase, recheckId: string | undefined) {
  return useLiveQuery(async () => (recheckId ? photosOf(db, recheckId) : []), [db, recheckId]);
}

/** The stored before-photos among the given hashes, in that order. */
export function useBeforePhotos(db: CivicDatabase, sha256s: readonly string[]) {
  const key = sha256s.join(',');
  // The joined hashes stand for the list: a new array with the same hashes does not re-query.
  return useLiveQuery(() => getBeforePhotos(db, sha256s), [db, key]);
}

/** How many before-photos (and full photos, and bytes) the device holds. */
export function useBeforePhotoStats(db: CivicDatabase) {
  return useLiveQuery(() => beforePhotoStats(db), [db]);
}
