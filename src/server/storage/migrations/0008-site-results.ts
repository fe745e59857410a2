/**
 * Migration 0008: each site's current result in a round, kept as rows (issue #21: a round of
 * 100,000 inspections). The report, the results list and the field bootstrap read these instead
 * of choosing every site's latest inspection among all stored revisions and parsing their
 * deductions on each request.
 *
 * - `site_results`: one row per (round, site) that has an inspection: which inspection and
 *   revision is the site's result (latest `submittedAt`, then — same inspection — the higher
 *   revision, then the later arrival; `domain/report.ts` `latestResults`), with its score
 *   (`score_hundredths`: the score × 100 as an integer, so sums are exact on both engines),
 *   full marks, inspector and times. Written in the transaction that stores an inspection.
 * - `site_result_items`: the items that result lost points on (grade below A) with the
 *   inspector's note on the item: common problems, the rectification list, example photos.
 * - `rectifications.finding_note`: the inspector's note on the item in the inspection the
 *   rectification follows, written with the finding, so listing rectifications no longer reads
 *   and parses the bodies of their inspections.
 * - An index on sites (type, district, id): the report counts a round's scope per type and
 *   district from the index alone.
 * - An index on inspections (round_id, received_at): the feed's `since` polls, and the check
 *   that a published ranking's cut-off still covers every inspection of the round.
 *
 * Existing data is backfilled here, round by round, with the rule above written out (a
 * migration keeps the rule of its own time; the service uses the domain's).
 */
import { sql, type Kysely } from 'kysely';

interface KeyRow {
  id: string;
  revision: number;
  site_id: string;
  inspector_id: string;
  submitted_at: string;
  received_at: string;
  score: number;
  full_marks: number;
  deductions_json: string;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('site_results')
    .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('inspection_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('inspector_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('score_hundredths', 'integer', (c) => c.notNull())
    .addColumn('full_marks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_results_pk', ['round_id', 'site_id'])
    .addForeignKeyConstraint('site_results_inspection_fk', ['inspection_id', 'revision'], 'inspections', [
      'id',
      'revision',
    ])
    .addCheckConstraint('site_results_full_marks_check', sql`full_marks in (0, 1)`)
    .execute();
  // The results list pages by these (score, submission, arrival) within a round.
  for (const column of ['score', 'submitted_at', 'received_at'] as const) {
    await db.schema
      .createIndex(`site_results_round_${column}_idx`)
      .on('site_results')
      .columns(['round_id', column, 'site_id'])
      .execute();
  }
  await db.schema
    .createTable('site_result_items')
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('site_result_items_pk', ['round_id', 'site_id', 'item_id'])
    .addForeignKeyConstraint('site_result_items_result_fk', ['round_id', 'site_id'], 'site_results', [
      'round_id',
      'site_id',
    ])
    .addCheckConstraint('site_result_items_grade_check', sql`grade in ('B', 'C', 'C#')`)
    .execute();
  await db.schema
    .createIndex('site_result_items_round_item_idx')
    .on('site_result_items')
    .columns(['round_id', 'item_id'])
    .execute();
  // A round's scope counted per type and district from the index alone (the report).
  await db.schema.createIndex('sites_type_district_id_idx').on('sites').columns(['type', 'district', 'id']).execute();
  await db.schema.alterTable('rectifications').addColumn('finding_note', 'text').execute();
  await db.schema
    .createIndex('inspections_round_received_idx')
    .on('inspections')
    .columns(['round_id', 'received_at'])
    .execute();

  await backfill(db);
}

/** Fills the new tables and column from the stored inspections (exported for its test). */
export async function backfill(db: Kysely<unknown>): Promise<void> {
  const rounds = await sql<{ id: string }>`select id from rounds order by id`.execute(db);
  for (const { id: roundId } of rounds.rows) await backfillRound(db, roundId);
  await backfillFindingNotes(db);
}

/** Same inspection: the higher revision; else the later submission, then the later arrival, then the id. */
function later(a: KeyRow, b: KeyRow): boolean {
  if (a.id === b.id) return a.revision > b.revision;
  const byTime = Date.parse(a.submitted_at) - Date.parse(b.submitted_at);
  if (byTime !== 0) return byTime > 0;
  return (a.received_at.localeCompare(b.received_at) || a.id.localeCompare(b.id)) > 0;
}

async function backfillRound(db: Kysely<unknown>, roundId: string): Promise<void> {
  const { rows } = await sql<KeyRow>`
    select id, revision, site_id, inspector_id, submitted_at, received_at, score, full_marks, deductions_json
    from inspections where round_id = ${roundId}`.execute(db);
  const latest = new Map<string, KeyRow>();
  for (const row of rows) {
    const current = latest.get(row.site_id);
    if (!current || later(row, current)) latest.set(row.site_id, row);
  }
  const winners = [...latest.values()];
  for (let start = 0; start < winners.length; start += 200) {
    const chunk = winners.slice(start, start + 200);
    const notes = await notesOf(
      db,
      chunk.filter((row) => row.full_marks === 0),
    );
    await sql`insert into site_results
      (round_id, site_id, inspection_id, revision, inspector_id, submitted_at, received_at, score, score_hundredths, full_marks)
      values ${sql.join(
        chunk.map(
          (row) =>
            sql`(${roundId}, ${row.site_id}, ${row.id}, ${row.revision}, ${row.inspector_id}, ${row.submitted_at},
                 ${row.received_at}, ${row.score}, ${Math.round(row.score * 100)}, ${row.full_marks})`,
        ),
      )}`.execute(db);
    const items = chunk.flatMap((row) =>
      (JSON.parse(row.deductions_json) as { itemId: string; grade: string }[]).map(
        ({ itemId, grade }) =>
          sql`(${roundId}, ${row.site_id}, ${itemId}, ${grade}, ${notes.get(`${row.id}@${row.revision}`)?.get(itemId) ?? null})`,
      ),
    );
    // Chunked: both engines cap the number of bound parameters in one statement.
    for (let from = 0; from < items.length; from += 1000) {
      await sql`insert into site_result_items (round_id, site_id, item_id, grade, note)
        values ${sql.join(items.slice(from, from + 1000))}`.execute(db);
    }
  }
}

/** Each (inspection, revision)'s notes by item, read from the stored bodies. */
async function notesOf(
  db: Kysely<unknown>,
  keys: readonly { id: string; revision: number }[],
): Promise<Map<string, Map<string, string>>> {
  const notes = new Map<string, Map<string, string>>();
  for (const { id, revision } of keys) {
    const { rows } = await sql<{ body_json: string }>`
      select body_json from inspections where id = ${id} and revision = ${revision}`.execute(db);
    const byItem = new Map<string, string>();
    const body = rows[0] && (JSON.parse(rows[0].body_json) as { answers?: { itemId: string; note?: string }[] });
    for (const answer of body?.answers ?? []) if (answer.note) byItem.set(answer.itemId, answer.note);
    notes.set(`${id}@${revision}`, byItem);
  }
  return notes;
}

async function backfillFindingNotes(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; item_id: string; source_inspection_id: string; source_revision: number }>`
    select id, item_id, source_inspection_id, source_revision from rectifications`.execute(db);
  for (let start = 0; start < rows.length; start += 200) {
    const chunk = rows.slice(start, start + 200);
    const unique = new Map(
      chunk.map((row) => [
        `${row.source_inspection_id}@${row.source_revision}`,
        { id: row.source_inspection_id, revision: row.source_revision },
      ]),
    );
    const notes = await notesOf(db, [...unique.values()]);
    for (const row of chunk) {
      const note = notes.get(`${row.source_inspection_id}@${row.source_revision}`)?.get(row.item_id);
      if (note !== undefined)
        await sql`update rectifications set finding_note = ${note} where id = ${row.id}`.execute(db);
    }
  }
}
