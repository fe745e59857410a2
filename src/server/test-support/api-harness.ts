/**
 * Test harness for the API suites: starts the REAL server (`buildApp` with a real
 * `ServerContext`: the engine's database, the photo store in a temp DATA_DIR, the rubric from
 * `rubric/`, the first admin) on 127.0.0.1 port 0, and talks to it over HTTP with a small typed
 * client on global fetch. Fixtures create users of every role through the API, sign them in,
 * upsert sites, create rounds, assign, build valid inspections from the real rubric (photos
 * where the rubric needs them) and make real JPEG bytes with distinct hashes.
 *
 * Only test files import this module; the server never does.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import type { AnswerGrade } from '../../domain/grades';
import type { SiteType } from '../../domain/rubric';
import { JPEG_COMMENT_MAX_BYTES, withJpegComment } from '../../domain/test-jpeg';
import type { Role, Round, StoredInspection, User } from '../../domain/wire';
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
import type { TableName } from '../storage/schema';
import type { EngineUnderTest } from '../storage/test-engines';

export const ADMIN_PASSWORD = 'admin-secret-2021';
/**
 * A cheap scrypt cost for the test server's new password hashes (~2 ms instead of ~85 ms): the
 * suites create and sign in hundreds of users. The real cost is checked on the real process
 * (api.crash.test.ts).
 */
export const TEST_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
export const RUBRIC_DIR = path.join(PROJECT_ROOT, 'rubric');
export const RUBRIC_VERSION = '2021';

// ---------------------------------------------------------------------------------------------
// Bytes: real JPEGs with distinct hashes, and SHA-256.

/**
 * A real 1×1 grey baseline JPEG (141 bytes, made with libjpeg and decoded back by it). Photos
 * differ by a COM (comment) segment inserted after SOI: still a valid JPEG, a different hash.
 */
const TINY_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAABAAEBAREA' +
    '/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
  'base64',
);
let photoCounter = 0;

/**
 * A valid JPEG whose hash no other call returns: SOI, a COM segment naming it, then, when
 * `bytes` asks for a large photo, further COM segments of padding, then the rest of the tiny JPEG.
 */
export function jpeg(options: { label?: string; bytes?: number } = {}): Buffer {
  const label = `${options.label ?? 'photo'} #${++photoCounter} ${randomBytes(8).toString('hex')}`;
  const comments: (Uint8Array | string)[] = [label];
  let size = TINY_JPEG.length + Buffer.byteLength(label) + 4;
  const wanted = options.bytes ?? 0;
  while (size < wanted) {
    const payload = Math.max(1, Math.min(JPEG_COMMENT_MAX_BYTES, wanted - size - 4));
    comments.push(new Uint8Array(payload).fill(0x20));
    size += payload + 4;
  }
  return Buffer.from(withJpegComment(TINY_JPEG, ...comments).buffer);
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The HTTP client.

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the response is not JSON. */
  body: T;
  /** The raw body. */
  bytes: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent as written (percent-escapes stay escaped): `/api/photos/..%2Fx`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  token?: string | undefined;
}

/** The `{error, message}` body of API.md. */
export interface ErrorBody {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
  missingPhotos?: string[];
  [extra: string]: unknown;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  get<T = unknown>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.raw<T>({ method: 'GET', path, token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('POST', path, body, token);
  }

  put<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('PUT', path, body, token);
  }

  patch<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('PATCH', path, body, token);
  }

  /** DELETE, with a JSON body when one is given (assignments). */
  delete<T = unknown>(path: string, token?: string, body?: unknown): Promise<ApiResponse<T>> {
    return body === undefined
      ? this.raw<T>({ method: 'DELETE', path, token })
      : this.json<T>('DELETE', path, body, token);
  }

  /** `PUT /api/photos/{sha256}` with the bytes; the hash defaults to the bytes' own. */
  putPhoto<T = unknown>(
    bytes: Uint8Array,
    token: string | undefined,
    options: { sha256?: string; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    return this.raw<T>({
      method: 'PUT',
      path: `/api/photos/${options.sha256 ?? sha256(bytes)}`,
      headers: { 'content-type': options.contentType ?? 'image/jpeg' },
      body: bytes,
      token,
    });
  }

  /** Any method, path, headers and body, as given. */
  async raw<T = unknown>(request: RawRequest): Promise<ApiResponse<T>> {
    const headers = new Headers(request.headers);
    if (request.token !== undefined) headers.set('authorization', `Bearer ${request.token}`);
    const response = await fetch(this.baseUrl + request.path, {
      method: request.method,
      headers,
      body: request.body as BodyInit | undefined,
      redirect: 'manual',
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
    const body = (isJson && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined) as T;
    return { status: response.status, headers: response.headers, body, bytes };
  }

  private json<T>(method: string, path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.raw<T>({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      token,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The server.

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

const tableLists = new WeakMap<object, Promise<string[]>>();

/** Every table of the database (as migrated: new tables are included), the migrator's left out. */
export function tableNames(db: ServerContext['db']): Promise<string[]> {
  let names = tableLists.get(db);
  if (!names) {
    names = db.introspection.getTables().then((tables) =>
      tables
        .map((table) => table.name)
        .filter((name) => !name.startsWith('kysely_'))
        .sort(),
    );
    tableLists.set(db, names);
  }
  return names;
}

/** Rows per table, for "nothing stored" checks (one query). */
export async function countRows(ctx: Pick<ServerContext, 'db'>): Promise<Record<TableName, number>> {
  const counts = sql.join(
    (await tableNames(ctx.db)).map((table) => sql`select ${table} as t, count(*) as n from ${sql.table(table)}`),
    sql` union all `,
  );
  const { rows } = await sql<{ t: string; n: number | string }>`${counts}`.execute(ctx.db);
  return Object.fromEntries(rows.map((row) => [row.t, Number(row.n)])) as Record<TableName, number>;
}

/** Every file under `${dataDir}/photos`, temp files included, as paths relative to it. */
export async function photoFiles(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'photos');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Fixtures through the API.

export interface Actor extends User {
  password: string;
  token: string;
}

export type Team = Record<Role, Actor>;

export interface SiteInput {
  id: string;
  name: string;
  type: SiteType;
  district: string;
  parentId?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
}

export interface RoundInput {
  id?: string;
  name?: string;
  rubricVersion?: string;
  rectifyBelow?: number;
  rectifyDays?: number;
  startsOn?: string;
  endsOn?: string;
  approvedOnly?: boolean;
}

/** A round as the server answers it: the wire's own type, declared once (src/domain/wire.ts). */
export type RoundView = Round;

export interface AnswerBody {
  itemId: string;
  grade: AnswerGrade;
  defects?: number;
  note?: string;
  photos: string[];
}

export interface InspectionBody {
  id: string;
  revision: number;
  roundId: string;
  siteId: string;
  rubricVersion: string;
  startedAt: string;
  submittedAt: string;
  location?: { lat: number; lng: number; accuracy?: number };
  answers: AnswerBody[];
  /** Proof of presence (docs/API.md); `unknown` so hostile tests can send anything. */
  fixes?: unknown;
  sitePosition?: unknown;
  photoMeta?: unknown;
}

export interface InspectionSpec {
  roundId: string;
  siteId: string;
  type: SiteType;
  /** Items not named are graded A. */
  grades?: Record<string, AnswerGrade>;
  /** Photos per item (defaults: one fresh JPEG per deduction on a photo-required item). */
  photos?: Record<string, Buffer[]>;
  id?: string;
  revision?: number;
  startedAt?: string;
  submittedAt?: string;
  location?: InspectionBody['location'];
}

export interface BuiltInspection {
  body: InspectionBody;
  /** The photo bytes the body references, to upload before the PUT. */
  photos: Buffer[];
}

/** The answer to `PUT /api/inspections/{id}` (domain/wire.ts). */
export type StoredSummary = StoredInspection;

export interface RectificationView {
  id: string;
  roundId: string;
  siteId: string;
  itemId: string;
  grade: string;
  dueOn: string;
  status: 'open' | 'closed';
  beforePhotos: string[];
  lastVerdict?: { id: string; verdict: string; checkedAt: string };
}

export interface RecheckBody {
  id: string;
  rectificationId: string;
  verdict: 'fixed' | 'not_fixed';
  note?: string;
  photos: string[];
  checkedAt: string;
}

let userCounter = 0;

/** Expects a status; on a surprise, fails with the response body in the message. */
export function expectStatus<T>(response: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response;
}

export class Fixtures {
  constructor(
    readonly api: ApiClient,
    readonly rubrics: RubricStore,
  ) {}

  async signIn(username: string, password: string): Promise<Actor> {
    const response = expectStatus(
      await this.api.post<{ token: string; user: User }>('/api/session', { username, password }),
      200,
      `sign in ${username}`,
    );
    return { ...response.body.user, password, token: response.body.token };
  }

  signInAdmin(): Promise<Actor> {
    return this.signIn('admin', ADMIN_PASSWORD);
  }

  /** Creates a user through `POST /api/users` (as the given admin) and signs them in. */
  async createUser(adminToken: string, role: Role, options: { username?: string; password?: string } = {}) {
    const username = options.username ?? `${role}-${++userCounter}-${randomBytes(3).toString('hex')}`;
    const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
    expectStatus(
      await this.api.post('/api/users', { username, password, displayName: `测试${role}`, role }, adminToken),
      201,
      `create ${role}`,
    );
    return this.signIn(username, password);
  }

  /** One signed-in user of every role (the admin is the server's first one). */
  async team(): Promise<Team> {
    const admin = await this.signInAdmin();
    const [supervisor, inspector, rechecker, unit, reporter] = await Promise.all([
      this.createUser(admin.token, 'supervisor'),
      this.createUser(admin.token, 'inspector'),
      this.createUser(admin.token, 'rechecker'),
      this.createUser(admin.token, 'unit'),
      this.createUser(admin.token, 'reporter'),
    ]);
    return { admin, supervisor, inspector, rechecker, unit, reporter };
  }

  async upsertSites(token: string, sites: SiteInput[]): Promise<void> {
    expectStatus(await this.api.put('/api/sites', sites, token), 200, 'upsert sites');
  }

  async createRound(token: string, input: RoundInput = {}): Promise<RoundView> {
    const response = await this.api.post<RoundView>(
      '/api/rounds',
      {
        name: '2021年7月模拟测评',
        rubricVersion: RUBRIC_VERSION,
        rectifyBelow: 90,
        rectifyDays: 15,
        startsOn: '2021-07-01',
        endsOn: '2021-07-31',
        // No `approvedOnly`: as a v1 client sends it, so every suite written before review (issue
        // #18) checks that results still count as they arrive; review's own suites ask for it.
        ...input,
      },
      token,
    );
    return expectStatus(response, 201, 'create round').body;
  }

  async assign(token: string, roundId: string, pairs: { siteId: string; userId: string }[]): Promise<void> {
    expectStatus(
      await this.api.put(`/api/rounds/${encodeURIComponent(roundId)}/assignments`, pairs, token),
      200,
      'assign',
    );
  }

  /** Sites, a round and assignments in one go: every site assigned to every given user. */
  async setUpRound(
    office: string,
    options: { round?: RoundInput; sites: SiteInput[]; assignees: { id: string }[] },
  ): Promise<RoundView> {
    await this.upsertSites(office, options.sites);
    const round = await this.createRound(office, options.round);
    const pairs = options.sites.flatMap((site) =>
      options.assignees.map((user) => ({ siteId: site.id, userId: user.id })),
    );
    if (pairs.length > 0) await this.assign(office, round.id, pairs);
    return round;
  }

  /** A complete, valid inspection of the real rubric: every item A except `grades`. */
  buildInspection(spec: InspectionSpec): BuiltInspection {
    const file = this.rubrics.get(RUBRIC_VERSION)?.types[spec.type];
    if (!file) throw new Error(`no rubric ${RUBRIC_VERSION}/${spec.type}`);
    for (const itemId of Object.keys(spec.grades ?? {})) {
      if (!file.items.some((item) => item.id === itemId)) throw new Error(`no item ${itemId} in ${spec.type}`);
    }
    const photos: Buffer[] = [];
    const answers = file.items.map((item): AnswerBody => {
      const grade = spec.grades?.[item.id] ?? 'A';
      const deducted = grade !== 'A' && grade !== 'NA';
      const itemPhotos =
        spec.photos?.[item.id] ??
        (deducted && item.photoRequired ? [jpeg({ label: `${spec.siteId} ${item.id}` })] : []);
      photos.push(...itemPhotos);
      return { itemId: item.id, grade, photos: itemPhotos.map((bytes) => sha256(bytes)) };
    });
    const submittedAt = spec.submittedAt ?? '2021-07-05T02:00:00.000Z';
    return {
      body: {
        id: spec.id ?? randomUUID(),
        revision: spec.revision ?? 1,
        roundId: spec.roundId,
        siteId: spec.siteId,
        rubricVersion: RUBRIC_VERSION,
        startedAt: spec.startedAt ?? new Date(Date.parse(submittedAt) - 30 * 60_000).toISOString(),
        submittedAt,
        ...(spec.location && { location: spec.location }),
        answers,
      },
      photos,
    };
  }

  /** Uploads photos (201 or 200 each) and returns their hashes. */
  async uploadPhotos(token: string, photos: readonly Buffer[]): Promise<string[]> {
    return Promise.all(
      photos.map(async (bytes) => {
        const response = await this.api.putPhoto(bytes, token);
        if (response.status !== 201 && response.status !== 200) expectStatus(response, 201, 'upload photo');
        return sha256(bytes);
      }),
    );
  }

  /** Builds an inspection, uploads its photos, PUTs it; the response (201 expected by callers). */
  async submitInspection(token: string, spec: InspectionSpec) {
    const built = this.buildInspection(spec);
    await this.uploadPhotos(token, built.photos);
    const response = await this.api.put<StoredSummary>(`/api/inspections/${built.body.id}`, built.body, token);
    return { ...built, response };
  }

  async rectifications(token: string, query = ''): Promise<RectificationView[]> {
    const response = await this.api.get<RectificationView[]>(`/api/rectifications${query}`, token);
    return expectStatus(response, 200, 'list rectifications').body;
  }

  /** A recheck body; without `photos` in `over` it has none, which the server refuses (400) for either verdict. */
  recheck(rectificationId: string, over: Partial<RecheckBody> = {}): RecheckBody {
    return {
      id: randomUUID(),
      rectificationId,
      verdict: 'not_fixed',
      photos: [],
      checkedAt: '2021-08-02T02:00:00.000Z',
      ...over,
    };
  }
}

/** A station, institute or center to upsert: `site('station', 's1')`. */
export function site(type: SiteType, id: string, district = '新华区', extra: Partial<SiteInput> = {}): SiteInput {
  const names: Record<SiteType, string> = {
    center: '新时代文明实践中心',
    institute: '新时代文明实践所',
    station: '新时代文明实践站',
  };
  return { id, name: `${district}${id}${names[type]}`, type, district, ...extra };
}
