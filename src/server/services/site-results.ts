/**
 * Each site's current result in a round, kept as rows (`site_results`, `site_result_items`;
 * migration 0008) so that the report, the results list and the bootstrap aggregate them in SQL
 * instead of choosing every site's latest inspection among all stored revisions on each request.
 *
 * `refreshSiteResult` runs in the transaction that stores an inspection: it chooses the site's
 * result with the domain's `latestResults` — the same rule and the same code as before, over the
 * site's stored revisions in the order the database returns them — and writes it. On PostgreSQL
 * the site's row is locked first (insert-if-absent, then `for update`), so two inspections of
 * one site committing at once are chosen between one after the other, never each without the other.
 *
 * When the site is left without a result (its only approved revision returned, or the round
 * switched to approved-only), what that result opened and nobody has rechecked yet is withdrawn
 * (#17): units stop seeing it, the figures stop counting it and the site's link dies with it.
 * Items a rechecker already judged keep their history. A result that deducts them again reopens them.
 */
import type { Transaction } from 'kysely';
import { latestResults, type InspectionResult } from '../../domain/report';
import type { Database, Row } from '../storage/schema';
import { inspectionResultOf } from './result-rows';

export interface SiteResult extends InspectionResult {
  inspectorId: string;
  /** The inspector's notes on the deducted items, by item id. */
  notes: ReadonlyMap<string, string>;
  /**
   * The site's first result in a round that counts every result, from the revision just stored:
   * no office correction can exist yet (corrections are made on a kept result, and a site with
   * one keeps a row), so there are none to apply.
   */
  first: boolean;
}

type StoredRevision = Pick<
  Row<'inspections'>,
  | 'id'
  | 'revision'
  | 'site_id'
  | 'inspector_id'
  | 'submitted_at'
  | 'received_at'
  | 'score'
  | 'full_marks'
  | 'deductions_json'
  | 'flags_json'
  | 'time_on_site_s'
>;

/** What of the round decides which revisions may be the site's result. */
export type ResultRule = Pick<Row<'rounds'>, 'id' | 'approved_only'>;

/**
 * Writes the site's current result in the round after `stored` (a revision of the site just
 * inserted or reviewed in `trx`) and returns it. When the round counts approved results only
 * (migration 0010), only approved revisions compete: the site's result is its latest approved
 * one, and a site without any has no result row (undefined).
 */
export async function refreshSiteResult(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  round: ResultRule,
  /** With its body when the caller has it in hand (the PUT): the notes are then not read back. */
  stored: StoredRevision & { body_json?: string },
  now: string,
  /**
   * `stored` was inserted by this transaction (the PUT). In a round that counts every result, a
   * site without a result row has no other revision (every stored revision keeps one, and
   * changing the rule rebuilds them: reviews.ts `reapplyResultRule`), so a row inserted now
   * needs no read of the site's revisions.
   */
  justInserted = false,
): Promise<SiteResult | undefined> {
  const roundId = round.id;
  const siteId = stored.site_id;
  const values = (row: StoredRevision) => ({
    inspection_id: row.id,
    revision: row.revision,
    inspector_id: row.inspector_id,
    submitted_at: row.submitted_at,
    received_at: row.received_at,
    score: row.score,
    score_hundredths: Math.round(row.score * 100),
    full_marks: row.full_marks,
    flags_json: row.flags_json,
    time_on_site_s: row.time_on_site_s,
  });
  // The lock: a concurrent writer of the same site waits here until this transaction ends, then
  // reads the revisions committed by then (PostgreSQL, read committed). SQLite has one writer.
  const inserted = await trx
    .insertInto('site_results')
    .values({ round_id: roundId, site_id: siteId, ...values(stored) })
    .onConflict((oc) => oc.columns(['round_id', 'site_id']).doNothing())
    .executeTakeFirst();
  // A row just inserted is locked by this transaction already, and holds `stored`'s values.
  const fresh = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  if (engine === 'postgres' && !fresh) {
    await trx
      .selectFrom('site_results')
      .select('site_id')
      .where('round_id', '=', roundId)
      .where('site_id', '=', siteId)
      .forUpdate()
      .execute();
  }

  const first = fresh && justInserted && round.approved_only === 0;
  const rows = await (first
    ? [stored]
    : trx
        .selectFrom('inspections')
        .select([
          'id',
          'revision',
          'site_id',
          'inspector_id',
          'submitted_at',
          'received_at',
          'score',
          'full_marks',
          'deductions_json',
          'flags_json',
          'time_on_site_s',
        ])
        .where('round_id', '=', roundId)
        .where('site_id', '=', siteId)
        .$if(round.approved_only === 1, (query) => query.where('review_state', '=', 'approved'))
        .execute());
  if (rows.length === 0) {
    await trx.deleteFrom('site_result_items').where('round_id', '=', roundId).where('site_id', '=', siteId).execute();
    await trx.deleteFrom('site_results').where('round_id', '=', roundId).where('site_id', '=', siteId).execute();
    await withdrawUnrechecked(trx, roundId, siteId, now);
    return undefined;
  }
  const latest = latestResults(rows.map((row) => ({ ...inspectionResultOf(row), row }))).get(siteId)!;
  const { row } = latest;

  const isStored = row.id === stored.id && row.revision === stored.revision;
  const notes = new Map<string, string>();
  if (latest.deductions.length > 0) {
    const bodyJson =
      isStored && stored.body_json !== undefined
        ? stored.body_json
        : (
            await trx
              .selectFrom('inspections')
              .select('body_json')
              .where('id', '=', row.id)
              .where('revision', '=', row.revision)
              .executeTakeFirstOrThrow()
          ).body_json;
    const { answers } = JSON.parse(bodyJson) as { answers: { itemId: string; note?: string }[] };
    for (const answer of answers) if (answer.note) notes.set(answer.itemId, answer.note);
  }

  // A row inserted just now for the revision that is the result has no items and nothing to
  // update (the site's first result in the round: most PUTs).
  const untouched = fresh && isStored;
  if (!untouched) {
    await trx
      .updateTable('site_results')
      .set(values(row))
      .where('round_id', '=', roundId)
      .where('site_id', '=', siteId)
      .execute();
    await trx.deleteFrom('site_result_items').where('round_id', '=', roundId).where('site_id', '=', siteId).execute();
  }
  if (latest.deductions.length > 0) {
    await trx
      .insertInto('site_result_items')
      .values(
        latest.deductions.map(({ itemId, grade }) => ({
          round_id: roundId,
          site_id: siteId,
          item_id: itemId,
          grade,
          note: notes.get(itemId) ?? null,
        })),
      )
      .execute();
  }
  const { row: _row, ...result } = latest;
  return { ...result, inspectorId: row.inspector_id, notes, first };
}

/** Withdraws the site's open, not yet rechecked rectifications in the round (its result is gone). */
async function withdrawUnrechecked(trx: Transaction<Database>, roundId: string, siteId: string, now: string) {
  await trx
    .updateTable('rectifications')
    .set({ withdrawn_at: now })
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('status', '=', 'open')
    .where('withdrawn_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('rechecks')
            .select('rechecks.id')
            .whereRef('rechecks.rectification_id', '=', 'rectifications.id'),
        ),
      ),
    )
    .execute();
}
