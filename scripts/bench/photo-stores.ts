/**
 * Photo ingest of the shared stores against their own floors (issue #19), for bench:server
 * (`CIVIC_BENCH_ONLY=stores`). The app (`buildApp`) with PHOTO_STORE=database on the engine's
 * database, then with an S3 bucket on a local S3 server (s3rver, in this process), each taking
 * PHOTOS × 1 MiB photos at concurrency 4 through `PUT /api/photos/{sha256}` — and, taking turns
 * with it in blocks of 25 so both see the same machine load, its floor on another port:
 *
 * - database floor: a bare node:http server that inserts each body whole, in one committed
 *   insert, into a table of the same database (no hashing, no token, no chunks);
 * - s3 floor: a bare node:http server that PUTs each body to the same S3 server with the same
 *   SDK client settings (no hashing, no token, no spool, no existence check).
 *
 * The ratio app ÷ floor is what the app adds beyond the store's own I/O.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../../src/server/app';
import { createUser } from '../../src/server/auth/users';
import { PROJECT_ROOT } from '../../src/server/config';
import { loadRubrics } from '../../src/server/rubric-store';
import { openDatabase } from '../../src/server/storage/database';
import { createDatabasePhotoStore } from '../../src/server/storage/database-photo-store';
import type { PhotoStore } from '../../src/server/storage/photo-store';
import { createS3Client, createS3PhotoStore } from '../../src/server/storage/s3-photo-store';
import type { Database } from '../../src/server/storage/schema';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../../src/server/test-support/s3-server';

export const STORE_PHOTOS = Number(process.env.BENCH_STORE_PHOTOS ?? 100);
const PHOTO_BYTES = 1024 * 1024;
const CONCURRENCY = 4;
const BLOCK = 25;

export interface StoreFigures {
  engine: string;
  store: 'database' | 's3';
  appMiBs: number;
  floorMiBs: number;
  errors: number;
}

type Body = { sha256: string; body: Buffer };

function photoBodies(count: number): Body[] {
  const header = [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x0f, 0xa0, 0x0b, 0xb8, 0x03];
  return Array.from({ length: count }, () => {
    const body = randomBytes(PHOTO_BYTES);
    body.set(header, 0);
    return { sha256: createHash('sha256').update(body).digest('hex'), body };
  });
}

/** PUTs the bodies at CONCURRENCY on keep-alive connections; seconds taken and answers other than 201. */
async function uploadAll(port: number, token: string, bodies: readonly Body[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const one = ({ sha256, body }: Body) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: `/api/photos/${sha256}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg', 'content-length': body.length },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) if ((await one(bodies[next++]!)) !== 201) errors++;
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, errors };
}

/** A bare server that reads each body and hands it to `keep` before answering 201. */
async function startFloor(keep: (body: Buffer) => Promise<unknown>) {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      keep(Buffer.concat(chunks)).then(
        () => response.writeHead(201).end('{"ok":true}'),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function measure(
  engine: string,
  store: StoreFigures['store'],
  db: Kysely<Database>,
  photos: PhotoStore,
  keep: (body: Buffer) => Promise<unknown>,
): Promise<StoreFigures> {
  const rubrics = await loadRubrics(join(PROJECT_ROOT, 'rubric'));
  const app = await buildApp({
    ctx: { db, engine: engine as 'sqlite', photos, rubrics, now: () => new Date() },
    logger: false,
  });
  const floor = await startFloor(keep);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const username = `bench-${store}-${randomUUID().slice(0, 8)}`;
    await createUser(db, { username, password: 'bench-password', displayName: '压测', role: 'inspector' }, new Date());
    const session = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'bench-password' }),
    });
    const { token } = (await session.json()) as { token: string };
    await uploadAll(floor.port, token, photoBodies(8)); // warm-up
    await uploadAll(port, token, photoBodies(8));
    const bodies = photoBodies(STORE_PHOTOS);
    let [appSeconds, floorSeconds, errors] = [0, 0, 0];
    for (let start = 0; start < bodies.length; start += BLOCK) {
      const block = bodies.slice(start, start + BLOCK);
      const floorRun = await uploadAll(floor.port, token, block);
      const appRun = await uploadAll(port, token, block);
      [floorSeconds, appSeconds, errors] = [
        floorSeconds + floorRun.seconds,
        appSeconds + appRun.seconds,
        errors + floorRun.errors + appRun.errors,
      ];
    }
    const mib = (STORE_PHOTOS * PHOTO_BYTES) / (1024 * 1024);
    return { engine, store, appMiBs: mib / appSeconds, floorMiBs: mib / floorSeconds, errors };
  } finally {
    await app.close();
    await floor.close();
  }
}

/** The database and the S3 store on one engine, each against its floor. */
export async function benchPhotoStores(
  engine: 'sqlite' | 'postgres',
  databaseUrl: string | undefined,
): Promise<StoreFigures[]> {
  const dataDir = await mkdtemp(join(tmpdir(), `civic-bench-stores-${engine}-`));
  const storage = await openDatabase({ dataDir, databaseUrl });
  const s3 = await startLocalS3();
  try {
    const db = storage.db;
    const blob = engine === 'postgres' ? sql`bytea` : sql`blob`;
    await sql`create table bench_photo_floor (id text primary key, bytes ${blob} not null)`.execute(db);
    const figures: StoreFigures[] = [];
    console.log(`${engine}: photo ingest, database store…`);
    figures.push(
      await measure(engine, 'database', db, createDatabasePhotoStore(db), (bytes) =>
        sql`insert into bench_photo_floor (id, bytes) values (${randomUUID()}, ${bytes})`.execute(db),
      ),
    );
    console.log(`${engine}: photo ingest, s3 store…`);
    const location = s3.location('bench');
    const client = createS3Client(location, LOCAL_S3_CREDENTIALS);
    figures.push(
      await measure(
        engine,
        's3',
        db,
        createS3PhotoStore(location, { dataDir, credentials: LOCAL_S3_CREDENTIALS }),
        (bytes) =>
          client.send(
            new PutObjectCommand({
              Bucket: location.bucket,
              Key: `floor/${randomUUID()}`,
              Body: bytes,
              ContentLength: bytes.length,
            }),
          ),
      ),
    );
    return figures;
  } finally {
    await s3.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
