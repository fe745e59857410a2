/**
 * Review (审核), issue #18: the office approves or returns each inspection revision; the
 * inspector's phone pulls the decisions; in a round that counts approved results only, a
 * decision moves the site's kept result (services/site-results.ts) and may open rectifications.
 *
 * Each decision is one transaction: the audit entry first (it locks the chain head, so decisions
 * are numbered in commit order and the phone's cursor never skips one), the `reviews` row
 * numbered with the entry, the revision's `review_state`, then the site's result.
 */
import type { Kysely, Transaction } from 'kysely';
import type {
  ApproveCleanResult,
  ItemComment,
  ReviewDecision,
  ReviewDecisionView,
  ReviewDecisionsPage,
  ReviewInput,
  ReviewListPage,
  ReviewState,
} from '../../domain/review';
import { storedFlags } from '../../domain/presence';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database, Row } from '../storage/schema';
import { lockAuditChain, recordAudit } from './audit';
import { applyCorrections } from './corrections';
import { openRectifications } from './inspections';
import { refreshSiteResult } from './site-results';

type Revision = Row<'inspections'>;

/** Reviews the inspection's revision; `created` false when it already had this very decision. */
export async function reviewInspection(
  ctx: ServerContext,
  reviewer: SignedInUser,
  inspectionId: string,
  input: Required<Pick<ReviewInput, 'revision' | 'decision'>> & { comment?: string; itemComments: ItemComment[] },
): Promise<{ created: boolean; review: ReviewDecisionView }> {
  const revision = await findRevision(ctx.db, inspectionId, input.revision);
  if (!revision) throw new ApiError('not_found', `找不到该测评的第 ${input.revision} 版`);
  checkItemComments(revision, input.itemComments);
  const comment = input.comment ? input.comment : null;
  return ctx.db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const current = (await findRevision(trx, inspectionId, input.revision))!;
    if (await supersededBy(trx, current)) {
      throw new ApiError('conflict', `该测评已有更新的版本，第 ${current.revision} 版不再审核`);
    }
    const last = await latestDecision(trx, current);
    if (last && last.decision === input.decision && last.comment === comment && sameItems(last, input.itemComments)) {
      return { created: false, review: last };
    }
    const review = await decide(ctx, trx, reviewer, current, input.decision, comment, input.itemComments);
    return { created: true, review };
  });
}

/**
 * Approves the listed revisions that are still pending, still the latest of their inspection and
 * clean (no presence flags); the others are skipped with the reason. One transaction.
 */
export async function approveClean(
  ctx: ServerContext,
  reviewer: SignedInUser,
  roundId: string,
  keys: readonly { id: string; revision: number }[],
): Promise<ApproveCleanResult> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const result: ApproveCleanResult = { approved: [], skipped: [] };
    for (const key of keys) {
      const revision = await findRevision(trx, key.id, key.revision);
      const skip = (reason: ApproveCleanResult['skipped'][number]['reason']) => result.skipped.push({ ...key, reason });
      if (!revision || revision.round_id !== roundId) skip('not_found');
      else if (revision.review_state !== 'pending') skip('not_pending');
      else if (await supersededBy(trx, revision)) skip('superseded');
      else if (flagsOf(revision).length > 0) skip('flagged');
      else {
        await decide(ctx, trx, reviewer, revision, 'approved', null, []);
        result.approved.push(key);
      }
    }
    return result;
  });
}

/**
 * The proof-of-presence flags' codes on a revision (`flags_json`, migration 0011): a revision
 * without any is clean. A revision stored before the checks existed (null) has none.
 */
export function flagsOf(revision: Pick<Row<'inspections'>, 'flags_json'>): string[] {
  return (storedFlags(revision.flags_json) ?? []).map((flag) => flag.code);
}

async function decide(
  ctx: ServerContext,
  trx: Transaction<Database>,
  reviewer: SignedInUser,
  revision: Revision,
  decision: ReviewDecision,
  comment: string | null,
  itemComments: ItemComment[],
): Promise<ReviewDecisionView> {
  const at = ctx.now().toISOString();
  const seq = await recordAudit(trx, {
    actor: reviewer,
    action: decision === 'approved' ? 'review.approved' : 'review.returned',
    at,
    roundId: revision.round_id,
    siteId: revision.site_id,
    inspectionId: revision.id,
    detail: {
      revision: revision.revision,
      before: revision.review_state,
      after: decision,
      comment,
      itemComments,
    },
  });
  await trx
    .insertInto('reviews')
    .values({
      seq,
      inspection_id: revision.id,
      revision: revision.revision,
      inspector_id: revision.inspector_id,
      decision,
      comment,
      item_comments_json: JSON.stringify(itemComments),
      reviewer_id: reviewer.id,
      reviewed_at: at,
    })
    .execute();
  await trx
    .updateTable('inspections')
    .set({ review_state: decision })
    .where('id', '=', revision.id)
    .where('revision', '=', revision.revision)
    .execute();
  const round = await trx
    .selectFrom('rounds')
    .selectAll()
    .where('id', '=', revision.round_id)
    .executeTakeFirstOrThrow();
  // Only where review decides what counts does a decision move the site's result.
  if (round.approved_only === 1) await refreshWithCorrections(ctx, trx, round, revision, at);
  return {
    seq,
    inspectionId: revision.id,
    revision: revision.revision,
    roundId: revision.round_id,
    siteId: revision.site_id,
    decision,
    comment,
    itemComments,
    reviewerName: reviewer.displayName,
    reviewedAt: at,
  };
}

async function findRevision(db: Kysely<Database>, id: string, revision: number): Promise<Revision | undefined> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
}

async function supersededBy(db: Kysely<Database>, revision: Revision): Promise<boolean> {
  const newer = await db
    .selectFrom('inspections')
    .select('revision')
    .where('id', '=', revision.id)
    .where('revision', '>', revision.revision)
    .limit(1)
    .executeTakeFirst();
  return newer !== undefined;
}

/** A per-item comment must be about an item the revision answered. */
function checkItemComments(revision: Revision, itemComments: readonly ItemComment[]): void {
  const answered = new Set(
    (JSON.parse(revision.body_json) as { answers: { itemId: string }[] }).answers.map((answer) => answer.itemId),
  );
  const issues = itemComments.flatMap((entry, index) =>
    answered.has(entry.itemId)
      ? []
      : [{ path: `itemComments.${index}.itemId`, message: `item ${entry.itemId} is not in this inspection` }],
  );
  if (issues.length > 0) throw new ApiError('invalid_request', `审核意见针对的检查项不在该测评中`, { issues });
}

function sameItems(review: ReviewDecisionView, itemComments: readonly ItemComment[]): boolean {
  return JSON.stringify(review.itemComments) === JSON.stringify(itemComments);
}

const decisionColumns = [
  'reviews.seq',
  'reviews.inspection_id',
  'reviews.revision',
  'reviews.decision',
  'reviews.comment',
  'reviews.item_comments_json',
  'reviews.reviewed_at',
  'inspections.round_id',
  'inspections.site_id',
  'users.display_name as reviewer_name',
] as const;

function decisionsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('reviews')
    .innerJoin('inspections', (join) =>
      join.onRef('inspections.id', '=', 'reviews.inspection_id').onRef('inspections.revision', '=', 'reviews.revision'),
    )
    .innerJoin('users', 'users.id', 'reviews.reviewer_id')
    .select(decisionColumns);
}

type DecisionRow = Awaited<ReturnType<ReturnType<typeof decisionsQuery>['execute']>>[number];

function decisionView(row: DecisionRow): ReviewDecisionView {
  return {
    seq: Number(row.seq),
    inspectionId: row.inspection_id,
    revision: row.revision,
    roundId: row.round_id,
    siteId: row.site_id,
    decision: row.decision,
    comment: row.comment,
    itemComments: JSON.parse(row.item_comments_json) as ItemComment[],
    reviewerName: row.reviewer_name,
    reviewedAt: row.reviewed_at,
  };
}

async function latestDecision(db: Kysely<Database>, revision: Revision): Promise<ReviewDecisionView | undefined> {
  const row = await decisionsQuery(db)
    .where('reviews.inspection_id', '=', revision.id)
    .where('reviews.revision', '=', revision.revision)
    .orderBy('reviews.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && decisionView(row);
}

/** Every decision on the inspection's revisions, oldest first (the trail behind a score). */
export async function decisionsOn(db: Kysely<Database>, inspectionId: string): Promise<ReviewDecisionView[]> {
  const rows = await decisionsQuery(db)
    .where('reviews.inspection_id', '=', inspectionId)
    .orderBy('reviews.seq')
    .execute();
  return rows.map(decisionView);
}

/** The phone's pull: decisions on this inspector's inspections after `since`, a page at a time. */
export async function decisionsSince(
  db: Kysely<Database>,
  inspectorId: string,
  since: number,
  limit = 200,
): Promise<ReviewDecisionsPage> {
  const rows = await decisionsQuery(db)
    .where('reviews.inspector_id', '=', inspectorId)
    .where('reviews.seq', '>', since)
    .orderBy('reviews.seq')
    .limit(limit + 1)
    .execute();
  const decisions = rows.slice(0, limit).map(decisionView);
  return { decisions, cursor: decisions.at(-1)?.seq ?? since, more: rows.length > limit };
}

/**
 * The office's review list: each inspection's latest revision in the round, in the given state
 * (all without one), oldest arrival first (the queue order), with its latest decision.
 */
export async function reviewList(
  db: Kysely<Database>,
  roundId: string,
  filter: { state?: ReviewState; offset: number; limit: number },
): Promise<ReviewListPage> {
  const base = db
    .selectFrom('inspections')
    .where('inspections.round_id', '=', roundId)
    .$if(filter.state !== undefined, (query) => query.where('inspections.review_state', '=', filter.state!))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('inspections as newer')
            .select('newer.revision')
            .whereRef('newer.id', '=', 'inspections.id')
            .whereRef('newer.revision', '>', 'inspections.revision'),
        ),
      ),
    );
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    base
      .innerJoin('sites', 'sites.id', 'inspections.site_id')
      .innerJoin('users', 'users.id', 'inspections.inspector_id')
      .selectAll('inspections')
      .select(['sites.name as site_name', 'sites.district', 'users.display_name as inspector_name'])
      .orderBy('inspections.received_at')
      .orderBy('inspections.id')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute(),
  ]);
  const latest = new Map<string, ReviewDecisionView>();
  if (rows.length > 0) {
    const decided = await decisionsQuery(db)
      .where(
        'reviews.inspection_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('reviews.seq')
      .execute();
    for (const row of decided) latest.set(`${row.inspection_id}@${row.revision}`, decisionView(row));
  }
  return {
    total: Number(count.total),
    rows: rows.map((row) => ({
      inspectionId: row.id,
      revision: row.revision,
      siteId: row.site_id,
      siteName: row.site_name,
      district: row.district,
      inspectorId: row.inspector_id,
      inspectorName: row.inspector_name,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      score: row.score,
      fullMarks: row.full_marks === 1,
      reviewState: row.review_state,
      flags: flagsOf(row),
      latestReview: latest.get(`${row.id}@${row.revision}`) ?? null,
    })),
  };
}

/** How many inspections of the round wait for review (their latest revision is pending). */
export async function awaitingReview(db: Kysely<Database>, roundId: string): Promise<number> {
  const { total } = await db
    .selectFrom('inspections')
    .where('inspections.round_id', '=', roundId)
    .where('inspections.review_state', '=', 'pending')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('inspections as newer')
            .select('newer.revision')
            .whereRef('newer.id', '=', 'inspections.id')
            .whereRef('newer.revision', '>', 'inspections.revision'),
        ),
      ),
    )
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return Number(total);
}

/**
 * After the round's "only approved results count" changed: every inspected site's kept result
 * chosen again under the new rule (and the rectifications its result opens). One pass over the
 * round's sites; an office action, not a request path.
 */
export async function reapplyResultRule(
  ctx: ServerContext,
  trx: Transaction<Database>,
  round: Row<'rounds'>,
): Promise<void> {
  const sites = await trx
    .selectFrom('inspections')
    .select('site_id')
    .distinct()
    .where('round_id', '=', round.id)
    .execute();
  const now = ctx.now().toISOString();
  for (const { site_id } of sites) {
    // Any revision of the site: the refresh chooses among all of them under the round's rule.
    const revision = await trx
      .selectFrom('inspections')
      .selectAll()
      .where('round_id', '=', round.id)
      .where('site_id', '=', site_id)
      .limit(1)
      .executeTakeFirstOrThrow();
    await refreshWithCorrections(ctx, trx, round, revision, now);
  }
}

/** The site's kept result chosen again, the office's corrections (#17) applied, its rectifications opened. */
async function refreshWithCorrections(
  ctx: ServerContext,
  trx: Transaction<Database>,
  round: Row<'rounds'>,
  revision: Revision,
  now: string,
): Promise<void> {
  const refreshed = await refreshSiteResult(trx, ctx.engine, round, revision, now);
  if (!refreshed) return;
  const corrected = await applyCorrections(trx, ctx.rubrics, round.id, refreshed.siteId);
  await openRectifications(trx, round, corrected ? { ...refreshed, ...corrected } : refreshed, now);
}
