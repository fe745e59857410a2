/**
 * Test helper: `describeEachEngine(name, fn)` runs the same suite on SQLite (a fresh temp data
 * folder) and, when TEST_DATABASE_URL is set (pg-global-setup.ts sets it), on PostgreSQL in a
 * fresh database created for the suite and dropped after it, so suites never see each other's
 * rows. Without TEST_DATABASE_URL the PostgreSQL suite shows as skipped. The role in
 * TEST_DATABASE_URL needs CREATEDB.
 *
 * Suites that start the real server (src/server/test-support/api-harness.ts) pass
 * `{ openStorage: false }`: the server opens the engine's database itself, from `dataDir()` and
 * `databaseUrl()`, as `npm start` does, and may close and reopen it (restart tests).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Engine, type Storage } from './database';

export interface EngineUnderTest {
  engine: Engine;
  /** The open storage (valid inside tests and hooks). */
  storage: () => Storage;
  /** The suite's temp data folder (photos, SQLite file). */
  dataDir: () => string;
  /** The DATABASE_URL of the suite's database (PostgreSQL only). */
  databaseUrl: () => string | undefined;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export interface EngineSuiteOptions {
  /** Open the engine's storage for the suite (default true); false leaves opening to the suite. */
  openStorage?: boolean;
}

export function describeEachEngine(
  name: string,
  fn: (engine: EngineUnderTest) => void,
  options: EngineSuiteOptions = {},
): void {
  describe(`${name} [sqlite]`, () => suite('sqlite', fn, options));
  describe.skipIf(!testDatabaseUrl())(`${name} [postgres]`, () => suite('postgres', fn, options));
}

function suite(engine: Engine, fn: (engine: EngineUnderTest) => void, options: EngineSuiteOptions): void {
  let storage: Storage | undefined;
  let dataDir: string | undefined;
  let database: FreshDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `civic-storage-${engine}-`));
    if (engine === 'postgres') database = await createFreshDatabase(testDatabaseUrl()!);
    if (options.openStorage !== false) storage = await openDatabase({ dataDir, databaseUrl: database?.url });
  });

  afterAll(async () => {
    await storage?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  fn({
    engine,
    storage: () => storage ?? fail('storage'),
    dataDir: () => dataDir ?? fail('dataDir'),
    databaseUrl: () => database?.url,
  });
}

function fail(what: string): never {
  throw new Error(`${what} is only available inside tests and hooks`);
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the server of `serverUrl`; `drop()` removes it. */
export async function createFreshDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `civic_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
