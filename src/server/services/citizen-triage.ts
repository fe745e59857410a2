/**
 * The office's side of citizens' reports: the queue (oldest first, deadlines, photos, phone
 * masked), the decisions (受理, 合并, 不予受理, 转为抽查, 办结), the days to 办结, the list of each
 * 市民记者's accepted reports, and the public handling figures per district.
 *
 * 交办 hands an accepted report to the site's responsible units (services/citizen-handover.ts):
 * they answer it through the unit routes, and the office closes it with its own reply.
 */
import type { Kysely } from 'kysely';
import {
  closeDueOn,
  DEFAULT_CLOSE_DAYS,
  handlingFigures,
  maskPhone,
  type CitizenDecision,
  type CitizenHandoverView,
  type CitizenPhoto,
  type CitizenReport,
  type CitizenReportView,
  type CitizenStatus,
  type DistrictHandling,
  type ReporterRecord,
} from '../../domain/citizen-reports';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { lockAuditChain, recordAudit } from './audit';
import { checkHandover, handoversOf, receivedPhotosOf } from './citizen-handover';
import type { Database, Row, RowUpdate } from '../storage/schema';

const CLOSE_DAYS = 'citizen_close_days';

export async function closeDays(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('office_settings').select('value').where('name', '=', CLOSE_DAYS).executeTakeFirst();
  return row ? Number(row.value) : DEFAULT_CLOSE_DAYS;
}

export async function setCloseDays(db: Kysely<Database>, days: number): Promise<void> {
  await db
    .insertInto('office_settings')
    .values({ name: CLOSE_DAYS, value: String(days) })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(days) }))
    .execute();
}

const QUEUES: Record<string, readonly CitizenStatus[]> = {
  open: ['new', 'accepted'],
  new: ['new'],
  all: ['new', 'accepted', 'closed', 'rejected', 'merged'],
};
export const QUEUE_NAMES = Object.keys(QUEUES);

/** Where a page after this report starts; a 400 for an unknown report. */
export async function pageStart(db: Kysely<Database>, after: string): Promise<{ receivedAt: string; id: string }> {
  const row = await db
    .selectFrom('citizen_reports')
    .select(['received_at', 'id'])
    .where('id', '=', after)
    .executeTakeFirst();
  if (!row) {
    const message = `after: 找不到反馈 ${after}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'after', message }] });
  }
  return { receivedAt: row.received_at, id: row.id };
}

export const QUEUE_PAGE = 500;

/**
 * The queue, oldest first, a page of 500: the oldest, or with `after` (a report's id) those
 * after that report in the same order (received_at, id) — keyset paging, so a report decided
 * between two pages neither repeats nor hides another. With `id`, that one report.
 */
export async function listReports(
  db: Kysely<Database>,
  queue: string,
  id?: string,
  after?: { receivedAt: string; id: string },
): Promise<CitizenReportView[]> {
  const rows = await db
    .selectFrom('citizen_reports as r')
    .innerJoin('sites', 'sites.id', 'r.site_id')
    .leftJoin('users as reporter', 'reporter.id', 'r.reporter_id')
    .leftJoin('users as inspector', 'inspector.id', 'r.spot_inspector_id')
    .selectAll('r')
    .select([
      'sites.name as site_name',
      'sites.district',
      'reporter.display_name as reporter_name',
      'inspector.display_name as inspector_name',
    ])
    .where('r.status', 'in', QUEUES[queue] ?? QUEUES.open!)
    .$if(id !== undefined, (query) => query.where('r.id', '=', id!))
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb.or([
          eb('r.received_at', '>', after!.receivedAt),
          eb.and([eb('r.received_at', '=', after!.receivedAt), eb('r.id', '>', after!.id)]),
        ]),
      ),
    )
    .orderBy('r.received_at')
    .orderBy('r.id')
    .limit(QUEUE_PAGE)
    .execute();
  const received = await receivedPhotosOf(
    db,
    rows.map((row) => row.id),
  );
  const handovers = await handoversOf(db, rows);
  return rows.map((row) => reportView(row, received.get(row.id) ?? [], handovers.get(row.id) ?? null));
}

type QueueRow = Row<'citizen_reports'> & {
  site_name: string;
  district: string;
  reporter_name: string | null;
  inspector_name: string | null;
};

function reportView(row: QueueRow, receivedPhotos: string[], handover: CitizenHandoverView | null): CitizenReportView {
  const body = JSON.parse(row.body_json) as CitizenReport;
  return {
    id: row.id,
    code: row.code,
    siteId: row.site_id,
    siteName: row.site_name,
    district: row.district,
    category: row.category,
    description: row.description,
    phone: row.phone && maskPhone(row.phone),
    photos: body.photos satisfies CitizenPhoto[],
    receivedPhotos,
    trusted: row.reporter_id !== null,
    reporterName: row.reporter_name,
    status: row.status,
    createdAt: row.created_at,
    receivedAt: row.received_at,
    acceptDueOn: row.accept_due_on,
    acceptedAt: row.accepted_at,
    closeDueOn: row.close_due_on,
    closedAt: row.closed_at,
    reply: row.reply,
    mergedInto: row.merged_into,
    spotCheck:
      row.spot_round_id && row.spot_inspector_id
        ? { roundId: row.spot_round_id, inspectorId: row.spot_inspector_id, inspectorName: row.inspector_name ?? '' }
        : null,
    handover,
    rating: row.rating,
  };
}

/** Which statuses each decision may start from. */
const FROM: Record<CitizenDecision['action'], readonly CitizenStatus[]> = {
  accept: ['new'],
  merge: ['new', 'accepted'],
  reject: ['new'],
  spot_check: ['new', 'accepted'],
  close: ['new', 'accepted'],
  hand_over: ['new', 'accepted'],
};

/**
 * Applies one decision in one transaction (what it writes elsewhere — the spot check's
 * assignment — goes or stays with the report's change); the report as the queue shows it.
 */
export async function decide(
  ctx: ServerContext,
  user: SignedInUser,
  id: string,
  decision: CitizenDecision,
): Promise<CitizenReportView> {
  await ctx.db.transaction().execute(async (trx) => {
    // The audit chain's head first (services/audit.ts), the entry written once the decision is made.
    await lockAuditChain(trx);
    const report = await trx.selectFrom('citizen_reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!report) throw new ApiError('not_found', '找不到该反馈');
    if (!FROM[decision.action].includes(report.status))
      throw new ApiError('conflict', `该反馈当前状态（${report.status}）不能进行此操作`, { status: report.status });
    const change = await changeFor(trx, ctx.now().toISOString(), report, decision);
    // Only from the status read above: two office users deciding at once, the second gets a 409
    // and the transaction takes back whatever its decision wrote before.
    const updated = await trx
      .updateTable('citizen_reports')
      .set({ ...change, decided_by: user.id, ...(decision.action === 'hand_over' && { handed_over_by: user.id }) })
      .where('id', '=', id)
      .where('status', '=', report.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new ApiError('conflict', '该反馈刚被他人处理，请刷新后再试');
    // The decision only: what a resident wrote stays out of the log.
    await recordAudit(trx, {
      actor: user,
      action: 'citizen_report.decided',
      siteId: report.site_id,
      subject: id,
      detail: { decision: decision.action, before: report.status, after: change.status ?? report.status },
    });
  });
  // By id: a decision on a report past the queue's first page answers with it too.
  const [view] = await listReports(ctx.db, 'all', id);
  return view!;
}

/** The row's change for a decision, after the checks that decision needs. */
async function changeFor(
  trx: Kysely<Database>,
  now: string,
  report: Row<'citizen_reports'>,
  decision: CitizenDecision,
): Promise<RowUpdate<'citizen_reports'>> {
  const accepting = async () => ({
    accepted_at: report.accepted_at ?? now,
    close_due_on: report.close_due_on ?? closeDueOn(now, await closeDays(trx)),
  });
  switch (decision.action) {
    case 'accept':
      return { status: 'accepted', ...(await accepting()) };
    case 'reject':
      return { status: 'rejected', reply: decision.reason, closed_at: now };
    case 'merge':
      await checkMergeTarget(trx, report, decision.into);
      return { status: 'merged', merged_into: decision.into };
    case 'spot_check':
      await assignSpotCheck(trx, report.site_id, decision.roundId, decision.inspectorId);
      return {
        status: 'accepted',
        ...(await accepting()),
        spot_round_id: decision.roundId,
        spot_inspector_id: decision.inspectorId,
      };
    case 'hand_over':
      await checkHandover(trx, report);
      return { status: 'accepted', ...(await accepting()), handed_over_at: now };
    case 'close':
      return { status: 'closed', ...(await accepting()), reply: decision.reply, closed_at: now };
  }
}

async function checkMergeTarget(db: Kysely<Database>, report: Row<'citizen_reports'>, into: string): Promise<void> {
  const invalid = (message: string) =>
    new ApiError('invalid_request', message, { issues: [{ path: 'into', message }] });
  if (into === report.id) throw invalid('不能合并到自身');
  const target = await db
    .selectFrom('citizen_reports')
    .select(['site_id', 'status'])
    .where('id', '=', into)
    .executeTakeFirst();
  if (!target) throw invalid('找不到要合并到的反馈');
  if (target.site_id !== report.site_id) throw invalid('只能合并同一点位的重复反馈');
  if (target.status === 'merged' || target.status === 'rejected') throw invalid('目标反馈已合并或不予受理');
}

/** 转为抽查: the site assigned to the inspector in the round, so it appears on their phone. */
async function assignSpotCheck(db: Kysely<Database>, siteId: string, roundId: string, inspectorId: string) {
  const invalid = (path: string, message: string) =>
    new ApiError('invalid_request', message, { issues: [{ path, message }] });
  const round = await db.selectFrom('rounds').select('id').where('id', '=', roundId).executeTakeFirst();
  if (!round) throw invalid('roundId', `找不到测评轮次 ${roundId}`);
  const inspector = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', inspectorId)
    .where('role', '=', 'inspector')
    .where('disabled', '=', 0)
    .executeTakeFirst();
  if (!inspector) throw invalid('inspectorId', '抽查须指派给在岗的测评员');
  await db
    .insertInto('assignments')
    .values({ round_id: roundId, site_id: siteId, user_id: inspectorId })
    .onConflict((oc) => oc.columns(['round_id', 'site_id', 'user_id']).doNothing())
    .execute();
}

/** Every 市民记者 with their reports the office accepted (受理 or 办结), most accepted first. */
export async function reporterRecords(db: Kysely<Database>): Promise<ReporterRecord[]> {
  const reporters = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('role', '=', 'reporter')
    .execute();
  const reports = await db
    .selectFrom('citizen_reports')
    .innerJoin('sites', 'sites.id', 'citizen_reports.site_id')
    .select([
      'citizen_reports.id',
      'citizen_reports.code',
      'citizen_reports.reporter_id',
      'citizen_reports.received_at',
      'citizen_reports.status',
      'sites.name as site_name',
    ])
    .where('citizen_reports.reporter_id', 'is not', null)
    .where('citizen_reports.status', 'in', ['accepted', 'closed'])
    .orderBy('citizen_reports.received_at')
    .execute();
  return reporters
    .map((reporter) => {
      const own = reports.filter((report) => report.reporter_id === reporter.id);
      return {
        userId: reporter.id,
        displayName: reporter.display_name,
        accepted: own.length,
        reports: own.map((report) => ({
          id: report.id,
          code: report.code,
          siteName: report.site_name,
          receivedAt: report.received_at,
          status: report.status,
        })),
      };
    })
    .sort((a, b) => b.accepted - a.accepted || a.displayName.localeCompare(b.displayName, 'zh-CN'));
}

/** 受理率, 办结率, average time to close and satisfaction per district (figures only). */
export async function districtHandling(db: Kysely<Database>): Promise<DistrictHandling[]> {
  const rows = await db
    .selectFrom('citizen_reports')
    .innerJoin('sites', 'sites.id', 'citizen_reports.site_id')
    .select([
      'sites.district',
      'citizen_reports.status',
      'citizen_reports.received_at',
      'citizen_reports.closed_at',
      'citizen_reports.rating',
    ])
    .execute();
  return handlingFigures(
    rows.map((row) => ({
      district: row.district,
      status: row.status,
      receivedAt: row.received_at,
      closedAt: row.closed_at,
      rating: row.rating,
    })),
  );
}
