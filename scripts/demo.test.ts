/**
 * `npm run demo` against a temp DATA_DIR (SQLite; PostgreSQL too when the test run has one):
 * the supervisor's report shows the seed story's round with inspector1's five stations still to
 * do, every photo-required deduction has a real JPEG, a second run changes nothing, `--all`
 * completes the story's exact figures, and a database with other people's data is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoundReport } from '../src/domain/report';
import { PROJECT_ROOT } from '../src/server/config';
import { loadRubrics } from '../src/server/rubric-store';
import { roundReport } from '../src/server/services/reports';
import { openDatabase, type Storage } from '../src/server/storage/database';
import type { TableName } from '../src/server/storage/schema';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from '../src/server/storage/test-engines';
import { DEMO_PASSWORD, DEMO_ROUND, DemoRefused, loadDemo } from './demo';

const RUBRIC_DIR = join(PROJECT_ROOT, 'rubric');
const TABLES: TableName[] = [
  'users',
  'sites',
  'rounds',
  'assignments',
  'photos',
  'inspections',
  'inspection_photos',
  'rectifications',
  'rechecks',
  'recheck_photos',
  'reviews',
];

async function report(dataDir: string, databaseUrl?: string): Promise<RoundReport> {
  const storage = await openDatabase({ dataDir, databaseUrl });
  try {
    const result = await roundReport(storage.db, await loadRubrics(RUBRIC_DIR), DEMO_ROUND.id);
    if (!result) throw new Error('no demo round');
    return result;
  } finally {
    await storage.close();
  }
}

function figures(result: RoundReport) {
  return Object.fromEntries(
    Object.entries(result.byType).map(([type, tally]) => [
      type,
      [tally.sites, tally.inspected, tally.fullMarks, tally.toRectify],
    ]),
  );
}

/** Every row of every table, and the photo files, as sorted text: equal snapshots mean nothing changed. */
async function snapshot(db: Storage['db'], dataDir: string): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  tables.files = await photoFiles(dataDir);
  return tables;
}

async function photoFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'photos'), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

async function withStorage<T>(dataDir: string, databaseUrl: string | undefined, fn: (storage: Storage) => Promise<T>) {
  const storage = await openDatabase({ dataDir, databaseUrl });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

// Seed story: 6/43/115 sites; 0/32/92 full marks; 1/11/23 to rectify. Inspector1's five stations
// (all full marks once done) are still open, so 110 stations and 87 full marks for now.
const AFTER_DEMO = { center: [6, 6, 0, 1], institute: [43, 43, 32, 11], station: [115, 110, 87, 23] };
const STORY = { center: [6, 6, 0, 1], institute: [43, 43, 32, 11], station: [115, 115, 92, 23] };

describe('npm run demo [sqlite]', () => {
  let dataDir: string;
  let firstRun: Record<string, string[]>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'civic-demo-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the sample through the command line and prints the demo sign-ins and the configured address', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '18181', HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    delete env.ADMIN_PASSWORD;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: PROJECT_ROOT,
      env,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const username of ['admin', 'supervisor', 'inspector1', 'inspector6', 'rechecker1', 'rechecker2'])
      expect(run.stdout).toContain(username);
    expect(run.stdout).toContain(DEMO_PASSWORD);
    expect(run.stdout).toMatch(/测评 inspections\s+159 \/ 0/);
    // The closing hint names where `npm start` will listen with this configuration.
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      '启动服务 (then start the server): npm start  →  http://127.0.0.1:18181/',
    );
    expect(run.stdout).not.toContain(':8080');
  }, 120_000);

  it('gives the supervisor the seed story’s report, with inspector1’s five stations still to inspect', async () => {
    const result = await report(dataDir);
    expect(figures(result)).toEqual(AFTER_DEMO);
    expect(result.byDistrict.map((row) => [row.district, row.sites])).toEqual([
      ['新华区', 29],
      ['卫东区', 29],
      ['湛河区', 27],
      ['石龙区', 27],
      ['高新区', 27],
      ['示范区', 25],
    ]);
    expect(result.byDistrict.map((row) => row.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    // 高新区 was rechecked: all its rectifications closed but two.
    const closed = result.rectifications.filter((item) => item.status === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((item) => item.siteId.startsWith('GX-'))).toBe(true);
    const gx = result.rectifications.filter((item) => item.siteId.startsWith('GX-'));
    expect(gx.length - closed.length).toBe(2);
    expect(result.rectifications.every((item) => item.id === `${DEMO_ROUND.id}~${item.siteId}~${item.itemId}`)).toBe(
      true,
    );
  });

  it('flags a few results for proof of presence: inspected from afar, gallery pictures; the rest clean', async () => {
    await withStorage(dataDir, undefined, async ({ db }) => {
      const rows = await db.selectFrom('site_results').select('flags_json').execute();
      const codes = rows.map((row) => (JSON.parse(row.flags_json!) as { code: string }[]).map((flag) => flag.code));
      const withCode = (code: string) => codes.filter((list) => list.includes(code)).length;
      expect(withCode('far_from_site')).toBeGreaterThan(0);
      expect(withCode('gallery_photo')).toBeGreaterThan(0);
      expect(withCode('capture_time_mismatch')).toBe(withCode('gallery_photo'));
      expect(codes.filter((list) => list.length === 0).length).toBeGreaterThan(rows.length / 2);
    });
  });

  it('stores users for every role, assignments, and a real JPEG for every photo-required deduction', async () => {
    await withStorage(dataDir, undefined, async ({ db }) => {
      const users = await db.selectFrom('users').select(['username', 'role']).orderBy('username').execute();
      expect(users.map((user) => `${user.username}:${user.role}`)).toEqual([
        'admin:admin',
        ...[1, 2, 3, 4, 5, 6].map((n) => `inspector${n}:inspector`),
        'rechecker1:rechecker',
        'rechecker2:rechecker',
        'supervisor:supervisor',
      ]);
      const sites = await db.selectFrom('sites').select(['id', 'type', 'parent_id']).execute();
      const byId = new Map(sites.map((site) => [site.id, site]));
      for (const site of sites) {
        const parent = site.parent_id ? byId.get(site.parent_id) : undefined;
        if (site.type === 'center') expect(parent).toBeUndefined();
        if (site.type === 'institute') expect(parent?.type).toBe('center');
        if (site.type === 'station') expect(parent?.type).toBe('institute');
      }
      const unassigned = await db
        .selectFrom('sites')
        .select('id')
        .where('id', 'not in', db.selectFrom('assignments').select('site_id').where('round_id', '=', DEMO_ROUND.id))
        .execute();
      expect(unassigned).toEqual([]);

      const rubric = (await loadRubrics(RUBRIC_DIR)).get(DEMO_ROUND.rubricVersion)!;
      const photoRequired = new Set(
        Object.values(rubric.types)
          .flatMap((file) => file.items)
          .filter((item) => item.photoRequired)
          .map((item) => item.id),
      );
      const inspections = await db.selectFrom('inspections').select(['id', 'revision', 'deductions_json']).execute();
      const links = await db.selectFrom('inspection_photos').select(['inspection_id', 'item_id']).execute();
      const linked = new Set(links.map((link) => `${link.inspection_id}/${link.item_id}`));
      let deductions = 0;
      for (const inspection of inspections) {
        for (const { itemId } of JSON.parse(inspection.deductions_json) as { itemId: string }[]) {
          deductions += 1;
          if (photoRequired.has(itemId)) expect(linked.has(`${inspection.id}/${itemId}`)).toBe(true);
        }
      }
      expect(deductions).toBeGreaterThan(100);

      // Every inspection photo comes with the thumbnail the office draws, a fraction of its bytes.
      const thumbnailed = await db
        .selectFrom('inspection_photos')
        .innerJoin('photos as full', 'full.sha256', 'inspection_photos.sha256')
        .leftJoin('photos as small', 'small.sha256', 'inspection_photos.thumbnail_sha256')
        .select(['full.bytes as fullBytes', 'small.bytes as smallBytes'])
        .execute();
      expect(thumbnailed.length).toBeGreaterThan(100);
      for (const { fullBytes, smallBytes } of thumbnailed) expect(smallBytes).toBeLessThan(fullBytes / 2);

      const photos = await db.selectFrom('photos').select(['sha256', 'bytes', 'content_type']).execute();
      expect(photos.length).toBeGreaterThan(100);
      expect(await photoFiles(dataDir)).toEqual(photos.map((photo) => photo.sha256).sort());
      for (const photo of photos.slice(0, 20)) {
        const bytes = await readFile(
          join(dataDir, 'photos', photo.sha256.slice(0, 2), photo.sha256.slice(2, 4), photo.sha256),
        );
        expect(photo.content_type).toBe('image/jpeg');
        expect(bytes.length).toBe(photo.bytes);
        expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
        expect([...bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
      }
      firstRun = await snapshot(db, dataDir);
    });
  });

  it('has results in every review state: most approved, a few returned with comments, the flagged ones waiting', async () => {
    await withStorage(dataDir, undefined, async ({ db }) => {
      const rows = await db
        .selectFrom('inspections')
        .select(['id', 'review_state', 'flags_json'])
        .where('round_id', '=', DEMO_ROUND.id)
        .execute();
      const inState = (state: string) => rows.filter((row) => row.review_state === state);
      expect(inState('approved').length).toBeGreaterThan(rows.length / 2);
      expect(inState('returned').length).toBeGreaterThan(5);
      expect(inState('pending').length).toBeGreaterThan(5);
      const flagged = rows.filter((row) => (JSON.parse(row.flags_json ?? '[]') as unknown[]).length > 0);
      expect(flagged.length).toBeGreaterThan(0);
      expect(flagged.every((row) => row.review_state === 'pending')).toBe(true);
      // Some clean results wait too, so 全部通过所列无异常结果 has work.
      expect(inState('pending').length).toBeGreaterThan(flagged.length);
      const returns = await db
        .selectFrom('reviews')
        .select(['comment', 'item_comments_json'])
        .where('decision', '=', 'returned')
        .execute();
      expect(returns).toHaveLength(inState('returned').length);
      expect(returns.every((row) => (row.comment ?? '').length > 0)).toBe(true);
      expect(returns.some((row) => (JSON.parse(row.item_comments_json) as unknown[]).length > 0)).toBe(true);
    });
  });

  it('holds citizens’ reports in every state, one rated, the handling figures computed', async () => {
    await withStorage(dataDir, undefined, async ({ db }) => {
      const rows = await db.selectFrom('citizen_reports').select(['status', 'rating', 'spot_round_id']).execute();
      expect(new Set(rows.map((row) => row.status))).toEqual(
        new Set(['new', 'accepted', 'closed', 'rejected', 'merged']),
      );
      expect(rows.filter((row) => row.spot_round_id !== null)).toHaveLength(1);
      expect(rows.filter((row) => row.rating === 5)).toHaveLength(1);
    });
  });

  it('changes nothing when run again', async () => {
    const second = await loadDemo({ dataDir, rubricDir: RUBRIC_DIR });
    expect(second.created).toEqual({
      users: 0,
      sites: 0,
      rounds: 0,
      assignments: 0,
      photos: 0,
      inspections: 0,
      rechecks: 0,
      citizenReports: 0,
      reviews: 0,
    });
    expect(second.existing.citizenReports).toBe(8);
    expect(second.existing.inspections).toBe(159);
    expect(second.leftToInspect).toHaveLength(5);
    await withStorage(dataDir, undefined, async (storage) => {
      expect(await snapshot(storage.db, dataDir)).toEqual(firstRun);
    });
  }, 120_000);

  it('with --all, inspects inspector1’s five stations and reaches the story’s exact figures', async () => {
    const all = await loadDemo({ dataDir, rubricDir: RUBRIC_DIR, inspectAll: true });
    expect(all.created.inspections).toBe(5);
    expect(all.leftToInspect).toEqual([]);
    expect(figures(await report(dataDir))).toEqual(STORY);
  }, 120_000);

  it('refuses a database that holds other people’s users', async () => {
    const other = await mkdtemp(join(tmpdir(), 'civic-demo-foreign-'));
    try {
      await withStorage(other, undefined, async ({ db }) => {
        await db
          .insertInto('users')
          .values({
            id: 'u-real',
            username: 'zhangsan',
            display_name: '张三',
            role: 'inspector',
            password_hash: 'scrypt$x',
            disabled: 0,
            created_at: new Date().toISOString(),
          })
          .execute();
      });
      await expect(loadDemo({ dataDir: other, rubricDir: RUBRIC_DIR })).rejects.toBeInstanceOf(DemoRefused);
      await withStorage(other, undefined, async ({ db }) => {
        expect(await db.selectFrom('sites').select('id').execute()).toEqual([]);
      });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!testDatabaseUrl())('npm run demo [postgres]', () => {
  let dataDir: string;
  let database: FreshDatabase;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'civic-demo-pg-'));
    database = await createFreshDatabase(testDatabaseUrl()!);
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the same report into PostgreSQL, and a second run changes nothing', async () => {
    const first = await loadDemo({ dataDir, databaseUrl: database.url, rubricDir: RUBRIC_DIR });
    expect(first.created.inspections).toBe(159);
    expect(figures(await report(dataDir, database.url))).toEqual(AFTER_DEMO);
    const before = await withStorage(dataDir, database.url, (storage) => snapshot(storage.db, dataDir));
    const second = await loadDemo({ dataDir, databaseUrl: database.url, rubricDir: RUBRIC_DIR });
    expect(Object.values(second.created).every((n) => n === 0)).toBe(true);
    expect(await withStorage(dataDir, database.url, (storage) => snapshot(storage.db, dataDir))).toEqual(before);
  }, 180_000);
});
