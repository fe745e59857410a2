/**
 * Several servers (issue #19): three `npm start` processes on one fresh PostgreSQL database and
 * one S3 bucket (s3rver), started at once, behind HAProxy from Debian. Field clients sign in
 * through it (their sessions then work on whichever process gets each request), upload photos
 * slowly as phones on a weak signal do, and submit inspections; one process is killed while it
 * holds uploads. The clients retry what failed, as the app's outbox does, and afterwards every
 * inspection is stored exactly once (and its rectifications once) and every photo reads back
 * byte-exact through any process.
 *
 * Needs PostgreSQL (the throwaway cluster) and HAProxy: skipped with a message when HAProxy is
 * absent on a developer's machine; in CI (`CI=true`) its absence fails the test, since .ci/run
 * installs it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Storage } from './storage/database';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from './storage/test-engines';
import {
  ADMIN_PASSWORD,
  ApiClient,
  Fixtures,
  jpeg,
  projectRubrics,
  sha256,
  site,
  type Actor,
} from './test-support/api-harness';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from './test-support/s3-server';
import {
  haproxyBinary,
  startHaproxy,
  startServerProcess,
  type LoadBalancer,
  type ServerProcess,
} from './test-support/server-processes';

const HAPROXY = haproxyBinary();
const IN_CI = process.env.CI === 'true';
if (!HAPROXY && !IN_CI) {
  console.warn('cluster.test.ts skipped: HAProxy is not installed (apt-get install haproxy; CI installs it)');
}
const SITES = 6;
const PHONES = 6;

/** PUTs a photo through `baseUrl`, sending it in 64 KiB pieces 25 ms apart (a weak signal). */
function slowUpload(baseUrl: string, token: string, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/photos/${sha256(bytes)}`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'image/jpeg',
          'content-length': bytes.length,
        },
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    let at = 0;
    const next = () => {
      if (req.destroyed) return;
      if (at >= bytes.length) return void req.end();
      const piece = bytes.subarray(at, at + 65_536);
      at += piece.length;
      req.write(piece);
      setTimeout(next, 25);
    };
    next();
  });
}

/** Sends until the server answers 200/201, as the outbox does: network errors and 5xx are retried. */
async function untilStored(send: () => Promise<number>, failures: string[]): Promise<number> {
  for (let attempt = 1; attempt <= 30; attempt++) {
    const status = await send().catch((error: unknown) => `network: ${(error as Error).message}`);
    if (status === 200 || status === 201) return status;
    if (typeof status === 'number' && status < 500) throw new Error(`refused with ${status}`);
    failures.push(String(status));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`never stored: ${failures.slice(-3).join('; ')}`);
}

describe.skipIf(!testDatabaseUrl() || (!HAPROXY && !IN_CI))('three server processes behind HAProxy', () => {
  let database: FreshDatabase;
  let s3: LocalS3;
  let servers: ServerProcess[] = [];
  let balancer: LoadBalancer | undefined;
  let storage: Storage | undefined;

  beforeAll(async () => {
    if (!HAPROXY) throw new Error('HAProxy is required in CI: .ci/run installs it (apt-get install haproxy)');
    [database, s3] = await Promise.all([createFreshDatabase(testDatabaseUrl()!), startLocalS3()]);
    const location = s3.location('cluster');
    const env = {
      DATABASE_URL: database.url,
      // One secret for all three: a site link issued through one server opens on the others.
      UNIT_LINK_SECRET: 'cluster-test-unit-link-secret-0123456789',
      PHOTO_STORE: `s3://${location.bucket}/cluster`,
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      ADMIN_PASSWORD,
      TRUST_PROXY: 'loopback',
    };
    // All three at once on the empty database: migrations and the first admin race.
    servers = await Promise.all([startServerProcess(env), startServerProcess(env), startServerProcess(env)]);
    balancer = await startHaproxy(HAPROXY, servers);
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await storage?.close();
    await s3?.close();
    await database?.drop();
  });

  it('a process killed mid-upload loses nothing: inspections exactly once, photos byte-exact', async () => {
    const api = new ApiClient(balancer!.url);
    const fx = new Fixtures(api, await projectRubrics());
    const admin = await fx.signInAdmin();
    const phones: Actor[] = [];
    for (let i = 0; i < 2; i++) phones.push(await fx.createUser(admin.token, 'inspector'));
    const sites = Array.from({ length: SITES }, (_, i) => site('station', `cluster-${i}`));
    const round = await fx.setUpRound(admin.token, { sites, assignees: phones });

    // Six phones (two inspectors), one inspection each: a big photo (slow to send) and two small
    // ones on deducted items, which open three rectifications.
    const work = Array.from({ length: PHONES }, (_, i) => {
      const inspector = phones[i % phones.length]!;
      const built = fx.buildInspection({
        type: 'station',
        roundId: round.id,
        siteId: sites[i % SITES]!.id,
        id: randomUUID(),
        grades: { T01: 'C#', T03: 'C#', T04: 'C#' }, // 17 points off: below 90, rectify
        photos: { T01: [jpeg({ label: `cluster ${i}`, bytes: 1_200_000 })] },
      });
      return { inspector, ...built };
    });
    const failures: string[] = [];
    const sending = Promise.all(
      work.map(async ({ inspector, body, photos }) => {
        for (const bytes of photos)
          await untilStored(() => slowUpload(balancer!.url, inspector.token, bytes), failures);
        await untilStored(
          async () => (await api.put(`/api/inspections/${body.id}`, body, inspector.token)).status,
          failures,
        );
      }),
    );

    // Kill the process that holds the most uploads right now (two, when it gets to that).
    let victim: string | undefined;
    for (let tries = 0; tries < 100 && !victim; tries++) {
      const busiest = [...(await balancer!.sessions())].sort((a, b) => b[1] - a[1])[0];
      if (busiest && busiest[1] >= (tries < 60 ? 2 : 1)) victim = busiest[0];
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(victim, 'uploads were in flight').toBeDefined();
    await servers[Number(victim!.slice(1)) - 1]!.kill();
    await sending;
    expect(failures.length, 'the kill cut requests that the clients then retried').toBeGreaterThan(0);

    storage = await openDatabase({
      dataDir: await mkdtemp(join(tmpdir(), 'civic-cluster-')),
      databaseUrl: database.url,
    });
    const ids = work.map((w) => w.body.id);
    const stored = await storage.db.selectFrom('inspections').select('id').where('id', 'in', ids).execute();
    expect(stored.map((row) => row.id).sort()).toEqual([...ids].sort());
    const rectifications = await sql<{ id: string; item: string; n: number }>`
      select source_inspection_id as id, item_id as item, count(*) as n from rectifications
      group by source_inspection_id, item_id order by 1, 2`.execute(storage.db);
    expect(rectifications.rows.map((row) => [row.id, row.item, Number(row.n)])).toEqual(
      [...ids].sort().flatMap((id) => ['T01', 'T03', 'T04'].map((item) => [id, item, 1])),
    );

    for (const { inspector, photos } of work) {
      for (const bytes of photos) {
        const read = await api.get(`/api/photos/${sha256(bytes)}`, inspector.token);
        expect([read.status, read.bytes.equals(bytes)]).toEqual([200, true]);
      }
    }
  }, 60_000);
});
