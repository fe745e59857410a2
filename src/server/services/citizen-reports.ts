/**
 * Citizens' reports (issue #20): receiving a resident's or a 市民记者's report (idempotent by
 * its device-made id, limited per address, site and account, proof of work for residents), its
 * photos, what the resident reads back, and the rating. The office's side is
 * citizen-triage.ts.
 */
import { randomInt } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import {
  acceptDueOn,
  isPlainText,
  type CitizenReport,
  type CitizenReportStatusView,
  type Proof,
  type ReportLimits,
} from '../../domain/citizen-reports';
import { canonicalJson } from '../../domain/canonical-json';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText } from '../http/validate';
import type { Database, Row } from '../storage/schema';
import { citizenSecret, clientKey, verifyProof } from './citizen-proof';
import { isUniqueViolation } from './unique-violation';

const HOUR_MS = 3_600_000;

export interface Sender {
  /** The signed-in 市民记者, when the request carried their token. */
  reporter?: SignedInUser | undefined;
  address: string;
}

export interface ReportReceipt {
  id: string;
  code: string;
  status: Row<'citizen_reports'>['status'];
  receivedAt: string;
}

const receipt = (row: Pick<Row<'citizen_reports'>, 'id' | 'code' | 'status' | 'received_at'>): ReportReceipt => ({
  id: row.id,
  code: row.code,
  status: row.status,
  receivedAt: row.received_at,
});

/** Stores a report once: 201 new, 200 the same content again, 409 different content under the id. */
export async function receiveReport(
  ctx: ServerContext,
  sender: Sender,
  report: CitizenReport,
  proof: Proof | undefined,
  rules: { proofBits: number; limits: { resident: ReportLimits; reporter: ReportLimits } },
): Promise<{ created: boolean; receipt: ReportReceipt }> {
  const body = canonicalJson(report);
  const existing = await findReport(ctx.db, report.id);
  // A retry whose answer was lost: no new proof needed, nothing new stored.
  if (existing) return { created: false, receipt: sameOrConflict(existing, body) };

  if (!isPlainText(report.description)) throw new ApiError('not_plain_text');
  const site = await ctx.db.selectFrom('sites').select('id').where('id', '=', report.siteId).executeTakeFirst();
  if (!site) {
    const message = `找不到点位 ${report.siteId}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'report.siteId', message }] });
  }
  const secret = await citizenSecret(ctx.db);
  const now = ctx.now();
  const key = clientKey(secret, sender.address);
  if (!sender.reporter && !(proof && verifyProof(secret, proof, report.id, now, rules.proofBits)))
    throw new ApiError('challenge_failed');
  await checkLimits(
    ctx.db,
    sender.reporter ? rules.limits.reporter : rules.limits.resident,
    sender.reporter,
    key,
    report.siteId,
    now,
  );

  const row = {
    id: report.id,
    code: trackingCode(),
    site_id: report.siteId,
    category: report.category,
    description: report.description,
    phone: report.phone ?? null,
    reporter_id: sender.reporter?.id ?? null,
    client_key: key,
    challenge: sender.reporter ? null : proof!.challenge,
    created_at: new Date(report.createdAt).toISOString(),
    received_at: now.toISOString(),
    status: 'new' as const,
    accept_due_on: acceptDueOn(now.toISOString()),
    body_json: body,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('citizen_reports').values(row).execute();
      const hashes = reportHashes(report);
      if (hashes.length > 0)
        await trx
          .insertInto('citizen_report_photos')
          .values(hashes.map((sha256) => ({ report_id: report.id, sha256, received: 0 as const })))
          .execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findReport(ctx.db, report.id);
    // Same id raced in: a retry. Otherwise the challenge (or, rarely, the code) was taken.
    if (winner) return { created: false, receipt: sameOrConflict(winner, body) };
    throw new ApiError('challenge_failed', '该验证已使用过，请重新提交');
  }
  return { created: true, receipt: receipt(row) };
}

function sameOrConflict(existing: Row<'citizen_reports'>, body: string): ReportReceipt {
  if (existing.body_json !== body) throw new ApiError('conflict', '该反馈编号已以不同内容提交过');
  return receipt(existing);
}

const findReport = (db: Kysely<Database>, id: string) =>
  db.selectFrom('citizen_reports').selectAll().where('id', '=', id).executeTakeFirst();

/** The photos and thumbnails a report names, once each. */
function reportHashes(report: CitizenReport): string[] {
  return [...new Set(report.photos.flatMap((photo) => [photo.sha256, ...(photo.thumbnail ? [photo.thumbnail] : [])]))];
}

/** `R` and 7 characters without 0/O or 1/I/L, read out on the phone without confusion. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function trackingCode(): string {
  let code = 'R';
  for (let i = 0; i < 7; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

async function checkLimits(
  db: Kysely<Database>,
  limits: ReportLimits,
  reporter: SignedInUser | undefined,
  key: string,
  siteId: string,
  now: Date,
): Promise<void> {
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const count = async (column: 'client_key' | 'reporter_id', value: string, from: string) => {
    const row = await db
      .selectFrom('citizen_reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(column, '=', value)
      .where('received_at', '>', from)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const [column, value] = reporter ? (['reporter_id', reporter.id] as const) : (['client_key', key] as const);
  if ((await count(column, value, since(HOUR_MS))) >= limits.perHour) throw tooMany(HOUR_MS / 1000);
  if ((await count(column, value, since(24 * HOUR_MS))) >= limits.perDay) throw tooMany(24 * 3600);
  const site = await db
    .selectFrom('citizen_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('site_id', '=', siteId)
    .where('received_at', '>', since(24 * HOUR_MS))
    .where('reporter_id', reporter ? 'is not' : 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(site.n) >= limits.perSiteDay)
    throw tooMany(24 * 3600, '该点位今日收到的反馈已达上限，我们已在处理，请明天再报');
}

const tooMany = (retryAfterSeconds: number, message?: string) =>
  new ApiError('too_many_reports', message, { retryAfterSeconds });

/** Whether `sha256` is a photo of the report still expected: true, false (not named), or 'done'. */
export async function expectedPhoto(
  db: Kysely<Database>,
  reportId: string,
  sha256: string,
): Promise<'expected' | 'received' | 'unknown'> {
  const row = await db
    .selectFrom('citizen_report_photos')
    .select('received')
    .where('report_id', '=', reportId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (!row) return 'unknown';
  return row.received === 1 ? 'received' : 'expected';
}

/** Streams a report's photo into the photo store and marks it arrived; false when it already had. */
export async function receiveReportPhoto(
  ctx: ServerContext,
  reportId: string,
  sha256: string,
  body: Readable,
  maxBytes: number,
): Promise<boolean> {
  const state = await expectedPhoto(ctx.db, reportId, sha256);
  if (state === 'unknown') throw new ApiError('not_found', '该反馈没有这张照片');
  if (state === 'received') {
    body.resume();
    return false;
  }
  await ctx.photos.savePhoto(sha256, body, { maxBytes });
  await ctx.db
    .updateTable('citizen_report_photos')
    .set({ received: 1 })
    .where('report_id', '=', reportId)
    .where('sha256', '=', sha256)
    .execute();
  return true;
}

/** What the resident's phone reads back: their own report, by its id (the capability). */
export async function reportStatus(db: Kysely<Database>, id: string): Promise<CitizenReportStatusView | undefined> {
  const row = await db
    .selectFrom('citizen_reports')
    .innerJoin('sites', 'sites.id', 'citizen_reports.site_id')
    .selectAll('citizen_reports')
    .select('sites.name as site_name')
    .where('citizen_reports.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  // A duplicate is answered with the report it joined: the resident sees the handling and reply.
  const handled = row.merged_into ? ((await findReport(db, row.merged_into)) ?? row) : row;
  return {
    id: row.id,
    code: row.code,
    status: row.merged_into ? handled.status : row.status,
    siteName: row.site_name,
    category: row.category,
    receivedAt: row.received_at,
    reply: handled.reply,
    closedAt: handled.closed_at,
    rating: row.rating,
  };
}

/** The resident's 1–5 once the report is closed: 201 first time, 200 the same again, 409 another. */
export async function rateReport(ctx: ServerContext, id: string, rating: number): Promise<boolean> {
  const status = await reportStatus(ctx.db, id);
  if (!status) throw new ApiError('not_found', '找不到该反馈');
  if (status.status !== 'closed') throw new ApiError('conflict', '反馈办结后才能评价');
  if (status.rating !== null) {
    if (status.rating !== rating) throw new ApiError('conflict', '该反馈已评价过');
    return false;
  }
  const updated = await ctx.db
    .updateTable('citizen_reports')
    .set({ rating, rated_at: ctx.now().toISOString() })
    .where('id', '=', id)
    .where('rating', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return rateReport(ctx, id, rating);
  return true;
}

/** Sites a resident may pick on the general link: name or district contains the words, or the code is them. */
export async function searchSites(db: Kysely<Database>, words: string) {
  // Wildcards dropped rather than escaped: the engines disagree on LIKE's escape character.
  const pattern = `%${words.replace(/[\\%_]/g, '')}%`;
  return db
    .selectFrom('sites')
    .select(['id', 'name', 'district', 'type'])
    .where((eb) => eb.or([eb('name', 'like', pattern), eb('id', '=', words), eb('district', 'like', pattern)]))
    .orderBy('district')
    .orderBy('name')
    .limit(20)
    .execute();
}

/** What a resident's page shows of one site (the poster's link): no more than its name, district and type. */
export async function publicSite(db: Kysely<Database>, siteId: string) {
  if (!isStorableText(siteId)) return undefined;
  return db.selectFrom('sites').select(['id', 'name', 'district', 'type']).where('id', '=', siteId).executeTakeFirst();
}
