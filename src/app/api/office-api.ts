/**
 * The office workspace's calls to the v1 API (and the project's extras: round editing, results
 * with grades, the `since` feed, publication), typed, over the app's one API client — so the
 * bearer token, timeouts and typed errors are the same as everywhere else. Also the open call
 * of the public ranking page. Imported only by lazy chunks (office and public pages).
 */
import type { AuditPage, ChainReport } from '../../domain/audit';
import type {
  ApproveCleanResult,
  InspectionTrail,
  ItemComment,
  ReviewDecision,
  ReviewDecisionView,
  ReviewListPage,
  ReviewState,
} from '../../domain/review';
import type { BulletinDocument, BulletinDocumentView } from '../../domain/bulletin-document';
import type { RectificationProgress } from '../../domain/rectification-progress';
import type { RoundReport, RoundResult } from '../../domain/report';
import type { ResultListPage, ResultListParams } from '../../domain/result-list';
import type { Grade } from '../../domain/grades';
import type { Rubric } from '../../domain/rubric';
import type { RoundLoopFigures } from '../../domain/unit-figures';
import type {
  Assignment,
  Inspection,
  InspectionSummary,
  PublicationView as Publication,
  PublicRanking,
  RecheckHistoryEntry,
  Role,
  Round,
  RoundInput,
  RoundPatch,
  Site,
  UnitDecision,
  UnitRequestKind,
  UnitSettings,
  User,
  UserInput,
  UserView,
} from '../../domain/wire';
import type { Rectification } from '../db/types';
import type { ApiClient, DownloadOptions } from './api-client';

export interface UserPatch {
  displayName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

export type { InspectionSummary, PublicRanking, RecheckHistoryEntry, UserView } from '../../domain/wire';
export type { PublicationView as Publication } from '../../domain/wire';

/** A rectification as listed by the server, with the inspector's note on the item. */
export type RectificationView = Rectification & { note?: string };

/** With the proof-of-presence flags and time on site (absent from servers before them). */
export type InspectionDetail = Inspection & InspectionSummary & { timeOnSiteS?: number | null };

/**
 * A site's current link for its responsible unit (`GET /api/rounds/{id}/unit-links`, the units
 * loop of issue #17): `url` is what the rectification notice's QR code encodes.
 */
export interface UnitLinkView {
  siteId: string;
  siteName: string;
  district: string;
  url: string;
  token: string;
  issuedAt: string;
  active: boolean;
}

/** A unit's request (延期 / 回退 / 申诉) as the server lists it (#17, `GET /api/rounds/{id}/unit-requests`). */
export interface UnitRequestView {
  id: string;
  rectificationId: string;
  kind: UnitRequestKind;
  reason: string;
  dueOn: string | null;
  photos: string[];
  requestedAt: string;
  requestedBy: string;
  status: 'pending' | 'approved' | 'refused';
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  previousDueOn: string | null;
}

/** A rectification in the units' loop (`GET /api/rounds/{id}/unit-items`): `state: "waiting"` until dispatched. */
export interface UnitItemView {
  id: string;
  roundId: string;
  siteId: string;
  siteName: string;
  district: string;
  itemId: string;
  grade: Grade;
  note: string | null;
  beforePhotos: string[];
  dueOn: string;
  dispatchedAt: string | null;
  objectionUntil: string | null;
  status: 'open' | 'closed';
  state: 'waiting' | 'dispatched' | 'answered' | 'sent_back' | 'closed';
  escalation: 'blue' | 'yellow' | 'red' | null;
  sentBack: number;
  requests: UnitRequestView[];
}

export interface DispatchResult {
  dispatched: number;
  rectificationIds: string[];
  linksIssued: number;
}

export type OfficeApi = ReturnType<typeof createOfficeApi>;

const path = (value: string) => encodeURIComponent(value);

export interface AuditQuery {
  roundId?: string;
  siteId?: string;
  inspectionId?: string;
  action?: string;
  before?: number;
  limit?: number;
}

/** The parameters that are set, in a stable order (the same query, the same URL). */
function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') query.set(key, String(value));
  return query.toString();
}

export function createOfficeApi(api: ApiClient) {
  const get = <T>(url: string, signal?: AbortSignal) =>
    api.request<T>('GET', url, undefined, signal ? { signal } : {}).then((r) => r.data);
  const send = <T>(method: string, url: string, body?: object) =>
    api.request<T>(method, url, body, { timeoutMs: 120_000 }).then((r) => r.data);
  const rubrics = new Map<string, Promise<Rubric>>();

  return {
    users: (signal?: AbortSignal) => get<UserView[]>('/api/users', signal),
    createUser: (input: UserInput) => send<User>('POST', '/api/users', input),
    updateUser: (userId: string, patch: UserPatch) => send<UserView>('PATCH', `/api/users/${path(userId)}`, patch),

    sites: (signal?: AbortSignal) => get<Site[]>('/api/sites', signal),
    roundSites: (roundId: string, signal?: AbortSignal) => get<Site[]>(`/api/sites?roundId=${path(roundId)}`, signal),
    putSites: (sites: Site[]) => send<{ upserted: number }>('PUT', '/api/sites', sites),

    rounds: (signal?: AbortSignal) => get<Round[]>('/api/rounds', signal),
    round: (roundId: string, signal?: AbortSignal) => get<Round>(`/api/rounds/${path(roundId)}`, signal),
    createRound: (input: RoundInput) => send<Round>('POST', '/api/rounds', input),
    updateRound: (roundId: string, patch: RoundPatch) => send<Round>('PATCH', `/api/rounds/${path(roundId)}`, patch),

    assignments: (roundId: string, signal?: AbortSignal) =>
      get<Assignment[]>(`/api/rounds/${path(roundId)}/assignments`, signal),
    assign: (roundId: string, pairs: Assignment[]) =>
      send<{ assigned: number }>('PUT', `/api/rounds/${path(roundId)}/assignments`, pairs),
    unassign: (roundId: string, pairs: Assignment[]) =>
      send<{ removed: number }>('DELETE', `/api/rounds/${path(roundId)}/assignments`, pairs),

    /** Every inspection summary of the round, or (with `since`) those received at or after it. */
    inspections: (roundId: string, since?: string, signal?: AbortSignal) =>
      get<InspectionSummary[]>(
        `/api/rounds/${path(roundId)}/inspections${since ? `?since=${encodeURIComponent(since)}` : ''}`,
        signal,
      ),
    inspection: (id: string, revision?: number, signal?: AbortSignal) =>
      get<InspectionDetail>(`/api/inspections/${path(id)}${revision ? `?revision=${revision}` : ''}`, signal),
    results: (roundId: string, signal?: AbortSignal) =>
      get<RoundResult[]>(`/api/rounds/${path(roundId)}/results`, signal),
    /** A page of the round's current results, filtered and sorted by the server. */
    resultList: (roundId: string, params: ResultListParams, signal?: AbortSignal) =>
      get<ResultListPage>(`/api/rounds/${path(roundId)}/result-list?${queryString({ ...params })}`, signal),
    /** A sheet the server streams as CSV (results, per-item scores), with row progress. */
    exportCsv: (roundId: string, sheet: 'results' | 'items', options?: DownloadOptions) =>
      api.download(`/api/rounds/${path(roundId)}/exports/${sheet}.csv`, options),
    report: (roundId: string, signal?: AbortSignal) => get<RoundReport>(`/api/rounds/${path(roundId)}/report`, signal),

    /** The round's rectifications with their latest verdict and before-photos (routes/rectifications.ts). */
    rectifications: (roundId: string, signal?: AbortSignal) =>
      get<RectificationView[]>(`/api/rectifications?roundId=${path(roundId)}`, signal),
    /** Closed, open and overdue per district and site (routes/recheck-progress.ts). */
    rectificationProgress: (roundId: string, signal?: AbortSignal) =>
      get<RectificationProgress>(`/api/rounds/${path(roundId)}/rectification-progress`, signal),
    recheckHistory: (rectificationId: string, signal?: AbortSignal) =>
      get<RecheckHistoryEntry[]>(`/api/rectifications/${path(rectificationId)}/rechecks`, signal),
    recheckResultsCsv: (roundId: string) => api.getBlob(`/api/rounds/${path(roundId)}/recheck-results.csv`),
    /** 按期整改率, 返工率, 延期率, 申诉率, 申诉改判率 per district and unit (#17). */
    unitFigures: (roundId: string, signal?: AbortSignal) =>
      get<RoundLoopFigures>(`/api/rounds/${path(roundId)}/unit-figures`, signal),
    /** The units' figures per district and unit as a sheet (#17, services/unit-figures.ts). */
    unitFiguresCsv: (roundId: string) => api.getBlob(`/api/rounds/${path(roundId)}/exports/unit-figures.csv`),
    /** A rubric version, fetched once per session. */
    rubric: (version: string) => {
      let rubric = rubrics.get(version);
      if (!rubric) {
        rubric = get<Rubric>(`/api/rubrics/${path(version)}`);
        rubric.catch(() => rubrics.delete(version));
        rubrics.set(version, rubric);
      }
      return rubric;
    },
    photo: (sha256: string, signal?: AbortSignal) => api.getPhoto(sha256, signal ? { signal } : {}),

    publication: (roundId: string, signal?: AbortSignal) =>
      get<Publication>(`/api/rounds/${path(roundId)}/publication`, signal),
    publish: (roundId: string) => send<Publication>('POST', `/api/rounds/${path(roundId)}/publication`, {}),
    unpublish: (roundId: string) => send<undefined>('DELETE', `/api/rounds/${path(roundId)}/publication`),
    /** The round's bulletin document (文号, issuer, edited paragraphs, district order). */
    bulletin: (roundId: string, signal?: AbortSignal) =>
      get<BulletinDocumentView>(`/api/rounds/${path(roundId)}/bulletin`, signal),
    saveBulletin: (roundId: string, document: BulletinDocument) =>
      send<BulletinDocumentView>('PUT', `/api/rounds/${path(roundId)}/bulletin`, document),
    /** The round's rectifications in the units' loop, dispatched or not (#17). */
    unitItems: (roundId: string, signal?: AbortSignal) =>
      get<UnitItemView[]>(`/api/rounds/${path(roundId)}/unit-items`, signal),
    /** 交办: every undispatched item of the round, a district's, or the listed ones. */
    dispatch: (roundId: string, input: { district?: string; rectificationIds?: string[] }) =>
      send<DispatchResult>('POST', `/api/rounds/${path(roundId)}/dispatch`, input),
    unitRequests: (roundId: string, status?: UnitRequestView['status'], signal?: AbortSignal) =>
      get<UnitRequestView[]>(`/api/rounds/${path(roundId)}/unit-requests?${queryString({ status })}`, signal),
    decideUnitRequest: (requestId: string, decision: UnitDecision) =>
      send<UnitRequestView>('POST', `/api/unit-requests/${path(requestId)}/decision`, decision),
    unitSettings: (roundId: string, settings: Partial<UnitSettings>) =>
      send<Round>('PATCH', `/api/rounds/${path(roundId)}/unit-settings`, settings),
    unitLinks: (roundId: string, signal?: AbortSignal) =>
      get<UnitLinkView[]>(`/api/rounds/${path(roundId)}/unit-links`, signal),
    publicRanking: (token: string, signal?: AbortSignal) =>
      get<PublicRanking>(`/api/public/rankings/${path(token)}`, signal),

    reviews: (roundId: string, query: { state?: ReviewState; offset?: number; limit?: number }, signal?: AbortSignal) =>
      get<ReviewListPage>(`/api/rounds/${path(roundId)}/reviews?${queryString({ ...query })}`, signal),
    review: (
      inspectionId: string,
      body: { revision: number; decision: ReviewDecision; comment?: string; itemComments?: ItemComment[] },
    ) => send<ReviewDecisionView>('POST', `/api/inspections/${path(inspectionId)}/reviews`, body),
    approveClean: (roundId: string, inspections: { id: string; revision: number }[]) =>
      send<ApproveCleanResult>('POST', `/api/rounds/${path(roundId)}/reviews/approve-clean`, { inspections }),
    trail: (inspectionId: string, signal?: AbortSignal) =>
      get<InspectionTrail>(`/api/inspections/${path(inspectionId)}/trail`, signal),

    audit: (filter: AuditQuery, signal?: AbortSignal) =>
      get<AuditPage>(`/api/audit?${queryString({ ...filter })}`, signal),
    auditCsv: (filter: AuditQuery) => api.getBlob(`/api/audit.csv?${queryString({ ...filter })}`),
    verifyAudit: (signal?: AbortSignal) => get<ChainReport>('/api/audit/verify', signal),
  };
}
