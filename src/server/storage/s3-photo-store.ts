/**
 * PHOTO_STORE=s3://bucket/prefix: photos as objects of an S3-compatible bucket (AWS S3, MinIO,
 * Ceph, a cloud vendor's object storage), through the official AWS SDK client, so any number of
 * server processes share them and the bucket is backed up apart from the database. The same
 * rules as on disk (photo-store.ts):
 *
 * - Bytes go in only through `receivePhoto` (size, type, pixel size, hash as they stream). They
 *   are spooled first — in memory up to 1 MiB (most photos), beyond that to a temp file under
 *   `DATA_DIR/photos/tmp/` — because the hash must be right before anything reaches the bucket.
 * - Then one PutObject under `prefix/<sha256>` with its length and its SHA-256 checksum, which
 *   S3 verifies again on arrival (BadDigest otherwise). A PUT is atomic: the object is absent
 *   until all of it is stored, never half visible, and its 200 means it is durable. The 201
 *   therefore comes only after that 200.
 * - A photo already there is not sent again (`created: false`); of two uploads racing,
 *   `If-None-Match: *` makes the second lose (412 → `created: false`) where the service supports
 *   it; where it does not, that PUT rewrites the same bytes under the same name, which nobody
 *   can tell apart.
 * - Readiness writes and deletes a small object, so it proves the bucket, the credentials and
 *   the right to write, as the other stores' probes do.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  PHOTO_DIR_MODE,
  PHOTO_FILE_MODE,
  PHOTO_MAX_BYTES,
  receivePhoto,
  type ImageType,
  type PhotoStore,
  type SavedPhoto,
  type StoredPhoto,
} from './photo-store';

/** Where the photos live: `s3://bucket/prefix`, and how to reach the service. */
export interface S3Location {
  bucket: string;
  /** '' or a folder-like prefix ending in '/'. */
  prefix: string;
  /** S3_ENDPOINT: a service other than AWS (MinIO: `http://minio:9000`); unset, AWS's own. */
  endpoint?: string;
  /** AWS_REGION (default us-east-1; most S3-compatible services ignore it). */
  region: string;
  /** S3_FORCE_PATH_STYLE: `endpoint/bucket/key` addressing, which MinIO and most others need. */
  forcePathStyle: boolean;
}

/** Photos up to this size are spooled in memory before their PUT; larger ones to a temp file. */
const SPOOL_IN_MEMORY_BYTES = 1024 * 1024;
/** Spool files of uploads that a crash interrupted are deleted at start once this old. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];

/** A failure of the bucket itself, worded for the operator (logs, /api/ready). */
export class S3StoreError extends Error {
  constructor(
    readonly s3Code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * `s3://bucket/prefix` → bucket and prefix; null when `text` is not an s3:// address. Throws
 * for an s3:// address without a valid bucket name.
 */
export function parseS3Url(text: string): { bucket: string; prefix: string } | null {
  if (!text.startsWith('s3://')) return null;
  const [bucket = '', ...rest] = text.slice('s3://'.length).split('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new TypeError(`not an S3 bucket name: "${bucket}"`);
  const path = rest.filter(Boolean).join('/');
  return { bucket, prefix: path ? `${path}/` : '' };
}

/**
 * The client for a location. Credentials come from the SDK's own chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, a profile, an instance role) unless given. Checksums are computed only
 * where the operation requires one: S3-compatible services other than AWS often do not take the
 * SDK's newer streamed-trailer checksums; our PUT sends its own SHA-256 instead.
 */
export function createS3Client(location: S3Location, credentials?: S3Credentials, maxAttempts = 3): S3Client {
  return new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts,
    // A bucket that stops answering must not hold an upload (and its phone) forever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    ...(location.endpoint && { endpoint: location.endpoint }),
    ...(credentials && { credentials }),
  });
}

export type S3Credentials = NonNullable<ConstructorParameters<typeof S3Client>[0]>['credentials'];

/** How often a PUT is tried: a 5xx, a 429 or a cut connection is worth another go. */
const PUT_ATTEMPTS = 3;

export interface S3PhotoStore extends PhotoStore {
  readonly location: S3Location;
  keyOf(sha256: string): string;
}

export function createS3PhotoStore(
  location: S3Location,
  options: { dataDir: string; credentials?: S3Credentials; now?: () => Date },
): S3PhotoStore {
  const client = createS3Client(location, options.credentials);
  // PUTs are retried here, each with a fresh body: the SDK's own retry would resend a spool
  // file's stream that the first attempt already read.
  const putClient = createS3Client(location, options.credentials, 1);
  const now = options.now ?? (() => new Date());
  const { bucket, prefix } = location;
  const spoolDir = join(options.dataDir, 'photos', 'tmp');

  function keyOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new TypeError(`not a lowercase hex SHA-256: ${sha256}`);
    return `${prefix}${sha256}`;
  }

  /** Sends a command, turning the service's refusals into one operator-readable error. */
  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw explain(error, `${what} s3://${bucket}/${prefix}`);
    }
  }

  async function savePhoto(
    expectedSha256: string,
    source: Readable,
    saveOptions: { maxBytes?: number } = {},
  ): Promise<SavedPhoto> {
    const key = keyOf(expectedSha256);
    const spool = new Spool(spoolDir, `${expectedSha256}.${randomUUID()}.part`);
    try {
      const { bytes, contentType } = await receivePhoto(
        source,
        expectedSha256,
        saveOptions.maxBytes ?? PHOTO_MAX_BYTES,
        (batch) => spool.write(batch),
      );
      const put = () => {
        const body = spool.body();
        // The SDK pipes the body without watching it: a read error would go unhandled and the
        // request would wait for bytes that never come. It aborts the PUT instead.
        const abort = new AbortController();
        if (body instanceof Readable) body.on('error', (error) => abort.abort(error));
        return putClient.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: bytes,
            ContentType: contentType,
            ChecksumSHA256: Buffer.from(expectedSha256, 'hex').toString('base64'),
            IfNoneMatch: '*',
          }),
          { abortSignal: abort.signal },
        );
      };
      // Already there (a phone's retry after a lost answer): no need to send the bytes again.
      if (await hasPhoto(expectedSha256)) return { sha256: expectedSha256, bytes, contentType, created: false };
      const created = await send('PUT', () => putWithRetry(put));
      return { sha256: expectedSha256, bytes, contentType, created };
    } finally {
      await spool.discard();
    }
  }

  async function openPhoto(sha256: string): Promise<StoredPhoto | null> {
    const key = keyOf(sha256);
    const object = await send('GET', () =>
      client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
        if (statusOf(error) === 404) return null;
        throw error;
      }),
    );
    if (!object) return null;
    const stream = object.Body as Readable;
    const contentType = object.ContentType ?? '';
    if (!IMAGE_TYPES.includes(contentType)) {
      stream.destroy();
      throw new Error(`stored photo ${sha256} is not an image (${contentType}): the object was altered`);
    }
    return { stream, bytes: Number(object.ContentLength), contentType: contentType as ImageType };
  }

  async function hasPhoto(sha256: string): Promise<boolean> {
    const key = keyOf(sha256);
    return send('HEAD', () =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
        () => true,
        (error: unknown) => {
          if (statusOf(error) === 404) return false;
          throw error;
        },
      ),
    );
  }

  async function probe(): Promise<void> {
    const key = `${prefix}probe/${randomUUID()}`;
    await send('PUT', () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'ready' })));
    await send('DELETE', () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  /** The bucket has no leftovers (a PUT is whole or absent); this process's spool folder may. */
  async function sweepTempFiles(): Promise<number> {
    const before = now().getTime() - ABANDONED_AFTER_MS;
    let names: string[];
    try {
      names = await readdir(spoolDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let swept = 0;
    for (const name of names) {
      const path = join(spoolDir, name);
      // Other processes on the same DATA_DIR may be spooling right now: only old files go.
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < before) {
        await rm(path, { force: true, recursive: true });
        swept += 1;
      }
    }
    return swept;
  }

  async function* listPhotos(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await send('LIST', () =>
        client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
        ),
      );
      // S3 lists keys in byte order, which for lowercase hex names is hash order.
      for (const { Key } of page.Contents ?? []) {
        const name = Key?.slice(prefix.length) ?? '';
        if (SHA256_HEX.test(name)) yield name;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  return {
    kind: 's3',
    location,
    keyOf,
    savePhoto,
    openPhoto,
    hasPhoto,
    probe,
    sweepTempFiles,
    listPhotos,
  };
}

/**
 * An upload's bytes between the hash check and the PUT: batches in memory while they are
 * small, moved to a temp file (0600, never fsynced: the bucket is what must be durable) once
 * they pass SPOOL_IN_MEMORY_BYTES.
 */
class Spool {
  #memory: Buffer[] = [];
  #memoryBytes = 0;
  #file: FileHandle | undefined;
  #onDisk = false;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {}

  get #path(): string {
    return join(this.dir, this.name);
  }

  async write(batch: Buffer[]): Promise<void> {
    if (!this.#onDisk) {
      this.#memory.push(...batch);
      this.#memoryBytes += batch.reduce((sum, part) => sum + part.length, 0);
      if (this.#memoryBytes <= SPOOL_IN_MEMORY_BYTES) return;
      await mkdir(this.dir, { recursive: true, mode: PHOTO_DIR_MODE });
      this.#onDisk = true;
      this.#file = await open(this.#path, 'wx+', PHOTO_FILE_MODE); // read back for the PUT
      [batch, this.#memory] = [this.#memory, []];
    }
    await this.#file!.writev(batch);
  }

  /**
   * The spooled bytes, for a PUT's body: each call reads them afresh (a retry). Read through the
   * open handle, so a sweep that removed the name (another process's start) costs nothing.
   */
  body(): Buffer | Readable {
    if (!this.#file) return Buffer.concat(this.#memory);
    // A stream that reads only once the SDK reads it, so a read error reaches the PUT.
    return Readable.from(readFrom(this.#file));
  }

  async discard(): Promise<void> {
    this.#memory = [];
    await this.#file?.close().catch(() => {});
    if (this.#onDisk) await rm(this.#path, { force: true }).catch(() => {});
  }
}

/** True once the object is stored by this PUT, false when it already was (412). */
async function putWithRetry(put: () => Promise<unknown>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await put();
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412) return false; // already there: a retry, or another upload won
      const retryable = status === undefined || status === 429 || status >= 500;
      if (!retryable || attempt >= PUT_ATTEMPTS || isCredentialsError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

const isCredentialsError = (error: unknown) => error instanceof Error && error.name === 'CredentialsProviderError';

/** A spool file's bytes from its start, by positioned reads (the handle stays open for a retry). */
async function* readFrom(file: FileHandle): AsyncGenerator<Buffer> {
  for (let position = 0; ;) {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(256 * 1024), 0, 256 * 1024, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** One line an operator can act on: which bucket, what S3 said, and for credentials what to set. */
function explain(error: unknown, where: string): Error {
  if (error instanceof S3StoreError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const text = error instanceof Error ? error.message : String(error);
  if (isCredentialsError(error))
    return new S3StoreError(
      name,
      `${where}: 没有 S3 凭据 (no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      { cause: error },
    );
  if (error instanceof S3ServiceException) {
    // A HEAD's refusal has no body to name it: its status says enough.
    const status = error.$metadata.httpStatusCode;
    const code = error.name === 'Unknown' || error.name === 'Forbidden' ? `HTTP ${status}` : error.name;
    const hint =
      status === 401 || status === 403 ? ' — S3 拒绝了凭据或权限 (check the credentials and the bucket policy)' : '';
    return new S3StoreError(code, `${where}: ${code} (HTTP ${status ?? '?'})${hint}`, { cause: error });
  }
  return new S3StoreError(name, `${where}: ${text}`, { cause: error });
}
