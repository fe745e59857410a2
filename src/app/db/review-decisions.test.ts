// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, expect, it } from 'vitest';
import type { ReviewDecisionView } from '../../domain/review';
import type { CivicDatabase } from './database';
import { latestReviewDecision, reviewCursor, reviewDecisions, saveReviewDecisions } from './review-decisions';
import { testDatabase } from './test-support';

let db: CivicDatabase;
beforeEach(async () => {
  db = (await testDatabase()).db;
});

const decision = (seq: number, inspectionId: string, over: Partial<ReviewDecisionView> = {}): ReviewDecisionView => ({
  seq,
  inspectionId,
  revision: 1,
  roundId: 'R1',
  siteId: 'S1',
  decision: 'returned',
  comment: '照片看不清',
  itemComments: [{ itemId: 'T16', comment: '补拍' }],
  reviewerName: '督导甲',
  reviewedAt: '2021-07-20T02:00:00.000Z',
  ...over,
});

it('keeps the latest decision per inspection and moves the cursor with them', async () => {
  expect(await reviewCursor(db, 'u1')).toBe(0);
  await saveReviewDecisions(db, 'u1', { decisions: [decision(3, 'i-1'), decision(4, 'i-2')], cursor: 4, more: false });
  await saveReviewDecisions(db, 'u1', {
    decisions: [decision(9, 'i-1', { revision: 2, decision: 'approved', comment: null, itemComments: [] })],
    cursor: 9,
    more: false,
  });
  expect(await reviewCursor(db, 'u1')).toBe(9);
  expect(await latestReviewDecision(db, 'u1', 'i-1')).toMatchObject({ seq: 9, decision: 'approved', revision: 2 });
  expect(await latestReviewDecision(db, 'u1', 'i-2')).toMatchObject({ comment: '照片看不清' });
  expect((await reviewDecisions(db, 'u1')).length).toBe(2);
});

it('an older page arriving late changes nothing', async () => {
  await saveReviewDecisions(db, 'u1', {
    decisions: [decision(9, 'i-1', { decision: 'approved' })],
    cursor: 9,
    more: false,
  });
  await saveReviewDecisions(db, 'u1', { decisions: [decision(3, 'i-1')], cursor: 3, more: false });
  expect(await reviewCursor(db, 'u1')).toBe(9);
  expect(await latestReviewDecision(db, 'u1', 'i-1')).toMatchObject({ decision: 'approved' });
});

it('belongs to the inspector who pulled it: another one signing in on the phone starts from 0 and sees none of it', async () => {
  await saveReviewDecisions(db, 'u1', { decisions: [decision(9, 'i-1')], cursor: 9, more: false });
  expect(await reviewCursor(db, 'u2')).toBe(0);
  expect(await reviewDecisions(db, 'u2')).toEqual([]);
  expect(await latestReviewDecision(db, 'u2', 'i-1')).toBeUndefined();
  await saveReviewDecisions(db, 'u2', { decisions: [decision(4, 'i-5')], cursor: 12, more: false });
  expect(await reviewCursor(db, 'u2')).toBe(12);
  expect((await reviewDecisions(db, 'u2')).map((d) => d.inspectionId)).toEqual(['i-5']);
});
