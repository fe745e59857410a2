/**
 * Several server processes starting at once on one fresh PostgreSQL database (issue #19): each
 * start migrates and makes the first admin; all of them must come up, with the schema migrated
 * once and one admin. Each start here has its own connection pool, as a process would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../auth/users';
import { TEST_PASSWORD_COST } from '../test-support/api-harness';
import { openDatabase, type Storage } from './database';
import { migrations } from './migrations';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from './test-engines';

describe.skipIf(!testDatabaseUrl())('starting several processes at once [postgres]', () => {
  let database: FreshDatabase;
  let dataDir: string;
  const opened: Storage[] = [];
  beforeAll(async () => {
    [database, dataDir] = await Promise.all([
      createFreshDatabase(testDatabaseUrl()!),
      mkdtemp(join(tmpdir(), 'civic-starts-')),
    ]);
  });
  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('four starts migrate the schema once and make one admin', async () => {
    const start = async () => {
      const storage = await openDatabase({ dataDir, databaseUrl: database.url });
      opened.push(storage);
      return ensureAdmin(storage.db, 'admin-secret-2021', new Date(), TEST_PASSWORD_COST);
    };
    const admins = await Promise.all([start(), start(), start(), start()]);
    expect(admins.filter(Boolean)).toHaveLength(1);
    const db = opened[0]!.db;
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
    expect(await db.selectFrom('users').select('username').execute()).toEqual([{ username: 'admin' }]);
  });
});
