/**
 * What a score rests on (`GET /api/inspections/{id}/trail`, issue #18): the inspection's
 * revisions with their review states, which revision is the site's counted result, the review
 * decisions, the office's corrections of the site's items in the round (they apply to whatever
 * inspection is the site's result, so an inspection that is not the result lists none), and the
 * log entries about the inspection.
 */
import type { Kysely } from 'kysely';
import type { InspectionTrail, TrailCorrection } from '../../domain/review';
import type { Database } from '../storage/schema';
import { listAudit } from './audit';
import { decisionsOn } from './reviews';

export async function inspectionTrail(db: Kysely<Database>, id: string): Promise<InspectionTrail | undefined> {
  const revisions = await db
    .selectFrom('inspections')
    .innerJoin('users', 'users.id', 'inspections.inspector_id')
    .select([
      'inspections.revision',
      'inspections.round_id',
      'inspections.site_id',
      'inspections.score',
      'inspections.full_marks',
      'inspections.submitted_at',
      'inspections.received_at',
      'inspections.review_state',
      'users.display_name',
    ])
    .where('inspections.id', '=', id)
    .orderBy('inspections.revision')
    .execute();
  const first = revisions[0];
  if (!first) return undefined;
  const [counted, reviews, log] = await Promise.all([
    db
      .selectFrom('site_results')
      .select(['inspection_id', 'revision'])
      .where('round_id', '=', first.round_id)
      .where('site_id', '=', first.site_id)
      .executeTakeFirst(),
    decisionsOn(db, id),
    listAudit(db, { inspectionId: id, limit: 500 }),
  ]);
  const isResult = counted?.inspection_id === id;
  return {
    inspectionId: id,
    roundId: first.round_id,
    siteId: first.site_id,
    countedRevision: isResult ? counted.revision : null,
    revisions: revisions.map((row) => ({
      revision: row.revision,
      score: row.score,
      fullMarks: row.full_marks === 1,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      reviewState: row.review_state,
      inspectorName: row.display_name,
    })),
    reviews,
    corrections: isResult ? await siteCorrections(db, first.round_id, first.site_id) : [],
    log: log.entries.reverse(),
  };
}

/** The office's corrections of the site's items in the round, oldest first, with who made them. */
async function siteCorrections(db: Kysely<Database>, roundId: string, siteId: string): Promise<TrailCorrection[]> {
  const rows = await db
    .selectFrom('grade_corrections')
    .leftJoin('users', 'users.id', 'grade_corrections.corrected_by')
    .select([
      'grade_corrections.item_id',
      'grade_corrections.from_grade',
      'grade_corrections.to_grade',
      'grade_corrections.corrected_at',
      'grade_corrections.reason',
      'grade_corrections.request_id',
      'users.display_name',
    ])
    .where('grade_corrections.round_id', '=', roundId)
    .where('grade_corrections.site_id', '=', siteId)
    .orderBy('grade_corrections.corrected_at')
    .orderBy('grade_corrections.id')
    .execute();
  return rows.map((row) => ({
    itemId: row.item_id,
    fromGrade: row.from_grade,
    toGrade: row.to_grade,
    correctedByName: row.display_name ?? null,
    correctedAt: row.corrected_at,
    reason: row.reason,
    requestId: row.request_id,
  }));
}
