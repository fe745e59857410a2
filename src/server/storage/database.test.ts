// Opening the database: the SQLite file and its pragmas, reopening, and the errors a person
// sees when the data folder or PostgreSQL is wrong — never with the password in them.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, redactDatabaseUrl, SQLITE_FILE } from './database';
import { testDatabaseUrl } from './test-engines';

let dir: string;
/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'civic-open-'));
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe('openDatabase on SQLite', () => {
  it('creates the data folder and the file, in WAL mode with foreign keys on', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const storage = await openDatabase({ dataDir });
    try {
      expect(storage.engine).toBe('sqlite');
      expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);
      const pragma = async (name: string) => {
        const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(storage.db);
        return Object.values(rows[0] ?? {})[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL: a commit answered 201 survives a power cut
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await storage.close();
    }
  });

  it('keeps the data to the server’s user: a new data folder 0700, the database and its log 0600', async () => {
    const dataDir = join(dir, 'fresh');
    const storage = await openDatabase({ dataDir });
    try {
      await storage.db
        .insertInto('sign_in_failures')
        .values({ username: 'a', at: '2021-07-19T00:00:00.000Z' })
        .execute();
      const mode = async (path: string) => (await stat(path)).mode & 0o777;
      expect(await mode(dataDir)).toBe(0o700);
      expect(await mode(join(dataDir, SQLITE_FILE))).toBe(0o600);
      expect(await mode(join(dataDir, `${SQLITE_FILE}-wal`))).toBe(0o600);
    } finally {
      await storage.close();
    }
  });

  it('keeps the data across a reopen and closes idempotently', async () => {
    const first = await openDatabase({ dataDir: dir });
    await first.db.insertInto('sign_in_failures').values({ username: 'a', at: '2021-07-19T00:00:00.000Z' }).execute();
    await first.close();
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    try {
      expect(await second.db.selectFrom('sign_in_failures').selectAll().execute()).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('says which folder is unusable when a file is in the way', async () => {
    await writeFile(join(dir, 'file'), 'not a folder');
    await expect(openDatabase({ dataDir: join(dir, 'file', 'data') })).rejects.toThrow(
      /数据目录不可用 \(DATA_DIR=.*file\/data\): (ENOTDIR|EEXIST)/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('says so when the folder is not writable', async () => {
    await chmod(dir, 0o500);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/数据目录不可用 .*EACCES/);
  });

  it('says so when the file is not a SQLite database', async () => {
    await writeFile(join(dir, SQLITE_FILE), 'this is not a database, just text that is long enough to have a header');
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      /无法打开 SQLite 数据库 .*civic-inspect\.sqlite: .*(SQLITE_NOTADB|not a database)/,
    );
  });
});

describe('openDatabase on PostgreSQL, failing', () => {
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('names the URL without its password and the cause when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(
      openDatabase({ dataDir: dir, databaseUrl: `postgres://civic:s3cret-pw@127.0.0.1:${port}/civic` }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^无法连接 PostgreSQL \\(DATABASE_URL=postgres://civic:\\*\\*\\*@127\\.0\\.0\\.1:${port}/civic\\): .*ECONNREFUSED`,
      ),
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('rejects a URL that is not postgres://', async () => {
    await expect(openDatabase({ dataDir: dir, databaseUrl: 'mysql://root:pw@localhost/x' })).rejects.toThrow(
      'DATABASE_URL 必须以 postgres:// 或 postgresql:// 开头 (DATABASE_URL=mysql://root:***@localhost/x)',
    );
  });

  it.skipIf(!testDatabaseUrl())('names a database that does not exist', async () => {
    const url = new URL(testDatabaseUrl()!);
    url.pathname = '/no_such_database';
    url.password = 'hunter2-secret';
    const error = await failure(openDatabase({ dataDir: dir, databaseUrl: url.toString() }));
    expect(error.message).toMatch(/无法连接 PostgreSQL .*no_such_database.*does not exist/);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['postgres://user:pw@host/db', 'postgres://user:***@host/db'],
    ['postgresql://user:p%40ss@host:5433/db?sslmode=require', 'postgresql://user:***@host:5433/db?sslmode=require'],
    ['postgres://user@host/db', 'postgres://user@host/db'],
    ['postgres://host/db?user=u&password=pw', 'postgres://host/db?user=u&password=***'],
    ['postgres://user:pw@[bad', 'postgres://***@[bad'],
  ])('%s → %s', (input, shown) => {
    expect(redactDatabaseUrl(input)).toBe(shown);
  });
});
