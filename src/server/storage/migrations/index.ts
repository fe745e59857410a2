/**
 * The schema's migrations, listed statically (not a folder scan) so a bundled server still
 * finds them, and the runner called at every start. Kysely records what ran in
 * `kysely_migration` (and locks with `kysely_migration_lock`) beside our tables.
 * Names sort in order: add `0002-…` as the next key, never rename or edit a shipped one.
 */
import { inspect } from 'node:util';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from '../schema';
import * as initial from './0001-initial';
import * as inspectionDeductions from './0002-inspection-deductions';
import * as publishedRankingFigures from './0003-published-ranking-figures';
import * as signInLimits from './0004-sign-in-limits';
import * as photoUploads from './0005-photo-uploads';
import * as photoThumbnails from './0006-photo-thumbnails';
import * as photoStoreTables from './0007-photo-store-tables';
import * as siteResults from './0008-site-results';
import * as responsibleUnits from './0009-responsible-units';
import * as reviewAndAudit from './0010-review-and-audit';
import * as proofOfPresence from './0011-proof-of-presence';
import * as bulletinDocuments from './0012-bulletin-documents';
import * as citizenReports from './0013-citizen-reports';
import * as unitLoopConstraints from './0014-unit-loop-constraints';
import * as citizenHandover from './0015-citizen-handover';

export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-inspection-deductions': inspectionDeductions,
  '0003-published-ranking-figures': publishedRankingFigures,
  '0004-sign-in-limits': signInLimits,
  '0005-photo-uploads': photoUploads,
  '0006-photo-thumbnails': photoThumbnails,
  '0007-photo-store-tables': photoStoreTables,
  '0008-site-results': siteResults,
  '0009-responsible-units': responsibleUnits,
  '0010-review-and-audit': reviewAndAudit,
  '0011-proof-of-presence': proofOfPresence,
  '0012-bulletin-documents': bulletinDocuments,
  '0013-citizen-reports': citizenReports,
  '0014-unit-loop-constraints': unitLoopConstraints,
  '0015-citizen-handover': citizenHandover,
};

class StaticMigrationProvider implements MigrationProvider {
  readonly #list: Record<string, Migration>;
  constructor(list: Record<string, Migration>) {
    this.#list = list;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.#list;
  }
}

/** The advisory lock the start takes around migrating (any 64-bit number no other lock uses). */
const MIGRATION_LOCK_KEY = sql.lit(7_214_019_001);

/**
 * Brings the schema up to date and returns the names applied now (`list` is for tests).
 * PostgreSQL: Kysely runs each migration in a transaction under an advisory lock. SQLite:
 * Kysely does not, so the whole run is wrapped in one `BEGIN IMMEDIATE` here — a crash or a
 * failing migration rolls back instead of leaving half a schema.
 */
export async function migrateToLatest(
  typed: Kysely<Database>,
  engine: 'sqlite' | 'postgres',
  list: Record<string, Migration> = migrations,
): Promise<string[]> {
  // Migrations see an untyped database: they describe the schema of their own time.
  const db = typed as unknown as Kysely<unknown>;
  if (engine === 'postgres') {
    // Look for the bookkeeping table in our own schema only: Kysely would otherwise take a
    // `kysely_migration` of any other schema in the database for ours.
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    // Several server processes may start at once on one database. Kysely locks the migrations
    // themselves, but creates its bookkeeping tables before taking its lock; this session lock
    // (one connection, held for the whole run) makes the others wait until all is in place,
    // and then find nothing left to do.
    return db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
      try {
        return await run(connection, list, rows[0]?.schema ?? 'public');
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
      }
    });
  }
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const applied = await run(connection, list, undefined);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

async function run(
  db: Kysely<unknown>,
  list: Record<string, Migration>,
  migrationTableSchema: string | undefined,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(list), migrationTableSchema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : inspect(error);
    throw new Error(`数据库迁移失败${failed ? `（${failed}）` : ''}: ${detail} (database migration failed)`, {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
