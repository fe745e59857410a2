/**
 * The office's correction of an item's grade (issue #17: an upheld objection; #18's review page
 * may call `correctGrade` too). Recorded as the office's act — who, when, why — in
 * `grade_corrections`, never as a revision of the inspector's inspection: the inspection keeps
 * what the inspector sent, and the site's kept result (`site_results`, `site_result_items`,
 * migration 0008) is rescored with the corrected grades in the same transaction, so the score,
 * full-mark counts, rankings, bulletin, exports and rectification list all follow.
 *
 * A correction is about the site's item in the round, whatever inspection is the site's result:
 * when a later inspection becomes the result, `applyCorrections` runs again in its transaction
 * (services/inspections.ts), so an office decision is not undone by a resubmission.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Grade } from '../../domain/grades';
import type { SiteType } from '../../domain/ids';
import { isDeduction } from '../../domain/grades';
import { scoreInspection, type Deduction } from '../../domain/scoring';
import type { RubricStore } from '../rubric-store';
import type { Database } from '../storage/schema';
import { toFlag } from '../storage/schema';
import { ApiError } from '../http/api-error';
import { lockAuditChain, recordAudit } from './audit';

export interface GradeCorrection {
  roundId: string;
  siteId: string;
  itemId: string;
  grade: Grade;
  correctedBy: string;
  reason: string;
  /** The objection (unit request) it upholds, when it comes from one. */
  requestId?: string;
  now: Date;
}

export interface CorrectionView {
  itemId: string;
  fromGrade: Grade;
  toGrade: Grade;
  correctedBy: string;
  correctedAt: string;
  reason: string;
}

/**
 * Corrects the item's grade in the site's current result and rescored result rows; the item's
 * rectification follows (withdrawn when the grade is now A, regraded otherwise). Returns the new score.
 * A caller that writes rows before calling it must lock the audit chain first (`lockAuditChain`).
 */
export async function correctGrade(
  trx: Transaction<Database>,
  rubrics: RubricStore,
  correction: GradeCorrection,
): Promise<{ score: number; fromGrade: Grade }> {
  const { roundId, siteId, itemId } = correction;
  // The chain head before any row this transaction writes (services/audit.ts): an inspection PUT
  // takes the head, then the site's result; taking them in the other order could deadlock it.
  await lockAuditChain(trx);
  const current = await trx
    .selectFrom('site_results')
    .innerJoin('inspections', (join) =>
      join
        .onRef('inspections.id', '=', 'site_results.inspection_id')
        .onRef('inspections.revision', '=', 'site_results.revision'),
    )
    .innerJoin('sites', 'sites.id', 'site_results.site_id')
    .select(['site_results.inspection_id', 'inspections.rubric_version', 'sites.type'])
    .where('site_results.round_id', '=', roundId)
    .where('site_results.site_id', '=', siteId)
    .executeTakeFirst();
  if (!current) throw new ApiError('invalid_request', '该点位本轮尚无测评结果，无法更正评级');
  await checkGradeInRubric(trx, rubrics, current, itemId, correction.grade);
  const deducted = await trx
    .selectFrom('site_result_items')
    .select('grade')
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  const fromGrade: Grade = deducted?.grade ?? 'A';
  const at = correction.now.toISOString();
  // The audit trail (#18): the office's act, in the same transaction as the correction.
  await recordAudit(trx, {
    actor: { id: correction.correctedBy },
    action: 'correction.made',
    at,
    roundId,
    siteId,
    inspectionId: current.inspection_id,
    subject: itemId,
    detail: { itemId, before: fromGrade, after: correction.grade, reason: correction.reason },
  });
  await trx
    .insertInto('grade_corrections')
    .values({
      id: randomUUID(),
      round_id: roundId,
      site_id: siteId,
      item_id: itemId,
      from_grade: fromGrade,
      to_grade: correction.grade,
      corrected_by: correction.correctedBy,
      corrected_at: at,
      reason: correction.reason,
      request_id: correction.requestId ?? null,
    })
    .execute();
  const rescored = await applyCorrections(trx, rubrics, roundId, siteId);
  const rectification = trx
    .updateTable('rectifications')
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('item_id', '=', itemId)
    .where('withdrawn_at', 'is', null);
  const grade = correction.grade;
  if (isDeduction(grade)) await rectification.set({ grade }).execute();
  else await rectification.set({ withdrawn_at: at }).execute();
  return { score: rescored?.score ?? 0, fromGrade };
}

/**
 * The corrected grade must be one the item's rubric gives (some items are only A or C#): any
 * other would score the site with a grade no inspector could have recorded.
 */
async function checkGradeInRubric(
  trx: Transaction<Database>,
  rubrics: RubricStore,
  current: { rubric_version: string; type: SiteType },
  itemId: string,
  grade: Grade,
): Promise<void> {
  const items = rubrics.get(current.rubric_version)?.types[current.type].items;
  if (!items) throw new Error(`rubric ${current.rubric_version} is not loaded`);
  const item = items.find((each) => each.id === itemId);
  if (item?.grades.includes(grade)) return;
  const message = item
    ? `测评项 ${itemId} 的评级只能是 ${item.grades.join('、')}，不能更正为 ${grade}`
    : `该点位的评分标准中没有测评项 ${itemId}`;
  throw new ApiError('invalid_request', message, { issues: [{ path: 'grade', message }] });
}

/**
 * Rescores the site's kept result with the office's corrections (the latest per item), when it
 * has any; returns the corrected deductions and score, or undefined when nothing was corrected.
 */
export async function applyCorrections(
  trx: Transaction<Database>,
  rubrics: RubricStore,
  roundId: string,
  siteId: string,
): Promise<{ score: number; deductions: Deduction[] } | undefined> {
  const corrections = await trx
    .selectFrom('grade_corrections')
    .select(['item_id', 'to_grade'])
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .orderBy('corrected_at')
    .orderBy('id')
    .execute();
  if (corrections.length === 0) return undefined;
  const result = await trx
    .selectFrom('site_results')
    .innerJoin('inspections', (join) =>
      join
        .onRef('inspections.id', '=', 'site_results.inspection_id')
        .onRef('inspections.revision', '=', 'site_results.revision'),
    )
    .innerJoin('sites', 'sites.id', 'site_results.site_id')
    .select(['inspections.body_json', 'inspections.rubric_version', 'sites.type'])
    .where('site_results.round_id', '=', roundId)
    .where('site_results.site_id', '=', siteId)
    .executeTakeFirstOrThrow();
  const items = rubrics.get(result.rubric_version)?.types[result.type].items;
  if (!items) throw new Error(`rubric ${result.rubric_version} is not loaded`);
  const { answers } = JSON.parse(result.body_json) as {
    answers: { itemId: string; grade: Grade | 'NA'; note?: string }[];
  };
  const corrected = new Map(corrections.map((row) => [row.item_id, row.to_grade]));
  const graded = answers.map((answer) => ({
    itemId: answer.itemId,
    grade: corrected.get(answer.itemId) ?? answer.grade,
  }));
  const { score, fullMarks, deductions } = scoreInspection(items, graded);
  const notes = new Map(answers.map((answer) => [answer.itemId, answer.note ?? null]));

  await trx
    .updateTable('site_results')
    .set({ score, score_hundredths: Math.round(score * 100), full_marks: toFlag(fullMarks) })
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .execute();
  await trx.deleteFrom('site_result_items').where('round_id', '=', roundId).where('site_id', '=', siteId).execute();
  if (deductions.length > 0) {
    await trx
      .insertInto('site_result_items')
      .values(
        deductions.map(({ itemId, grade }) => ({
          round_id: roundId,
          site_id: siteId,
          item_id: itemId,
          grade,
          note: notes.get(itemId) ?? null,
        })),
      )
      .execute();
  }
  return { score, deductions };
}

/** The corrections of the site's items in the round, oldest first (what the inspector sees on their result). */
export async function correctionsOf(
  trx: Pick<Transaction<Database>, 'selectFrom'>,
  roundId: string,
  siteId: string,
): Promise<CorrectionView[]> {
  const rows = await trx
    .selectFrom('grade_corrections')
    .selectAll()
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .orderBy('corrected_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    itemId: row.item_id,
    fromGrade: row.from_grade,
    toGrade: row.to_grade,
    correctedBy: row.corrected_by,
    correctedAt: row.corrected_at,
    reason: row.reason,
  }));
}

/**
 * The office's current grade for each corrected item of the given sites (latest correction per
 * item), by site then item: what exports and result sheets show instead of the inspector's grade.
 */
export async function correctedGrades(
  db: Pick<Transaction<Database>, 'selectFrom'>,
  roundId: string,
  siteIds: readonly string[],
): Promise<Map<string, Map<string, Grade>>> {
  const bySite = new Map<string, Map<string, Grade>>();
  for (let start = 0; start < siteIds.length; start += 1000) {
    const rows = await db
      .selectFrom('grade_corrections')
      .select(['site_id', 'item_id', 'to_grade'])
      .where('round_id', '=', roundId)
      .where('site_id', 'in', siteIds.slice(start, start + 1000))
      .orderBy('corrected_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      let items = bySite.get(row.site_id);
      if (!items) bySite.set(row.site_id, (items = new Map<string, Grade>()));
      items.set(row.item_id, row.to_grade);
    }
  }
  return bySite;
}

/**
 * What the inspector sees on their result (#17): the office's corrections of the site's items
 * in the round, and the units' objections with the office's decision (upheld, rejected with a
 * reason, or still pending).
 */
export async function objectionOutcomes(db: Kysely<Database>, roundId: string, siteId: string) {
  const objections = await db
    .selectFrom('unit_requests')
    .innerJoin('rectifications', 'rectifications.id', 'unit_requests.rectification_id')
    .select(['unit_requests.id', 'rectifications.item_id', 'unit_requests.reason', 'unit_requests.status'])
    .select(['unit_requests.requested_at', 'unit_requests.decision_reason', 'unit_requests.decided_at'])
    .where('rectifications.round_id', '=', roundId)
    .where('rectifications.site_id', '=', siteId)
    .where('unit_requests.kind', '=', 'objection')
    .orderBy('unit_requests.requested_at')
    .execute();
  return {
    corrections: await correctionsOf(db, roundId, siteId),
    objections: objections.map((row) => ({
      id: row.id,
      itemId: row.item_id,
      reason: row.reason,
      status: row.status,
      requestedAt: row.requested_at,
      decisionReason: row.decision_reason,
      decidedAt: row.decided_at,
    })),
  };
}
