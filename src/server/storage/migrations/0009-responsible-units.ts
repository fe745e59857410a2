/**
 * Migration 0009: responsible units close the loop (issue #17).
 *
 * - `users.role` may be `unit` (责任单位; `reporter` is allowed too, for the role another change
 *   adds); `users.link_only` marks the account behind a site link, which nobody signs in to.
 * - `unit_responsibilities`: which districts or sites a unit answers for.
 * - `rounds.due_from` (`inspection` | `dispatch`: where the rectification period starts) and
 *   `rounds.objection_days` (how long after dispatch a unit may object, default 3).
 * - `rectifications.dispatched_at`/`dispatched_by` (交办; units see only dispatched items) and
 *   `withdrawn_at` (an upheld objection left nothing to rectify).
 * - `site_links`: one row per link ever issued; only the token's SHA-256 is kept.
 * - `unit_answers` (整改反馈) and `unit_requests` (延期, 回退, 申诉 with the office's decision):
 *   device-made ids, the body kept for idempotency.
 * - `grade_corrections`: the office's corrections of an item's grade, who/when/why.
 *
 * Changing a CHECK constraint: PostgreSQL drops and re-adds it; SQLite cannot alter one, and
 * rebuilding `users` would break the foreign keys every other table holds on it, so the
 * constraint's text is edited in the schema table (SQLite's documented procedure for changing
 * constraints, https://www.sqlite.org/lang_altertable.html#otheralter), which needs the
 * connection's defensive mode off for the migration (database.ts).
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

const OLD_ROLES = "role in ('admin', 'supervisor', 'inspector', 'rechecker')";
const NEW_ROLES = "role in ('admin', 'supervisor', 'inspector', 'rechecker', 'unit', 'reporter')";

export async function up(db: Kysely<unknown>): Promise<void> {
  await widenRoleCheck(db);
  await db.schema
    .alterTable('users')
    .addColumn('link_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('unit_responsibilities')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_responsibilities_pk', ['user_id', 'kind', 'target'])
    .addCheckConstraint('unit_responsibilities_kind_check', sql`kind in ('district', 'site')`)
    .execute();
  await db.schema
    .createIndex('unit_responsibilities_target_idx')
    .on('unit_responsibilities')
    .columns(['kind', 'target'])
    .execute();

  await db.schema
    .alterTable('rounds')
    .addColumn('due_from', 'text', (c) => c.notNull().defaultTo('inspection'))
    .execute();
  await db.schema
    .alterTable('rounds')
    .addColumn('objection_days', 'integer', (c) => c.notNull().defaultTo(3))
    .execute();
  for (const column of ['dispatched_at', 'dispatched_by', 'withdrawn_at']) {
    await db.schema.alterTable('rectifications').addColumn(column, 'text').execute();
  }
  await db.schema
    .createIndex('rectifications_round_site_idx')
    .on('rectifications')
    .columns(['round_id', 'site_id'])
    .execute();

  await db.schema
    .createTable('site_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('site_links_round_site_idx').on('site_links').columns(['round_id', 'site_id']).execute();

  await db.schema
    .createTable('unit_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rectification_id', 'text', (c) => c.notNull().references('rectifications.id'))
    .addColumn('answered_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('photos_json', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('unit_answers_rectification_idx').on('unit_answers').column('rectification_id').execute();

  await db.schema
    .createTable('unit_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rectification_id', 'text', (c) => c.notNull().references('rectifications.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text')
    .addColumn('photos_json', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('previous_due_on', 'text')
    .addCheckConstraint('unit_requests_kind_check', sql`kind in ('extension', 'return', 'objection')`)
    .addCheckConstraint('unit_requests_status_check', sql`status in ('pending', 'approved', 'refused')`)
    .execute();
  await db.schema
    .createIndex('unit_requests_rectification_idx')
    .on('unit_requests')
    .column('rectification_id')
    .execute();

  await db.schema
    .createTable('grade_corrections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('from_grade', 'text', (c) => c.notNull())
    .addColumn('to_grade', 'text', (c) => c.notNull())
    .addColumn('corrected_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('corrected_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('grade_corrections_round_site_idx')
    .on('grade_corrections')
    .columns(['round_id', 'site_id', 'item_id'])
    .execute();
}

async function widenRoleCheck(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table users drop constraint users_role_check`.execute(db);
    await sql`alter table users add constraint users_role_check check (${sql.raw(NEW_ROLES)})`.execute(db);
    return;
  }
  const { rows } = await sql<{ schema_version: number }>`pragma schema_version`.execute(db);
  const version = rows[0]!.schema_version;
  await sql`pragma writable_schema = on`.execute(db);
  await sql`update sqlite_master set sql = replace(sql, ${OLD_ROLES}, ${NEW_ROLES})
    where type = 'table' and name = 'users'`.execute(db);
  // A new schema version makes SQLite re-read the schema, with the new constraint.
  await sql.raw(`pragma schema_version = ${version + 1}`).execute(db);
  await sql`pragma writable_schema = off`.execute(db);
  const { rows: check } = await sql<{ sql: string }>`select sql from sqlite_master where name = 'users'`.execute(db);
  if (!check[0]?.sql.includes(NEW_ROLES)) throw new Error('users_role_check was not widened');
}
