/**
 * Migration 0015: 交办 of a citizen's report to the site's responsible unit (issue #20 with the
 * units' loop of #17).
 *
 * - `citizen_reports.handed_over_at` / `handed_over_by`: when and by whom the office handed the
 *   report to the units answering for its site. The report stays `accepted` (the status check
 *   is unchanged, so SQLite needs no table rebuild); the units see it from then on.
 * - `citizen_unit_answers`: the units' answers (what they did about it), keyed by the id the
 *   unit's device made, idempotent like `unit_answers`. The office reads them and closes the
 *   report with its own reply to the resident: the resident never reads a unit's words.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('citizen_reports').addColumn('handed_over_at', 'text').execute();
  await db.schema
    .alterTable('citizen_reports')
    .addColumn('handed_over_by', 'text', (c) => c.references('users.id'))
    .execute();

  await db.schema
    .createTable('citizen_unit_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull().references('citizen_reports.id'))
    .addColumn('answered_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('photos_json', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('citizen_unit_answers_report_idx')
    .on('citizen_unit_answers')
    .columns(['report_id', 'answered_at'])
    .execute();
}
