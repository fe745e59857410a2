/**
 * Migration 0003: a published ranking keeps the figures it published (`ranking_json`: the
 * public page's whole body), so the public page shows exactly what the office published — a
 * site added to or removed from the round afterwards, or a renamed round, changes nothing
 * until the office publishes again — and serves them without building the round's report for
 * every visitor. Rows published before this migration have none; their figures are built once,
 * on their next public read, as before.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('published_rankings').addColumn('ranking_json', 'text').execute();
}
