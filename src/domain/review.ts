/**
 * Review (审核) on the wire, shared by the office, the phone and the server (issue #18): each
 * inspection revision is 待审核 (`pending`) until the office approves it (`approved`, 已通过)
 * or returns it (`returned`, 已退回) with a comment the inspector reads on the phone.
 */
import * as z from 'zod/mini';
import type { AuditEntryView } from './audit';
import type { Grade } from './grades';
import { RUBRIC_ITEM_ID } from './rubric';

export const REVIEW_STATES = ['pending', 'approved', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_DECISIONS = ['approved', 'returned'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const RETURN_NEEDS_COMMENT = 'a returned inspection needs a comment';
const comment = z.string().check(z.trim(), z.maxLength(1000));

/** `POST /api/inspections/{id}/reviews`. */
export const reviewInputSchema = z
  .object({
    revision: z.int().check(z.gte(1), z.lte(10_000)),
    decision: z.enum(REVIEW_DECISIONS),
    comment: z.optional(comment),
    itemComments: z._default(
      z
        .array(
          z.object({
            itemId: z.string().check(z.regex(RUBRIC_ITEM_ID, 'unknown item id')),
            comment: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
          }),
        )
        .check(z.maxLength(200)),
      [],
    ),
  })
  .check(
    z.refine((review) => review.decision !== 'returned' || (review.comment ?? '').length > 0, {
      message: RETURN_NEEDS_COMMENT,
      path: ['comment'],
    }),
  );
export type ReviewInput = z.input<typeof reviewInputSchema>;

/** `POST /api/rounds/{roundId}/reviews/approve-clean`: the listed revisions the office saw as clean. */
export const approveCleanSchema = z.object({
  inspections: z
    .array(z.object({ id: z.uuid(), revision: z.int().check(z.gte(1), z.lte(10_000)) }))
    .check(z.minLength(1), z.maxLength(500)),
});

export interface ItemComment {
  itemId: string;
  comment: string;
}

/** A review decision as the API shows it (the office's review page, the phone's pull). */
export interface ReviewDecisionView {
  /** Grows in commit order: the phone's cursor. */
  seq: number;
  inspectionId: string;
  revision: number;
  roundId: string;
  siteId: string;
  decision: ReviewDecision;
  comment: string | null;
  itemComments: ItemComment[];
  reviewerName: string;
  reviewedAt: string;
}

/** `GET /api/review-decisions?since=`: what changed for this user since their last pull. */
export interface ReviewDecisionsPage {
  decisions: ReviewDecisionView[];
  /** Send back as `since` next time. */
  cursor: number;
  /** More decisions wait beyond this page. */
  more: boolean;
}

/** One row of the office's review list (`GET /api/rounds/{roundId}/reviews`). */
export interface ReviewListRow {
  inspectionId: string;
  revision: number;
  siteId: string;
  siteName: string;
  district: string;
  inspectorId: string;
  inspectorName: string;
  submittedAt: string;
  receivedAt: string;
  score: number;
  fullMarks: boolean;
  reviewState: ReviewState;
  /** Presence checks' flags (issue #18, proof of presence); empty when none were computed. */
  flags: string[];
  latestReview: ReviewDecisionView | null;
}

export interface ReviewListPage {
  total: number;
  rows: ReviewListRow[];
}

/** `POST …/approve-clean`'s answer. */
export interface ApproveCleanResult {
  approved: { id: string; revision: number }[];
  skipped: { id: string; revision: number; reason: 'not_pending' | 'superseded' | 'flagged' | 'not_found' }[];
}

/** An office correction of an item's grade, as the trail lists it. */
export interface TrailCorrection {
  itemId: string;
  fromGrade: Grade;
  toGrade: Grade;
  correctedByName: string | null;
  correctedAt: string;
  reason: string;
  /** The unit's objection it upheld, when it came from one. */
  requestId: string | null;
}

/** `GET /api/inspections/{id}/trail`: what a score rests on. */
export interface InspectionTrail {
  inspectionId: string;
  roundId: string;
  siteId: string;
  /** The revision that is the site's counted result, when it is one of this inspection's. */
  countedRevision: number | null;
  revisions: {
    revision: number;
    score: number;
    fullMarks: boolean;
    submittedAt: string;
    receivedAt: string;
    reviewState: ReviewState;
    inspectorName: string;
  }[];
  reviews: ReviewDecisionView[];
  /**
   * The office's corrections of the site's items in the round (issue #17), oldest first: they
   * apply to the site's counted result, so only the inspection that is the result lists them.
   */
  corrections: TrailCorrection[];
  /** The log entries about this inspection, oldest first. */
  log: AuditEntryView[];
}
