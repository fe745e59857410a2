/**
 * Migration 0010: review (审核) and the audit trail (操作记录), issue #18.
 *
 * - `inspections.review_state`: each revision's review state, `pending` (待审核) until the office
 *   approves it (`approved`, 已通过) or returns it (`returned`, 已退回). Existing revisions start
 *   pending: nobody has reviewed them.
 * - `rounds.approved_only`: 1 when only approved results count (report, rankings, public page,
 *   rectifications). Existing rounds get 0, so their figures stay as they were; the API creates
 *   new rounds with 1 unless told otherwise.
 * - `reviews`: every review decision, append-only, with its comment and per-item comments.
 *   `seq` is the decision's audit entry number: audit appends are serialised until commit, so
 *   `seq` grows in commit order and the phone's cursor (`since`) never skips a decision.
 * - `audit_log`: the trail, append-only, each entry carrying the previous one's hash;
 *   `audit_chain_head` is the single row every append locks and moves (the serialisation point on
 *   PostgreSQL, where several processes may write).
 */
import { sql, type Kysely } from 'kysely';

/** The hash the first entry names as its predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('inspections')
    .addColumn('review_state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`review_state in ('pending', 'approved', 'returned')`),
    )
    .execute();
  await db.schema
    .createIndex('inspections_round_review_idx')
    .on('inspections')
    .columns(['round_id', 'review_state', 'site_id'])
    .execute();
  await db.schema
    .alterTable('rounds')
    .addColumn('approved_only', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`approved_only in (0, 1)`),
    )
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('inspection_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('inspector_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('item_comments_json', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('reviews_inspection_fk', ['inspection_id', 'revision'], 'inspections', ['id', 'revision'])
    .addCheckConstraint('reviews_decision_check', sql`decision in ('approved', 'returned')`)
    .execute();
  await db.schema.createIndex('reviews_inspector_seq_idx').on('reviews').columns(['inspector_id', 'seq']).execute();
  await db.schema
    .createIndex('reviews_inspection_idx')
    .on('reviews')
    .columns(['inspection_id', 'revision', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('round_id', 'text')
    .addColumn('site_id', 'text')
    .addColumn('inspection_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  for (const column of ['round_id', 'site_id', 'inspection_id', 'actor_id', 'action'] as const) {
    await db.schema.createIndex(`audit_log_${column}_idx`).on('audit_log').columns([column, 'seq']).execute();
  }
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_chain_head_single_row', sql`id = 1`)
    .execute();
  await sql`insert into audit_chain_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
}
