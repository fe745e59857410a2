// The photo store on a real disk: what is accepted is stored whole and readable under its hash,
// whatever is rejected (wrong hash, too large, not an image, aborted) leaves no file behind.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay, setImmediate as nextTick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFolderSyncer,
  createPhotoStore,
  PhotoHashMismatch,
  PhotoImageTooLarge,
  PhotoTooLarge,
  PhotoUnsupportedType,
  sniffImageType,
  type DiskPhotoStore,
} from './photo-store';

// Real 1×1 images. (Compare big buffers by hash: deep equality of megabytes is slow.)
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

/** The first bytes of a PNG declaring width × height (the rest of the file does not matter). */
function pngOfSize(width: number, height: number): Buffer {
  const head = Buffer.concat([PNG.subarray(0, 24), PNG.subarray(24)]);
  head.writeUInt32BE(width, 16);
  head.writeUInt32BE(height, 20);
  return head;
}
/** SOI and a frame header declaring width × height. */
function jpegOfSize(width: number, height: number): Buffer {
  const sof = Buffer.from(SOF);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof]);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A JPEG frame header: 1600 × 1200 pixels. */
const SOF = Buffer.from([0xff, 0xc0, 0, 11, 8, 0x04, 0xb0, 0x06, 0x40, 1, 1, 0x11, 0]);
/** A JPEG-looking body of `size` bytes: SOI, a frame header, then noise. */
const bigJpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), SOF, randomBytes(size - 2 - SOF.length)]);

/** Streams `bytes` in chunks of `size` (the first one a single byte), yielding to the event loop between. */
function chunked(bytes: Buffer, size = 64 * 1024): Readable & { pulled: () => number } {
  let pulled = 0;
  async function* chunks() {
    let offset = 0;
    let first = true;
    while (offset < bytes.length) {
      const end = first ? 1 : Math.min(bytes.length, offset + size);
      first = false;
      pulled++;
      yield bytes.subarray(offset, end);
      offset = end;
      await nextTick();
    }
  }
  return Object.assign(Readable.from(chunks()), { pulled: () => pulled });
}

let dataDir: string;
let store: DiskPhotoStore;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'civic-photos-'));
  store = createPhotoStore(dataDir);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const tempFiles = async () => readdir(join(dataDir, 'photos', 'tmp')).catch(() => []);
async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('savePhoto', () => {
  it.each([
    ['image/jpeg', JPEG],
    ['image/png', PNG],
    ['image/webp', WEBP],
  ] as const)('stores %s bytes under their hash, readable again', async (type, bytes) => {
    const hash = sha256(bytes);
    const saved = await store.savePhoto(hash, Readable.from([bytes]));
    expect(saved).toEqual({ sha256: hash, bytes: bytes.length, contentType: type, created: true });
    const path = join(dataDir, 'photos', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(store.pathOf(hash)).toBe(path);
    expect(await readFile(path)).toEqual(bytes);
    expect(await store.hasPhoto(hash)).toBe(true);
    const opened = await store.openPhoto(hash);
    expect(opened).toMatchObject({ bytes: bytes.length, contentType: type });
    expect(await readAll(opened!.stream)).toEqual(bytes);
    expect(await tempFiles()).toEqual([]);
  });

  it('streams a large photo in many chunks', async () => {
    const bytes = bigJpeg(3 * 1024 * 1024 + 17);
    const saved = await store.savePhoto(sha256(bytes), chunked(bytes));
    expect(saved).toMatchObject({ bytes: bytes.length, created: true });
    expect(sha256(await readFile(store.pathOf(saved.sha256)))).toBe(sha256(bytes));
  });

  it('writes the body to its temp file while it arrives: an upload is not held in memory', async () => {
    const bytes = bigJpeg(6 * 1024 * 1024);
    const half = 3 * 1024 * 1024;
    const tempBytes = async () => {
      const [name] = await tempFiles();
      return name ? (await stat(join(dataDir, 'photos', 'tmp', name))).size : 0;
    };
    async function* body() {
      for (let at = 0; at < half; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
      // The second half comes only once most of the first is on disk (or never: the test fails).
      for (let waited = 0; (await tempBytes()) < half - 512 * 1024; waited += 10) {
        if (waited > 5000) throw new Error(`after 3 MiB sent, ${await tempBytes()} bytes were on disk`);
        await delay(10);
      }
      yield bytes.subarray(half);
    }
    const saved = await store.savePhoto(sha256(bytes), Readable.from(body()));
    expect(saved).toMatchObject({ bytes: bytes.length, created: true });
    expect(sha256(await readFile(store.pathOf(saved.sha256)))).toBe(sha256(bytes));
  });

  it.each([
    ['a PNG declaring 60000×60000', pngOfSize(60_000, 60_000), { width: 60_000, height: 60_000 }],
    ['a PNG of 9000×100 (one side over 8192)', pngOfSize(9000, 100), { width: 9000, height: 100 }],
    ['a JPEG of 8000×6000 (48 MP)', jpegOfSize(8000, 6000), { width: 8000, height: 6000 }],
  ])('refuses an image bomb, %s, without reading the rest, leaving no file', async (_name, head, size) => {
    const bytes = Buffer.concat([head, randomBytes(2 * 1024 * 1024)]);
    const source = chunked(bytes);
    const error = await store.savePhoto(sha256(bytes), source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoImageTooLarge);
    expect(error).toMatchObject({ code: 'image_too_large', size });
    expect(source.pulled()).toBeLessThan(4);
    source.destroy();
    expect(await store.hasPhoto(sha256(bytes))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('refuses a JPEG whose header never declares a size (its scan begins first) as not an image', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8]), randomBytes(1000)]);
    const error = await store.savePhoto(sha256(bytes), Readable.from([bytes])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoUnsupportedType);
  });

  it('keeps photos to the server’s user: files 0600, folders 0700', async () => {
    const saved = await store.savePhoto(sha256(PNG), Readable.from([PNG]));
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    const path = store.pathOf(saved.sha256);
    expect(await mode(path)).toBe(0o600);
    for (const dir of [dirname(path), dirname(dirname(path)), join(dataDir, 'photos'), join(dataDir, 'photos', 'tmp')])
      expect(await mode(dir)).toBe(0o700);
  });

  it('rejects bytes that do not match the hash, leaving no file', async () => {
    const hash = sha256(PNG);
    const error = await store.savePhoto(hash, Readable.from([JPEG])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoHashMismatch);
    expect(error).toMatchObject({ code: 'hash_mismatch', expected: hash, actual: sha256(JPEG) });
    expect(await store.hasPhoto(hash)).toBe(false);
    expect(await store.hasPhoto(sha256(JPEG))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('rejects an oversize body mid-stream, leaving no file and the source to its owner', async () => {
    const bytes = bigJpeg(4 * 1024 * 1024);
    const source = chunked(bytes);
    const error = await store.savePhoto(sha256(bytes), source, { maxBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoTooLarge);
    expect(error).toMatchObject({ code: 'payload_too_large', maxBytes: 1024 * 1024 });
    expect(source.pulled()).toBeLessThan(4 * 16); // stopped after ~1 MiB of 4 MiB
    expect(source.destroyed).toBe(false);
    source.destroy();
    expect(await store.hasPhoto(sha256(bytes))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('accepts a photo of exactly maxBytes', async () => {
    const bytes = bigJpeg(1000);
    await expect(store.savePhoto(sha256(bytes), chunked(bytes, 100), { maxBytes: 1000 })).resolves.toMatchObject({
      created: true,
    });
  });

  it.each([
    ['text', Buffer.from('hello, this is not an image at all\n')],
    ['empty', Buffer.alloc(0)],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
    ['RIFF that is not WebP', Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')],
  ])('rejects %s as an unsupported type, leaving no file', async (_name, bytes) => {
    const error = await store.savePhoto(sha256(bytes), Readable.from([bytes])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoUnsupportedType);
    expect(error).toMatchObject({ code: 'unsupported_media_type' });
    expect(await store.hasPhoto(sha256(bytes))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('rejects a large non-image early, without reading it all', async () => {
    const bytes = Buffer.alloc(2 * 1024 * 1024, 'x');
    const source = chunked(bytes);
    await expect(store.savePhoto(sha256(bytes), source)).rejects.toBeInstanceOf(PhotoUnsupportedType);
    expect(source.pulled()).toBeLessThan(8); // of 33 chunks (Readable.from reads a little ahead)
    source.destroy();
  });

  it('reports created: false for a photo already stored', async () => {
    const hash = sha256(JPEG);
    expect((await store.savePhoto(hash, Readable.from([JPEG]))).created).toBe(true);
    expect(await store.savePhoto(hash, Readable.from([JPEG]))).toEqual({
      sha256: hash,
      bytes: JPEG.length,
      contentType: 'image/jpeg',
      created: false,
    });
    expect(await readdir(join(dataDir, 'photos', hash.slice(0, 2), hash.slice(2, 4)))).toEqual([hash]);
    expect(await tempFiles()).toEqual([]);
  });

  it('stores again when its folder was removed behind its back (the folders are remembered, not looked up)', async () => {
    const hash = sha256(JPEG);
    await store.savePhoto(hash, Readable.from([JPEG]));
    await rm(join(dataDir, 'photos', hash.slice(0, 2)), { recursive: true });
    expect((await store.savePhoto(hash, Readable.from([JPEG]))).created).toBe(true);
    expect(await readFile(store.pathOf(hash))).toEqual(JPEG);
    expect(await tempFiles()).toEqual([]);
  });

  it('lets concurrent uploads of the same photo all succeed, with one file and one creator', async () => {
    const bytes = bigJpeg(512 * 1024);
    const hash = sha256(bytes);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.savePhoto(hash, chunked(bytes, 32 * 1024))),
    );
    expect(results.every((result) => result.sha256 === hash && result.bytes === bytes.length)).toBe(true);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await readdir(join(dataDir, 'photos', hash.slice(0, 2), hash.slice(2, 4)))).toEqual([hash]);
    expect(sha256(await readFile(store.pathOf(hash)))).toBe(hash);
    expect(await tempFiles()).toEqual([]);
  });

  it('removes the temp file when the upload is cut off', async () => {
    const bytes = bigJpeg(256 * 1024);
    async function* cutOff() {
      yield bytes.subarray(0, 100_000);
      await nextTick();
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    await expect(store.savePhoto(sha256(bytes), Readable.from(cutOff()))).rejects.toThrow('aborted');
    expect(await store.hasPhoto(sha256(bytes))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('refuses a malformed hash before touching the disk', async () => {
    await expect(store.savePhoto('../../etc/passwd', Readable.from([JPEG]))).rejects.toThrow(TypeError);
    await expect(store.savePhoto(sha256(JPEG).toUpperCase(), Readable.from([JPEG]))).rejects.toThrow(TypeError);
    expect(existsSync(join(dataDir, 'photos'))).toBe(false);
  });
});

describe('openPhoto, hasPhoto', () => {
  it('answer null and false for a photo not stored', async () => {
    expect(await store.openPhoto('0'.repeat(64))).toBeNull();
    expect(await store.hasPhoto('0'.repeat(64))).toBe(false);
  });
});

describe('sweepTempFiles', () => {
  it('deletes what a killed upload left in tmp and nothing else', async () => {
    const hash = sha256(PNG);
    await store.savePhoto(hash, Readable.from([PNG]));
    const tmp = join(dataDir, 'photos', 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, `${'a'.repeat(64)}.1.part`), randomBytes(1000));
    await writeFile(join(tmp, `${'b'.repeat(64)}.2.part`), '');
    expect(await store.sweepTempFiles()).toBe(2);
    expect(await tempFiles()).toEqual([]);
    expect(await store.hasPhoto(hash)).toBe(true);
  });

  it('is a no-op on a fresh data folder', async () => {
    expect(await store.sweepTempFiles()).toBe(0);
  });
});

describe('sniffImageType', () => {
  it.each([
    [[0xff, 0xd8, 0xff, 0xe0], 'image/jpeg'],
    [[0xff, 0xd8, 0xff], 'image/jpeg'],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'image/png'],
    [[...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEBP')], 'image/webp'],
    [[0xff, 0xd8], null],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a], null],
    [[...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WAVE')], null],
    [[...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEB')], null],
    [[...Buffer.from('<svg xmlns')], null],
    [[], null],
  ])('%j → %s', (bytes, type) => {
    expect(sniffImageType(new Uint8Array(bytes))).toBe(type);
  });
});

describe('what a stored photo costs in fsyncs (the durable floor pays two: the file and its folder)', () => {
  /** A JPEG whose hash starts with `prefix` (hex): found by trying random tails. */
  function jpegWithPrefix(prefix: string): Buffer {
    for (;;) {
      const bytes = bigJpeg(64);
      if (sha256(bytes).startsWith(prefix)) return bytes;
    }
  }
  const counted = () => {
    const fsyncs: string[] = [];
    return { fsyncs, store: createPhotoStore(dataDir, { onFsync: (what) => fsyncs.push(what) }) };
  };
  const save = (target: DiskPhotoStore, bytes: Buffer) => target.savePhoto(sha256(bytes), Readable.from([bytes]));

  it('two into a folder that exists, one more for each folder that gained a new one', async () => {
    const { fsyncs, store: counting } = counted();
    const first = bigJpeg(64);
    await save(counting, first);
    // The first upload makes photos/tmp and photos/00…ff: photos/ fsynced once. Then a new ab/cd/:
    // the file, ab/cd (the link), ab (cd's name). The new folder's fsync runs while the body
    // arrives, so the order varies.
    expect(fsyncs.sort()).toEqual(['file', 'folder', 'folder', 'folder']);
    const prefix = sha256(first);
    fsyncs.length = 0;
    await save(counting, jpegWithPrefix(prefix.slice(0, 4)));
    expect(fsyncs).toEqual(['file', 'folder']);
    fsyncs.length = 0;
    const sibling = prefix.slice(0, 2) + (prefix[2] === '0' ? '1' : '0');
    await save(counting, jpegWithPrefix(sibling));
    expect(fsyncs.sort()).toEqual(['file', 'folder', 'folder']);
  });

  it('makes no fsync for a photo already stored, and none for bytes it refuses', async () => {
    const { fsyncs, store: counting } = counted();
    const bytes = bigJpeg(64);
    await save(counting, bytes);
    fsyncs.length = 0;
    expect((await save(counting, bytes)).created).toBe(false);
    await expect(counting.savePhoto(sha256(PNG), Readable.from([bytes]))).rejects.toThrow(PhotoHashMismatch);
    expect(fsyncs.filter((what) => what === 'folder')).toHaveLength(0);
  });
});

describe('shared folder fsyncs', () => {
  /** An fsync that finishes when the test says so, recording when each began. */
  function controlledFsync() {
    const begun: { dir: string; finish: () => void }[] = [];
    const fsync = (dir: string) =>
      new Promise<void>((resolve) => {
        begun.push({ dir, finish: resolve });
      });
    return { begun, syncer: createFolderSyncer(fsync) };
  }

  it('settles a call only after an fsync that began after it; callers meanwhile share one', async () => {
    const { begun, syncer } = controlledFsync();
    const settled: string[] = [];
    const first = syncer.sync('/p/ab').then(() => settled.push('first'));
    expect(begun).toHaveLength(1);
    const second = syncer.sync('/p/ab').then(() => settled.push('second'));
    const third = syncer.sync('/p/ab').then(() => settled.push('third'));
    expect(begun).toHaveLength(1); // the running one may predate their links: they wait for the next
    begun[0]!.finish();
    await first;
    await nextTick();
    expect(settled).toEqual(['first']);
    expect(begun).toHaveLength(2);
    begun[1]!.finish();
    await Promise.all([second, third]);
    expect(settled).toEqual(['first', 'second', 'third']);
    expect(begun).toHaveLength(2);
  });

  it('keeps folders apart, and starts afresh once idle', async () => {
    const { begun, syncer } = controlledFsync();
    const a = syncer.sync('/p/aa');
    const b = syncer.sync('/p/bb');
    expect(begun.map((call) => call.dir)).toEqual(['/p/aa', '/p/bb']);
    begun.forEach((call) => call.finish());
    await Promise.all([a, b]);
    const again = syncer.sync('/p/aa');
    expect(begun).toHaveLength(3);
    begun[2]!.finish();
    await again;
  });
});
