/**
 * Review decisions (审核) the phone pulled from the server (`GET /api/review-decisions`), kept
 * in the `meta` store so the inspector reads them offline: the latest decision per inspection and
 * the cursor of the last pull. Small (one entry per inspection of this inspector), so one
 * record, written in one transaction with its cursor: a crash never keeps a cursor past
 * decisions it did not store. The record belongs to the inspector who pulled it: the server's
 * cursor counts everyone's decisions, so another inspector signing in on the same phone starts
 * from 0 (and never sees the first one's decisions), instead of from a cursor past their own.
 */
import type { ReviewDecisionView, ReviewDecisionsPage } from '../../domain/review';
import { readTransaction, writeTransaction, type CivicDatabase } from './database';

const KEY = 'reviewDecisions';

interface StoredDecisions {
  userId?: string;
  cursor: number;
  /** The latest decision per inspection id. */
  byInspection: Record<string, ReviewDecisionView>;
}

async function read(db: CivicDatabase, userId: string): Promise<StoredDecisions> {
  const stored = (await db.meta.get(KEY))?.value as StoredDecisions | undefined;
  return stored?.userId === userId ? stored : { userId, cursor: 0, byInspection: {} };
}

/** The cursor to pull after (0 before the first pull). */
export async function reviewCursor(db: CivicDatabase, userId: string): Promise<number> {
  return (await readTransaction(db, ['meta'], () => read(db, userId))).cursor;
}

/** Stores a pulled page: each inspection keeps its latest decision; the cursor moves with it. */
export async function saveReviewDecisions(db: CivicDatabase, userId: string, page: ReviewDecisionsPage): Promise<void> {
  await writeTransaction(db, ['meta'], async () => {
    const stored = await read(db, userId);
    for (const decision of page.decisions) {
      const current = stored.byInspection[decision.inspectionId];
      if (!current || current.seq < decision.seq) stored.byInspection[decision.inspectionId] = decision;
    }
    stored.cursor = Math.max(stored.cursor, page.cursor);
    await db.meta.put({ key: KEY, value: stored });
  });
}

/** The latest decision on an inspection, if any. */
export async function latestReviewDecision(
  db: CivicDatabase,
  userId: string,
  inspectionId: string,
): Promise<ReviewDecisionView | undefined> {
  return (await readTransaction(db, ['meta'], () => read(db, userId))).byInspection[inspectionId];
}

/** Every inspection's latest decision (the sites list marks returned ones). */
export async function reviewDecisions(db: CivicDatabase, userId: string): Promise<ReviewDecisionView[]> {
  return Object.values((await readTransaction(db, ['meta'], () => read(db, userId))).byInspection);
}
