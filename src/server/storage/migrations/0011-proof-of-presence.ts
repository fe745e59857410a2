/**
 * Migration 0011: proof of presence (issue #18, docs/API.md "Proof of presence").
 *
 * - `rounds.presence_radius_m`: a fix further than this (plus its accuracy) from the site is
 *   flagged; 200 m for rounds made before.
 * - `sites.position_source` (`office` | `phone` | null), with who set a phone's position and
 *   when: the office sees that a site's coordinates came from an inspector's phone. Sites that
 *   already have coordinates got them from the office.
 * - `inspections.flags_json` and `site_results.flags_json`: the flags computed when the
 *   inspection arrived, copied to the site's result so the results list filters and shows them
 *   without reading bodies. Null for inspections stored before: they were never checked (not
 *   clean). `time_on_site_s` beside them.
 * - `inspection_photos.source_sha256`: the untouched file's hash, indexed with `sha256` to find
 *   a photo used before at another site or in another round (a watermark makes every JPEG's hash
 *   new, the picked file's hash stays).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rounds')
    .addColumn('presence_radius_m', 'integer', (c) => c.notNull().defaultTo(200))
    .execute();
  await db.schema
    .alterTable('sites')
    .addColumn('position_source', 'text', (c) => c.check(sql`position_source in ('office', 'phone')`))
    .execute();
  await db.schema.alterTable('sites').addColumn('position_set_by', 'text').execute();
  await db.schema.alterTable('sites').addColumn('position_set_at', 'text').execute();
  await sql`update sites set position_source = 'office' where lat is not null and lng is not null`.execute(db);

  for (const table of ['inspections', 'site_results'] as const) {
    await db.schema.alterTable(table).addColumn('flags_json', 'text').execute();
    await db.schema.alterTable(table).addColumn('time_on_site_s', 'integer').execute();
  }
  await db.schema.alterTable('inspection_photos').addColumn('source_sha256', 'text').execute();
  await db.schema
    .createIndex('inspection_photos_source_sha256_idx')
    .on('inspection_photos')
    .column('source_sha256')
    .execute();
}
