/**
 * The responsible unit's calls (issue #17) over the app's one API client: the dispatched items,
 * their photos, and the answers and requests the unit's outbox sends. `token` is a site link's
 * credential (the station head without an account), passed per call and never stored by the
 * client; without it the signed-in `unit` account's session is used. Imported only by the
 * unit's lazy chunk.
 */
import type { EscalationLevel } from '../../domain/escalation';
import type { UnitAnswer, UnitRequest, UnitRequestKind } from '../../domain/wire';
import type { ApiClient, RequestOptions } from './api-client';

export type UnitItemState = 'dispatched' | 'answered' | 'sent_back' | 'closed';

export interface UnitRequestView {
  id: string;
  rectificationId: string;
  kind: UnitRequestKind;
  reason: string;
  dueOn: string | null;
  photos: string[];
  requestedAt: string;
  status: 'pending' | 'approved' | 'refused';
  decidedAt: string | null;
  decisionReason: string | null;
  previousDueOn: string | null;
}

export interface UnitAnswerView {
  id: string;
  action: string;
  note: string | null;
  photos: string[];
  answeredAt: string;
}

/** One dispatched item as `GET /api/unit/items` lists it (docs/API.md, "The unit's work"). */
export interface UnitItem {
  id: string;
  roundId: string;
  siteId: string;
  siteName: string;
  district: string;
  itemId: string;
  grade: 'B' | 'C' | 'C#';
  note: string | null;
  beforePhotos: string[];
  dueOn: string;
  dispatchedAt: string | null;
  objectionUntil: string | null;
  status: 'open' | 'closed';
  state: UnitItemState;
  escalation: EscalationLevel | null;
  sentBack: number;
  answers: UnitAnswerView[];
  requests: UnitRequestView[];
  rechecks: { id: string; verdict: 'fixed' | 'not_fixed'; note: string | null; photos: string[]; checkedAt: string }[];
}

export type UnitWorkApi = ReturnType<typeof createUnitWorkApi>;

export function createUnitWorkApi(api: ApiClient, token: string | undefined) {
  const withToken = <T extends object>(init: T) => (token ? { ...init, token } : init);
  return {
    items: (init: RequestOptions = {}) =>
      api.request<UnitItem[]>('GET', '/api/unit/items', undefined, withToken(init)).then((r) => r.data),
    photo: (sha256: string, init: RequestOptions = {}) => api.getBlob(`/api/photos/${sha256}`, withToken(init)),
    putPhoto: (sha256: string, blob: Blob, init: RequestOptions = {}) =>
      api.request<{ sha256: string }>(
        'PUT',
        `/api/photos/${sha256}`,
        blob,
        withToken({ ...init, contentType: blob.type || 'image/jpeg' }),
      ),
    putAnswer: (answer: UnitAnswer, init: RequestOptions = {}) =>
      api.request<unknown>('PUT', `/api/unit/answers/${answer.id}`, answer, withToken(init)),
    putRequest: (request: UnitRequest, init: RequestOptions = {}) =>
      api.request<unknown>('PUT', `/api/unit/requests/${request.id}`, request, withToken(init)),
  };
}
