/**
 * Recheck verdicts (`PUT /api/rechecks/{id}`): validated, checked against the rechecker's
 * assignments, idempotent by id (same content 200, different 409), photos required on the
 * server (422 with the list), stored with the whole history of verdicts. A rectification's
 * status follows its latest verdict by `checkedAt`: `fixed` closes it (销号), `not_fixed` keeps
 * or makes it open — whatever order the verdicts arrive in.
 */
import type { Transaction } from 'kysely';
import { RECHECK_PHOTO_RULE, type Recheck } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database, Row } from '../storage/schema';
import { isAssigned, isOffice, uncitablePhotos } from './access';
import { recordAudit } from './audit';
import { canonicalJson } from '../../domain/canonical-json';
import { isUniqueViolation } from './unique-violation';

export interface RecheckSummary {
  id: string;
  rectificationId: string;
  verdict: Recheck['verdict'];
  rectificationStatus: 'open' | 'closed';
}

export async function putRecheck(
  ctx: ServerContext,
  user: SignedInUser,
  recheck: Recheck,
): Promise<{ created: boolean; summary: RecheckSummary }> {
  const { db } = ctx;
  const body = canonicalJson(recheck);
  const existing = await db.selectFrom('rechecks').selectAll().where('id', '=', recheck.id).executeTakeFirst();
  if (existing) return { created: false, summary: await sameOrConflict(ctx, user, existing, body) };
  if (recheck.photos.length === 0) {
    throw new ApiError('invalid_request', '复查结论须附至少一张照片（已整改或仍存在的问题）', {
      issues: [{ path: 'photos', message: RECHECK_PHOTO_RULE }],
    });
  }

  const rectification = await db
    .selectFrom('rectifications')
    .selectAll()
    .where('id', '=', recheck.rectificationId)
    .executeTakeFirst();
  if (!rectification) {
    const message = `未知的整改项 ${recheck.rectificationId}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'rectificationId', message }] });
  }
  if (!isOffice(user) && !(await isAssigned(db, user.id, rectification.round_id, rectification.site_id))) {
    throw new ApiError('forbidden', '您未被分配复查该点位');
  }
  const beforePhotos = JSON.parse(rectification.before_photos_json) as string[];
  const missingPhotos = await uncitablePhotos(db, user, recheck.photos, beforePhotos);
  if (missingPhotos.length > 0) {
    throw new ApiError('missing_photos', `服务器尚缺 ${missingPhotos.length} 张照片，请先上传`, { missingPhotos });
  }

  const now = ctx.now().toISOString();
  try {
    const status = await db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: user,
        action: 'recheck.received',
        at: now,
        roundId: rectification.round_id,
        siteId: rectification.site_id,
        inspectionId: rectification.source_inspection_id,
        subject: rectification.id,
        detail: { recheckId: recheck.id, verdict: recheck.verdict, photos: recheck.photos.length },
      });
      await trx
        .insertInto('rechecks')
        .values({
          id: recheck.id,
          rectification_id: rectification.id,
          checked_by: user.id,
          verdict: recheck.verdict,
          note: recheck.note ?? null,
          photos_json: JSON.stringify(recheck.photos),
          checked_at: new Date(recheck.checkedAt).toISOString(),
          received_at: now,
          body_json: body,
        })
        .execute();
      const photoRows = [...new Set(recheck.photos)].map((sha256) => ({ recheck_id: recheck.id, sha256 }));
      if (photoRows.length > 0) await trx.insertInto('recheck_photos').values(photoRows).execute();
      return applyLatestVerdict(trx, rectification.id);
    });
    return {
      created: true,
      summary: {
        id: recheck.id,
        rectificationId: rectification.id,
        verdict: recheck.verdict,
        rectificationStatus: status,
      },
    };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.selectFrom('rechecks').selectAll().where('id', '=', recheck.id).executeTakeFirstOrThrow();
    return { created: false, summary: await sameOrConflict(ctx, user, winner, body) };
  }
}

async function sameOrConflict(
  ctx: ServerContext,
  user: SignedInUser,
  existing: Row<'rechecks'>,
  body: string,
): Promise<RecheckSummary> {
  if (!isOffice(user) && existing.checked_by !== user.id) throw new ApiError('forbidden');
  if (existing.body_json !== body) throw new ApiError('conflict', '该复查记录已以不同内容提交过');
  const rectification = await ctx.db
    .selectFrom('rectifications')
    .select('status')
    .where('id', '=', existing.rectification_id)
    .executeTakeFirstOrThrow();
  return {
    id: existing.id,
    rectificationId: existing.rectification_id,
    verdict: existing.verdict,
    rectificationStatus: rectification.status,
  };
}

async function applyLatestVerdict(trx: Transaction<Database>, rectificationId: string): Promise<'open' | 'closed'> {
  const latest = await trx
    .selectFrom('rechecks')
    .select(['verdict', 'checked_at'])
    .where('rectification_id', '=', rectificationId)
    .orderBy('checked_at', 'desc')
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const status = latest.verdict === 'fixed' ? 'closed' : 'open';
  await trx
    .updateTable('rectifications')
    .set({ status, closed_at: status === 'closed' ? latest.checked_at : null })
    .where('id', '=', rectificationId)
    .execute();
  return status;
}
