/**
 * A local S3 server for the tests: s3rver (npm, dev dependency), in this process, on a free
 * loopback port, keeping its objects in a temp folder. Chosen because it is pure Node (runs
 * wherever the tests run, no binary to fetch, no Docker), speaks the S3 REST API the AWS SDK v3
 * sends (path-style, SigV4 headers, ListObjectsV2), and is widely used for exactly this. It
 * checks the access key id (an unknown one is a real 403 InvalidAccessKeyId) but not SigV4
 * signatures nor If-None-Match, so a wrong secret is not refused: tests cover that error path
 * with the unknown key instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
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
