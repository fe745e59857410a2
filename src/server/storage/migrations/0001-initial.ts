/**
 * Migration 0001: every table API v1 needs, on SQLite and PostgreSQL from the same builder
 * calls. Only portable column types (text, integer, double precision); booleans are integer
 * 0/1 and instants ISO-8601 UTC text (see ../schema.ts). Frozen: never edit a migration that
 * has shipped, add the next one.
 */
import { sql, type Kysely } from 'kysely';

const flag = (column: string) => sql.raw(`${column} in (0, 1)`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('users_role_check', sql`role in ('admin', 'supervisor', 'inspector', 'rechecker')`)
    .addCheckConstraint('users_disabled_check', flag('disabled'))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  // No key: one row per failed attempt; "10 in 15 minutes" counts rows of a username since a time.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sign_in_failures_username_at_idx')
    .on('sign_in_failures')
    .columns(['username', 'at'])
    .execute();

  // parent_id has no foreign key: a batch of sites may name a parent that comes later in it.
  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('address', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('sites_type_check', sql`type in ('center', 'institute', 'station')`)
    .execute();
  await db.schema.createIndex('sites_type_district_idx').on('sites').columns(['type', 'district']).execute();

  await db.schema
    .createTable('rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rubric_version', 'text', (c) => c.notNull())
    .addColumn('rectify_below', 'double precision', (c) => c.notNull())
    .addColumn('rectify_days', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // The key answers "is this user assigned to this site in this round" (403 checks); the two
  // indexes answer "what is assigned to me" (bootstrap, recheckers' lists) and "who has this site".
  await db.schema
    .createTable('assignments')
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('assignments_pk', ['round_id', 'site_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('assignments_user_idx')
    .on('assignments')
    .columns(['user_id', 'round_id', 'site_id'])
    .execute();
  await db.schema.createIndex('assignments_site_idx').on('assignments').columns(['site_id', 'round_id']).execute();

  await db.schema
    .createTable('photos')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('photos_content_type_check', sql`content_type in ('image/jpeg', 'image/png', 'image/webp')`)
    .execute();

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('inspector_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('rubric_version', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('full_marks', 'integer', (c) => c.notNull())
    .addColumn('location_json', 'text')
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inspections_pk', ['id', 'revision'])
    .addCheckConstraint('inspections_revision_check', sql`revision >= 1`)
    .addCheckConstraint('inspections_full_marks_check', flag('full_marks'))
    .execute();
  await db.schema
    .createIndex('inspections_round_site_idx')
    .on('inspections')
    .columns(['round_id', 'site_id'])
    .execute();
  await db.schema.createIndex('inspections_inspector_idx').on('inspections').column('inspector_id').execute();

  // Which photos an inspection references: photo access checks look them up by sha256.
  await db.schema
    .createTable('inspection_photos')
    .addColumn('inspection_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().references('photos.sha256'))
    .addPrimaryKeyConstraint('inspection_photos_pk', ['inspection_id', 'revision', 'item_id', 'sha256'])
    .addForeignKeyConstraint('inspection_photos_inspection_fk', ['inspection_id', 'revision'], 'inspections', [
      'id',
      'revision',
    ])
    .execute();
  await db.schema.createIndex('inspection_photos_sha256_idx').on('inspection_photos').column('sha256').execute();

  await db.schema
    .createTable('rectifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_inspection_id', 'text', (c) => c.notNull())
    .addColumn('source_revision', 'integer', (c) => c.notNull())
    .addColumn('before_photos_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addUniqueConstraint('rectifications_round_site_item_key', ['round_id', 'site_id', 'item_id'])
    .addForeignKeyConstraint('rectifications_source_fk', ['source_inspection_id', 'source_revision'], 'inspections', [
      'id',
      'revision',
    ])
    .addCheckConstraint('rectifications_grade_check', sql`grade in ('B', 'C', 'C#')`)
    .addCheckConstraint('rectifications_status_check', sql`status in ('open', 'closed')`)
    .execute();
  await db.schema
    .createIndex('rectifications_status_due_idx')
    .on('rectifications')
    .columns(['status', 'due_on'])
    .execute();

  await db.schema
    .createTable('rechecks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rectification_id', 'text', (c) => c.notNull().references('rectifications.id'))
    .addColumn('checked_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('photos_json', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addCheckConstraint('rechecks_verdict_check', sql`verdict in ('fixed', 'not_fixed')`)
    .execute();
  // A rectification's last verdict: the newest recheck of it.
  await db.schema
    .createIndex('rechecks_rectification_idx')
    .on('rechecks')
    .columns(['rectification_id', 'checked_at'])
    .execute();
  await db.schema.createIndex('rechecks_checked_by_idx').on('rechecks').column('checked_by').execute();

  await db.schema
    .createTable('recheck_photos')
    .addColumn('recheck_id', 'text', (c) => c.notNull().references('rechecks.id'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('photos.sha256'))
    .addPrimaryKeyConstraint('recheck_photos_pk', ['recheck_id', 'sha256'])
    .execute();
  await db.schema.createIndex('recheck_photos_sha256_idx').on('recheck_photos').column('sha256').execute();

  await db.schema
    .createTable('published_rankings')
    .addColumn('round_id', 'text', (c) => c.primaryKey().references('rounds.id'))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'published_rankings',
    'recheck_photos',
    'rechecks',
    'rectifications',
    'inspection_photos',
    'inspections',
    'photos',
    'assignments',
    'rounds',
    'sites',
    'sign_in_failures',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
