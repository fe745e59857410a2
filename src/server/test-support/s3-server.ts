/**
 * A local S3 server for the tests: s3rver (npm, dev dependency), in this process, on a free
 * loopback port, keeping its objects in a temp folder. Chosen because it is pure Node (runs
 * wherever the tests run, no binary to fetch, no Docker), speaks the S3 REST API the AWS SDK v3
 * sends (path-style, SigV4 headers, ListObjectsV2), and is widely used for exactly this. It
 * checks the access key id (an unknown one is a real 403 InvalidAccessKeyId) but not SigV4
 * signatures nor If-None-Match, so a wrong secret is not refused: tests cover that error path
 * with the unknown key instead.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Location } from '../storage/s3-photo-store';

/** s3rver's built-in account: the only key it knows. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** A location in the bucket under `prefix` (tests use a prefix each, so they never share objects). */
  location(prefix?: string): S3Location;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'civic-photos'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'civic-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  keepFolders(server);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    location: (prefix = '') => ({
      bucket,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
    }),
    /** Stops the server (a test may do so early, to see what a lost bucket does); once is enough. */
    close: () => (closing ??= server.close().then(() => rm(directory, { recursive: true, force: true }))),
  };
}

/**
 * Real S3 has no folders. s3rver keeps each object as files in folders named after its key and,
 * after a DELETE, removes the folders that became empty; a PUT into such a folder at that very
 * moment fails with an ENOENT that nothing handles, which ends the test process (several
 * servers probing readiness at once do this). So here a DELETE removes the object's files only.
 */
function keepFolders(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.deleteObject = async (bucket, key) => {
    const files = (['object', 'object.md5', 'metadata.json'] as const).map((kind) =>
      store.getResourcePath(bucket, key, kind),
    );
    await Promise.all(
      files.map((file) =>
        unlink(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        }),
      ),
    );
  };
}

/** The part of s3rver's file store that `keepFolders` replaces and uses. */
interface FilesystemStore {
  deleteObject(bucket: string, key: string): Promise<void>;
  getResourcePath(bucket: string, key: string, kind: string): string;
}
