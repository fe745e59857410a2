/**
 * Storing an inspection (`PUT /api/inspections/{id}`): validation against the round, the site
 * and the rubric; the assignment check; idempotency by (id, revision) — the same content is a
 * 200, different content a 409 —; missing photos as a 422 with the list; then, in one
 * transaction, the inspection row, its photo references and the rectifications it opens when
 * it becomes the site's result. The server scores with the domain code, never trusting a
 * client's score.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { dueOn } from '../../domain/dates';
import { checkAnswersAgainstRubric } from '../../domain/inspection-rules';
import { mustRectify, rectificationKey } from '../../domain/report';
import { scoreInspection } from '../../domain/scoring';
import type { Inspection, StoredInspection } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { groupCommit } from '../storage/group-commit';
import { fromFlag, toFlag, type Database, type Row } from '../storage/schema';
import { isAssigned, isOffice, uncitablePhotos } from './access';
import { recordAudit } from './audit';
import { canonicalJson } from '../../domain/canonical-json';
import { isUniqueViolation } from './unique-violation';
import { applyCorrections } from './corrections';
import { refreshSiteResult, type SiteResult } from './site-results';
import { checkPresence } from './presence';

/** The answer to the PUT (domain/wire.ts). */
export type StoredInspectionSummary = StoredInspection;

export interface PutInspectionResult {
  created: boolean;
  summary: StoredInspectionSummary;
}

export async function putInspection(
  ctx: ServerContext,
  user: SignedInUser,
  inspection: Inspection,
  /** The sending device as the request named it (its User-Agent), for the audit trail. */
  device: string | null = null,
): Promise<PutInspectionResult> {
  const { db } = ctx;
  const body = canonicalJson(inspection);

  const existing = await findRevision(db, inspection.id, inspection.revision);
  if (existing) {
    if (!isOffice(user) && existing.inspector_id !== user.id) throw new ApiError('forbidden');
    return { created: false, summary: sameOrConflict(existing, body) };
  }

  const first = await firstRevision(db, inspection.id);
  if (first && !isOffice(user) && first.inspector_id !== user.id) {
    throw new ApiError('forbidden', '该测评由其他测评员提交，只有其本人可以修改');
  }
  const { round, site } = await loadRoundAndSite(db, inspection);
  if (!isOffice(user) && !(await isAssigned(db, user.id, round.id, site.id))) {
    throw new ApiError('forbidden', `您未被分配测评该点位（${site.name}）`);
  }
  const items = ctx.rubrics.get(inspection.rubricVersion)?.types[site.type].items;
  if (!items) throw invalid('rubricVersion', `未知的评分标准版本 ${inspection.rubricVersion}`);
  const issues = checkAnswersAgainstRubric({ items }, inspection.answers);
  if (issues.length > 0) {
    throw new ApiError('invalid_request', `测评内容不完整或有误：${issues[0]!.message}`, { issues });
  }
  checkSameSubject(first, inspection);

  const missingPhotos = await uncitablePhotos(db, user, [
    ...inspection.answers.flatMap((answer) => answer.photos),
    ...Object.values(inspection.thumbnails ?? {}),
  ]);
  if (missingPhotos.length > 0) {
    throw new ApiError('missing_photos', `服务器尚缺 ${missingPhotos.length} 张照片，请先上传`, { missingPhotos });
  }

  const { score, fullMarks, deductions } = scoreInspection(items, inspection.answers);
  const now = ctx.now().toISOString();
  try {
    // Group commit: concurrent PUTs share one transaction (one fsync); each is answered only
    // after the commit that stored it (storage/group-commit.ts).
    await groupCommit(ctx).execute(async (trx) => {
      // First: the chain head is the first lock this transaction takes (services/audit.ts).
      await recordAudit(trx, {
        actor: user,
        action: 'inspection.received',
        at: now,
        roundId: round.id,
        siteId: site.id,
        inspectionId: inspection.id,
        detail: {
          revision: inspection.revision,
          device,
          score,
          bodySha256: createHash('sha256').update(body).digest('hex'),
        },
      });
      // Proof of presence: flags warn the office, they never refuse the inspection.
      const presence = await checkPresence(trx, round, site, inspection, user.id, now);
      const row = {
        id: inspection.id,
        revision: inspection.revision,
        round_id: round.id,
        site_id: site.id,
        inspector_id: user.id,
        rubric_version: inspection.rubricVersion,
        started_at: new Date(inspection.startedAt).toISOString(),
        submitted_at: new Date(inspection.submittedAt).toISOString(),
        received_at: now,
        score,
        full_marks: toFlag(fullMarks),
        location_json: inspection.location ? JSON.stringify(inspection.location) : null,
        deductions_json: JSON.stringify(deductions.map(({ itemId, grade }) => ({ itemId, grade }))),
        body_json: body,
        flags_json: JSON.stringify(presence.flags),
        time_on_site_s: presence.timeOnSiteS,
      } as const;
      await trx.insertInto('inspections').values(row).execute();
      const photoRows = inspection.answers.flatMap((answer) =>
        [...new Set(answer.photos)].map((sha256) => ({
          inspection_id: inspection.id,
          revision: inspection.revision,
          item_id: answer.itemId,
          sha256,
          thumbnail_sha256: inspection.thumbnails?.[sha256] ?? null,
          source_sha256: inspection.photoMeta?.[sha256]?.sourceSha256 ?? null,
        })),
      );
      if (photoRows.length > 0) await trx.insertInto('inspection_photos').values(photoRows).execute();
      const refreshed = await refreshSiteResult(trx, ctx.engine, round, row, now);
      if (refreshed) {
        // The office's corrections (#17) stand whatever inspection is the site's result.
        const corrected = await applyCorrections(trx, ctx.rubrics, round.id, refreshed.siteId);
        const result = corrected ? { ...refreshed, ...corrected } : refreshed;
        await openRectifications(trx, round, result, now);
      }
    });
  } catch (error) {
    // A concurrent retry of the same request inserted first: answer as for any retry.
    if (!isUniqueViolation(error)) throw error;
    const winner = await findRevision(db, inspection.id, inspection.revision);
    if (!winner) throw error;
    return { created: false, summary: sameOrConflict(winner, body) };
  }
  return { created: true, summary: { id: inspection.id, revision: inspection.revision, score, fullMarks } };
}

function invalid(path: string, message: string): ApiError {
  return new ApiError('invalid_request', message, { issues: [{ path, message }] });
}

async function findRevision(db: Kysely<Database>, id: string, revision: number) {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
}

function sameOrConflict(existing: Row<'inspections'>, body: string): StoredInspectionSummary {
  if (existing.body_json !== body) {
    throw new ApiError('conflict', `该测评（版本 ${existing.revision}）已以不同内容提交过；修改请提交新版本`);
  }
  return {
    id: existing.id,
    revision: existing.revision,
    score: existing.score,
    fullMarks: fromFlag(existing.full_marks),
  };
}

async function loadRoundAndSite(db: Kysely<Database>, inspection: Inspection) {
  const round = await db.selectFrom('rounds').selectAll().where('id', '=', inspection.roundId).executeTakeFirst();
  if (!round) throw invalid('roundId', `未知的测评轮次 ${inspection.roundId}`);
  if (round.rubric_version !== inspection.rubricVersion) {
    throw invalid('rubricVersion', `该轮次使用 ${round.rubric_version} 版评分标准，而非 ${inspection.rubricVersion}`);
  }
  const site = await db.selectFrom('sites').selectAll().where('id', '=', inspection.siteId).executeTakeFirst();
  if (!site) throw invalid('siteId', `未知的点位 ${inspection.siteId}`);
  return { round, site };
}

/**
 * The inspection's earliest stored revision: its author owns the inspection (a field user's
 * revision of someone else's inspection is a 403), and its round and site are every revision's.
 */
async function firstRevision(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('inspections')
    .select(['inspector_id', 'round_id', 'site_id'])
    .where('id', '=', id)
    .orderBy('revision', 'asc')
    .limit(1)
    .executeTakeFirst();
}

/** Every revision of one inspection id is about the same round and site. */
function checkSameSubject(first: { round_id: string; site_id: string } | undefined, inspection: Inspection): void {
  if (first && (first.round_id !== inspection.roundId || first.site_id !== inspection.siteId)) {
    throw new ApiError('conflict', '同一测评编号的各版本必须属于同一轮次和点位');
  }
}

/**
 * When the site's result (its latest inspection, which may or may not be the one just stored)
 * must rectify, each deducted item gets an open rectification. Existing open ones follow the
 * latest finding; closed ones stay closed; a later inspection that no longer deducts an item
 * does not close it — only a recheck does.
 */
export async function openRectifications(
  trx: Transaction<Database>,
  round: Row<'rounds'>,
  result: SiteResult,
  now: string,
): Promise<void> {
  if (!mustRectify({ rectifyBelow: round.rectify_below }, result.score)) return;
  const { siteId } = result;

  const photos = await trx
    .selectFrom('inspection_photos')
    .select(['item_id', 'sha256'])
    .where('inspection_id', '=', result.inspectionId)
    .where('revision', '=', result.revision)
    .execute();
  const due = dueOn(result.submittedAt, round.rectify_days);
  for (const { itemId, grade } of result.deductions) {
    const id = rectificationKey(round.id, siteId, itemId);
    const finding = {
      grade,
      due_on: due,
      source_inspection_id: result.inspectionId,
      source_revision: result.revision,
      finding_note: result.notes.get(itemId) ?? null,
      before_photos_json: JSON.stringify(
        photos.filter((photo) => photo.item_id === itemId).map((photo) => photo.sha256),
      ),
    };
    await trx
      .insertInto('rectifications')
      .values({
        id,
        round_id: round.id,
        site_id: siteId,
        item_id: itemId,
        status: 'open',
        created_at: now,
        closed_at: null,
        ...finding,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({
            ...finding,
            // Once dispatched (#17) the due date is the unit's: set at dispatch or by an approved extension.
            due_on: sql<string>`case when rectifications.dispatched_at is null then excluded.due_on else rectifications.due_on end`,
            // The result deducts the item: withdrawn with a result that went away, it is live again.
            withdrawn_at: null,
          })
          .where('rectifications.status', '=', 'open'),
      )
      .execute();
  }
}
