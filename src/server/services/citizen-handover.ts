/**
 * 交办 of a citizen's report to the responsible units of its site (issue #20 with the units'
 * loop of #17). The office hands an accepted report over (`decide` in citizen-triage.ts calls
 * `checkHandover` in its transaction); the units answering for the site — by the site itself or
 * its district, as for rectifications — and the site's link read it through the unit routes and
 * answer it with idempotent PUTs (device-made ids, as `unit_answers`); the office reads the
 * answers in its queue and closes the report with its own reply to the resident.
 */
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import { canonicalJson } from '../../domain/canonical-json';
import type {
  CitizenHandoverView,
  CitizenPhoto,
  CitizenReport,
  CitizenUnitAnswer,
  CitizenUnitAnswerView,
  UnitCitizenReportView,
} from '../../domain/citizen-reports';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database, Row } from '../storage/schema';
import { uncitablePhotos } from './access';
import { recordAudit } from './audit';
import { isUniqueViolation } from './unique-violation';

/** The active unit accounts answering for a site (by the site or its district), by name. */
export async function unitsForSite(db: Kysely<Database>, siteId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('display_name')
    .where('role', '=', 'unit')
    .where('disabled', '=', 0)
    .where('link_only', '=', 0)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('unit_responsibilities')
          .leftJoin('sites', (join) =>
            join.onRef('sites.district', '=', 'unit_responsibilities.target').on('sites.id', '=', siteId),
          )
          .select('unit_responsibilities.user_id')
          .whereRef('unit_responsibilities.user_id', '=', 'users.id')
          .where((inner) =>
            inner.or([
              inner.and([
                inner('unit_responsibilities.kind', '=', 'site'),
                inner('unit_responsibilities.target', '=', siteId),
              ]),
              inner.and([inner('unit_responsibilities.kind', '=', 'district'), inner('sites.id', 'is not', null)]),
            ]),
          ),
      ),
    )
    .orderBy('display_name')
    .execute();
  return rows.map((row) => row.display_name);
}

/** 交办 needs someone to hand to: a 400 (nothing stored) when no unit answers for the site. */
export async function checkHandover(db: Kysely<Database>, report: Row<'citizen_reports'>): Promise<void> {
  if (report.handed_over_at) throw new ApiError('conflict', '该反馈已交办', { status: report.status });
  if ((await unitsForSite(db, report.site_id)).length === 0) {
    const message = '该点位还没有责任单位：请先在责任单位中设置负责该点位或其区县的账号';
    throw new ApiError('invalid_request', message, { issues: [{ path: 'action', message }] });
  }
}

type ReportQuery<O> = SelectQueryBuilder<Database, 'citizen_reports', O>;

/** Handed-over reports the unit (or site link) may see: its sites', not merged or rejected since. */
function inReportScope<O>(query: ReportQuery<O>, user: SignedInUser): ReportQuery<O> {
  const visible = query
    .where('citizen_reports.handed_over_at', 'is not', null)
    .where('citizen_reports.status', 'in', ['accepted', 'closed']);
  if (user.link) return visible.where('citizen_reports.site_id', '=', user.link.siteId);
  return visible.where((eb) => responsibleFor(eb, user.id));
}

// The same rule as unit-scope.ts `responsibleFor`, over the report's site.
function responsibleFor(eb: ExpressionBuilder<Database, 'citizen_reports'>, userId: string) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('unit_responsibilities')
        .select('unit_responsibilities.user_id')
        .where('unit_responsibilities.user_id', '=', userId)
        .where('unit_responsibilities.kind', '=', 'site')
        .whereRef('unit_responsibilities.target', '=', 'citizen_reports.site_id'),
    ),
    eb.exists(
      eb
        .selectFrom('unit_responsibilities')
        .innerJoin('sites', 'sites.district', 'unit_responsibilities.target')
        .select('unit_responsibilities.user_id')
        .where('unit_responsibilities.user_id', '=', userId)
        .where('unit_responsibilities.kind', '=', 'district')
        .whereRef('sites.id', '=', 'citizen_reports.site_id'),
    ),
  ]);
}

/** `GET /api/unit/citizen-reports`: oldest handed over first; a site link sees open ones only. */
export async function listUnitReports(ctx: ServerContext, user: SignedInUser): Promise<UnitCitizenReportView[]> {
  let query = inReportScope(
    ctx.db
      .selectFrom('citizen_reports')
      .innerJoin('sites', 'sites.id', 'citizen_reports.site_id')
      .selectAll('citizen_reports')
      .select(['sites.name as site_name', 'sites.district']),
    user,
  )
    .orderBy('citizen_reports.handed_over_at')
    .orderBy('citizen_reports.id');
  if (user.link) query = query.where('citizen_reports.status', '=', 'accepted');
  const rows = await query.execute();
  const ids = rows.map((row) => row.id);
  const [answers, received] = await Promise.all([answersOf(ctx.db, ids), receivedPhotosOf(ctx.db, ids)]);
  return rows.map((row) => {
    const own = answers.get(row.id) ?? [];
    return {
      id: row.id,
      code: row.code,
      siteId: row.site_id,
      siteName: row.site_name,
      district: row.district,
      category: row.category,
      description: row.description,
      photos: (JSON.parse(row.body_json) as CitizenReport).photos satisfies CitizenPhoto[],
      receivedPhotos: received.get(row.id) ?? [],
      receivedAt: row.received_at,
      handedOverAt: row.handed_over_at!,
      closeDueOn: row.close_due_on,
      state: row.status === 'closed' ? 'closed' : own.length > 0 ? 'answered' : 'handed_over',
      closedAt: row.closed_at,
      answers: own,
    };
  });
}

/** The handover of each report that has one, for the office's queue. */
export async function handoversOf(
  db: Kysely<Database>,
  rows: readonly Pick<Row<'citizen_reports'>, 'id' | 'site_id' | 'handed_over_at' | 'handed_over_by'>[],
): Promise<Map<string, CitizenHandoverView>> {
  const handed = rows.filter((row) => row.handed_over_at);
  const byMap = new Map<string, CitizenHandoverView>();
  if (handed.length === 0) return byMap;
  const answers = await answersOf(
    db,
    handed.map((row) => row.id),
  );
  const names = new Map<string, string>();
  const people = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(handed.map((row) => row.handed_over_by!))])
    .execute();
  for (const person of people) names.set(person.id, person.display_name);
  const unitsBySite = new Map<string, string[]>();
  for (const siteId of new Set(handed.map((row) => row.site_id)))
    unitsBySite.set(siteId, await unitsForSite(db, siteId));
  for (const row of handed) {
    byMap.set(row.id, {
      at: row.handed_over_at!,
      byName: names.get(row.handed_over_by!) ?? '',
      units: unitsBySite.get(row.site_id) ?? [],
      answers: answers.get(row.id) ?? [],
    });
  }
  return byMap;
}

async function answersOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, CitizenUnitAnswerView[]>> {
  const grouped = new Map<string, CitizenUnitAnswerView[]>();
  // Chunked: both engines cap the number of bound parameters in one statement.
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('citizen_unit_answers')
      .innerJoin('users', 'users.id', 'citizen_unit_answers.answered_by')
      .selectAll('citizen_unit_answers')
      .select('users.display_name')
      .where('citizen_unit_answers.report_id', 'in', ids.slice(start, start + 500))
      .orderBy('citizen_unit_answers.answered_at')
      .orderBy('citizen_unit_answers.id')
      .execute();
    for (const row of rows) {
      const view = {
        id: row.id,
        note: row.note,
        photos: JSON.parse(row.photos_json) as string[],
        answeredAt: row.answered_at,
        answeredBy: row.display_name,
      };
      grouped.set(row.report_id, [...(grouped.get(row.report_id) ?? []), view]);
    }
  }
  return grouped;
}

/** The photos each report (by id) has received, 500 reports a query; shared by the office queue and the units. */
export async function receivedPhotosOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byReport = new Map<string, string[]>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('citizen_report_photos')
      .select(['report_id', 'sha256'])
      .where('report_id', 'in', ids.slice(start, start + 500))
      .where('received', '=', 1)
      .execute();
    for (const row of rows) byReport.set(row.report_id, [...(byReport.get(row.report_id) ?? []), row.sha256]);
  }
  return byReport;
}

/**
 * `PUT /api/unit/citizen-answers/{id}`. Checks in order: an id already stored (200 same content,
 * 409 different, 403 someone else's); unknown report (400); not handed to this unit (403); closed
 * (409); photos the caller did not upload (422 `missing_photos`).
 */
export async function putCitizenUnitAnswer(ctx: ServerContext, user: SignedInUser, answer: CitizenUnitAnswer) {
  const body = canonicalJson(answer);
  const summary = { id: answer.id, reportId: answer.reportId, state: 'answered' as const };
  const existing = await storedAnswer(ctx.db, answer.id);
  if (existing) return { created: false, summary: sameOrConflict(user, existing, body, summary) };
  const report = await reportInScope(ctx.db, user, answer.reportId);
  if (report.status === 'closed') throw new ApiError('conflict', '该反馈已办结，无需再反馈');
  const missingPhotos = await uncitablePhotos(ctx.db, user, answer.photos);
  if (missingPhotos.length > 0)
    throw new ApiError('missing_photos', `服务器尚缺 ${missingPhotos.length} 张照片，请先上传`, { missingPhotos });
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: user,
        action: 'citizen_report.unit_answered',
        siteId: report.site_id,
        subject: report.id,
        detail: { answerId: answer.id, photos: answer.photos.length },
      });
      await trx
        .insertInto('citizen_unit_answers')
        .values({
          id: answer.id,
          report_id: report.id,
          answered_by: user.id,
          note: answer.note,
          photos_json: JSON.stringify(answer.photos),
          answered_at: new Date(answer.answeredAt).toISOString(),
          received_at: ctx.now().toISOString(),
          body_json: body,
        })
        .execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = (await storedAnswer(ctx.db, answer.id))!;
    return { created: false, summary: sameOrConflict(user, winner, body, summary) };
  }
  return { created: true, summary };
}

function storedAnswer(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('citizen_unit_answers')
    .select(['answered_by', 'body_json'])
    .where('id', '=', id)
    .executeTakeFirst();
}

function sameOrConflict<T>(
  user: SignedInUser,
  stored: { answered_by: string; body_json: string },
  body: string,
  summary: T,
) {
  if (stored.answered_by !== user.id) throw new ApiError('forbidden');
  if (stored.body_json !== body) throw new ApiError('conflict', '该编号已以不同内容提交过');
  return summary;
}

/** The report when handed to this unit (or link); 403 when it exists outside that, 400 unknown. */
async function reportInScope(db: Kysely<Database>, user: SignedInUser, reportId: string) {
  const row = await inReportScope(db.selectFrom('citizen_reports').selectAll('citizen_reports'), user)
    .where('citizen_reports.id', '=', reportId)
    .executeTakeFirst();
  if (row) return row;
  const exists = await db.selectFrom('citizen_reports').select('id').where('id', '=', reportId).executeTakeFirst();
  if (!exists) {
    const message = `未知的市民反馈 ${reportId}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'reportId', message }] });
  }
  throw new ApiError('forbidden', '该反馈未交办给您负责的点位');
}

/** Whether the unit (or link) may read this received photo of a report handed to it. */
export async function unitMayReadReportPhoto(
  db: Kysely<Database>,
  user: SignedInUser,
  reportId: string,
  sha256: string,
): Promise<boolean> {
  const report = await inReportScope(db.selectFrom('citizen_reports').select('citizen_reports.id'), user)
    .where('citizen_reports.id', '=', reportId)
    .executeTakeFirst();
  return report !== undefined && (await isReportPhoto(db, reportId, sha256));
}

/** Whether a hash is a received photo of some report (the office reads it through its route). */
export async function isReportPhoto(db: Kysely<Database>, reportId: string, sha256: string): Promise<boolean> {
  const row = await db
    .selectFrom('citizen_report_photos')
    .select('sha256')
    .where('report_id', '=', reportId)
    .where('sha256', '=', sha256)
    .where('received', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}
