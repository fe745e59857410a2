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
import { isOffice, uncitablePhotos } from './access';
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

  const { existing, first } = await storedRevisions(db, inspection.id, inspection.revision);
  if (existing) {
    if (!isOffice(user) && existing.inspector_id !== user.id) throw new ApiError('forbidden');
    return { created: false, summary: sameOrConflict(existing, body) };
  }

  if (first && !isOffice(user) && first.inspector_id !== user.id) {
    throw new ApiError('forbidden', '该测评由其他测评员提交，只有其本人可以修改');
  }
  const { round, site, assigned } = await loadSubject(db, inspection, user.id);
  if (!isOffice(user) && !assigned) {
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
      const refreshed = await refreshSiteResult(trx, ctx.engine, round, row, now, true);
      if (refreshed) {
        // The office's corrections (#17) stand whatever inspection is the site's result.
        const corrected = refreshed.first
          ? undefined
          : await applyCorrections(trx, ctx.rubrics, round.id, refreshed.siteId);
        const result = corrected ? { ...refreshed, ...corrected } : refreshed;
        const isStored = result.inspectionId === inspection.id && result.revision === inspection.revision;
        await openRectifications(trx, round, result, now, isStored ? photoRows : undefined);
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

type RevisionKey = Pick<Row<'inspections'>, 'id' | 'revision' | 'inspector_id' | 'round_id' | 'site_id' | 'score'> & {
  full_marks: Row<'inspections'>['full_marks'];
  body_json: string | null;
};

/**
 * In one round trip, what the PUT must know of the inspection's stored revisions: the one it
 * repeats, if any (with its body, for the same-content check), and the first (its owner, round
 * and site). Only the repeated revision's body is read.
 */
async function storedRevisions(
  db: Kysely<Database>,
  id: string,
  revision: number,
): Promise<{ existing: RevisionKey | undefined; first: RevisionKey | undefined }> {
  const rows = await db
    .selectFrom('inspections')
    .select(['id', 'revision', 'inspector_id', 'round_id', 'site_id', 'score', 'full_marks'])
    .select((eb) =>
      eb
        .case()
        .when('revision', '=', revision)
        .then(eb.ref('body_json'))
        .else(sql<string | null>`null`)
        .end()
        .as('body_json'),
    )
    .where('id', '=', id)
    .orderBy('revision', 'asc')
    .execute();
  return { existing: rows.find((row) => row.revision === revision), first: rows[0] };
}

function sameOrConflict(
  existing: Pick<RevisionKey, 'id' | 'revision' | 'score' | 'full_marks' | 'body_json'>,
  body: string,
): StoredInspectionSummary {
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

/**
 * The round, the site and whether the user is assigned to it, in one round trip (the PUT's hot
 * path). When the round or the site is unknown the join finds nothing, and the reads that say
 * which one run then (an error path).
 */
async function loadSubject(db: Kysely<Database>, inspection: Inspection, userId: string) {
  const found = await db
    .selectFrom('rounds')
    .innerJoin('sites', (join) => join.on('sites.id', '=', inspection.siteId))
    .selectAll('rounds')
    .select(['sites.name as site_name', 'sites.type as site_type', 'sites.lat as site_lat', 'sites.lng as site_lng'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('assignments')
            .select('assignments.user_id')
            .where('assignments.round_id', '=', inspection.roundId)
            .where('assignments.site_id', '=', inspection.siteId)
            .where('assignments.user_id', '=', userId),
        )
        .as('assigned'),
    )
    .where('rounds.id', '=', inspection.roundId)
    .executeTakeFirst();
  if (!found) {
    await loadRoundAndSite(db, inspection);
    throw new Error('the round and the site exist but their join found nothing');
  }
  const { site_name, site_type, site_lat, site_lng, assigned, ...round } = found;
  checkRubricOfRound(round, inspection);
  const site = { id: inspection.siteId, name: site_name, type: site_type, lat: site_lat, lng: site_lng };
  // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
  return { round, site, assigned: Boolean(assigned) };
}

function checkRubricOfRound(round: Pick<Row<'rounds'>, 'rubric_version'>, inspection: Inspection): void {
  if (round.rubric_version !== inspection.rubricVersion) {
    throw invalid('rubricVersion', `该轮次使用 ${round.rubric_version} 版评分标准，而非 ${inspection.rubricVersion}`);
  }
}

/** The round and the site one by one, each with its own 400 when unknown. */
async function loadRoundAndSite(db: Kysely<Database>, inspection: Inspection) {
  const round = await db.selectFrom('rounds').selectAll().where('id', '=', inspection.roundId).executeTakeFirst();
  if (!round) throw invalid('roundId', `未知的测评轮次 ${inspection.roundId}`);
  checkRubricOfRound(round, inspection);
  const site = await db.selectFrom('sites').selectAll().where('id', '=', inspection.siteId).executeTakeFirst();
  if (!site) throw invalid('siteId', `未知的点位 ${inspection.siteId}`);
  return { round, site };
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
  /** The result's photo references when the caller has them in hand (it just inserted them). */
  knownPhotos?: readonly { item_id: string; sha256: string }[],
): Promise<void> {
  if (!mustRectify({ rectifyBelow: round.rectify_below }, result.score)) return;
  if (result.deductions.length === 0) return;
  const { siteId } = result;

  const photos =
    knownPhotos ??
    (await trx
      .selectFrom('inspection_photos')
      .select(['item_id', 'sha256'])
      .where('inspection_id', '=', result.inspectionId)
      .where('revision', '=', result.revision)
      .execute());
  const due = dueOn(result.submittedAt, round.rectify_days);
  const rows = result.deductions.map(({ itemId, grade }) => ({
    id: rectificationKey(round.id, siteId, itemId),
    round_id: round.id,
    site_id: siteId,
    item_id: itemId,
    status: 'open' as const,
    created_at: now,
    closed_at: null,
    grade,
    due_on: due,
    source_inspection_id: result.inspectionId,
    source_revision: result.revision,
    finding_note: result.notes.get(itemId) ?? null,
    before_photos_json: JSON.stringify(photos.filter((photo) => photo.item_id === itemId).map((photo) => photo.sha256)),
  }));
  // One statement for every deducted item: an open one follows the latest finding (the row
  // offered, `excluded`), a closed one stays closed.
  await trx
    .insertInto('rectifications')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({
          grade: eb.ref('excluded.grade'),
          source_inspection_id: eb.ref('excluded.source_inspection_id'),
          source_revision: eb.ref('excluded.source_revision'),
          finding_note: eb.ref('excluded.finding_note'),
          before_photos_json: eb.ref('excluded.before_photos_json'),
          // Once dispatched (#17) the due date is the unit's: set at dispatch or by an approved extension.
          due_on: sql<string>`case when rectifications.dispatched_at is null then excluded.due_on else rectifications.due_on end`,
          // The result deducts the item: withdrawn with a result that went away, it is live again.
          withdrawn_at: null,
        }))
        .where('rectifications.status', '=', 'open'),
    )
    .execute();
}
