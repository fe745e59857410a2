/**
 * Listing rectifications with their latest verdict and the inspector's note on the item:
 * supervisors and admins see all; recheckers (and inspectors) only those of sites assigned to
 * them in the rectification's round.
 */
import type { Kysely } from 'kysely';
import type { SignedInUser } from '../auth/guard';
import type { Database, Row } from '../storage/schema';
import { isOffice } from './access';
import { rectificationView, type LastVerdict, type UnitAnswerView } from './views';

export interface RectificationFilter {
  roundId?: string | undefined;
  status?: 'open' | 'closed' | undefined;
}

export async function listRectifications(db: Kysely<Database>, user: SignedInUser, filter: RectificationFilter) {
  let query = db
    .selectFrom('rectifications')
    .selectAll('rectifications')
    .orderBy('rectifications.due_on')
    .orderBy('rectifications.id');
  // An upheld objection (#17) left nothing to rectify: no one rechecks or counts a withdrawn item.
  query = query.where('rectifications.withdrawn_at', 'is', null);
  if (filter.roundId) query = query.where('rectifications.round_id', '=', filter.roundId);
  if (filter.status) query = query.where('rectifications.status', '=', filter.status);
  if (!isOffice(user)) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('assignments')
          .select('assignments.user_id')
          .whereRef('assignments.round_id', '=', 'rectifications.round_id')
          .whereRef('assignments.site_id', '=', 'rectifications.site_id')
          .where('assignments.user_id', '=', user.id),
      ),
    );
  }
  const rows = await query.execute();
  const verdicts = await latestVerdicts(
    db,
    rows.map((row) => row.id),
  );
  const notes = findingNotes(rows);
  const answers = await latestUnitAnswers(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => rectificationView(row, verdicts.get(row.id), notes.get(row.id), answers.get(row.id)));
}

/**
 * The inspector's note on each rectification's item in the inspection revision it follows,
 * stored with the finding (`finding_note`, migration 0008). By rectification id; absent when none.
 */
export function findingNotes(rows: readonly Pick<Row<'rectifications'>, 'id' | 'finding_note'>[]): Map<string, string> {
  const notes = new Map<string, string>();
  for (const row of rows) if (row.finding_note !== null) notes.set(row.id, row.finding_note);
  return notes;
}

/** Each rectification's latest answer from its unit (#17), by rectification id. */
async function latestUnitAnswers(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, UnitAnswerView>> {
  const latest = new Map<string, UnitAnswerView>();
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = await db
      .selectFrom('unit_answers')
      .select(['id', 'rectification_id', 'action', 'note', 'photos_json', 'answered_at'])
      .where('rectification_id', 'in', ids.slice(start, start + 1000))
      .orderBy('answered_at')
      .orderBy('received_at')
      .execute();
    for (const row of rows) {
      latest.set(row.rectification_id, {
        id: row.id,
        action: row.action,
        note: row.note,
        photos: JSON.parse(row.photos_json) as string[],
        answeredAt: row.answered_at,
      });
    }
  }
  return latest;
}

async function latestVerdicts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, LastVerdict>> {
  const latest = new Map<string, LastVerdict>();
  // Chunked: both engines cap the number of bound parameters in one statement.
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = await db
      .selectFrom('rechecks')
      .select(['id', 'rectification_id', 'verdict', 'note', 'photos_json', 'checked_at', 'checked_by', 'received_at'])
      .where('rectification_id', 'in', ids.slice(start, start + 1000))
      .orderBy('checked_at')
      .orderBy('received_at')
      .execute();
    for (const row of rows) {
      latest.set(row.rectification_id, {
        id: row.id,
        verdict: row.verdict,
        note: row.note,
        photos: JSON.parse(row.photos_json) as string[],
        checkedAt: row.checked_at,
        checkedBy: row.checked_by,
      });
    }
  }
  return latest;
}

/** Rectifications still open in every round (the metrics' gauge). */
export async function openRectificationCount(db: Kysely<Database>): Promise<number> {
  const open = await db
    .selectFrom('rectifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(open.n);
}
