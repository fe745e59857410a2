/**
 * Moving photos between stores (`npm run photos:migrate -- disk database`, `database
 * s3://bucket/prefix`, and back): every
 * photo of the source that the target lacks is streamed across through the target's own
 * `savePhoto`, which verifies its hash before keeping it. Resumable after a kill: what the
 * target already holds is skipped, and a photo cut halfway was never visible there. The source
 * is left as it was; remove it once the server runs on the target.
 */
import type { Kysely } from 'kysely';
import { createDatabasePhotoStore } from './database-photo-store';
import { createPhotoStore, PHOTO_MAX_BYTES, type PhotoStore, type PhotoStoreKind } from './photo-store';
import { createS3PhotoStore, type S3Credentials, type S3Location } from './s3-photo-store';
import type { Database } from './schema';

export interface MigrationReport {
  copied: number;
  skipped: number;
}

/** The S3 bucket of an `s3` store, and credentials when not the SDK's own chain (tests). */
export interface S3Access {
  location: S3Location;
  credentials?: S3Credentials;
}

export function openPhotoStore(kind: PhotoStoreKind, dataDir: string, db: Kysely<Database>, s3?: S3Access): PhotoStore {
  if (kind === 'database') return createDatabasePhotoStore(db);
  if (kind === 'disk') return createPhotoStore(dataDir);
  if (!s3) throw new TypeError('the s3 photo store needs its bucket (PHOTO_STORE=s3://bucket/prefix)');
  return createS3PhotoStore(s3.location, { dataDir, ...(s3.credentials && { credentials: s3.credentials }) });
}

export async function migratePhotos(
  from: PhotoStore,
  to: PhotoStore,
  progress: (done: number, copied: number) => void = () => {},
): Promise<MigrationReport> {
  const report: MigrationReport = { copied: 0, skipped: 0 };
  for await (const sha256 of from.listPhotos()) {
    if (await to.hasPhoto(sha256)) report.skipped += 1;
    else {
      const photo = await from.openPhoto(sha256);
      if (!photo) continue; // removed meanwhile
      await to.savePhoto(sha256, photo.stream, { maxBytes: PHOTO_MAX_BYTES });
      report.copied += 1;
    }
    const done = report.copied + report.skipped;
    if (done % 100 === 0) progress(done, report.copied);
  }
  progress(report.copied + report.skipped, report.copied);
  return report;
}

/**
 * True when the configured store is empty while the other one holds photos: a server upgraded
 * to PostgreSQL's default (photos in the database) whose photos are still on disk, which must
 * be migrated first, or PHOTO_STORE set to where they are.
 */
export async function photosLeftBehind(configured: PhotoStore, other: PhotoStore): Promise<boolean> {
  const first = async (store: PhotoStore) => {
    for await (const hash of store.listPhotos()) return hash;
    return undefined;
  };
  // The other store first: usually empty, and the disk store's listing walks its folders, so a
  // SQLite server (disk configured) never walks its photos at start.
  return (await first(other)) !== undefined && (await first(configured)) === undefined;
}
