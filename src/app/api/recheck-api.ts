/**
 * The supervisor's calls about recheck visits, typed, over the app's one API client (same token,
 * timeouts and typed errors as every other call): the rectification progress of a round, its
 * rectifications with their latest verdict and before-photos, the history of one rectification's
 * verdicts, and the CSV export of the recheck results. Server side: src/server/routes/
 * recheck-progress.ts and routes/rectifications.ts.
 */
import type { RectificationProgress } from '../../domain/rectification-progress';
import type { RecheckHistoryEntry } from '../../domain/wire';
import type { Rectification } from '../db/types';
import type { ApiClient } from './api-client';

/** A rectification as listed by the server, with the inspector's note on the item. */
export type RectificationView = Rectification & { note?: string };

export type { RecheckHistoryEntry } from '../../domain/wire';

const round = (roundId: string) => `/api/rounds/${encodeURIComponent(roundId)}`;

export function recheckApi(api: Pick<ApiClient, 'request' | 'getBlob' | 'getPhoto'>) {
  return {
    progress: (roundId: string) =>
      api.request<RectificationProgress>('GET', `${round(roundId)}/rectification-progress`).then((r) => r.data),
    rectifications: (roundId: string) =>
      api
        .request<RectificationView[]>('GET', `/api/rectifications?roundId=${encodeURIComponent(roundId)}`)
        .then((r) => r.data),
    history: (rectificationId: string) =>
      api
        .request<RecheckHistoryEntry[]>('GET', `/api/rectifications/${encodeURIComponent(rectificationId)}/rechecks`)
        .then((r) => r.data),
    resultsCsv: (roundId: string) => api.getBlob(`${round(roundId)}/recheck-results.csv`),
    photo: (sha256: string) => api.getPhoto(sha256),
  };
}

export type RecheckApi = ReturnType<typeof recheckApi>;
