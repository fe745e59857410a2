/**
 * Migration 0013: citizens' reports (issue #20).
 *
 * - `users.role` may also be `reporter` (市民记者). The check is rebuilt listing every role known
 *   when this shipped, `unit` (the responsible units' loop, #17) included, so the order in which
 *   the two migrations run does not matter. PostgreSQL replaces the constraint; SQLite cannot
 *   alter one, so the table is rebuilt (see `rebuildSqliteUsers`).
 * - `citizen_reports`: one row per report, keyed by the device-made id, with its tracking code,
 *   the office's decisions and the resident's rating. `client_key` is a keyed hash of the
 *   sender's address (limits count per address; the address itself is not kept). `challenge` is
 *   the proof-of-work challenge it used, unique: a challenge buys one report.
 * - `citizen_report_photos`: the photos (and thumbnails) a report names; `received` once the
 *   bytes are in the photo store. Never cited by anything a field user or the public can read.
 * - `server_secrets`: the key that signs challenges and hashes addresses, made here once so that
 *   every server process on a shared PostgreSQL agrees on it.
 * - `office_settings`: the office's choices (`citizen_close_days`, days to 办结).
 */
import { randomBytes } from 'node:crypto';
import { SqliteAdapter, sql, type Kysely } from 'kysely';

export const ROLES_0013 = ['admin', 'supervisor', 'inspector', 'rechecker', 'reporter', 'unit'];
const roleCheck = `role in (${ROLES_0013.map((role) => `'${role}'`).join(', ')})`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await widenRoles(db);

  await db.schema
    .createTable('citizen_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('reporter_id', 'text', (c) => c.references('users.id'))
    .addColumn('client_key', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('accept_due_on', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('close_due_on', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('reply', 'text')
    .addColumn('merged_into', 'text', (c) => c.references('citizen_reports.id'))
    .addColumn('spot_round_id', 'text', (c) => c.references('rounds.id'))
    .addColumn('spot_inspector_id', 'text', (c) => c.references('users.id'))
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('rating', 'integer')
    .addColumn('rated_at', 'text')
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addCheckConstraint(
      'citizen_reports_status_check',
      sql`status in ('new', 'accepted', 'closed', 'rejected', 'merged')`,
    )
    .addCheckConstraint('citizen_reports_rating_check', sql`rating is null or rating between 1 and 5`)
    .execute();
  // The limits count by address, site and account within a time; the queue reads by status.
  for (const column of ['client_key', 'site_id', 'reporter_id', 'status'] as const) {
    await db.schema
      .createIndex(`citizen_reports_${column}_received_idx`)
      .on('citizen_reports')
      .columns([column, 'received_at'])
      .execute();
  }

  await db.schema
    .createTable('citizen_report_photos')
    .addColumn('report_id', 'text', (c) => c.notNull().references('citizen_reports.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('citizen_report_photos_pk', ['report_id', 'sha256'])
    .addCheckConstraint('citizen_report_photos_received_check', sql`received in (0, 1)`)
    .execute();

  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into server_secrets (name, value) values ('citizen_reports', ${randomBytes(32).toString('hex')})`.execute(
    db,
  );

  await db.schema
    .createTable('office_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/** Rebuilds the role check (exported for its test on a populated database). */
export async function widenRoles(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const { rows } = await sql<{
      sql: string;
    }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(db);
    return rebuildSqliteUsers(db, rows[0]!.sql);
  }
  await sql`alter table users drop constraint if exists users_role_check`.execute(db);
  await sql.raw(`alter table users add constraint users_role_check check (${roleCheck})`).execute(db);
}

/**
 * SQLite keeps a CHECK in the table's text and cannot alter it: the table is dropped and made
 * again from its own text with the wider check, its rows put back from a copy. Inside the
 * migration's transaction `foreign_keys` cannot be switched off, so the foreign keys of
 * sessions, inspections, photos… are deferred instead: the drop counts their rows as orphans,
 * putting the users back counts them as found again, and the commit checks the count is zero.
 */
async function rebuildSqliteUsers(db: Kysely<unknown>, createSql: string): Promise<void> {
  const ROLE_LIST = /role in \([^)]*\)/;
  if (!ROLE_LIST.test(createSql)) throw new Error('users_role_check not found in the users table');
  const widened = createSql.replace(ROLE_LIST, roleCheck);
  await sql`create table users_before_0013 as select * from users`.execute(db);
  await sql`pragma defer_foreign_keys = on`.execute(db);
  await sql`drop table users`.execute(db);
  await sql.raw(widened).execute(db);
  await sql`insert into users select * from users_before_0013`.execute(db);
  await sql`drop table users_before_0013`.execute(db);
}
