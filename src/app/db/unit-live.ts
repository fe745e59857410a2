/**
 * The unit's items and outbox as live queries: the page re-renders when the list is refreshed
 * or an answer is queued or sent, in this tab or another. Imported only by the unit's chunk.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CivicDatabase } from './database';
import { listUnitEntries, readUnitPhotos, readUnitWork } from './unit-work';

/** `null` when nothing is kept for the scope yet; undefined while reading. */
export function useUnitWorkCopy(db: CivicDatabase, scope: string | undefined) {
  return useLiveQuery(async () => (scope ? ((await readUnitWork(db, scope)) ?? null) : undefined), [db, scope]);
}

export function useUnitEntries(db: CivicDatabase, scope: string | undefined) {
  return useLiveQuery(async () => (scope ? listUnitEntries(db, scope) : []), [db, scope]);
}

/** The kept before-photos among `hashes` (a Map by hash); re-renders as they are downloaded. */
export function useUnitPhotos(db: CivicDatabase, scope: string, hashes: readonly string[]) {
  const key = hashes.join(',');
  return useLiveQuery(() => readUnitPhotos(db, scope, key ? key.split(',') : []), [db, scope, key]);
}
