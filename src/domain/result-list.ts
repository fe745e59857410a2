/**
 * The results list a page at a time (`GET /api/rounds/{roundId}/result-list`): the shapes the
 * server answers with and the office's results page reads, and the sorts it offers.
 */
import type { PresenceFlag } from './presence';
import type { SiteType } from './rubric';

export const RESULT_LIST_SORTS = [
  'site',
  'district',
  'type',
  'score',
  'fullMarks',
  'inspector',
  'submittedAt',
  'receivedAt',
] as const;
export type ResultListSort = (typeof RESULT_LIST_SORTS)[number];

/** Rows per request at most (the route's `limit`). */
export const RESULT_LIST_MAX_LIMIT = 1000;

export interface ResultListRow {
  inspectionId: string;
  revision: number;
  siteId: string;
  siteName: string;
  district: string;
  type: SiteType;
  inspectorId: string;
  inspectorName: string;
  submittedAt: string;
  receivedAt: string;
  score: number;
  fullMarks: boolean;
  mustRectify: boolean;
  /** Proof-of-presence flags of the result (`presence.ts`): `[]` clean; null stored before the checks existed. */
  flags: PresenceFlag[] | null;
  /** Seconds from the first to the last photo; null with fewer than two photos or never checked. */
  timeOnSiteS: number | null;
}

export interface ResultListPage {
  /** Rows matching the filters (all pages). */
  total: number;
  offset: number;
  rows: ResultListRow[];
}

/** The query parameters, as sent (all optional; see docs/API.md). */
export interface ResultListParams {
  offset?: number;
  limit?: number;
  sort?: ResultListSort;
  direction?: 'asc' | 'desc';
  q?: string;
  district?: string;
  type?: SiteType;
  fullMarks?: 'yes' | 'no';
  rectify?: 'yes' | 'no';
  inspectorId?: string;
  from?: string;
  to?: string;
  minScore?: string;
  maxScore?: string;
  /** Proof of presence: `yes` at least one flag, `no` clean. */
  flagged?: 'yes' | 'no';
}
