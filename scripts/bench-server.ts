/**
 * `npm run bench:server`: figures for the sync server on loopback, printed as a table (not a
 * test: nothing fails on a slow machine). The real app (`buildApp`) runs once on SQLite in a
 * temp folder and once on a throwaway PostgreSQL (scripts/pg/throwaway.mjs; skipped with a note
 * when it cannot start). For each engine:
 *
 * - inspection writes under load (issue #16; scripts/bench/put-load.ts): 16 clients in another
 *   process, each PUTting whole station checklists (all 20 items answered, each with a note;
 *   80 % full marks, 15 % with a small deduction, 5 % under the threshold so they open
 *   rectifications) as fast as they are answered, 1 s of warm-up then 10 s measured — PUTs per
 *   second, p50 and p99 latency; and, in the same run with the same clients and bodies, the
 *   floor: a bare node:http server that inserts the same JSON durably into the same engine (one
 *   committed insert per request) and does nothing else. Budget: p99 < 50 ms, and ≥ 0.8 of the
 *   floor's PUTs per second;
 * - photo uploads: 200 distinct 1 MiB bodies with JPEG magic bytes and their real SHA-256, at
 *   concurrency 4, against the app and against a bare node:http server on another port that only
 *   receives and discards the same bytes, taking turns in blocks of 25 so both see the same
 *   machine load — MiB/s of both and their ratio (target > 0.7). And against a third server, the
 *   durable floor: bare, but each body written to a file, fsynced, linked under a name and its
 *   folder fsynced, as any store must before answering 201 — what the app adds beyond the I/O it
 *   cannot skip (hashing, the token check, the photos row);
 * - the round report at province scale: a round growing through 10,000, 30,000 and 100,000
 *   inspections (BENCH_REPORT_SIZES), filled through the server's own service (`putInspection`,
 *   not timed but its time printed), and at each size `GET /api/rounds/{id}/report` timed, median
 *   of 5 (aim < 300 ms at the largest; its cost per inspection must grow no faster than the
 *   round), then the rectification list, publishing the ranking and pages of the result list,
 *   median of 5 each.
 *
 * SQLite runs as the server runs it (WAL, synchronous=FULL: one fsync per commit) except while
 * the report round is filled, which is not measured. The throwaway PostgreSQL is durable (fsync,
 * synchronous_commit and full_page_writes on, as a production server).
 *
 *   npm run bench:server                 # both engines
 *   CIVIC_SKIP_PG=1 npm run bench:server # SQLite only
 *   CIVIC_SKIP_SQLITE=1 npm run bench:server # PostgreSQL only (BENCH_SKIP_SQLITE=1 too)
 *   CIVIC_BENCH_ONLY=writes npm run bench:server # only the inspection writes (no photos, no report)
 *   CIVIC_BENCH_ONLY=photos npm run bench:server # only the photo uploads (no writes, no report)
 *   BENCH_ONLY=report npm run bench:server       # only the report round (no writes, no photos)
 *   BENCH_REPORT_SIZES=10000,30000 npm run bench:server # the sizes the report round grows through
 *   BENCH_LOAD_SECONDS=3 BENCH_PHOTOS=50 BENCH_REPORT_SIZES=10000 npm run bench:server # a short run
 *   CIVIC_BENCH_ONLY=stores npm run bench:server # only photo ingest into the database and S3 stores
 *     against their own floors (scripts/bench/photo-stores.ts; BENCH_STORE_PHOTOS, default 100)
 *   CIVIC_BENCH_ONLY=cluster npm run bench:server # only inspection PUTs through HAProxy to three
 *     processes on PostgreSQL, against one process alone (scripts/bench/cluster-puts.ts)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { inspectionSchema, type InspectionInput, type User } from '../src/domain/wire';
import { buildApp } from '../src/server/app';
import type { SignedInUser } from '../src/server/auth/guard';
import { createUser } from '../src/server/auth/users';
import { PROJECT_ROOT } from '../src/server/config';
import type { ServerContext } from '../src/server/context';
import { loadRubrics, type RubricStore } from '../src/server/rubric-store';
import { putInspection } from '../src/server/services/inspections';
import { openDatabase } from '../src/server/storage/database';
import { createPhotoStore } from '../src/server/storage/photo-store';
import { LOAD_CLIENTS, LOAD_SECONDS, LOAD_WARM_UP_SECONDS, runPutLoad, startWriteFloor } from './bench/put-load';
import type { LoadFigures } from './bench/put-load';
import { benchClusterPuts } from './bench/cluster-puts';
import { benchPhotoStores, STORE_PHOTOS, type StoreFigures } from './bench/photo-stores';
import { startThrowawayPostgres } from './pg/throwaway.mjs';

/** Sites per load client (half for the floor's run, half for the app's). */
const LOAD_SITES_PER_CLIENT = 3_200;
/** Inspections prepared per load client and run: more than it can send in the warm-up and the measured period. */
const LOAD_REQUESTS_PER_CLIENT = 6_000;
/** Concurrency of the report round's fill (through the service, not timed). */
const FILL_CONCURRENCY = 8;
/** `BENCH_PHOTOS=50` for a short run. */
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 200);
const PHOTO_BYTES = 1024 * 1024;
const PHOTO_CONCURRENCY = 4;
/** Photos per block: the bare server and the app take turns, block by block. */
const PHOTO_BLOCK = 25;
/** The report round grows through these sizes; the report is timed at each (cost must grow no faster than the round). */
const REPORT_SIZES = (process.env.BENCH_REPORT_SIZES ?? '10000,30000,100000').split(',').map(Number);
const REPORT_RUNS = 5;
/** `BENCH_ONLY=report` skips the writes and photo figures (quicker, for working on the report). */
const REPORT_ONLY = process.env.BENCH_ONLY === 'report';
/** `CIVIC_BENCH_ONLY=writes` skips the photo and report figures. */
const WRITES_ONLY = process.env.CIVIC_BENCH_ONLY === 'writes';
/** `CIVIC_BENCH_ONLY=stores`: only photo ingest into the database and S3 stores against their floors. */
const STORES_ONLY = process.env.CIVIC_BENCH_ONLY === 'stores';
/** `CIVIC_BENCH_ONLY=cluster`: only inspection PUTs through HAProxy to three processes on PostgreSQL. */
const CLUSTER_ONLY = process.env.CIVIC_BENCH_ONLY === 'cluster';
/** Either spelling skips SQLite (PostgreSQL only). */
const SKIP_SQLITE = process.env.BENCH_SKIP_SQLITE === '1' || process.env.CIVIC_SKIP_SQLITE === '1';
/** `CIVIC_BENCH_ONLY=photos`: the photo uploads only (no writes under load, no report). */
const PHOTOS_ONLY = process.env.CIVIC_BENCH_ONLY === 'photos';
const REPORT_INSPECTIONS = WRITES_ONLY || PHOTOS_ONLY ? 0 : Math.max(...REPORT_SIZES);
const INSPECTORS = LOAD_CLIENTS;
const PASSWORD = 'bench-password';

interface EngineFigures {
  engine: string;
  /** The app and the floor under load; undefined when the writes were skipped (BENCH_ONLY=report). */
  load: LoadFigures | undefined;
  floor: LoadFigures | undefined;
  photoMiBs: number;
  bareMiBs: number;
  /** The durable floor: bare plus write, fsync, link and folder fsync. */
  durableMiBs: number;
  photoErrors: number;
  /** Work counted while the app was under the write load (does not depend on machine load). */
  writeCost: WorkCount | undefined;
  /** Work counted while the app received the measured photos. */
  photoCost: (WorkCount & { fsyncFiles: number; fsyncFolders: number; photos: number }) | undefined;
  /** Per report size: the median, the runs and the seconds its part of the fill took. */
  reports: { inspections: number; ms: number; runs: number[]; fillSeconds: number }[];
}

/** Statements the app sent to its database, counted by kind (storage/database.ts onStatement). */
interface WorkCount {
  statements: number;
  /** Transactions begun: with group commit, several PUTs share one. */
  transactions: number;
  inspectionsInserted: number;
}

function createWorkCounter() {
  let count: WorkCount = { statements: 0, transactions: 0, inspectionsInserted: 0 };
  return {
    onStatement: (sql: string) => {
      count.statements++;
      if (/^begin/i.test(sql)) count.transactions++;
      else if (sql.startsWith('insert into "inspections"')) count.inspectionsInserted++;
    },
    /** What was counted since the last take. */
    take: (): WorkCount => {
      const taken = count;
      count = { statements: 0, transactions: 0, inspectionsInserted: 0 };
      return taken;
    },
  };
}

interface Response {
  status: number;
  body: string;
}

/** One HTTP request on a keep-alive agent; the body is sent with its Content-Length. */
function send(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { ...headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Runs `task` over the items with at most `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** A bare node:http server that reads and discards each request body, then answers 201. */
async function startBareServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The durable floor: like the bare server, but each body is written to a new file, fsynced, linked
 * under a second name and the folder fsynced before the 201 — the I/O a store that promises
 * durability cannot skip. No hashing, no token check, no database.
 */
async function startDurableBareServer(dir: string): Promise<{ port: number; close: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  let next = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const name = join(dir, String(next++));
      void (async () => {
        const file = await open(`${name}.part`, 'wx');
        await file.writev(chunks);
        await file.sync();
        await file.close();
        await link(`${name}.part`, name);
        const folder = await open(dir, 'r');
        await folder.sync();
        await folder.close();
        response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
        response.end('{"ok":true}');
      })().catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Distinct bodies that pass the server's checks: a JPEG start and frame header (SOF0, 3000 × 4000
 * pixels, within the size limits), then random bytes; with their SHA-256.
 */
function photoBodies(count: number, bytes: number): { sha256: string; body: Buffer }[] {
  const header = [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x0f, 0xa0, 0x0b, 0xb8, 0x03];
  return Array.from({ length: count }, () => {
    const body = randomBytes(bytes);
    body.set(header, 0);
    return { sha256: createHash('sha256').update(body).digest('hex'), body };
  });
}

/** Uploads the bodies at the given concurrency; returns the seconds taken and the number of unexpected answers. */
async function uploadAll(
  port: number,
  path: (sha256: string) => string,
  headers: Record<string, string>,
  bodies: readonly { sha256: string; body: Buffer }[],
): Promise<{ seconds: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: PHOTO_CONCURRENCY });
  let errors = 0;
  const started = performance.now();
  await pool(bodies, PHOTO_CONCURRENCY, async ({ sha256, body }) => {
    const response = await send(agent, port, 'PUT', path(sha256), { ...headers, 'content-type': 'image/jpeg' }, body);
    if (response.status !== 201) errors++;
  });
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, errors };
}

type Profile = 'full' | 'minor' | 'poor';

/** 80 % full marks, 15 % a small deduction (stays above 90), 5 % two missing items (under 90: rectifications). */
function profileOf(index: number): Profile {
  const slot = index % 20;
  return slot === 0 ? 'poor' : slot <= 3 ? 'minor' : 'full';
}

/** Every item answered; with `notes`, each with a note as an inspector writes them in the field. */
function stationAnswers(
  rubrics: RubricStore,
  profile: Profile,
  photos: readonly string[],
  index: number,
  notes = false,
) {
  const items = rubrics.get('2021')!.types.station.items;
  const photo = (n: number) => [photos[(index + n) % photos.length]!];
  return items.map((item): InspectionInput['answers'][number] => {
    if (profile === 'minor' && item.id === 'T16')
      return { itemId: item.id, grade: 'B', defects: 1, note: '1处公益广告破损', photos: photo(0) };
    if (profile === 'poor' && item.id === 'T06')
      return { itemId: item.id, grade: 'C#', note: '组织架构图未上墙', photos: photo(1) };
    if (profile === 'poor' && item.id === 'T07')
      return { itemId: item.id, grade: 'C#', note: '工作制度未上墙', photos: photo(2) };
    return {
      itemId: item.id,
      grade: 'A',
      ...(notes && { note: `${item.id} 已现场核查：台账、制度与现场一致，资料齐全，负责人在岗。` }),
      photos: [],
    };
  });
}

function inspection(
  rubrics: RubricStore,
  roundId: string,
  siteId: string,
  index: number,
  photos: readonly string[],
): InspectionInput {
  const minutes = index % (12 * 60);
  const submitted = new Date(Date.UTC(2021, 6, 5 + (index % 10), 1, 0) + minutes * 60_000);
  return {
    id: randomUUID(),
    revision: 1,
    roundId,
    siteId,
    rubricVersion: '2021',
    startedAt: new Date(submitted.getTime() - 40 * 60_000).toISOString(),
    submittedAt: submitted.toISOString(),
    location: { lat: 33.7 + (index % 100) / 1000, lng: 113.3 + (index % 77) / 1000, accuracy: 12 },
    answers: stationAnswers(rubrics, profileOf(index), photos, index),
  };
}

async function benchEngine(engine: 'sqlite' | 'postgres', databaseUrl: string | undefined): Promise<EngineFigures> {
  console.log(`${engine}: setting up…`);
  const dataDir = await mkdtemp(join(tmpdir(), `civic-bench-${engine}-`));
  const rubrics = await loadRubrics(join(PROJECT_ROOT, 'rubric'));
  const work = createWorkCounter();
  const fsyncs = { file: 0, folder: 0 };
  const storage = await openDatabase({ dataDir, databaseUrl, onStatement: work.onStatement });
  const ctx: ServerContext = {
    db: storage.db,
    engine: storage.engine,
    photos: createPhotoStore(dataDir, { onFsync: (what) => fsyncs[what]++ }),
    rubrics,
    now: () => new Date(),
  };
  const app = await buildApp({ ctx, logger: false });
  const bare = await startBareServer();
  const durable = await startDurableBareServer(join(dataDir, 'durable-floor'));
  const writeFloor = REPORT_ONLY || PHOTOS_ONLY ? undefined : await startWriteFloor(engine, { dataDir, databaseUrl });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    let agent = new http.Agent({ keepAlive: true, maxSockets: FILL_CONCURRENCY });
    const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const call = async (token: string, method: string, path: string, body: unknown, expected: number) => {
      const response = await send(agent, port, method, path, json(token), JSON.stringify(body));
      if (response.status !== expected)
        throw new Error(`${method} ${path} → ${response.status} ${response.body.slice(0, 300)}`);
      return JSON.parse(response.body) as unknown;
    };

    // Users (created directly, as the admin would through POST /api/users), signed in over HTTP.
    const now = new Date();
    const supervisor = await createUser(
      storage.db,
      { username: 'bench-supervisor', password: PASSWORD, displayName: '压测督导', role: 'supervisor' },
      now,
    );
    const inspectors: User[] = [];
    for (let n = 1; n <= INSPECTORS; n++)
      inspectors.push(
        await createUser(
          storage.db,
          { username: `bench-inspector${n}`, password: PASSWORD, displayName: `压测测评员${n}`, role: 'inspector' },
          now,
        ),
      );
    const signIn = async (username: string) => {
      const response = await send(
        agent,
        port,
        'POST',
        '/api/session',
        { 'content-type': 'application/json' },
        JSON.stringify({ username, password: PASSWORD }),
      );
      return (JSON.parse(response.body) as { token: string }).token;
    };
    const office = await signIn('bench-supervisor');
    const tokens = await Promise.all(inspectors.map((user) => signIn(user.username)));

    // Sites, two rounds and their assignments, through the API. The report round's sites come
    // first (B-T00000…), so that the result list's search below finds some of them.
    const loadSiteCount = REPORT_ONLY || PHOTOS_ONLY ? 0 : LOAD_CLIENTS * LOAD_SITES_PER_CLIENT;
    const siteIds = Array.from(
      { length: REPORT_INSPECTIONS + loadSiteCount },
      (_, i) => `B-T${String(i).padStart(5, '0')}`,
    );
    const sites = siteIds.map((id, i) => ({
      id,
      name: `压测实践站${i}`,
      type: 'station',
      district: `压测${(i % 6) + 1}区`,
      lat: 33.7,
      lng: 113.3,
    }));
    for (let start = 0; start < sites.length; start += 5000)
      await call(office, 'PUT', '/api/sites', sites.slice(start, start + 5000), 200);
    const round = {
      rubricVersion: '2021',
      rectifyBelow: 90,
      rectifyDays: 15,
      startsOn: '2021-07-05',
      endsOn: '2021-07-16',
      // Counted as they arrive: the benches measure storing and reporting, not review.
      approvedOnly: false,
    };
    await call(office, 'POST', '/api/rounds', { ...round, id: 'bench-puts', name: '压测：提交' }, 201);
    await call(office, 'POST', '/api/rounds', { ...round, id: 'bench-report', name: '压测：全省规模测评' }, 201);
    const assign = async (roundId: string, ids: readonly string[], offset: number) => {
      const pairs = ids.map((siteId, i) => ({ siteId, userId: inspectors[(offset + i) % INSPECTORS]!.id }));
      for (let start = 0; start < pairs.length; start += 5000)
        await call(office, 'PUT', `/api/rounds/${roundId}/assignments`, pairs.slice(start, start + 5000), 200);
    };
    const reportSites = siteIds.slice(0, REPORT_INSPECTIONS);
    const putSites = siteIds.slice(REPORT_INSPECTIONS);
    await assign('bench-puts', putSites, 0);
    await assign('bench-report', reportSites, 0);

    // Evidence photos that the deductions reference (small, uploaded once by the office, and the
    // three that the load's deductions cite by each inspector: a field user cites only their own).
    const evidence = photoBodies(24, 48 * 1024);
    const upload = async (token: string, { sha256, body }: { sha256: string; body: Buffer }) => {
      const response = await send(
        agent,
        port,
        'PUT',
        `/api/photos/${sha256}`,
        { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
        body,
      );
      // 200: already stored (another user's upload of the same bytes), now citable by this one too.
      if (response.status !== 201 && response.status !== 200)
        throw new Error(`photo upload → ${response.status} ${response.body}`);
    };
    for (const photo of evidence) await upload(office, photo);
    for (const token of tokens) for (const photo of evidence.slice(0, 3)) await upload(token, photo);
    const evidenceHashes = evidence.map((photo) => photo.sha256);

    // 1. Inspection writes under load, from another process: the floor, then the app, with the
    // same clients and the same kind of bodies (each run on inspections of its own sites).
    // Skipped with BENCH_ONLY=report.
    const profiles: Profile[] = Array.from({ length: 20 }, (_, i) => profileOf(i));
    const spec = (port: number, half: 0 | 1) => ({
      port,
      seconds: LOAD_SECONDS,
      warmUpSeconds: LOAD_WARM_UP_SECONDS,
      roundId: 'bench-puts',
      rubricVersion: '2021',
      answers: Object.fromEntries(
        (['full', 'minor', 'poor'] as const).map((profile) => [
          profile,
          stationAnswers(rubrics, profile, evidenceHashes, 0, true),
        ]),
      ),
      profiles,
      requestsPerClient: LOAD_REQUESTS_PER_CLIENT,
      clients: tokens.map((token, client) => {
        // Client n inspects the sites assigned to inspector n; each run gets half of them.
        const own = putSites.filter((_, i) => i % INSPECTORS === client);
        const halfSize = Math.floor(own.length / 2);
        return { token, siteIds: own.slice(half * halfSize, (half + 1) * halfSize) };
      }),
    });
    let floor: LoadFigures | undefined;
    let load: LoadFigures | undefined;
    let writeCost: WorkCount | undefined;
    if (writeFloor) {
      console.log(`${engine}: floor under load…`);
      floor = await runPutLoad(spec(writeFloor.port, 0));
      console.log(`${engine}: app under load…`);
      work.take();
      load = await runPutLoad(spec(port, 1));
      writeCost = work.take();
    }

    // 2. Photo upload throughput: the bare server, then the app, with the same bytes. Skipped with
    // BENCH_ONLY=report or CIVIC_BENCH_ONLY=writes.
    let bareSeconds = Number.NaN;
    let durableSeconds = Number.NaN;
    let appSeconds = Number.NaN;
    let photoErrors = 0;
    let photoCost: EngineFigures['photoCost'];
    if (!REPORT_ONLY && !WRITES_ONLY) {
      console.log(`${engine}: photo uploads…`);
      const uploads = photoBodies(PHOTOS, PHOTO_BYTES);
      const warmUploads = photoBodies(8, PHOTO_BYTES);
      const photoPath = (sha256: string) => `/api/photos/${sha256}`;
      const auth = { authorization: `Bearer ${tokens[0]!}` };
      await uploadAll(bare.port, photoPath, auth, warmUploads);
      await uploadAll(durable.port, photoPath, auth, warmUploads);
      await uploadAll(port, photoPath, auth, warmUploads);
      // Interleaved blocks, so that both servers see the same load from whatever else runs on the machine.
      bareSeconds = durableSeconds = appSeconds = 0;
      for (let start = 0; start < uploads.length; start += PHOTO_BLOCK) {
        const block = uploads.slice(start, start + PHOTO_BLOCK);
        const bareRun = await uploadAll(bare.port, photoPath, auth, block);
        const durableRun = await uploadAll(durable.port, photoPath, auth, block);
        work.take();
        const before = { ...fsyncs };
        const appRun = await uploadAll(port, photoPath, auth, block);
        const blockWork = work.take();
        photoCost ??= {
          statements: 0,
          transactions: 0,
          inspectionsInserted: 0,
          fsyncFiles: 0,
          fsyncFolders: 0,
          photos: 0,
        };
        photoCost.statements += blockWork.statements;
        photoCost.transactions += blockWork.transactions;
        photoCost.fsyncFiles += fsyncs.file - before.file;
        photoCost.fsyncFolders += fsyncs.folder - before.folder;
        photoCost.photos += block.length;
        bareSeconds += bareRun.seconds;
        durableSeconds += durableRun.seconds;
        appSeconds += appRun.seconds;
        photoErrors += bareRun.errors + durableRun.errors + appRun.errors;
      }
    }
    const mebibytes = (PHOTOS * PHOTO_BYTES) / (1024 * 1024);

    // 3. The report of a round growing through REPORT_SIZES, filled through the service
    // (`putInspection`, the code behind the PUT route, without HTTP; not timed), the report
    // timed at each size. Skipped with CIVIC_BENCH_ONLY=writes.
    const asOffice: SignedInUser = { ...supervisor, tokenHash: '' };
    const reports: EngineFigures['reports'] = [];
    let filled = 0;
    for (const size of WRITES_ONLY || PHOTOS_ONLY ? [] : REPORT_SIZES) {
      const fillStarted = performance.now();
      if (engine === 'sqlite') await sql`pragma synchronous = OFF`.execute(storage.db);
      const fill = reportSites
        .slice(filled, size)
        .map((siteId, i) =>
          inspectionSchema.parse(inspection(rubrics, 'bench-report', siteId, filled + i, evidenceHashes)),
        );
      await pool(fill, FILL_CONCURRENCY, async (body) => {
        const { created } = await putInspection(ctx, asOffice, body);
        if (!created) throw new Error(`inspection ${body.id} was not created`);
      });
      if (engine === 'sqlite') await sql`pragma synchronous = FULL`.execute(storage.db);
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      filled = size;

      // A fresh connection: the server closes one left idle through the fill (keep-alive 72 s).
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: FILL_CONCURRENCY });
      const report = (await call(office, 'GET', '/api/rounds/bench-report/report', undefined, 200)) as {
        byType: { station: { sites: number; inspected: number } };
      };
      if (report.byType.station.inspected !== size)
        throw new Error(`report counts ${report.byType.station.inspected} inspected, not ${size}`);
      const runs: number[] = [];
      for (let run = 0; run < REPORT_RUNS; run++) {
        const started = performance.now();
        const response = await send(agent, port, 'GET', '/api/rounds/bench-report/report', {
          authorization: `Bearer ${office}`,
        });
        runs.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`report → ${response.status}`);
      }
      reports.push({ inspections: size, ms: median(runs), runs, fillSeconds });
      console.log(
        `${engine}: report of ${size.toLocaleString('en')} inspections: ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms (fill ${fillSeconds.toFixed(1)} s)`,
      );
      // The other office views of the round at this size, median of 5 each.
      const others: [string, string, string][] = [
        ['GET', '/api/rectifications?roundId=bench-report', 'rectification list'],
        ['POST', '/api/rounds/bench-report/publication', 'publish the ranking'],
        ['GET', '/api/rounds/bench-report/result-list?limit=100', 'results list, first page'],
        [
          'GET',
          `/api/rounds/bench-report/result-list?limit=100&sort=score&direction=asc&offset=${size - 100}`,
          'results list, last page by score',
        ],
        ['GET', '/api/rounds/bench-report/result-list?limit=100&q=b-t0999&rectify=no', 'results list, a search'],
      ];
      for (const [method, path, label] of others) {
        const times: number[] = [];
        let bytes = 0;
        for (let run = 0; run < REPORT_RUNS; run++) {
          const started = performance.now();
          const response = await send(
            agent,
            port,
            method,
            path,
            { authorization: `Bearer ${office}`, ...(method === 'POST' && { 'content-type': 'application/json' }) },
            method === 'POST' ? '{}' : undefined,
          );
          times.push(performance.now() - started);
          bytes = response.body.length;
          if (response.status >= 300)
            throw new Error(`${method} ${path} → ${response.status} ${response.body.slice(0, 200)}`);
        }
        console.log(
          `${engine}:   ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms (runs ${times.map((ms) => ms.toFixed(0)).join(', ')}; ${(bytes / 1024).toFixed(0)} KiB)`,
        );
      }
    }
    agent.destroy();

    return {
      engine,
      load,
      floor,
      writeCost,
      photoCost,
      photoMiBs: mebibytes / appSeconds,
      bareMiBs: mebibytes / bareSeconds,
      durableMiBs: mebibytes / durableSeconds,
      photoErrors,
      reports,
    };
  } finally {
    await app.close();
    await bare.close();
    await durable.close();
    await writeFloor?.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A figure with the given decimals, or a dash for one not measured (NaN: its section was skipped). */
function figure(value: number | undefined, digits: number): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function table(rows: readonly EngineFigures[]): string {
  const header = [
    'engine',
    'PUT/s',
    'p50 ms',
    'p99 ms',
    'floor PUT/s',
    'PUT ratio',
    'photo MiB/s',
    'bare MiB/s',
    'ratio',
    'durable floor MiB/s',
    'ratio to floor',
    ...REPORT_SIZES.map((size) => `report ${size / 1000}k ms`),
  ];
  const cells = rows.map((row) => [
    row.engine,
    figure(row.load?.perSecond, 0),
    figure(row.load?.p50, 1),
    figure(row.load?.p99, 1),
    figure(row.floor?.perSecond, 0),
    figure(row.load && row.floor && row.load.perSecond / row.floor.perSecond, 2),
    figure(row.photoMiBs, 1),
    figure(row.bareMiBs, 1),
    figure(row.photoMiBs / row.bareMiBs, 2),
    figure(row.durableMiBs, 1),
    figure(row.photoMiBs / row.durableMiBs, 2),
    ...REPORT_SIZES.map((size) => figure(row.reports.find((report) => report.inspections === size)?.ms, 0)),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** `CIVIC_BENCH_ONLY=stores`: the shared photo stores on each engine, against their own floors. */
async function storesOnly(): Promise<void> {
  console.log(
    `photo ingest: ${STORE_PHOTOS} × 1 MiB photos at concurrency 4 through PUT /api/photos, the app with PHOTO_STORE=database (or an S3 bucket on s3rver) taking turns in blocks of 25 with its floor: ` +
      `a bare server inserting each body whole into the same database in one committed insert (database), or PUTting it to the same S3 server (s3). ratio = app ÷ floor.\n`,
  );
  const rows: StoreFigures[] = [];
  if (!SKIP_SQLITE) rows.push(...(await benchPhotoStores('sqlite', undefined)));
  if (process.env.CIVIC_SKIP_PG !== '1') {
    const cluster = await startThrowawayPostgres({ durable: true });
    try {
      rows.push(...(await benchPhotoStores('postgres', cluster.url)));
    } finally {
      await cluster.stop();
    }
  }
  console.log('\nengine    store     app MiB/s  floor MiB/s  ratio  errors');
  for (const row of rows)
    console.log(
      `${row.engine.padEnd(9)} ${row.store.padEnd(9)} ${figure(row.appMiBs, 1).padStart(9)}  ${figure(row.floorMiBs, 1).padStart(11)}  ${figure(row.appMiBs / row.floorMiBs, 2).padStart(5)}  ${String(row.errors).padStart(6)}`,
    );
}

/** `CIVIC_BENCH_ONLY=cluster`: one process alone, then three behind HAProxy, the same load. */
async function clusterOnly(): Promise<void> {
  console.log(
    `inspection PUTs, ${LOAD_CLIENTS} clients in another process, whole station checklists (a note on every item), ${LOAD_WARM_UP_SECONDS} s warm-up + ${LOAD_SECONDS} s measured: ` +
      `first against one npm start process alone, then through HAProxy to three, all on one durable throwaway PostgreSQL (budget: three ≥ one, p99 < 50 ms).\n`,
  );
  const figures = await benchClusterPuts();
  if (typeof figures === 'string') return console.log(figures);
  for (const [name, run] of [
    ['one process ', figures.alone],
    ['three behind HAProxy', figures.balanced],
  ] as const)
    console.log(
      `${name.padEnd(20)} ${figure(run.perSecond, 0).padStart(6)} PUT/s  p50 ${figure(run.p50, 1)} ms  p99 ${figure(run.p99, 1)} ms  max ${figure(run.max, 0)} ms  answers ${JSON.stringify(run.statuses)}` +
        (run.ranOut > 0 ? `  ${run.ranOut} clients RAN OUT` : ''),
    );
  const { alone, balanced } = figures;
  console.log(
    `three ÷ one: ${(balanced.perSecond / alone.perSecond).toFixed(2)} (budget ≥ 1: ${balanced.perSecond >= alone.perSecond ? 'met' : 'MISSED'}); ` +
      `p99 through HAProxy < 50 ms: ${balanced.p99 < 50 ? 'met' : 'MISSED'}`,
  );
}

async function main(): Promise<void> {
  if (STORES_ONLY) return storesOnly();
  if (CLUSTER_ONLY) return clusterOnly();
  console.log(
    `civic-inspect server benchmark: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), loopback`,
  );
  const skipped = [
    REPORT_ONLY && 'BENCH_ONLY=report: writes and photos skipped',
    WRITES_ONLY && 'CIVIC_BENCH_ONLY=writes: photos and report skipped',
    PHOTOS_ONLY && 'CIVIC_BENCH_ONLY=photos: writes and report skipped',
  ].filter(Boolean);
  console.log(
    `PUT/s, p50 ms, p99 ms: inspection writes under load, ${LOAD_CLIENTS} clients in another process, each PUTting whole station checklists (20 items, each with a note) as fast as answered, ${LOAD_WARM_UP_SECONDS} s warm-up + ${LOAD_SECONDS} s measured (budget: p99 < 50 ms).\n` +
      `floor PUT/s: the same clients against a bare node:http server inserting the same JSON durably into the same engine, nothing else; PUT ratio = app PUT/s ÷ floor PUT/s (budget ≥ 0.8).\n` +
      `photo MiB/s, bare MiB/s: ${PHOTOS} × 1 MiB photos at concurrency ${PHOTO_CONCURRENCY} to the app and to a bare server that discards them, taking turns in blocks of ${PHOTO_BLOCK}; ratio = photo ÷ bare (target > 0.7).\n` +
      `durable floor MiB/s: the same bytes to a bare server that writes, fsyncs and links each body and fsyncs its folder; ratio to floor = photo ÷ durable floor.\n` +
      `report Nk ms: GET /api/rounds/{id}/report on a round growing to ${REPORT_SIZES.map((size) => size.toLocaleString('en')).join(', ')} inspections, median of ${REPORT_RUNS} at each (aim < 300 ms at the largest); ` +
      `at each size also the rectification list, publishing the ranking and result-list pages (median of ${REPORT_RUNS} each) and the time to fill that part of the round through putInspection (no HTTP, not timed in the report).` +
      (skipped.length > 0 ? `\n(${skipped.join('; ')})` : '') +
      '\n',
  );
  const rows: EngineFigures[] = [];
  const notes: string[] = [];
  if (SKIP_SQLITE) {
    notes.push(
      `sqlite: skipped (${process.env.BENCH_SKIP_SQLITE === '1' ? 'BENCH_SKIP_SQLITE=1' : 'CIVIC_SKIP_SQLITE=1'})`,
    );
  } else {
    rows.push(await benchEngine('sqlite', undefined));
  }
  if (process.env.CIVIC_SKIP_PG === '1') {
    notes.push('postgres: skipped (CIVIC_SKIP_PG=1)');
  } else {
    let cluster: Awaited<ReturnType<typeof startThrowawayPostgres>> | undefined;
    try {
      cluster = await startThrowawayPostgres({ durable: true });
    } catch (error) {
      notes.push(`postgres: skipped, the throwaway cluster did not start: ${(error as Error).message.split('\n')[0]}`);
    }
    if (cluster) {
      try {
        rows.push(await benchEngine('postgres', cluster.url));
      } finally {
        await cluster.stop();
      }
    }
  }
  console.log(`\n${table(rows)}\n`);
  for (const row of rows) {
    const { load, floor } = row;
    if (load && floor) {
      const writeRatio = load.perSecond / floor.perSecond;
      console.log(
        `${row.engine}: writes ${load.completed} in ${LOAD_SECONDS} s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms (max ${load.max.toFixed(0)}; budget < 50: ${load.p99 < 50 ? 'met' : 'MISSED'}), ` +
          `${writeRatio.toFixed(2)} of the floor's ${floor.perSecond.toFixed(0)}/s (p50 ${floor.p50.toFixed(1)}, p99 ${floor.p99.toFixed(1)} ms; budget ≥ 0.8: ${writeRatio >= 0.8 ? 'met' : 'MISSED'}); ` +
          `answers ${JSON.stringify(load.statuses)}, floor ${JSON.stringify(floor.statuses)}` +
          (load.ranOut + floor.ranOut > 0 ? `; ${load.ranOut + floor.ranOut} clients RAN OUT of inspections` : ''),
      );
    }
    const { writeCost } = row;
    if (writeCost && writeCost.inspectionsInserted > 0) {
      const stored = writeCost.inspectionsInserted;
      console.log(
        `${row.engine}: work per stored inspection under load (counted, not timed): ${(writeCost.statements / stored).toFixed(1)} statements ` +
          `(token check, BEGIN and COMMIT included), ${(stored / writeCost.transactions).toFixed(1)} inspections per transaction (group commit), ` +
          `so ${(writeCost.transactions / stored).toFixed(2)} commits (fsyncs) per inspection; ${stored} stored in the run`,
      );
    }
    const { photoCost } = row;
    if (photoCost && photoCost.photos > 0) {
      const n = photoCost.photos;
      console.log(
        `${row.engine}: work per photo (counted): ${((photoCost.fsyncFiles + photoCost.fsyncFolders) / n).toFixed(2)} fsyncs by the photo store ` +
          `(${(photoCost.fsyncFiles / n).toFixed(2)} file, ${(photoCost.fsyncFolders / n).toFixed(2)} folder; the durable floor makes 1 + 1), ` +
          `${(photoCost.transactions / n).toFixed(2)} database commits, ${(photoCost.statements / n).toFixed(1)} statements`,
      );
    }
    if (Number.isFinite(row.photoMiBs)) {
      const ratio = row.photoMiBs / row.bareMiBs;
      console.log(
        `${row.engine}: photo ratio ${ratio.toFixed(2)} (target > 0.7: ${ratio > 0.7 ? 'met' : 'MISSED'}; ` +
          `${(row.photoMiBs / row.durableMiBs).toFixed(2)} of the durable floor)` +
          (row.photoErrors > 0 ? `; UNEXPECTED ANSWERS: ${row.photoErrors} photos` : ''),
      );
    }
    const largest = row.reports.at(-1);
    const first = row.reports[0];
    if (largest && first) {
      const growth = largest.ms / first.ms / (largest.inspections / first.inspections);
      console.log(
        `${row.engine}: report runs ${row.reports.map((report) => `${report.inspections / 1000}k [${report.runs.map((ms) => ms.toFixed(0)).join(', ')}]`).join(' ')} ms ` +
          `(aim < 300 at ${largest.inspections.toLocaleString('en')}: ${largest.ms < 300 ? 'met' : 'MISSED'}; ` +
          `cost per inspection at ${largest.inspections / 1000}k vs ${first.inspections / 1000}k: ×${growth.toFixed(2)}, ${growth <= 1.2 ? 'no faster than the round' : 'FASTER than the round'}); ` +
          `fill through putInspection (no HTTP): ${row.reports.map((report) => `${report.fillSeconds.toFixed(1)} s`).join(' + ')}`,
      );
    }
  }
  for (const note of notes) console.log(note);
  console.log(
    'notes: SQLite as served (WAL, synchronous=FULL, except while the report round is filled); the throwaway PostgreSQL durable (fsync on). Not a test: figures vary with the machine.',
  );
}

main().catch((error: unknown) => {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
