/**
 * The `beforePhotos` store: before-photos of open rectifications, downloaded for the rechecker so
 * the original finding can be shown with no network. Keyed by sha256 like every photo; a
 * thumbnail always, the full photo only while the download budget allows (the budget and the
 * order are decided by the downloader, src/app/features/field/recheck/before-photo-download.ts).
 *
 * These are copies of what the server holds, never this device's work: they are not in the
 * outbox, not referenced by drafts, and may be replaced or deleted at any time. A write never
 * touches `photos` (the device's own photos) or anything unsynced.
 */
import { readTransaction, toIso, writeTransaction, type CivicDatabase } from './database';
import type { BeforePhotoRecord, Instant } from './types';

export function getBeforePhoto(db: CivicDatabase, sha256: string): Promise<BeforePhotoRecord | undefined> {
  return readTransaction(db, ['beforePhotos'], () => db.beforePhotos.get(sha256));
}

/** The stored ones of the given hashes, in the given order (missing ones left out). */
export async function getBeforePhotos(db: CivicDatabase, sha256s: readonly string[]): Promise<BeforePhotoRecord[]> {
  const rows = await readTransaction(db, ['beforePhotos'], () => db.beforePhotos.bulkGet([...sha256s]));
  return rows.filter((row): row is BeforePhotoRecord => row !== undefined);
}

/** Stores (or replaces) a downloaded before-photo. */
export async function saveBeforePhoto(
  db: CivicDatabase,
  photo: { sha256: string; thumbnail: Blob; blob?: Blob | undefined; bytes: number; contentType: string },
  now: Instant,
): Promise<BeforePhotoRecord> {
  const record: BeforePhotoRecord = {
    sha256: photo.sha256,
    thumbnail: photo.thumbnail,
    ...(photo.blob && { blob: photo.blob }),
    bytes: photo.bytes,
    contentType: photo.contentType,
    fetchedAt: toIso(now),
  };
  await writeTransaction(db, ['beforePhotos'], () => db.beforePhotos.put(record));
  return record;
}

/** Keeps only the thumbnail of a before-photo (the budget no longer covers the full one). */
export async function dropFullBeforePhoto(db: CivicDatabase, sha256: string): Promise<void> {
  await writeTransaction(db, ['beforePhotos'], async () => {
    const record = await db.beforePhotos.get(sha256);
    if (!record?.blob) return;
    const { blob: _blob, ...rest } = record;
    await db.beforePhotos.put(rest);
  });
}

/** Deletes every before-photo not in `keep` (its rectification closed or left the list); returns how many. */
export async function pruneBeforePhotos(db: CivicDatabase, keep: ReadonlySet<string>): Promise<number> {
  return writeTransaction(db, ['beforePhotos'], async () => {
    const stale = (await db.beforePhotos.toCollection().primaryKeys()).filter((sha256) => !keep.has(sha256));
    await db.beforePhotos.bulkDelete(stale);
    return stale.length;
  });
}

export interface BeforePhotoStats {
  /** Before-photos stored (each has a thumbnail). */
  photos: number;
  /** Of those, with the full photo. */
  full: number;
  /** Bytes of the full photos kept. */
  fullBytes: number;
  /** Bytes of everything stored (full photos and thumbnails). */
  storedBytes: number;
}

/** What the device holds of the before-photos, for the visible count. */
export async function beforePhotoStats(db: CivicDatabase): Promise<BeforePhotoStats> {
  const stats: BeforePhotoStats = { photos: 0, full: 0, fullBytes: 0, storedBytes: 0 };
  await readTransaction(db, ['beforePhotos'], () =>
    db.beforePhotos.each((record) => {
      stats.photos += 1;
      stats.storedBytes += record.thumbnail.size;
      if (record.blob) {
        stats.full += 1;
        stats.fullBytes += record.blob.size;
        stats.storedBytes += record.blob.size;
      }
    }),
  );
  return stats;
}
