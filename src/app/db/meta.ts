/**
 * The `meta` store: small key/value settings and caches of this device, kept in IndexedDB so they
 * survive reloads and offline starts.
 *
 *   lastSyncAt        ISO instant of the last sync that reached the server (sync screen)
 *   persistRequested  navigator.storage.persist() was asked (ask once, after the first save)
 *   photoKeepDays     how many days photos the server confirmed stay on this device at least
 *   reviewDecisions   the review decisions pulled from the server and their cursor (review-decisions.ts)
 */
import { readTransaction, toIso, writeTransaction, type CivicDatabase } from './database';
import type { Instant } from './types';

export interface MetaValues {
  lastSyncAt: string;
  persistRequested: { at: string; granted: boolean };
  photoKeepDays: number;
}

export type MetaKey = keyof MetaValues;

/** Reads one meta value, `undefined` when never set. */
export async function getMeta<K extends MetaKey>(db: CivicDatabase, key: K): Promise<MetaValues[K] | undefined> {
  const row = await readTransaction(db, ['meta'], () => db.meta.get(key));
  return row?.value as MetaValues[K] | undefined;
}

/** Writes one meta value. */
export async function setMeta<K extends MetaKey>(db: CivicDatabase, key: K, value: MetaValues[K]): Promise<void> {
  await writeTransaction(db, ['meta'], () => db.meta.put({ key, value }));
}

/** Records that persistent storage was requested, and whether the browser granted it. */
export function setPersistRequested(db: CivicDatabase, granted: boolean, now: Instant): Promise<void> {
  return setMeta(db, 'persistRequested', { at: toIso(now), granted });
}
