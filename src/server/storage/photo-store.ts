/**
 * Photo files, content-addressed: `${dataDir}/photos/ab/cd/<sha256>` (fanned out by the first
 * two bytes of the hash so no folder grows past a few thousand entries). The SHA-256 is the
 * photo's identity everywhere (device, wire, database), so a name is written once and never
 * changes; the `photos` table holds who uploaded what, this folder holds the bytes.
 *
 * Crash safety: the body streams into a temp file under `photos/tmp/` (an upload holds at most
 * 256 KiB in memory), hashed, counted and checked on the way (magic bytes, then the pixel size
 * the header declares: image bombs are refused); once size, type and hash are right the file is
 * fsynced, then linked under its real name (which fails if it exists: no-clobber, so exactly one
 * of two concurrent uploads reports `created`) and the folder is fsynced. A crash therefore
 * never leaves a half photo under a real name, only temp files, which `sweepTempFiles()` deletes
 * at start-up. Rejected uploads (too large, wrong hash, not an image) leave nothing behind.
 * Files are 0600 and folders 0700: photos are personal data.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../../domain/errors';
import {
  createSizeScanner,
  isWithinLimits,
  type ImageSize,
  type ImageSizeScanner,
  type SizeReading,
} from './image-size';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The API's limit for one photo: 15 MiB. */
export const PHOTO_MAX_BYTES = 15 * 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Bytes needed to recognise every accepted type (WebP: "RIFF" size "WEBP"). */
const SNIFF_BYTES = 12;
/** An upload is written to its temp file in batches of this size (its most memory held). */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Photos and the folders holding them are the owner's alone (personal data). */
export const PHOTO_FILE_MODE = 0o600;
export const PHOTO_DIR_MODE = 0o700;

export class PhotoStoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class PhotoTooLarge extends PhotoStoreError {
  constructor(readonly maxBytes: number) {
    super('payload_too_large', `photo is over ${maxBytes} bytes`);
  }
}
export class PhotoHashMismatch extends PhotoStoreError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super('hash_mismatch', `photo bytes hash to ${actual}, not ${expected}`);
  }
}
export class PhotoImageTooLarge extends PhotoStoreError {
  constructor(readonly size: ImageSize) {
    super('image_too_large', `photo declares ${size.width}×${size.height} pixels`);
  }
}
export class PhotoUnsupportedType extends PhotoStoreError {
  constructor() {
    super('unsupported_media_type', 'photo bytes are not JPEG, PNG or WebP');
  }
}

/** The image type that the first bytes announce, or null. Pure: no I/O. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const at = (offset: number, ...expected: number[]) => expected.every((value, i) => bytes[offset + i] === value);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

export interface SavedPhoto {
  sha256: string;
  bytes: number;
  contentType: ImageType;
  /** False when the photo was already stored (a retry, or a concurrent upload won). */
  created: boolean;
}

export interface StoredPhoto {
  stream: Readable;
  bytes: number;
  contentType: ImageType;
}

/**
 * Where photo bytes live, content-addressed (PHOTO_STORE): files under DATA_DIR (`disk`, this
 * module), rows in the database (`database`, database-photo-store.ts) or objects in an S3
 * bucket (`s3://bucket/prefix`, s3-photo-store.ts). All take bytes only
 * through `receivePhoto` (size, type, pixel size, hash) and make a photo visible only once all
 * of it is durable.
 */
export interface PhotoStore {
  readonly kind: PhotoStoreKind;
  /**
   * Streams `source` into the store, checking size, magic bytes and hash on the way. Rejects
   * with PhotoTooLarge / PhotoUnsupportedType as soon as it knows (without reading the rest)
   * and PhotoHashMismatch at the end. The source is not destroyed on rejection: the caller
   * owns it (an HTTP handler may want to answer 413 first).
   */
  savePhoto(expectedSha256: string, source: Readable, options?: { maxBytes?: number }): Promise<SavedPhoto>;
  /** The photo's bytes as a stream, or null when it is not stored. */
  openPhoto(sha256: string): Promise<StoredPhoto | null>;
  hasPhoto(sha256: string): Promise<boolean>;
  /** Proves the store takes a file (readiness): writes and removes a small temp file; rejects if it cannot. */
  probe(): Promise<void>;
  /** Deletes leftovers of uploads that never finished; call at start-up. Returns how many. */
  sweepTempFiles(): Promise<number>;
  /** Every stored photo's hash, in hash order (for migrating between stores). */
  listPhotos(): AsyncIterable<string>;
}

export type PhotoStoreKind = 'disk' | 'database' | 's3';

/** The disk store also says where each file lives (tests and backups look there). */
export interface DiskPhotoStore extends PhotoStore {
  readonly root: string;
  pathOf(sha256: string): string;
}

export interface DiskStoreOptions {
  /** Hears every fsync the store makes (the bench counts fsyncs per photo). */
  onFsync?: (what: 'file' | 'folder') => void;
}

export function createPhotoStore(dataDir: string, options: DiskStoreOptions = {}): DiskPhotoStore {
  const root = join(dataDir, 'photos');
  const tmpDir = join(root, 'tmp');
  const { onFsync } = options;
  /** Each fan-out folder's making (and the fsync of the names it added), once per process. */
  const preparedDirs = new Map<string, Promise<void>>();
  const folderSyncs = createFolderSyncer(async (dir) => {
    await fsyncDir(dir);
    onFsync?.('folder');
  });
  let tmpReady: Promise<unknown> | undefined;

  /**
   * Before the first upload: `tmp/` and the 256 first-level fan-out folders (`00/` … `ff/`, 1 MiB
   * of folders on ext4), their names made durable by one fsync of `photos/`. A photo then never
   * waits for `photos/` to be fsynced: at most its `ab/` (a new `ab/cd/`) and its own folder.
   */
  async function prepareRoot(): Promise<void> {
    await mkdir(tmpDir, { recursive: true, mode: PHOTO_DIR_MODE });
    const created = await Promise.all(
      Array.from({ length: 256 }, (_, n) =>
        mkdir(join(root, n.toString(16).padStart(2, '0')), { recursive: true, mode: PHOTO_DIR_MODE }),
      ),
    );
    if (created.some((first) => first !== undefined)) await folderSyncs.sync(root);
  }

  /**
   * Makes the photo's fan-out folder if it is new and makes its name durable (fsync of each
   * parent that gained an entry, shared with other uploads syncing the same folder). Started as
   * the upload starts, so these fsyncs overlap with receiving the body rather than follow it.
   */
  function prepareDir(dir: string): Promise<void> {
    let prepared = preparedDirs.get(dir);
    if (!prepared) {
      prepared = (async () => {
        const firstCreated = await mkdir(dir, { recursive: true, mode: PHOTO_DIR_MODE });
        if (firstCreated === undefined) return;
        // Every folder from the leaf up to the parent of the first one created gained an entry.
        const top = dirname(firstCreated);
        for (let parent = dirname(dir); parent.length >= top.length; parent = dirname(parent))
          await folderSyncs.sync(parent);
      })();
      preparedDirs.set(dir, prepared);
      prepared.catch(() => preparedDirs.delete(dir)); // try again on the next upload
    }
    return prepared;
  }

  function pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new TypeError(`not a lowercase hex SHA-256: ${sha256}`);
    return join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async function savePhoto(
    expectedSha256: string,
    source: Readable,
    options: { maxBytes?: number } = {},
  ): Promise<SavedPhoto> {
    const finalPath = pathOf(expectedSha256);
    const maxBytes = options.maxBytes ?? PHOTO_MAX_BYTES;
    await (tmpReady ??= prepareRoot().catch((error: unknown) => {
      tmpReady = undefined; // try again on the next upload
      throw error;
    }));
    const tempPath = join(tmpDir, `${expectedSha256}.${randomUUID()}.part`);
    const dirReady = prepareDir(dirname(finalPath));
    // Awaited below before the link; an upload refused before that leaves an empty folder.
    dirReady.catch(() => {});
    let file: FileHandle | undefined;
    try {
      // The body goes to the temp file as it streams in, hashed and checked on the way.
      file = await open(tempPath, 'wx', PHOTO_FILE_MODE);
      const opened = file;
      const { bytes, contentType } = await receivePhoto(source, expectedSha256, maxBytes, (batch) =>
        opened.writev(batch),
      );
      await file.sync();
      onFsync?.('file');
      await file.close();
      file = undefined;
      await dirReady;
      const created = await placeFile(tempPath, finalPath);
      return { sha256: expectedSha256, bytes, contentType, created };
    } finally {
      await file?.close().catch(() => {});
      await rm(tempPath, { force: true }).catch(() => {});
    }
  }

  /**
   * Puts the fsynced temp file under its real name (its folder made by `prepareDir`); false if
   * that name already exists.
   */
  async function placeFile(tempPath: string, finalPath: string): Promise<boolean> {
    const dir = dirname(finalPath);
    let created = true;
    try {
      await link(tempPath, finalPath); // atomic and no-clobber; the temp name is removed by the caller
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // The folder was removed behind this process's back: make it again, once.
        preparedDirs.delete(dir);
        await prepareDir(dir);
        await link(tempPath, finalPath);
      } else if (code === 'EEXIST') created = false;
      else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
        // A file system without hard links: rename (atomic, but replaces an identical file).
        created = !(await exists(finalPath));
        if (created) await rename(tempPath, finalPath);
      } else throw error;
    }
    // Make the new name durable (one fsync shared by the uploads linked into it meanwhile).
    if (created) await folderSyncs.sync(dir);
    return created;
  }

  async function openPhoto(sha256: string): Promise<StoredPhoto | null> {
    let handle: FileHandle;
    try {
      handle = await open(pathOf(sha256), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      const contentType = sniffImageType(head.subarray(0, bytesRead));
      if (!contentType) throw new Error(`stored photo ${sha256} is not an image: the file was altered`);
      return { stream: handle.createReadStream({ start: 0 }), bytes: size, contentType };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async function hasPhoto(sha256: string): Promise<boolean> {
    return exists(pathOf(sha256));
  }

  async function probe(): Promise<void> {
    await mkdir(tmpDir, { recursive: true, mode: PHOTO_DIR_MODE });
    const path = join(tmpDir, `probe.${randomUUID()}.part`);
    try {
      await writeFile(path, 'ready', { mode: PHOTO_FILE_MODE, flag: 'wx' });
    } finally {
      await rm(path, { force: true });
    }
  }

  async function sweepTempFiles(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(tmpDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    await Promise.all(names.map((name) => rm(join(tmpDir, name), { force: true, recursive: true })));
    return names.length;
  }

  async function* listPhotos(): AsyncIterable<string> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    const names = entries.filter((entry) => entry.isFile() && SHA256_HEX.test(entry.name)).map((entry) => entry.name);
    yield* names.sort();
  }

  return { kind: 'disk', root, savePhoto, openPhoto, hasPhoto, probe, sweepTempFiles, listPhotos, pathOf };
}

/**
 * Reads an upload as it streams in: counts it (PhotoTooLarge past `maxBytes`), checks its type
 * and pixel size from its first bytes, hashes it, and hands it to `write` in batches of
 * WRITE_BATCH_BYTES (one awaited write per network chunk costs more than the hashing), so an
 * upload holds at most a batch in memory whatever its size. Rejects with PhotoHashMismatch at
 * the end when the bytes are not `expectedSha256`'s; every store writes through this.
 */
export async function receivePhoto(
  source: Readable,
  expectedSha256: string,
  maxBytes: number,
  write: (batch: Buffer[]) => Promise<unknown>,
): Promise<{ bytes: number; contentType: ImageType }> {
  const hash = createHash('sha256');
  const check = new ImageCheck();
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let bytes = 0;
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    const data: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array | string);
    bytes += data.length;
    if (bytes > maxBytes) throw new PhotoTooLarge(maxBytes);
    check.push(data);
    hash.update(data);
    batch.push(data);
    batchBytes += data.length;
    if (batchBytes >= WRITE_BATCH_BYTES) {
      await write(batch);
      [batch, batchBytes] = [[], 0];
    }
  }
  const contentType = check.finish();
  const actual = hash.digest('hex');
  if (actual !== expectedSha256) throw new PhotoHashMismatch(expectedSha256, actual);
  if (batch.length > 0) await write(batch);
  return { bytes, contentType };
}

/**
 * The checks on a body as it streams: its type from the magic bytes (415 otherwise), then its
 * pixel size from the header (413 `image_too_large` beyond the limits, 415 if unreadable).
 */
class ImageCheck {
  #head = Buffer.alloc(0);
  #type: ImageType | null = null;
  #scanner: ImageSizeScanner | undefined;
  #size: SizeReading = 'more';

  push(data: Buffer): void {
    if (this.#type) return this.#scan(data);
    // Until the type is known, keep the first chunk(s): usually one chunk, already ≥ 12 bytes.
    this.#head = Buffer.concat([this.#head, data]);
    if (this.#head.length >= SNIFF_BYTES) this.#start(this.#head);
  }

  /** The type, once every byte was seen; throws when the header never said a usable size. */
  finish(): ImageType {
    const type = this.#type ?? this.#start(this.#head);
    if (this.#size === 'more' || this.#size === 'invalid') throw new PhotoUnsupportedType();
    return type;
  }

  #start(head: Buffer): ImageType {
    const type = sniffImageType(head);
    if (!type) throw new PhotoUnsupportedType();
    this.#type = type;
    this.#scanner = createSizeScanner(type);
    this.#head = Buffer.alloc(0);
    this.#scan(head);
    return type;
  }

  #scan(data: Buffer): void {
    if (this.#size !== 'more' || data.length === 0) return;
    this.#size = this.#scanner!.push(data);
    if (this.#size === 'invalid') throw new PhotoUnsupportedType();
    if (this.#size !== 'more' && !isWithinLimits(this.#size)) throw new PhotoImageTooLarge(this.#size);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Shared folder fsyncs: `sync(dir)` settles after an fsync of `dir` that began after the call,
 * so a name linked before the call is durable. Calls that arrive while one runs share the next.
 */
export function createFolderSyncer(fsync: (dir: string) => Promise<void>) {
  const states = new Map<string, { running: Promise<void>; next?: Promise<void> }>();
  const start = (dir: string): Promise<void> => {
    const running = fsync(dir).finally(() => {
      const state = states.get(dir);
      if (state?.running === running && !state.next) states.delete(dir);
    });
    states.set(dir, { running });
    return running;
  };
  return {
    sync(dir: string): Promise<void> {
      const state = states.get(dir);
      if (!state) return start(dir);
      // One is running: it may have begun before the caller's link, so the caller waits for the
      // next, which every caller arriving meanwhile shares.
      state.next ??= state.running.catch(() => {}).then(() => start(dir));
      return state.next;
    },
  };
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
