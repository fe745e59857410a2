/**
 * Moving photos between the disk, the database and the S3 store, on both engines: every photo
 * arrives byte-exact, a second run after an interruption copies only what is missing, and the
 * start-up check notices photos left behind in the other store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../test-support/s3-server';
import { createDatabasePhotoStore } from './database-photo-store';
import { migratePhotos, photosLeftBehind } from './photo-migration';
import { createPhotoStore, PhotoHashMismatch, type PhotoStore } from './photo-store';
import { createS3PhotoStore } from './s3-photo-store';
import { describeEachEngine } from './test-engines';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const photo = (size: number) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0x04, 0xb0, 0x06, 0x40, 1, 1, 0x11, 0]),
    randomBytes(size),
  ]);

async function contents(store: PhotoStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const hash of store.listPhotos()) {
    const opened = await store.openPhoto(hash);
    const parts: Buffer[] = [];
    for await (const part of opened!.stream) parts.push(part as Buffer);
    found.set(hash, sha256(Buffer.concat(parts)));
  }
  return found;
}

describeEachEngine('photo migration between stores', (engine) => {
  it('disk → database → a new disk, byte-exact, resuming where an interrupted run stopped', async () => {
    const disk = createPhotoStore(engine.dataDir());
    const database = createDatabasePhotoStore(engine.storage().db);
    const photos = [photo(100), photo(700_000), photo(2_000_000), photo(5_000)];
    for (const bytes of photos) await disk.savePhoto(sha256(bytes), Readable.from([bytes]));
    expect(await photosLeftBehind(database, disk)).toBe(true);

    // An interrupted run: one photo made it across before the kill.
    const [firstHash] = [...photos.map(sha256)].sort();
    const opened = await disk.openPhoto(firstHash!);
    await database.savePhoto(firstHash!, opened!.stream);

    const lines: [number, number][] = [];
    expect(await migratePhotos(disk, database, (done, copied) => lines.push([done, copied]))).toEqual({
      copied: 3,
      skipped: 1,
    });
    expect(lines.at(-1)).toEqual([4, 3]);
    expect(await contents(database)).toEqual(new Map(photos.map((bytes) => [sha256(bytes), sha256(bytes)])));
    expect(await photosLeftBehind(database, disk)).toBe(false);

    const back = createPhotoStore(`${engine.dataDir()}/back`);
    expect(await migratePhotos(database, back)).toEqual({ copied: 4, skipped: 0 });
    expect(await contents(back)).toEqual(await contents(disk));
    expect(await migratePhotos(database, back)).toEqual({ copied: 0, skipped: 4 });
  });
});

describeEachEngine('photo migration to and from S3', (engine) => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.close());

  it('database → s3 → disk, byte-exact, resumable, and a damaged source photo stops the run', async () => {
    const database = createDatabasePhotoStore(engine.storage().db);
    const bucket = createS3PhotoStore(s3.location(`m-${engine.engine}`), {
      dataDir: engine.dataDir(),
      credentials: LOCAL_S3_CREDENTIALS,
    });
    const photos = [photo(300), photo(1_500_000), photo(40_000)];
    for (const bytes of photos) await database.savePhoto(sha256(bytes), Readable.from([bytes]));
    const [firstHash] = [...photos.map(sha256)].sort();
    await bucket.savePhoto(firstHash!, (await database.openPhoto(firstHash!))!.stream); // a run cut short

    const lines: [number, number][] = [];
    const report = await migratePhotos(database, bucket, (done, copied) => lines.push([done, copied]));
    expect(report).toMatchObject({ copied: 2, skipped: 1 });
    expect(lines.at(-1)).toEqual([3, 2]);
    const inDatabase = await contents(database);
    expect(await contents(bucket)).toEqual(
      new Map([...inDatabase].filter(([hash]) => photos.some((p) => sha256(p) === hash))),
    );

    const disk = createPhotoStore(`${engine.dataDir()}/from-s3`);
    expect(await migratePhotos(bucket, disk)).toEqual({ copied: 3, skipped: 0 });
    expect(await contents(disk)).toEqual(await contents(bucket));

    // A photo whose bytes no longer match its name is refused by the target: the run stops.
    const damaged: PhotoStore = {
      ...disk,
      async *listPhotos() {
        yield sha256(photo(10));
      },
      openPhoto: async () => ({ stream: Readable.from([photo(10)]), bytes: 25, contentType: 'image/jpeg' }),
    };
    await expect(migratePhotos(damaged, bucket)).rejects.toBeInstanceOf(PhotoHashMismatch);
  });
});
