/**
 * Opens the server's database and brings its schema up to date.
 *
 * Where: SQLite (better-sqlite3) in `${dataDir}/civic-inspect.sqlite` by default — one file,
 * nothing to install; PostgreSQL when `databaseUrl` (DATABASE_URL) is set. Both behind one
 * Kysely instance typed by `Database` (schema.ts), so routes write each query once. Photos are
 * not in the database: they live as files under `${dataDir}/photos` (photo-store.ts), which is
 * why `dataDir` must be writable on both engines.
 *
 * Opening fails fast with a message that says what to check (folder permissions, the
 * PostgreSQL server) and never prints the password of DATABASE_URL.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type KyselyConfig } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type { Database } from './schema';
export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** Closes the connections (idempotent). */
  close(): Promise<void>;
  /**
   * SQLite: lets a migration edit a constraint in the schema table (defensive mode off) while
   * `run` runs; migration 0009 needs it. Absent on PostgreSQL.
   */
  withSchemaEdits?: <T>(run: () => Promise<T>) => Promise<T>;
}

export interface DatabaseConfig {
  dataDir: string;
  databaseUrl?: string;
  /**
   * Hears every statement sent to the engine (BEGIN and COMMIT included): the benches and the
   * write-cost test count round trips with it, a figure that does not depend on machine load.
   */
  onStatement?: (sql: string) => void;
}

export const SQLITE_FILE = 'civic-inspect.sqlite';

export async function openDatabase(config: DatabaseConfig): Promise<Storage> {
  const dataDir = resolve(config.dataDir);
  ensureWritableDir(dataDir);
  const databaseUrl = config.databaseUrl?.trim();
  const log = statementLog(config.onStatement);
  const storage = databaseUrl ? await openPostgres(databaseUrl, log) : openSqlite(dataDir, log);
  try {
    const migrate = () => migrateToLatest(storage.db, storage.engine);
    await (storage.withSchemaEdits ? storage.withSchemaEdits(migrate) : migrate());
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

/**
 * Creates `dir` if needed (0700: it holds password hashes and personal data) and proves it
 * writable by writing a file (root ignores mode bits, read-only mounts do not).
 */
export function ensureWritableDir(dir: string): void {
  const hint = `请检查该路径是否存在、是否为目录，以及运行服务的用户是否有写权限 (check that DATA_DIR is a directory the server's user can write)`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new Error(`数据目录不可用 (DATA_DIR=${dir}): ${describeError(error)}。${hint}`, { cause: error });
  }
}

type StatementLog = KyselyConfig['log'];

function statementLog(onStatement: DatabaseConfig['onStatement']): StatementLog {
  if (!onStatement) return undefined;
  return (event) => {
    if (event.level === 'query') onStatement(event.query.sql);
  };
}

function openSqlite(dataDir: string, log: StatementLog): Storage {
  const file = join(dataDir, SQLITE_FILE);
  let sqlite: SqliteDatabase.Database;
  try {
    // Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(file, 'a', 0o600));
    sqlite = new SqliteDatabase(file);
    // WAL: readers never block the writer, and a commit appends to the log instead of
    // rewriting pages. synchronous=FULL fsyncs the log on every commit: once the server has
    // answered 201 the phone deletes its copy, so a power cut must not roll that commit
    // back (NORMAL would allow it). One fsync per commit is cheap at this write rate.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // Wait for a lock (a backup tool, a second process) rather than fail with SQLITE_BUSY.
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new Error(
      `无法打开 SQLite 数据库 ${file}: ${describeError(error)}。请检查该文件是否可读写、是否为 SQLite 数据库 (check the file is a writable SQLite database)`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), ...(log && { log }) });
  const withSchemaEdits = async <T>(run: () => Promise<T>): Promise<T> => {
    sqlite.unsafeMode(true);
    try {
      return await run();
    } finally {
      sqlite.unsafeMode(false);
    }
  };
  return { db, engine: 'sqlite', close: once(() => db.destroy()), withSchemaEdits };
}

// PostgreSQL returns bigint (count(*), sum of integers) and numeric (avg) as strings;
// parse them to numbers as SQLite returns them. Counts and scores here stay far below 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(INT8_OID, 'text', (value: string) => Number(value));
pgTypes.setTypeParser(NUMERIC_OID, 'text', (value: string) => Number(value));

async function openPostgres(databaseUrl: string, log: StatementLog): Promise<Storage> {
  const shown = redactDatabaseUrl(databaseUrl);
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error(`DATABASE_URL 必须以 postgres:// 或 postgresql:// 开头 (DATABASE_URL=${shown})`);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, types: pgTypes, connectionTimeoutMillis: 10_000 });
  // An idle client's error (server restarted, network cut) is emitted on the pool; unhandled
  // it would crash the process. The next query gets a fresh connection or a clear error.
  pool.on('error', (error) =>
    console.error(`PostgreSQL 连接出错 (${shown}): ${scrub(describeError(error), databaseUrl)}`),
  );
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    const detail = scrub(describeError(error), databaseUrl);
    throw new Error(
      `无法连接 PostgreSQL (DATABASE_URL=${shown}): ${detail}。请检查数据库服务是否已启动、主机和端口、用户名和密码、数据库是否存在 (check that the server is running and the host, port, credentials and database name are right)`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log && { log }) });
  return { db, engine: 'postgres', close: once(() => db.destroy()) };
}

/** DATABASE_URL fit to print: the password (in the authority or as `?password=`) becomes `***`. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass/i.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return databaseUrl.replace(/\/\/[^/@]*@/, '//***@').replace(/(pass[a-z]*=)[^&]*/gi, '$1***');
  }
}

/** Removes the URL's password from a driver's message, should one ever quote it. */
function scrub(message: string, databaseUrl: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    // unparseable URL: nothing we can reliably find
  }
  return password ? message.split(password).join('***') : message;
}

/** `CODE: message`, also for Node's AggregateError (IPv4 + IPv6 refused) whose message is empty. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const nested = error instanceof AggregateError ? error.errors.map((inner) => describeError(inner)).join('; ') : '';
  const message = error.message || nested;
  if (!code) return message || error.name;
  return message && !message.includes(code) ? `${code}: ${message}` : message || code;
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
