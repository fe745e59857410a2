/**
 * Migration 0014: what the units' loop (#17) checked in code, the database now holds, so two
 * requests at once on PostgreSQL cannot both pass the check:
 * - `site_links_active_uq`: one active (not revoked) link per site and round — two dispatches or
 *   two "issue link" clicks at once made two, and a notice printed from the loser opened nothing
 *   once the other was revoked;
 * - `unit_requests_pending_uq`: one pending request per item and kind (延期, 回退, 申诉).
 * Both partial unique indexes, which both engines have. What an earlier race left behind is
 * settled first: the newest active link stays, older ones are revoked; the oldest pending request
 * stays, later duplicates are refused with a reason the unit sees.
 */
import { sql, type Kysely } from 'kysely';

export const DUPLICATE_REQUEST_REASON = '同一整改项已有同类申请待审核，本申请作为重复申请未予受理';

export async function up(db: Kysely<unknown>): Promise<void> {
  const now = new Date().toISOString();
  await sql`update site_links set revoked_at = ${now}
    where revoked_at is null and exists (
      select 1 from site_links newer
      where newer.round_id = site_links.round_id and newer.site_id = site_links.site_id
        and newer.revoked_at is null
        and (newer.issued_at > site_links.issued_at or (newer.issued_at = site_links.issued_at and newer.id > site_links.id)))`.execute(
    db,
  );
  await db.schema
    .createIndex('site_links_active_uq')
    .unique()
    .on('site_links')
    .columns(['round_id', 'site_id'])
    .where(sql<boolean>`revoked_at is null`)
    .execute();

  await sql`update unit_requests set status = 'refused', decided_at = ${now}, decision_reason = ${DUPLICATE_REQUEST_REASON}
    where status = 'pending' and exists (
      select 1 from unit_requests older
      where older.rectification_id = unit_requests.rectification_id and older.kind = unit_requests.kind
        and older.status = 'pending'
        and (older.received_at < unit_requests.received_at or (older.received_at = unit_requests.received_at and older.id < unit_requests.id)))`.execute(
    db,
  );
  await db.schema
    .createIndex('unit_requests_pending_uq')
    .unique()
    .on('unit_requests')
    .columns(['rectification_id', 'kind'])
    .where(sql<boolean>`status = 'pending'`)
    .execute();
}
