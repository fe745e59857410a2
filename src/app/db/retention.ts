/**
 * Local retention: what may leave this device's IndexedDB, and when.
 *
 *   photos  only rows the server confirmed (their photo entry in the outbox is done) more than
 *           `keepDays` ago, oldest confirmation first, and NEVER one that an unsynced thing
 *           still needs: a draft (inspection or recheck), a submitted-but-unsynced record, or a
 *           pending/attention outbox entry. An unconfirmed photo is never a candidate at all.
 *   outbox  done entries older than `keepDays` (the record of what was sent), so the store does
 *           not grow for ever, except the entry of a photo still stored (it is the record that
 *           the server holds it); unfinished entries are never pruned.
 *
 * Each sweep is one transaction, so a photo queued or attached during the sweep cannot be
 * deleted by it.
 */
import { toIso, writeTransaction, type CivicDatabase } from './database';
import { entriesInState } from './outbox';
import { referencedPhotos } from './photo-refs';
import type { Instant } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface EvictionOptions {
  /** Confirmed photos are kept at least this many days after the server confirmed them. */
  keepDays: number;
  now: Instant;
  /** Stop once the photos store holds at most this many bytes (photos and thumbnails). */
  targetBytes?: number;
}

export interface EvictionResult {
  /** sha256 of the photos removed, oldest confirmation first. */
  evicted: string[];
  freedBytes: number;
  /** Bytes the photos store holds after the sweep. */
  remainingBytes: number;
}

/** Deletes old, server-confirmed photos that no unsynced work needs (see the header). */
export async function evictConfirmedPhotos(db: CivicDatabase, options: EvictionOptions): Promise<EvictionResult> {
  const cutoff = toIso(new Date(toMs(options.now) - options.keepDays * DAY_MS));
  return writeTransaction(db, ['photos', 'inspections', 'rechecks', 'outbox'], async () => {
    const needed = await referencedPhotos(db, { includeSynced: false });
    const sizes = new Map<string, number>();
    await db.photos.each((photo) => sizes.set(photo.sha256, photo.bytes + photo.thumbnail.size));
    let remaining = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    const candidates = (await entriesInState(db, 'done').toArray())
      .filter((entry) => entry.kind === 'photo' && entry.doneAt !== undefined && entry.doneAt < cutoff)
      .sort((a, b) => a.doneAt!.localeCompare(b.doneAt!))
      .map((entry) => entry.key);
    const result: EvictionResult = { evicted: [], freedBytes: 0, remainingBytes: remaining };
    for (const sha256 of candidates) {
      if (options.targetBytes !== undefined && remaining <= options.targetBytes) break;
      if (needed.has(sha256) || !sizes.has(sha256)) continue;
      await db.photos.delete(sha256);
      const size = sizes.get(sha256) ?? 0;
      remaining -= size;
      result.freedBytes += size;
      result.evicted.push(sha256);
    }
    result.remainingBytes = remaining;
    return result;
  });
}

/**
 * Deletes done outbox entries finished more than `keepDays` ago, except those of photos still
 * stored here (their confirmation; a thumbnail's, while its photo's row is); returns how many.
 */
export async function pruneDoneEntries(
  db: CivicDatabase,
  { keepDays, now }: { keepDays: number; now: Instant },
): Promise<number> {
  const cutoff = toIso(new Date(toMs(now) - keepDays * DAY_MS));
  return writeTransaction(db, ['outbox', 'photos'], async () => {
    const stored = new Set(await db.photos.toCollection().primaryKeys());
    return entriesInState(db, 'done')
      .filter((entry) => entry.doneAt !== undefined && entry.doneAt < cutoff)
      .filter((entry) => entry.kind !== 'photo' || !stored.has(entry.thumbnailOf ?? entry.key))
      .delete();
  });
}

function toMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}
