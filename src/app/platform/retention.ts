/**
 * Keeping the phone's storage in check without losing anything: after a sync delivered work,
 * if this origin uses more than 80 % of its quota, photos the server confirmed more than
 * `photoKeepDays` ago (30 by default, set on the sync page) are removed, oldest first, until
 * usage would be back near 70 %. Unsynced photos are never candidates (db/retention.ts).
 */
import type { CivicDatabase } from '../db/database';
import { getMeta } from '../db/meta';
import { photoStoreBytes } from '../db/photos';
import { evictConfirmedPhotos, pruneDoneEntries } from '../db/retention';

export const DEFAULT_PHOTO_KEEP_DAYS = 30;
export const PHOTO_KEEP_DAY_CHOICES = [7, 30, 90, 365] as const;
const HIGH_WATER = 0.8;
const LOW_WATER = 0.7;

export async function photoKeepDays(db: CivicDatabase): Promise<number> {
  return (await getMeta(db, 'photoKeepDays')) ?? DEFAULT_PHOTO_KEEP_DAYS;
}

/** Bytes of photos to free for usage to fall to the low-water mark; 0 while under the high-water mark. */
export function bytesToFree(usage: number, quota: number): number {
  if (quota <= 0 || usage <= quota * HIGH_WATER) return 0;
  return Math.ceil(usage - quota * LOW_WATER);
}

export async function keepStorageInCheck(db: CivicDatabase, now: Date): Promise<void> {
  const keepDays = await photoKeepDays(db);
  await pruneDoneEntries(db, { keepDays, now });
  if (!navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const excess = bytesToFree(usage, quota);
  if (excess === 0) return;
  const targetBytes = Math.max(0, (await photoStoreBytes(db)) - excess);
  await evictConfirmedPhotos(db, { keepDays, now, targetBytes });
}
