// The schema on both engines: every table created by the migrations, a row through every
// table and back unchanged, the constraints that protect the data, and results typed alike.
import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, migrations } from './migrations';
import { toStoredInstant, type NewRow, type TableName } from './schema';
import { describeEachEngine } from './test-engines';

const sha = (digit: string) => digit.repeat(64);
const at = '2021-07-19T02:30:00.000Z';

/** One row per table, in foreign-key order, with every column set (nullable ones too). */
const rows: { [T in TableName]: NewRow<T> } = {
  users: {
    id: 'u1',
    username: 'zhang.wei',
    display_name: '张伟',
    role: 'inspector',
    password_hash: 'scrypt$N=16384$salt$hash',
    disabled: 0,
    created_at: at,
    must_change_password: 1,
    link_only: 0,
  },
  sessions: {
    token_hash: sha('a'),
    user_id: 'u1',
    created_at: at,
    expires_at: '2021-08-18T02:30:00.000Z',
    revoked_at: null,
  },
  sign_in_failures: { username: 'zhang.wei', at, client: '203.0.113.7' },
  sites: {
    id: 'ZZ-001',
    name: '中原区新时代文明实践中心',
    type: 'center',
    district: '中原区',
    parent_id: null,
    address: '建设路 1 号',
    lat: 34.7466,
    lng: 113.6254,
    updated_at: at,
    position_source: 'phone',
    position_set_by: 'u1',
    position_set_at: at,
  },
  rounds: {
    id: 'r2021-07',
    name: '2021 年 7 月模拟测评',
    rubric_version: '2021',
    rectify_below: 95.5,
    rectify_days: 15,
    starts_on: '2021-07-15',
    ends_on: '2021-07-25',
    created_at: at,
    approved_only: 1,
    due_from: 'dispatch',
    objection_days: 3,
    presence_radius_m: 150,
  },
  assignments: { round_id: 'r2021-07', site_id: 'ZZ-001', user_id: 'u1' },
  photos: { sha256: sha('b'), bytes: 123_456, content_type: 'image/jpeg', uploaded_by: 'u1', created_at: at },
  photo_uploads: { sha256: sha('b'), user_id: 'u1', uploaded_at: at },
  photo_chunks: { upload_id: 'up-1', n: 0, bytes: Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]), created_at: at },
  photo_objects: { sha256: sha('b'), upload_id: 'up-1', bytes: 5, content_type: 'image/jpeg' },
  inspections: {
    id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    revision: 1,
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    inspector_id: 'u1',
    rubric_version: '2021',
    started_at: '2021-07-19T01:00:00.000Z',
    submitted_at: at,
    received_at: '2021-07-19T02:31:05.123Z',
    score: 93.41,
    full_marks: 0,
    location_json: '{"lat":34.7466,"lng":113.6254,"accuracy":12}',
    deductions_json: '[{"itemId":"T18","grade":"C"}]',
    body_json: '{"answers":[],"id":"6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11"}',
    review_state: 'returned',
    flags_json: '[{"code":"no_fix"}]',
    time_on_site_s: 600,
  },
  inspection_photos: {
    inspection_id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    revision: 1,
    item_id: 'T18',
    sha256: sha('b'),
    thumbnail_sha256: sha('b'),
    source_sha256: sha('c'),
  },
  rectifications: {
    id: 'r2021-07:ZZ-001:T18',
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    item_id: 'T18',
    grade: 'C#',
    due_on: '2021-08-03',
    status: 'open',
    source_inspection_id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    source_revision: 1,
    before_photos_json: JSON.stringify([sha('b')]),
    created_at: at,
    closed_at: null,
    finding_note: '公益广告破损',
    dispatched_at: at,
    dispatched_by: 'u1',
    withdrawn_at: null,
  },
  site_results: {
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    inspection_id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    revision: 1,
    inspector_id: 'u1',
    submitted_at: at,
    received_at: '2021-07-19T02:31:05.123Z',
    score: 93.41,
    score_hundredths: 9341,
    full_marks: 0,
    flags_json: '[{"code":"no_fix"}]',
    time_on_site_s: 600,
  },
  site_result_items: { round_id: 'r2021-07', site_id: 'ZZ-001', item_id: 'T18', grade: 'C', note: '积尘' },
  rechecks: {
    id: '0d9b8c7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
    rectification_id: 'r2021-07:ZZ-001:T18',
    checked_by: 'u1',
    verdict: 'not_fixed',
    note: '海报仍有破损',
    photos_json: JSON.stringify([sha('b')]),
    checked_at: '2021-08-02T03:00:00.000Z',
    received_at: '2021-08-02T03:00:01.000Z',
    body_json: '{"id":"0d9b8c7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d"}',
  },
  recheck_photos: { recheck_id: '0d9b8c7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d', sha256: sha('b') },
  published_rankings: {
    round_id: 'r2021-07',
    token: 'k3J9x-public-token',
    published_at: at,
    ranking_json: '{"districts":[]}',
  },
  reviews: {
    seq: 7,
    inspection_id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    revision: 1,
    inspector_id: 'u1',
    decision: 'returned',
    comment: '照片看不清',
    item_comments_json: '[{"itemId":"T18","comment":"补拍"}]',
    reviewer_id: 'u1',
    reviewed_at: at,
  },
  audit_log: {
    seq: 7,
    at,
    actor_id: 'u1',
    actor_name: '张伟',
    action: 'review.returned',
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    inspection_id: '6f1c2b1e-8a4e-4c59-9d1f-0a3b5c7d9e11',
    subject: null,
    detail_json: '{"after":"returned","before":"pending"}',
    prev_hash: sha('c'),
    hash: sha('d'),
  },
  audit_chain_head: { id: 1, seq: 7, hash: sha('d') },
  unit_responsibilities: { user_id: 'u1', kind: 'district', target: '中原区' },
  site_links: {
    id: 'link-1',
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    user_id: 'u1',
    token_hash: sha('c'),
    issued_at: at,
    issued_by: 'u1',
    revoked_at: null,
  },
  unit_answers: {
    id: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
    rectification_id: 'r2021-07:ZZ-001:T18',
    answered_by: 'u1',
    action: '更换了公益广告',
    note: '已完成',
    photos_json: JSON.stringify([sha('b')]),
    answered_at: at,
    received_at: at,
    body_json: '{}',
  },
  unit_requests: {
    id: '2e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
    rectification_id: 'r2021-07:ZZ-001:T18',
    requested_by: 'u1',
    kind: 'extension',
    reason: '材料未到',
    due_on: '2021-08-20',
    photos_json: '[]',
    requested_at: at,
    received_at: at,
    body_json: '{}',
    status: 'approved',
    decided_by: 'u1',
    decided_at: at,
    decision_reason: '同意',
    previous_due_on: '2021-08-03',
  },
  grade_corrections: {
    id: 'c-1',
    round_id: 'r2021-07',
    site_id: 'ZZ-001',
    item_id: 'T18',
    from_grade: 'C',
    to_grade: 'A',
    corrected_by: 'u1',
    corrected_at: at,
    reason: '申诉成立',
    request_id: null,
  },
  bulletin_documents: {
    round_id: 'r2021-07',
    document_json: '{"documentNumber":"锦创文办〔2021〕12号","text":null}',
    updated_at: at,
    updated_by: 'u1',
  },
  citizen_reports: {
    id: '5b0c7f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
    code: 'R7K3F9QA',
    site_id: 'ZZ-001',
    category: 'closed_when_open',
    description: '周六上午大门紧锁',
    phone: '13812345678',
    reporter_id: 'u1',
    client_key: 'c'.repeat(64),
    challenge: 'challenge-1',
    created_at: at,
    received_at: at,
    status: 'closed',
    accept_due_on: '2021-07-20',
    accepted_at: at,
    close_due_on: '2021-07-29',
    closed_at: at,
    reply: '已督促按时开放',
    merged_into: null,
    spot_round_id: 'r2021-07',
    spot_inspector_id: 'u1',
    decided_by: 'u1',
    rating: 5,
    rated_at: at,
    body_json: '{}',
    handed_over_at: at,
    handed_over_by: 'u1',
  },
  citizen_report_photos: { report_id: '5b0c7f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e', sha256: sha('b'), received: 1 },
  server_secrets: { name: 'test-secret', value: 'x' },
  office_settings: { name: 'citizen_close_days', value: '10' },
  citizen_unit_answers: {
    id: '6c1d8e2f-3e4b-4c6d-9eaf-1a2b3c4d5e6f',
    report_id: '5b0c7f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
    answered_by: 'u1',
    note: '已安排专人按时开门',
    photos_json: '[]',
    answered_at: at,
    received_at: at,
    body_json: '{}',
  },
};

const TABLES = Object.keys(rows) as TableName[];

describeEachEngine('storage schema', ({ storage, engine }) => {
  it('creates every table', async () => {
    const tables = await storage().db.introspection.getTables();
    expect(tables.map((table) => table.name).sort()).toEqual([...TABLES].sort());
  });

  it('applies nothing when migrated again', async () => {
    expect(await migrateToLatest(storage().db, engine)).toEqual([]);
  });

  it('rolls a failing migration back whole', async () => {
    const broken = {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        throw new Error('boom');
      },
    };
    await expect(migrateToLatest(storage().db, engine, { ...migrations, '9999-broken': broken })).rejects.toThrow(
      '数据库迁移失败（9999-broken）: boom',
    );
    const tables = await storage().db.introspection.getTables({ withInternalKyselyTables: true });
    expect(tables.map((table) => table.name)).not.toContain('half_done');
    const ran = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(storage().db);
    expect(ran.rows.map((row) => row.name)).toEqual(Object.keys(migrations));
  });

  it('round-trips a row through every table unchanged', async () => {
    const { db } = storage();
    // Migration 0013 made its own secret: the table then holds only the test's row.
    await db.deleteFrom('server_secrets').execute();
    // The migration starts the audit chain with its single head row.
    await db.deleteFrom('audit_chain_head').execute();
    for (const table of TABLES) {
      await db.insertInto(table).values(rows[table]).execute();
    }
    for (const table of TABLES) {
      const stored = await db.selectFrom(table).selectAll().execute();
      expect(stored, table).toEqual([rows[table]]);
    }
  });

  it('takes the roles added after the first migration (reporter, unit), sign-in data intact', async () => {
    const { db } = storage();
    for (const role of ['reporter', 'unit'] as const) {
      await db
        .insertInto('users')
        .values({ ...rows.users, id: `u-${role}`, username: `x-${role}`, role: role as never })
        .execute();
    }
    expect(
      await db.selectFrom('users').select('role').where('id', 'in', ['u-reporter', 'u-unit']).execute(),
    ).toHaveLength(2);
    await db.deleteFrom('users').where('id', 'in', ['u-reporter', 'u-unit']).execute();
  });

  it('keeps a nullable column null and a flag 0/1', async () => {
    const { db } = storage();
    await db
      .insertInto('users')
      .values({ ...rows.users, id: 'u2', username: 'li.na', disabled: 1 })
      .execute();
    await db
      .insertInto('sites')
      .values({
        id: 'ZZ-002',
        name: '站',
        type: 'station',
        district: '中原区',
        parent_id: 'ZZ-001',
        address: null,
        lat: null,
        lng: null,
        updated_at: at,
      })
      .execute();
    const user = await db.selectFrom('users').select('disabled').where('id', '=', 'u2').executeTakeFirstOrThrow();
    const site = await db.selectFrom('sites').selectAll().where('id', '=', 'ZZ-002').executeTakeFirstOrThrow();
    expect(user.disabled).toBe(1);
    expect(site).toMatchObject({ address: null, lat: null, lng: null, parent_id: 'ZZ-001' });
    const active = await db.selectFrom('users').select('id').where('disabled', '=', 0).execute();
    expect(active.map((row) => row.id)).toEqual(['u1']);
  });

  it('returns counts, sums and averages as numbers', async () => {
    const { db } = storage();
    const result = await db
      .selectFrom('inspections')
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>('revision').as('revisions'),
        eb.fn.avg<number>('score').as('average'),
        eb.fn.avg<number>('revision').as('averageRevision'),
      ])
      .executeTakeFirstOrThrow();
    expect(result).toEqual({ count: 1, revisions: 1, average: 93.41, averageRevision: 1 });
  });

  it('upserts with on conflict (the sites import)', async () => {
    const { db } = storage();
    const upsert = (name: string) =>
      db
        .insertInto('sites')
        .values({ ...rows.sites, name })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
        .execute();
    await upsert('改名一');
    await upsert('改名二');
    const names = await db.selectFrom('sites').select('name').where('id', '=', rows.sites.id).execute();
    expect(names).toEqual([{ name: '改名二' }]);
    await db
      .insertInto('photos')
      .values(rows.photos)
      .onConflict((oc) => oc.doNothing())
      .execute();
  });

  it('orders instants as text', async () => {
    const { db } = storage();
    const late = toStoredInstant('2021-07-19T10:31:00+08:00'); // 02:31Z: after `at`
    await db.insertInto('sign_in_failures').values({ username: 'zhang.wei', at: late }).execute();
    const since = await db
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', 'zhang.wei')
      .where('at', '>', at)
      .executeTakeFirstOrThrow();
    expect(late).toBe('2021-07-19T02:31:00.000Z');
    expect(since.n).toBe(1);
  });

  describe('rejects', () => {
    const rejects = (run: () => Promise<unknown>) => expect(run()).rejects.toThrow();

    it('a row that names nothing (foreign keys)', async () => {
      const { db } = storage();
      await rejects(() =>
        db
          .insertInto('assignments')
          .values({ ...rows.assignments, user_id: 'nobody' })
          .execute(),
      );
      await rejects(() =>
        db
          .insertInto('inspection_photos')
          .values({ ...rows.inspection_photos, sha256: sha('c') })
          .execute(),
      );
      await rejects(() =>
        db
          .insertInto('inspection_photos')
          .values({ ...rows.inspection_photos, revision: 9 })
          .execute(),
      );
      await rejects(() =>
        db
          .insertInto('rechecks')
          .values({ ...rows.rechecks, id: 'x', rectification_id: 'nothing' })
          .execute(),
      );
    });

    it('a taken key or unique value', async () => {
      const { db } = storage();
      await rejects(() =>
        db
          .insertInto('users')
          .values({ ...rows.users, id: 'u9' })
          .execute(),
      );
      await rejects(() => db.insertInto('inspections').values(rows.inspections).execute());
      await rejects(() =>
        db
          .insertInto('rectifications')
          .values({ ...rows.rectifications, id: 'another' })
          .execute(),
      );
      await rejects(() =>
        db
          .insertInto('published_rankings')
          .values({ ...rows.published_rankings, round_id: 'r2021-07' })
          .execute(),
      );
    });

    it("a value outside its column's set (check constraints)", async () => {
      const { db } = storage();
      const bad = <T>(value: T) => value as never;
      await rejects(() =>
        db
          .insertInto('users')
          .values({ ...rows.users, id: 'u8', username: 'x8', disabled: bad(2) })
          .execute(),
      );
      await rejects(() =>
        db
          .insertInto('users')
          .values({ ...rows.users, id: 'u7', username: 'x7', role: bad('root') })
          .execute(),
      );
      await rejects(() =>
        db
          .updateTable('rectifications')
          .set({ status: bad('done') })
          .execute(),
      );
      await rejects(() => db.updateTable('citizen_reports').set({ rating: 6 }).execute());
      await rejects(() =>
        db
          .updateTable('citizen_reports')
          .set({ status: bad('lost') })
          .execute(),
      );
      await rejects(() =>
        db
          .updateTable('inspections')
          .set({ full_marks: bad(5) })
          .execute(),
      );
      await rejects(() =>
        db
          .updateTable('photos')
          .set({ content_type: bad('image/gif') })
          .execute(),
      );
    });

    it('nothing half-written when a transaction fails', async () => {
      const { db } = storage();
      await rejects(() =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('rounds')
            .values({ ...rows.rounds, id: 'r-temp' })
            .execute();
          await trx
            .insertInto('assignments')
            .values({ round_id: 'r-temp', site_id: 'ZZ-001', user_id: 'nobody' })
            .execute();
        }),
      );
      expect(await db.selectFrom('rounds').select('id').where('id', '=', 'r-temp').execute()).toEqual([]);
    });
  });
});

describe('toStoredInstant', () => {
  it('writes UTC with milliseconds and rejects non-instants', () => {
    expect(toStoredInstant('2021-07-19T01:30:00+08:00')).toBe('2021-07-18T17:30:00.000Z');
    expect(() => toStoredInstant('yesterday')).toThrow(RangeError);
  });
});
