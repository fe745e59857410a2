/**
 * The `photos` store: each photo once, keyed by the SHA-256 of its JPEG bytes, with a thumbnail
 * and the capture metadata kept as data beside the pixels (time, GPS, inspector, sizes), since a
 * burned-in watermark alone can be faked. Rows are written by `attachPhoto` /
 * `attachRecheckPhoto` in the same transaction as the answer that references them, never
 * rewritten (that the server holds one is its done outbox entry: outbox.ts), and deleted only by
 * a detach before submit or by the retention sweep (retention.ts), never while unsynced work
 * needs them.
 *
 * Blobs are stored as Blobs made from bytes, never as the live `File` the input gave: iOS
 * Safari fails to store Files in IndexedDB.
 */
import { SHA256 } from '../../domain/ids';
import { readTransaction, type CivicDatabase } from './database';
import { referencedPhotos } from './photo-refs';
import type { NewPhoto, PhotoRecord } from './types';

/** One photo by its sha256. */
export function getPhoto(db: CivicDatabase, sha256: string): Promise<PhotoRecord | undefined> {
  return readTransaction(db, ['photos'], () => db.photos.get(sha256));
}

/** The photos taken for an inspection or recheck (optionally of one item), oldest first. */
export async function photosOf(db: CivicDatabase, ownerId: string, itemId?: string): Promise<PhotoRecord[]> {
  const photos = await readTransaction(db, ['photos'], () =>
    itemId === undefined
      ? db.photos.where('ownerId').equals(ownerId).toArray()
      : db.photos.where('[ownerId+itemId]').equals([ownerId, itemId]).toArray(),
  );
  return photos.sort(byCaptureTime);
}

/** Oldest first; the hash breaks ties, so the order is the same on every read. */
export function byCaptureTime(a: PhotoRecord, b: PhotoRecord): number {
  return a.capturedAt.localeCompare(b.capturedAt) || a.sha256.localeCompare(b.sha256);
}

/** A Blob that IndexedDB can keep everywhere: a `File` is copied into a plain Blob of its bytes. */
export async function toStorableBlob(blob: Blob, type = 'image/jpeg'): Promise<Blob> {
  if (typeof File !== 'undefined' && blob instanceof File) {
    return new Blob([await blob.arrayBuffer()], { type: blob.type || type });
  }
  return blob;
}

/** Checks a photo handed over by the pipeline and makes its Blobs storable. Call before a transaction. */
export async function prepareNewPhoto(photo: NewPhoto): Promise<NewPhoto> {
  if (!SHA256.test(photo.sha256)) throw new RangeError(`not a sha256: ${photo.sha256}`);
  if (photo.blob.size === 0) throw new RangeError('empty photo');
  if (photo.thumbnailSha256 !== undefined && !SHA256.test(photo.thumbnailSha256)) {
    throw new RangeError(`not a sha256: ${photo.thumbnailSha256}`);
  }
  return {
    ...photo,
    blob: await toStorableBlob(photo.blob),
    thumbnail: await toStorableBlob(photo.thumbnail),
  };
}

/**
 * Inside a transaction over `photos`: stores the photo unless its bytes are stored already (the
 * sha256 is the key; the same photo attached twice keeps its first owner and item).
 */
export async function storePhotoOnce(db: CivicDatabase, photo: PhotoRecord): Promise<void> {
  if (!(await db.photos.get(photo.sha256))) await db.photos.add(photo);
}

/**
 * Inside a transaction over `photos`, `inspections`, `rechecks` and `outbox`: deletes the photo
 * unless a local inspection or recheck or an unfinished outbox entry still references it.
 */
export async function deletePhotoIfUnreferenced(db: CivicDatabase, sha256: string): Promise<boolean> {
  const referenced = await referencedPhotos(db, { includeSynced: true });
  if (referenced.has(sha256)) return false;
  await db.photos.delete(sha256);
  return true;
}

/** Bytes the photos store holds (photos and their thumbnails): what eviction can free at most. */
export async function photoStoreBytes(db: CivicDatabase): Promise<number> {
  let total = 0;
  await readTransaction(db, ['photos'], () =>
    db.photos.each((photo) => {
      total += photo.bytes + photo.thumbnail.size;
    }),
  );
  return total;
}
