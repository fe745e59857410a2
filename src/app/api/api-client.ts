/**
 * The app's HTTP client for the v1 API: one place that knows URLs, the bearer token, the
 * timeout and how a failed response becomes a typed error. Features call it through the
 * session and sync modules; React components never call `fetch` themselves.
 */
import { actionForStatus, ERRORS, isErrorCode, type ClientAction, type ErrorCode } from '../../domain/errors';
import type { InspectionInput, Recheck, StoredInspection, User } from '../../domain/wire';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The server answered with an error status. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode | undefined,
    message: string,
    readonly body: Record<string, unknown>,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
  }

  /** What the client should do: retry, sign in again, re-send photos, or show it to the user. */
  get action(): ClientAction {
    return this.code ? ERRORS[this.code].action : actionForStatus(this.status);
  }
}

/** No answer at all: offline, DNS, connection reset, or the timeout fired. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  baseUrl?: string;
  getToken?: () => string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * The server answered 401 to a request that carried the current token: it no longer accepts
   * it (expired, revoked by a sign-out elsewhere, the user disabled). Called once per such
   * answer, before the call rejects, so the app can end the session in one place whatever
   * feature made the call. Not called for calls sent without a token, nor for an old token's
   * answer arriving after a new sign-in.
   */
  onUnauthorized?: () => void;
}

export interface DownloadProgress {
  /** Lines received after the header (a note with a line break counts twice: show at most 100 %). */
  rows: number;
  /** The lines the server announced (`X-Row-Count`), if it did. */
  total: number | undefined;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Bytes gathered before they are folded into a Blob. */
const DOWNLOAD_FOLD_BYTES = 4 * 1024 * 1024;

function countLineBreaks(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * How a call uses the token: 'send' it (every call but two); 'none' (signing in needs none, and
 * its 401 is a wrong password); 'ending' (signing out gives the token up: a 401 is no news).
 */
type Auth = 'send' | 'none' | 'ending';

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  /** Reports a 401 for the token the request carried, if that is still the app's token. */
  function checkUnauthorized(response: Response, sentToken: string | undefined, auth: Auth): void {
    if (response.status !== 401 || auth === 'ending' || !sentToken) return;
    if (options.getToken?.() === sentToken) options.onUnauthorized?.();
  }

  async function request<T>(
    method: string,
    path: string,
    body?: BodyInit | object,
    init: RequestOptions & { contentType?: string; auth?: Auth; token?: string } = {},
  ): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const auth = init.auth ?? 'send';
    // A token given for this call (a session not yet the app's: the forced password change).
    const token = init.token ?? (auth === 'none' ? undefined : options.getToken?.());
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      payload = body as BodyInit;
      headers['Content-Type'] = init.contentType ?? 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    // One controller for the caller's signal and the timeout (AbortSignal.any is missing on iOS < 17.4).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      init.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    const forwardAbort = () => controller.abort();
    init.signal?.addEventListener('abort', forwardAbort);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: payload,
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new NetworkError(timedOut ? '请求超时' : '无法连接服务器', timedOut);
    } finally {
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', forwardAbort);
    }
    const data = await readBody(response);
    checkUnauthorized(response, token, auth);
    if (!response.ok) throw toApiError(response, data);
    return { status: response.status, data: data as T };
  }

  /** A GET whose answer is a file (a photo, a CSV export…), as a Blob; errors as typed as every call's. */
  async function getBlob(path: string, init?: RequestOptions & { token?: string }): Promise<Blob> {
    // A token given for this call (a unit's site link, which is never the app's session).
    const token = init?.token ?? options.getToken?.();
    const response = await doFetch(`${baseUrl}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      // No cache override: photos are immutable and cached by their headers; exports say no-cache.
      ...(init?.signal && { signal: init.signal }),
    }).catch(() => {
      throw new NetworkError('无法连接服务器', false);
    });
    checkUnauthorized(response, token, 'send');
    if (!response.ok) throw toApiError(response, await readBody(response));
    return response.blob();
  }

  /**
   * A GET whose answer is a big file streamed by the server (an export of 2,000,000 lines): read
   * as it arrives, reporting the lines so far against the server's `X-Row-Count`, and folded into
   * Blobs every few MiB, so the page holds a few MiB of it at once (the browser keeps Blob bytes
   * out of the page's heap, on disk when they are many) instead of the whole file.
   */
  async function download(path: string, init: DownloadOptions = {}): Promise<Blob> {
    const token = options.getToken?.();
    const response = await doFetch(`${baseUrl}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
      ...(init.signal && { signal: init.signal }),
    }).catch((error: unknown) => {
      if (init.signal?.aborted) throw error;
      throw new NetworkError('无法连接服务器', false);
    });
    checkUnauthorized(response, token, 'send');
    if (!response.ok) throw toApiError(response, await readBody(response));
    const type = response.headers.get('Content-Type') ?? 'application/octet-stream';
    const rows = Number(response.headers.get('X-Row-Count'));
    const total = Number.isInteger(rows) && rows >= 0 && response.headers.has('X-Row-Count') ? rows : undefined;
    if (!response.body) return response.blob();
    const reader = response.body.getReader();
    const parts: Blob[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        if (init.signal?.aborted) throw error;
        throw new NetworkError('下载中断', false);
      });
      if (done) break;
      pending.push(value);
      pendingBytes += value.byteLength;
      lines += countLineBreaks(value);
      if (pendingBytes >= DOWNLOAD_FOLD_BYTES) {
        parts.push(new Blob(pending as BlobPart[]));
        pending = [];
        pendingBytes = 0;
      }
      // The header line is not a row.
      init.onProgress?.({ rows: Math.max(0, lines - 1), total });
    }
    parts.push(new Blob(pending as BlobPart[]));
    return new Blob(parts, { type });
  }

  return {
    /** Any JSON call, for feature modules that wrap their own endpoints (src/app/api/office-api.ts). */
    request,
    signIn: (username: string, password: string) =>
      request<{ token: string; user: User; mustChangePassword?: boolean }>(
        'POST',
        '/api/session',
        { username, password },
        { auth: 'none' },
      ).then((r) => r.data),
    /**
     * `PUT /api/session/password` (204). `token`: the session to change it for, when it is not
     * the app's yet (a sign-in that must change its password first).
     */
    changePassword: (currentPassword: string, newPassword: string, token?: string) =>
      request<unknown>('PUT', '/api/session/password', { currentPassword, newPassword }, token ? { token } : {}).then(
        () => undefined,
      ),
    /** Signs out a session that is not the app's (the password change abandoned). */
    signOutToken: (token: string) =>
      request<unknown>('DELETE', '/api/session', undefined, { auth: 'ending', token }).then(() => undefined),
    signOut: () => request<unknown>('DELETE', '/api/session', undefined, { auth: 'ending' }).then(() => undefined),
    bootstrap: <B>() => request<B>('GET', '/api/bootstrap').then((r) => r.data),
    /** The review decisions on this user's inspections after `since` (issue #18). */
    reviewDecisions: <P>(since: number) =>
      request<P>('GET', `/api/review-decisions?since=${since}`).then((r) => r.data),
    health: (init?: RequestOptions) =>
      request<{ ok: boolean }>('GET', '/api/health', undefined, init).then((r) => r.data.ok),
    putPhoto: (sha256: string, blob: Blob, init?: RequestOptions) =>
      request<{ sha256: string; bytes: number }>('PUT', `/api/photos/${sha256}`, blob, {
        ...init,
        contentType: blob.type || 'image/jpeg',
      }),
    getBlob,
    download,
    /** A stored photo's bytes (the office's gallery, recheckers' before-photos). */
    getPhoto: (sha256: string, init?: RequestOptions) => getBlob(`/api/photos/${sha256}`, init),
    putInspection: (inspection: InspectionInput, init?: RequestOptions) =>
      request<StoredInspection>('PUT', `/api/inspections/${inspection.id}`, inspection, init),
    putRecheck: (recheck: Recheck, init?: RequestOptions) =>
      request<{ id: string; rectificationStatus: string }>('PUT', `/api/rechecks/${recheck.id}`, recheck, init),
  };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, data: unknown): ApiRequestError {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const code = isErrorCode(body.error) ? body.error : undefined;
  const message =
    typeof body.message === 'string' ? body.message : code ? ERRORS[code].zh : `服务器返回错误 ${response.status}`;
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new ApiRequestError(
    response.status,
    code,
    message,
    body,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}
