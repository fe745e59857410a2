/**
 * The office workspace's calls to the v1 API (and the project's extras: round editing, results
 * with grades, the `since` feed, publication), typed, over the app's one API client — so the
 * bearer token, timeouts and typed errors are the same as everywhere else. Also the open call
 * of the public ranking page. Imported only by lazy chunks (office and public pages).
 */
import type { AuditPage, ChainReport } from '../../domain/audit';
import type { RoundReport, RoundResult } from '../../domain/report';
import type {
  ApproveCleanResult,
  InspectionTrail,
  ItemComment,
  ReviewDecision,
  ReviewDecisionView,
  ReviewListPage,
  ReviewState,
} from '../../domain/review';
import type { Rubric } from '../../domain/rubric';
import type {
  Assignment,
  Inspection,
  InspectionSummary,
  PublicationView as Publication,
  PublicRanking,
  Role,
  Round,
  RoundInput,
  RoundPatch,
  Site,
  User,
  UserInput,
  UserView,
} from '../../domain/wire';
import type { ApiClient } from './api-client';

export interface UserPatch {
  displayName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

export type { InspectionSummary, PublicRanking, UserView } from '../../domain/wire';
export type { PublicationView as Publication } from '../../domain/wire';

export type InspectionDetail = Inspection & InspectionSummary;

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

/** A query string of the defined, non-empty values. */
function searchOf(query: object): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined && value !== '');
  return new URLSearchParams(entries.map(([key, value]) => [key, String(value)])).toString();
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
    report: (roundId: string, signal?: AbortSignal) => get<RoundReport>(`/api/rounds/${path(roundId)}/report`, signal),
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
    publicRanking: (token: string, signal?: AbortSignal) =>
      get<PublicRanking>(`/api/public/rankings/${path(token)}`, signal),

    reviews: (roundId: string, query: { state?: ReviewState; offset?: number; limit?: number }, signal?: AbortSignal) =>
      get<ReviewListPage>(`/api/rounds/${path(roundId)}/reviews?${searchOf(query)}`, signal),
    review: (
      inspectionId: string,
      body: { revision: number; decision: ReviewDecision; comment?: string; itemComments?: ItemComment[] },
    ) => send<ReviewDecisionView>('POST', `/api/inspections/${path(inspectionId)}/reviews`, body),
    approveClean: (roundId: string, inspections: { id: string; revision: number }[]) =>
      send<ApproveCleanResult>('POST', `/api/rounds/${path(roundId)}/reviews/approve-clean`, { inspections }),
    trail: (inspectionId: string, signal?: AbortSignal) =>
      get<InspectionTrail>(`/api/inspections/${path(inspectionId)}/trail`, signal),

    audit: (filter: AuditQuery, signal?: AbortSignal) => get<AuditPage>(`/api/audit?${searchOf(filter)}`, signal),
    auditCsv: (filter: AuditQuery) => api.getBlob(`/api/audit.csv?${searchOf(filter)}`),
    verifyAudit: (signal?: AbortSignal) => get<ChainReport>('/api/audit/verify', signal),
  };
}
