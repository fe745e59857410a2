/**
 * What a failed request leads to, as a pure table: the engine (sync-engine.ts) looks the answer
 * up here and does it. Two failures need local work first and stay in the engine: a photo's
 * `hash_mismatch` (hash the local copy) and a submission's 422 `missing_photos` (send them).
 */
import { ApiRequestError, NetworkError } from '../api/api-client';
import type { StopReason } from './engine-types';
import type { SyncError } from './sync-store';

export type FailureOutcome =
  /** The run was cancelled while the request was in flight: the entry is left untouched. */
  | { action: 'aborted' }
  /** Pending again after a backoff (or the server's Retry-After); `stop` ends the run too. */
  | { action: 'retry'; error: SyncError; stop?: StopReason; retryAfterSeconds?: number }
  /** 401: the queue pauses until someone signs in; the entry is untouched. */
  | { action: 'pause'; error: SyncError }
  /** Waits for a person, with the server's message. */
  | { action: 'attention'; error: SyncError };

/** The run was cancelled: not a failure of the entry (in-flight.ts settles a cancelled request with it). */
export class RunAborted extends Error {
  override name = 'RunAborted';
}

const SERVER_DOWN = new Set([502, 503, 504]);

/** Any failure, by the shared error catalogue's client action (src/domain/errors.ts). */
export function failureOutcome(error: unknown): FailureOutcome {
  if (error instanceof RunAborted) return { action: 'aborted' };
  if (error instanceof NetworkError) {
    return {
      action: 'retry',
      error: { code: error.timedOut ? 'timeout' : 'network', message: error.message },
      stop: 'offline',
    };
  }
  if (!(error instanceof ApiRequestError)) {
    return {
      action: 'retry',
      error: { code: 'network', message: `request failed: ${describe(error)}` },
      stop: 'offline',
    };
  }
  const syncError = toSyncError(error);
  const after = error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds };
  if (error.status === 401) return { action: 'pause', error: syncError };
  if (error.status === 429) return { action: 'retry', error: syncError, stop: 'rate_limited', ...after };
  if (SERVER_DOWN.has(error.status)) return { action: 'retry', error: syncError, stop: 'server_unavailable', ...after };
  if (error.action === 'retry') return { action: 'retry', error: syncError, ...after };
  return { action: 'attention', error: syncError };
}

export function toSyncError(error: ApiRequestError): SyncError {
  return { status: error.status, ...(error.code && { code: error.code }), message: error.message };
}

/** The hashes a 422 `missing_photos` lists, or undefined when it lists none. */
export function missingPhotosOf(error: ApiRequestError): string[] | undefined {
  const list = error.body.missingPhotos;
  if (!Array.isArray(list)) return undefined;
  const hashes = list.filter((item): item is string => typeof item === 'string');
  return hashes.length > 0 ? hashes : undefined;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
