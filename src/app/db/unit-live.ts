/**
 * The unit's items and outbox as live queries: the page re-renders when the list is refreshed
 * or an answer is queued or sent, in this tab or another. Imported only by the unit's chunk.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CivicDatabase } from './database';
import { listUnitEntries, readUnitWork } from './unit-work';

/** `null` when nothing is kept for the scope yet; undefined while reading. */
export function useUnitWorkCopy(db: CivicDatabase, scope: string | undefined) {
  return useLiveQuery(async () => (scope ? ((await readUnitWork(db, scope)) ?? null) : undefined), [db, scope]);
}

export function useUnitEntries(db: CivicDatabase, scope: string | undefined) {
  return useLiveQuery(async () => (scope ? listUnitEntries(db, scope) : []), [db, scope]);
}
