/**
 * The contract every photo store keeps (PHOTO_STORE): the disk store, the database store on
 * SQLite and PostgreSQL, and the S3 store against a local S3 server (test-support/s3-server.ts). Same answers for the same bytes: stored whole and readable under their
 * hash, a second upload is `created: false`, a wrong hash, an oversize body, a non-image and an
 * image bomb leave nothing behind, nothing is visible before it is whole, leftovers are swept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../test-support/s3-server';
import { createDatabasePhotoStore } from './database-photo-store';
import { createPhotoStore, PhotoHashMismatch, PhotoImageTooLarge, PhotoTooLarge, type PhotoStore } from './photo-store';
import { createS3Client, createS3PhotoStore, S3StoreError } from './s3-photo-store';
import { describeEachEngine, type EngineUnderTest } from './test-engines';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A 1600 × 1200 JPEG header, then `size` bytes of noise: what the stores see of a photo. */
function photo(size = 1000): Buffer {
  const sof = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0x04, 0xb0, 0x06, 0x40, 1, 1, 0x11, 0]);
  return Buffer.concat([sof, randomBytes(size)]);
}
/** The bytes in chunks of 64 KiB, as a request body arrives. */
const body = (bytes: Buffer) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536)),
  );
async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
async function list(store: PhotoStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const hash of store.listPhotos()) hashes.push(hash);
  return hashes;
}

function contract(name: string, make: () => PhotoStore, leftovers: () => Promise<number>) {
  describe(name, () => {
    it('stores a 3 MiB photo whole, readable under its hash; the same bytes again are created: false', async () => {
      const store = make();
      const bytes = photo(3 * 1024 * 1024);
      const hash = sha256(bytes);
      expect(await store.hasPhoto(hash)).toBe(false);
      expect(await store.savePhoto(hash, body(bytes))).toEqual({
        sha256: hash,
        bytes: bytes.length,
        contentType: 'image/jpeg',
        created: true,
      });
      const opened = await store.openPhoto(hash);
      expect(opened).toMatchObject({ bytes: bytes.length, contentType: 'image/jpeg' });
      expect(sha256(await readAll(opened!.stream))).toBe(hash);
      expect((await store.savePhoto(hash, body(bytes))).created).toBe(false);
      expect(await list(store)).toContain(hash);
      expect(await leftovers()).toBe(0);
    });

    it('leaves nothing for a wrong hash, an oversize body or an image bomb', async () => {
      const store = make();
      const before = await list(store);
      const bytes = photo(300_000);
      await expect(store.savePhoto(sha256(photo()), body(bytes))).rejects.toBeInstanceOf(PhotoHashMismatch);
      await expect(store.savePhoto(sha256(bytes), body(bytes), { maxBytes: 100_000 })).rejects.toBeInstanceOf(
        PhotoTooLarge,
      );
      const bomb = Buffer.from(bytes);
      bomb.writeUInt16BE(60_000, 7);
      bomb.writeUInt16BE(60_000, 9);
      await expect(store.savePhoto(sha256(bomb), body(bomb))).rejects.toBeInstanceOf(PhotoImageTooLarge);
      expect(await list(store)).toEqual(before);
      expect(await leftovers()).toBe(0);
    });

    it('shows nothing of a photo until all of it is stored', async () => {
      const store = make();
      const bytes = photo(1024 * 1024);
      const hash = sha256(bytes);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      async function* slow() {
        yield bytes.subarray(0, 600_000);
        await held;
        yield bytes.subarray(600_000);
      }
      const saving = store.savePhoto(hash, Readable.from(slow()));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await store.hasPhoto(hash)).toBe(false);
      expect(await store.openPhoto(hash)).toBeNull();
      release();
      await saving;
      expect(await store.hasPhoto(hash)).toBe(true);
    });

    it('proves it takes a file (readiness), leaving nothing', async () => {
      await make().probe();
      expect(await leftovers()).toBe(0);
    });
  });
}

describe('the disk store', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'civic-store-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));
  contract(
    'on a temp folder',
    () => createPhotoStore(dataDir),
    async () => (await readdir(join(dataDir, 'photos', 'tmp')).catch(() => [])).length,
  );
});

describeEachEngine('the database store', (engine: EngineUnderTest) => {
  /** Chunks that no stored photo names: what an upload left behind. */
  const orphanChunks = async () => {
    const { db } = engine.storage();
    const rows = await db
      .selectFrom('photo_chunks')
      .select('upload_id')
      .where('upload_id', 'not in', db.selectFrom('photo_objects').select('upload_id'))
      .execute();
    return rows.length;
  };
  contract('in its tables', () => createDatabasePhotoStore(engine.storage().db), orphanChunks);

  it('sweeps the chunks of an upload abandoned an hour ago, not those of one still going', async () => {
    const { db } = engine.storage();
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    await db
      .insertInto('photo_chunks')
      .values({ upload_id: 'abandoned', n: 0, bytes: Buffer.from('x'), created_at: old })
      .execute();
    await db
      .insertInto('photo_chunks')
      .values({ upload_id: 'in-progress', n: 0, bytes: Buffer.from('x'), created_at: new Date().toISOString() })
      .execute();
    expect(await createDatabasePhotoStore(db).sweepTempFiles()).toBe(1);
    const left = await db
      .selectFrom('photo_chunks')
      .select('upload_id')
      .where('upload_id', 'in', ['abandoned', 'in-progress'])
      .execute();
    expect(left).toEqual([{ upload_id: 'in-progress' }]);
    await db.deleteFrom('photo_chunks').where('upload_id', '=', 'in-progress').execute();
  });
});

describe('the S3 store', () => {
  let s3: LocalS3;
  let dataDir: string;
  beforeAll(async () => {
    [s3, dataDir] = await Promise.all([startLocalS3(), mkdtemp(join(tmpdir(), 'civic-s3-spool-'))]);
  });
  afterAll(async () => {
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const location = () => s3.location('city/photos');
  const make = () => createS3PhotoStore(location(), { dataDir, credentials: LOCAL_S3_CREDENTIALS });
  /** Spool files, and objects under the prefix that are not photos (a probe's, say). */
  async function leftovers(): Promise<number> {
    const spooled = (await readdir(join(dataDir, 'photos', 'tmp')).catch(() => [])).length;
    const client = createS3Client(location(), LOCAL_S3_CREDENTIALS);
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: location().prefix }));
    const photos = new Set(await list(make()));
    const strays = (page.Contents ?? []).filter(({ Key }) => !photos.has(Key!.slice(location().prefix.length)));
    return spooled + strays.length;
  }
  contract('in a bucket, under a prefix', make, leftovers);

  it('keeps each photo under prefix/<sha256> with its type, and lists only its own prefix', async () => {
    const store = make();
    const other = createS3PhotoStore(s3.location('another-city'), { dataDir, credentials: LOCAL_S3_CREDENTIALS });
    const bytes = photo(5_000);
    await store.savePhoto(sha256(bytes), body(bytes));
    expect(store.keyOf(sha256(bytes))).toBe(`city/photos/${sha256(bytes)}`);
    expect(await list(store)).toContain(sha256(bytes));
    expect(await list(other)).toEqual([]);
    expect(await other.hasPhoto(sha256(bytes))).toBe(false);
  });

  it('sweeps spool files an hour old (a crash mid-upload); an upload still going keeps its bytes', async () => {
    const later = createS3PhotoStore(location(), {
      dataDir,
      credentials: LOCAL_S3_CREDENTIALS,
      now: () => new Date(Date.now() + 2 * 60 * 60 * 1000),
    });
    const bytes = photo(1_500_000); // past the in-memory spool: goes through a temp file
    const hash = sha256(bytes);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* slow() {
      yield bytes.subarray(0, 1_300_000);
      await held;
      yield bytes.subarray(1_300_000);
    }
    const saving = make().savePhoto(hash, Readable.from(slow()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const spoolDir = join(dataDir, 'photos', 'tmp');
    expect(await readdir(spoolDir)).toHaveLength(1);
    expect(await make().sweepTempFiles()).toBe(0); // a young file: an upload in progress
    expect(await later.sweepTempFiles()).toBe(1); // two hours on it counts as a leftover
    expect(await readdir(spoolDir)).toHaveLength(0);
    release();
    // The upload holds its file open: losing the name does not lose the bytes.
    expect((await saving).created).toBe(true);
    const opened = await make().openPhoto(hash);
    expect(sha256(await readAll(opened!.stream))).toBe(hash);
  });

  it('refuses with an operator-readable error when S3 refuses the credentials, storing nothing', async () => {
    const refused = createS3PhotoStore(location(), {
      dataDir,
      credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'whatever' },
    });
    const bytes = photo(2_000);
    const error = await refused.savePhoto(sha256(bytes), body(bytes)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3StoreError);
    expect((error as S3StoreError).s3Code).toBe('HTTP 403'); // its HEAD's refusal, which has no body
    expect((error as Error).message).toMatch(
      /s3:\/\/civic-photos\/city\/photos\/: HTTP 403 \(HTTP 403\) — .*credentials/,
    );
    await expect(refused.probe()).rejects.toThrow(/InvalidAccessKeyId/);
    await expect(refused.hasPhoto(sha256(bytes))).rejects.toThrow(/HTTP 403.*credentials/);
    expect(await make().hasPhoto(sha256(bytes))).toBe(false);
    expect(await leftovers()).toBe(0);
  });

  it('says which variables to set when there are no credentials at all', async () => {
    const none = createS3PhotoStore(location(), {
      dataDir,
      credentials: () =>
        Promise.reject(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
    });
    const bytes = photo(2_000);
    await expect(none.savePhoto(sha256(bytes), body(bytes))).rejects.toThrow(/AWS_ACCESS_KEY_ID/);
    await expect(none.probe()).rejects.toThrow(/no S3 credentials/);
    expect(await leftovers()).toBe(0);
  });

  it('says so when the bucket does not exist', async () => {
    const missing = createS3PhotoStore(
      { ...location(), bucket: 'no-such-bucket' },
      { dataDir, credentials: LOCAL_S3_CREDENTIALS },
    );
    await expect(missing.probe()).rejects.toThrow(/s3:\/\/no-such-bucket\/.*NoSuchBucket/);
  });
});
