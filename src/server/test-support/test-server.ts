/**
 * The REAL server for the API suites: `buildApp` with a real `ServerContext` (the engine's
 * database, the photo store in a temp DATA_DIR, the rubric from `rubric/`, the first admin) on
 * 127.0.0.1 port 0, with a clock tests move forward; `useApiServer` runs it around a suite.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
// Spelled from src/ because the lint layer rule for the PWA (src/app) also matches `'../app'`.
import { buildApp } from '../../server/app';
import type { ScryptCost } from '../auth/passwords';
import { ScryptPool } from '../auth/scrypt-pool';
import { ensureAdmin } from '../auth/users';
import { PROJECT_ROOT, type TrustProxy } from '../config';
import type { ServerContext } from '../context';
import type { ServerLimits } from '../http/limits';
import type { MetricsAccess } from '../routes/health';
import { loadRubrics, type RubricStore } from '../rubric-store';
import { openDatabase, type Storage } from '../storage/database';
import { openPhotoStore, type S3Access } from '../storage/photo-migration';
import type { PhotoStoreKind } from '../storage/photo-store';
import type { EngineUnderTest } from '../storage/test-engines';
import { ApiClient } from './http-client';
import { ADMIN_PASSWORD, Fixtures } from './fixtures';

/**
 * A cheap scrypt cost for the test server's new password hashes (~2 ms instead of ~85 ms): the
 * suites create and sign in hundreds of users. The real cost is checked on the real process
 * (api.crash.test.ts).
 */
export const TEST_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
export const RUBRIC_DIR = path.join(PROJECT_ROOT, 'rubric');

/** The server's clock: real time plus an offset that tests move forward. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

/** What a suite may change of the server it starts: limits, proxies, its public address, a log. */
export interface ServerTuning {
  limits?: Partial<ServerLimits>;
  trustProxy?: TrustProxy;
  publicUrl?: string;
  /** Receives the server's JSON log lines (level info and up); without it the server is silent. */
  log?: { write(line: string): void };
  metricsAccess?: MetricsAccess;
  /** PHOTO_STORE: `disk` (default here), `database` or `s3` (with `s3`: its bucket). */
  photoStore?: PhotoStoreKind;
  /** Read when the server starts: a test's local S3 server is up only from its beforeAll. */
  s3?: () => S3Access;
  /** Serve HTTPS with this certificate (the base URL is then https://). */
  tls?: { cert: Buffer; key: Buffer };
  /** Hears every SQL statement the server sends (storage/database.ts `onStatement`). */
  onStatement?: (sql: string) => void;
}

export interface ServerOptions extends ServerTuning {
  dataDir: string;
  databaseUrl?: string | undefined;
  adminPassword?: string;
  clock?: TestClock;
  /** The password-hashing pool; default: 2 workers and room for 64 waiting hashes (suites send bursts). */
  scrypt?: ScryptPool;
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: ServerContext;
  storage: Storage;
  baseUrl: string;
  api: ApiClient;
  dataDir: string;
  close(): Promise<void>;
}

let rubricStore: Promise<RubricStore> | undefined;
/** The project's rubric, loaded and validated once per test file. */
export function projectRubrics(): Promise<RubricStore> {
  return (rubricStore ??= loadRubrics(RUBRIC_DIR));
}

/** Starts the server as `npm start` does (minus the app build), on a free loopback port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const clock = options.clock ?? new TestClock();
  const rubrics = await projectRubrics();
  const storage = await openDatabase({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    ...(options.onStatement && { onStatement: options.onStatement }),
  });
  const photos = openPhotoStore(options.photoStore ?? 'disk', options.dataDir, storage.db, options.s3?.());
  await photos.sweepTempFiles();
  const ctx: ServerContext = {
    db: storage.db,
    engine: storage.engine,
    photos,
    rubrics,
    now: clock.now,
    passwordCost: TEST_PASSWORD_COST,
    scrypt: options.scrypt ?? new ScryptPool({ workers: 2, maxWaiting: 64 }),
    ...(options.publicUrl !== undefined && { publicUrl: options.publicUrl }),
  };
  await ensureAdmin(storage.db, options.adminPassword ?? ADMIN_PASSWORD, ctx.now(), ctx.passwordCost);
  const app = await buildApp({
    ctx,
    logger: options.log ? { level: 'info', stream: options.log } : false,
    ...(options.limits && { limits: options.limits }),
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    ...(options.metricsAccess && { metricsAccess: options.metricsAccess }),
    ...(options.tls && { tls: options.tls }),
  });
  app.addHook('onClose', async () => storage.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    app,
    ctx,
    storage,
    baseUrl,
    api: new ApiClient(baseUrl),
    dataDir: options.dataDir,
    close: () => app.close(),
  };
}

export interface ApiServerHandle {
  readonly server: RunningServer;
  readonly api: ApiClient;
  readonly fx: Fixtures;
  readonly clock: TestClock;
  readonly engine: EngineUnderTest;
  /** Closes the server and starts a new one on the same DATA_DIR and database. */
  restart(options?: { adminPassword?: string }): Promise<void>;
}

/**
 * Inside `describeEachEngine(name, fn, { openStorage: false })`: starts the server before the
 * suite's tests on that engine's data folder and database, and closes it after them.
 */
export function useApiServer(
  engine: EngineUnderTest,
  { scrypt, ...tuning }: ServerTuning & { scrypt?: () => ScryptPool } = {},
): ApiServerHandle {
  const clock = new TestClock();
  let server: RunningServer | undefined;
  let fixtures: Fixtures | undefined;
  const start = async (adminPassword?: string) => {
    server = await startServer({
      ...tuning,
      dataDir: engine.dataDir(),
      databaseUrl: engine.databaseUrl(),
      clock,
      ...(adminPassword !== undefined && { adminPassword }),
      ...(scrypt && { scrypt: scrypt() }),
    });
    fixtures = new Fixtures(server.api, await projectRubrics());
  };
  beforeAll(() => start());
  afterAll(async () => {
    await server?.close();
  });
  const running = () => server ?? failOutsideTests();
  return {
    get server() {
      return running();
    },
    get api() {
      return running().api;
    },
    get fx() {
      return fixtures ?? failOutsideTests();
    },
    clock,
    engine,
    async restart(options = {}) {
      await running().close();
      await start(options.adminPassword);
    },
  };
}

function failOutsideTests(): never {
  throw new Error('the API server only runs inside tests and hooks');
}
