/**
 * The responsible unit's side of the loop (issue #17): the dispatched items it answers for, its
 * answers (整改反馈) and its requests (延期, 回退, 申诉). Answers and requests carry device-made
 * ids and are idempotent like every PUT the phone's outbox sends: the same content again is a
 * 200, different content under the same id a 409, someone else's id a 403.
 */
import type { Kysely } from 'kysely';
import { addDays, cityDate } from '../../domain/dates';
import { escalationLevel, type EscalationLevel } from '../../domain/escalation';
import { canonicalJson } from '../../domain/canonical-json';
import type { UnitAnswer, UnitRequest } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database, Row } from '../storage/schema';
import { recordAudit } from './audit';
import { uncitablePhotos } from './access';
import { inUnitScope, rectificationInScope } from './unit-scope';
import { isUniqueViolation } from './unique-violation';

export type UnitItemState = 'waiting' | 'dispatched' | 'answered' | 'sent_back' | 'closed';

export interface UnitRequestView {
  id: string;
  rectificationId: string;
  kind: Row<'unit_requests'>['kind'];
  reason: string;
  dueOn: string | null;
  photos: string[];
  requestedAt: string;
  requestedBy: string;
  status: Row<'unit_requests'>['status'];
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  previousDueOn: string | null;
}

export interface UnitItemView {
  id: string;
  roundId: string;
  siteId: string;
  siteName: string;
  district: string;
  itemId: string;
  grade: Row<'rectifications'>['grade'];
  note: string | null;
  beforePhotos: string[];
  dueOn: string;
  dispatchedAt: string | null;
  /** The last day (Shanghai) an objection may be sent. */
  objectionUntil: string | null;
  status: 'open' | 'closed';
  state: UnitItemState;
  escalation: EscalationLevel | null;
  sentBack: number;
  answers: { id: string; action: string; note: string | null; photos: string[]; answeredAt: string }[];
  requests: UnitRequestView[];
  rechecks: { id: string; verdict: 'fixed' | 'not_fixed'; note: string | null; photos: string[]; checkedAt: string }[];
}

type ItemRow = Row<'rectifications'> & { site_name: string; district: string; objection_days: number };

/** The unit's (or link's) dispatched items; a link sees only open ones. By due date, then id. */
export async function listUnitItems(
  ctx: ServerContext,
  user: SignedInUser,
  filter: { roundId?: string | undefined },
): Promise<UnitItemView[]> {
  let query = inUnitScope(itemQuery(ctx.db), user);
  if (filter.roundId) query = query.where('rectifications.round_id', '=', filter.roundId);
  if (user.link) query = query.where('rectifications.status', '=', 'open');
  return withHistory(ctx, await query.execute());
}

/** Every rectification of the round (office), dispatched or not, withdrawn ones left out. */
export async function listRoundItems(ctx: ServerContext, roundId: string): Promise<UnitItemView[]> {
  const rows = await itemQuery(ctx.db)
    .where('rectifications.round_id', '=', roundId)
    .where('rectifications.withdrawn_at', 'is', null)
    .execute();
  return withHistory(ctx, rows);
}

function itemQuery(db: Kysely<Database>) {
  return db
    .selectFrom('rectifications')
    .innerJoin('sites', 'sites.id', 'rectifications.site_id')
    .innerJoin('rounds', 'rounds.id', 'rectifications.round_id')
    .selectAll('rectifications')
    .select(['sites.name as site_name', 'sites.district', 'rounds.objection_days'])
    .orderBy('rectifications.due_on')
    .orderBy('rectifications.id');
}

async function withHistory(ctx: ServerContext, rows: ItemRow[]): Promise<UnitItemView[]> {
  const ids = rows.map((row) => row.id);
  const [answers, requests, rechecks] = await Promise.all([
    byRectification(ids, (chunk) =>
      ctx.db
        .selectFrom('unit_answers')
        .selectAll()
        .where('rectification_id', 'in', chunk)
        .orderBy('answered_at')
        .execute(),
    ),
    byRectification(ids, (chunk) =>
      ctx.db
        .selectFrom('unit_requests')
        .selectAll()
        .where('rectification_id', 'in', chunk)
        .orderBy('requested_at')
        .execute(),
    ),
    byRectification(ids, (chunk) =>
      ctx.db
        .selectFrom('rechecks')
        .select(['id', 'rectification_id', 'verdict', 'note', 'photos_json', 'checked_at'])
        .where('rectification_id', 'in', chunk)
        .orderBy('checked_at')
        .orderBy('received_at')
        .execute(),
    ),
  ]);
  const today = cityDate(ctx.now());
  return rows.map((row) => {
    const itemAnswers = answers.get(row.id) ?? [];
    const itemRechecks = rechecks.get(row.id) ?? [];
    const sentBack = itemRechecks.filter((recheck) => recheck.verdict === 'not_fixed').length;
    return {
      id: row.id,
      roundId: row.round_id,
      siteId: row.site_id,
      siteName: row.site_name,
      district: row.district,
      itemId: row.item_id,
      grade: row.grade,
      note: row.finding_note,
      beforePhotos: JSON.parse(row.before_photos_json) as string[],
      dueOn: row.due_on,
      dispatchedAt: row.dispatched_at,
      objectionUntil: row.dispatched_at && addDays(cityDate(row.dispatched_at), row.objection_days),
      status: row.status,
      state: stateOf(row, itemAnswers, itemRechecks),
      escalation: row.dispatched_at
        ? escalationLevel({ status: row.status, dueOn: row.due_on, sentBack }, today)
        : null,
      sentBack,
      answers: itemAnswers.map((answer) => ({
        id: answer.id,
        action: answer.action,
        note: answer.note,
        photos: JSON.parse(answer.photos_json) as string[],
        answeredAt: answer.answered_at,
      })),
      requests: (requests.get(row.id) ?? []).map(requestView),
      rechecks: itemRechecks.map((recheck) => ({
        id: recheck.id,
        verdict: recheck.verdict,
        note: recheck.note,
        photos: JSON.parse(recheck.photos_json) as string[],
        checkedAt: recheck.checked_at,
      })),
    };
  });
}

/** Closed; else answered since the last recheck (待复查); else sent back (返工); else dispatched (待整改). */
function stateOf(
  row: ItemRow,
  answers: readonly { answered_at: string }[],
  rechecks: readonly { verdict: string; checked_at: string }[],
): UnitItemState {
  if (row.status === 'closed') return 'closed';
  if (!row.dispatched_at) return 'waiting';
  const lastAnswer = answers.at(-1)?.answered_at;
  const lastRecheck = rechecks.at(-1)?.checked_at;
  if (lastAnswer && (!lastRecheck || lastAnswer > lastRecheck)) return 'answered';
  if (rechecks.some((recheck) => recheck.verdict === 'not_fixed')) return 'sent_back';
  return 'dispatched';
}

async function byRectification<T extends { rectification_id: string }>(
  ids: readonly string[],
  read: (chunk: string[]) => Promise<T[]>,
): Promise<Map<string, T[]>> {
  const grouped = new Map<string, T[]>();
  // Chunked: both engines cap the number of bound parameters in one statement.
  for (let start = 0; start < ids.length; start += 1000) {
    for (const row of await read(ids.slice(start, start + 1000))) {
      const list = grouped.get(row.rectification_id);
      if (list) list.push(row);
      else grouped.set(row.rectification_id, [row]);
    }
  }
  return grouped;
}

export function requestView(row: Row<'unit_requests'>): UnitRequestView {
  return {
    id: row.id,
    rectificationId: row.rectification_id,
    kind: row.kind,
    reason: row.reason,
    dueOn: row.due_on,
    photos: JSON.parse(row.photos_json) as string[],
    requestedAt: row.requested_at,
    requestedBy: row.requested_by,
    status: row.status,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    previousDueOn: row.previous_due_on,
  };
}

/** `PUT /api/unit/answers/{id}`: the item becomes 已反馈，待复查. */
export async function putUnitAnswer(ctx: ServerContext, user: SignedInUser, answer: UnitAnswer) {
  const body = canonicalJson(answer);
  const existing = await ctx.db.selectFrom('unit_answers').selectAll().where('id', '=', answer.id).executeTakeFirst();
  if (existing)
    return { created: false, summary: sameOrConflict(user, existing.answered_by, existing.body_json, body, answer) };
  const rectification = await rectificationInScope(ctx.db, user, answer.rectificationId);
  if (rectification.status === 'closed') throw new ApiError('conflict', '该整改项已销号，无需再反馈');
  await requireCitable(ctx.db, user, answer.photos);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: user,
        action: 'unit.answered',
        roundId: rectification.round_id,
        siteId: rectification.site_id,
        subject: rectification.id,
        detail: { answerId: answer.id, action: answer.action, photos: answer.photos.length },
      });
      await trx
        .insertInto('unit_answers')
        .values({
          id: answer.id,
          rectification_id: rectification.id,
          answered_by: user.id,
          action: answer.action,
          note: answer.note ?? null,
          photos_json: JSON.stringify(answer.photos),
          answered_at: new Date(answer.answeredAt).toISOString(),
          received_at: ctx.now().toISOString(),
          body_json: body,
        })
        .execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await ctx.db
      .selectFrom('unit_answers')
      .selectAll()
      .where('id', '=', answer.id)
      .executeTakeFirstOrThrow();
    return { created: false, summary: sameOrConflict(user, winner.answered_by, winner.body_json, body, answer) };
  }
  return { created: true, summary: { id: answer.id, rectificationId: rectification.id, state: 'answered' as const } };
}

/** `PUT /api/unit/requests/{id}`: 延期 (a later date), 回退 (not ours), 申诉 (within the round's days after dispatch). */
export async function putUnitRequest(ctx: ServerContext, user: SignedInUser, request: UnitRequest) {
  const body = canonicalJson(request);
  const existing = await ctx.db.selectFrom('unit_requests').selectAll().where('id', '=', request.id).executeTakeFirst();
  if (existing) {
    sameOrConflict(user, existing.requested_by, existing.body_json, body, request);
    return { created: false, view: requestView(existing) };
  }
  const rectification = await rectificationInScope(ctx.db, user, request.rectificationId);
  if (rectification.status === 'closed') throw new ApiError('conflict', '该整改项已销号');
  await checkRequestRules(ctx, rectification, request);
  await requireCitable(ctx.db, user, request.photos);
  const row = {
    id: request.id,
    rectification_id: rectification.id,
    requested_by: user.id,
    kind: request.kind,
    reason: request.reason,
    due_on: request.dueOn ?? null,
    photos_json: JSON.stringify(request.photos),
    requested_at: new Date(request.requestedAt).toISOString(),
    received_at: ctx.now().toISOString(),
    body_json: body,
    status: 'pending' as const,
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    previous_due_on: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: user,
        action: 'unit.requested',
        at: row.received_at,
        roundId: rectification.round_id,
        siteId: rectification.site_id,
        subject: rectification.id,
        detail: { requestId: request.id, kind: request.kind, dueOn: row.due_on, photos: request.photos.length },
      });
      await trx.insertInto('unit_requests').values(row).execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await ctx.db.selectFrom('unit_requests').selectAll().where('id', '=', request.id).executeTakeFirst();
    // Not this id: another request of the same kind for the item came in at the same moment
    // and holds the one pending place (migration 0014).
    if (!winner) throw new ApiError('conflict', '该整改项已有同类申请待审核');
    sameOrConflict(user, winner.requested_by, winner.body_json, body, request);
    return { created: false, view: requestView(winner) };
  }
  return { created: true, view: requestView(row) };
}

async function checkRequestRules(ctx: ServerContext, rectification: Row<'rectifications'>, request: UnitRequest) {
  const invalid = (path: string, message: string) =>
    new ApiError('invalid_request', message, { issues: [{ path, message }] });
  const pending = await ctx.db
    .selectFrom('unit_requests')
    .select('id')
    .where('rectification_id', '=', rectification.id)
    .where('kind', '=', request.kind)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (pending) throw new ApiError('conflict', '该整改项已有同类申请待审核');
  if (request.kind === 'extension' && request.dueOn! <= rectification.due_on) {
    throw invalid('dueOn', `延期后的期限须晚于当前期限 ${rectification.due_on}`);
  }
  if (request.kind === 'objection') {
    if (request.photos.length === 0) throw invalid('photos', '申诉须附至少一张证据照片');
    const round = await ctx.db
      .selectFrom('rounds')
      .select('objection_days')
      .where('id', '=', rectification.round_id)
      .executeTakeFirstOrThrow();
    const until = addDays(cityDate(rectification.dispatched_at!), round.objection_days);
    if (cityDate(ctx.now()) > until)
      throw invalid('kind', `申诉期已过（交办后 ${round.objection_days} 天内，截至 ${until}）`);
  }
}

async function requireCitable(db: Kysely<Database>, user: SignedInUser, photos: readonly string[]) {
  const missingPhotos = await uncitablePhotos(db, user, photos);
  if (missingPhotos.length > 0) {
    throw new ApiError('missing_photos', `服务器尚缺 ${missingPhotos.length} 张照片，请先上传`, { missingPhotos });
  }
}

function sameOrConflict<T extends { id: string; rectificationId: string }>(
  user: SignedInUser,
  authorId: string,
  storedBody: string,
  body: string,
  sent: T,
) {
  if (authorId !== user.id) throw new ApiError('forbidden');
  if (storedBody !== body) throw new ApiError('conflict', '该编号已以不同内容提交过');
  return { id: sent.id, rectificationId: sent.rectificationId, state: 'answered' as const };
}
