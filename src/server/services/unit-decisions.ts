/**
 * The office's decisions on units' requests (issue #17), each with a reason, in one transaction
 * with what they change:
 * - an approved extension (延期) moves the item's due date; the request keeps the date before
 *   (`previousDueOn`) and the date granted, so the history shows both;
 * - an approved return (回退, "not our site") takes the item back from the units (undispatched):
 *   the office can dispatch it again to whoever it belongs to;
 * - an upheld objection (申诉) corrects the item's grade as the office's act (corrections.ts),
 *   by default to A (the deduction falls, the item is withdrawn).
 * A refusal changes nothing but the request. A decided request cannot be decided again (409).
 */
import type { Kysely, Transaction } from 'kysely';
import type { UnitDecision } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database, Row } from '../storage/schema';
import { lockAuditChain, recordAudit } from './audit';
import { correctGrade } from './corrections';
import { requestView, type UnitRequestView } from './unit-work';

export async function decideUnitRequest(
  ctx: ServerContext,
  user: SignedInUser,
  requestId: string,
  decision: UnitDecision,
): Promise<UnitRequestView> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    // The audit chain's head first (services/audit.ts): an upheld objection logs its correction.
    await lockAuditChain(trx);
    const request = await trx.selectFrom('unit_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
    if (!request) throw new ApiError('not_found', '找不到该申请');
    if (request.status !== 'pending') throw new ApiError('conflict', '该申请已审核过');
    if (decision.grade !== undefined && !(decision.decision === 'approve' && request.kind === 'objection')) {
      const message = '只有支持申诉时才可指定更正后的评级';
      throw new ApiError('invalid_request', message, { issues: [{ path: 'grade', message }] });
    }
    const rectification = await trx
      .selectFrom('rectifications')
      .selectAll()
      .where('id', '=', request.rectification_id)
      .executeTakeFirstOrThrow();
    const approved = decision.decision === 'approve';
    let previousDueOn: string | null = null;
    if (approved) previousDueOn = await carryOut(ctx, trx, user, request, rectification, decision, now);
    const decided = {
      status: approved ? ('approved' as const) : ('refused' as const),
      decided_by: user.id,
      decided_at: now.toISOString(),
      decision_reason: decision.reason,
      previous_due_on: previousDueOn,
    };
    // Only a still-pending row changes: two office users deciding at once cannot both win.
    const updated = await trx
      .updateTable('unit_requests')
      .set(decided)
      .where('id', '=', requestId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new ApiError('conflict', '该申请已审核过');
    await recordAudit(trx, {
      actor: user,
      action: 'unit_request.decided',
      at: decided.decided_at,
      roundId: rectification.round_id,
      siteId: rectification.site_id,
      subject: rectification.id,
      detail: { requestId, kind: request.kind, before: 'pending', after: decided.status, reason: decision.reason },
    });
    return requestView({ ...request, ...decided });
  });
}

async function carryOut(
  ctx: ServerContext,
  trx: Transaction<Database>,
  user: SignedInUser,
  request: Row<'unit_requests'>,
  rectification: Row<'rectifications'>,
  decision: UnitDecision,
  now: Date,
): Promise<string | null> {
  if (request.kind === 'extension') {
    await trx
      .updateTable('rectifications')
      .set({ due_on: request.due_on! })
      .where('id', '=', rectification.id)
      .execute();
    return rectification.due_on;
  }
  if (request.kind === 'return') {
    await trx
      .updateTable('rectifications')
      .set({ dispatched_at: null, dispatched_by: null })
      .where('id', '=', rectification.id)
      .execute();
    return null;
  }
  await correctGrade(trx, ctx.rubrics, {
    roundId: rectification.round_id,
    siteId: rectification.site_id,
    itemId: rectification.item_id,
    grade: decision.grade ?? 'A',
    correctedBy: user.id,
    reason: decision.reason,
    requestId: request.id,
    now,
  });
  return null;
}

/** The units' requests (延期, 回退, 申诉) of a round, oldest first, of one status when given. */
export async function roundRequests(
  db: Kysely<Database>,
  roundId: string,
  status: 'pending' | 'approved' | 'refused' | undefined,
) {
  return db
    .selectFrom('unit_requests')
    .innerJoin('rectifications', 'rectifications.id', 'unit_requests.rectification_id')
    .selectAll('unit_requests')
    .where('rectifications.round_id', '=', roundId)
    .$if(status !== undefined, (query) => query.where('unit_requests.status', '=', status!))
    .orderBy('unit_requests.requested_at')
    .orderBy('unit_requests.id')
    .execute();
}
