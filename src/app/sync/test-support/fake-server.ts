/**
 * A fake of the server's sync endpoints implementing API.md's idempotency rules exactly, and a
 * transport over it that injects faults per request — for the engine's unit, adversarial and
 * property tests.
 *
 *   PUT /api/photos/{sha256}       by hash: 201 stored, 200 already stored, 400 hash_mismatch,
 *                                  415 not an image type
 *   PUT /api/inspections/{id}      by (id, revision), canonical JSON compared: 201 stored, 200 the
 *                                  same content again, 409 different content, 422 missing_photos
 *   PUT /api/rechecks/{id}         by id, the same rules
 *
 * Faults are decided per request by the test: refuse before the server sees it (drop, 500, 503,
 * 429, 401, a timeout) or lose the answer after the server committed (drop-response,
 * timeout-after), or hang forever (a tab that died mid-request).
 */
import { ApiRequestError, NetworkError } from '../../api/api-client';
import { ERRORS } from '../../../domain/errors';
import { canonicalJson } from '../../../domain/canonical-json';
import type { Inspection, Recheck } from '../../../domain/wire';
import { sha256Hex } from '../../platform/sha256';
import type { PhotoUpload, SyncTransport, TransportOptions, TransportResult } from '../sync-store';

export type RequestKind = 'photo' | 'inspection' | 'recheck';

export interface ServerRequest {
  kind: RequestKind;
  /** sha256, `${id}@${revision}` or the recheck id. */
  key: string;
}

export interface ServerLogEntry extends ServerRequest {
  status: number;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export class FakeServer {
  readonly photos = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly inspections = new Map<string, string>();
  readonly rechecks = new Map<string, string>();
  /** How many times each key was inserted (a 201): exactly once is the promise. */
  readonly inserts = new Map<string, number>();
  /** Every request that reached the server, with its answer. */
  readonly log: ServerLogEntry[] = [];
  /** Answers forced by a test for a key (a poison entry: 400, 403, 409…). */
  private readonly forced = new Map<string, ApiRequestError>();

  force(key: string, status: number, code: string | undefined, message: string, body: Record<string, unknown> = {}) {
    this.forced.set(
      key,
      new ApiRequestError(status, code as never, message, { error: code, message, ...body }, undefined),
    );
  }

  unforce(key: string): void {
    this.forced.delete(key);
  }

  /** Loses a stored photo (a restore from an old backup): the next submission using it gets a 422. */
  forgetPhoto(sha256: string): void {
    this.photos.delete(sha256);
  }

  received(kind: RequestKind, key: string): number {
    return this.log.filter((entry) => entry.kind === kind && entry.key === key).length;
  }

  async putPhoto(upload: PhotoUpload): Promise<TransportResult> {
    const key = upload.sha256;
    return this.answer({ kind: 'photo', key }, async () => {
      if (!IMAGE_TYPES.has(upload.contentType)) {
        throw apiError(415, 'unsupported_media_type', ERRORS.unsupported_media_type.zh);
      }
      const bytes = new Uint8Array(await upload.blob.arrayBuffer());
      const actual = await sha256Hex(new Blob([bytes]));
      if (actual !== key) throw apiError(400, 'hash_mismatch', '照片内容与其指纹不符，可能在传输中损坏。');
      if (this.photos.has(key)) return 200;
      this.photos.set(key, bytes);
      this.countInsert(key);
      return 201;
    });
  }

  async putInspection(inspection: Inspection): Promise<TransportResult> {
    const body = JSON.parse(JSON.stringify(inspection)) as Inspection; // what crosses the wire
    const key = `${body.id}@${body.revision}`;
    return this.answer({ kind: 'inspection', key }, async () => {
      const canonical = canonicalJson(body);
      const existing = this.inspections.get(key);
      if (existing !== undefined) {
        if (existing !== canonical) {
          throw apiError(409, 'conflict', `该测评（版本 ${body.revision}）已以不同内容提交过；修改请提交新版本`);
        }
        return 200;
      }
      this.requirePhotos(body.answers.flatMap((answer) => answer.photos));
      this.inspections.set(key, canonical);
      this.countInsert(key);
      return 201;
    });
  }

  async putRecheck(recheck: Recheck): Promise<TransportResult> {
    const body = JSON.parse(JSON.stringify(recheck)) as Recheck;
    const key = body.id;
    return this.answer({ kind: 'recheck', key }, async () => {
      const canonical = canonicalJson(body);
      const existing = this.rechecks.get(key);
      if (existing !== undefined) {
        if (existing !== canonical) throw apiError(409, 'conflict', '该复查记录已以不同内容提交过');
        return 200;
      }
      this.requirePhotos(body.photos);
      this.rechecks.set(key, canonical);
      this.countInsert(key);
      return 201;
    });
  }

  private requirePhotos(hashes: readonly string[]): void {
    const missingPhotos = [...new Set(hashes)].filter((sha256) => !this.photos.has(sha256));
    if (missingPhotos.length > 0) {
      throw apiError(422, 'missing_photos', `服务器尚缺 ${missingPhotos.length} 张照片，请先上传`, { missingPhotos });
    }
  }

  private countInsert(key: string): void {
    this.inserts.set(key, (this.inserts.get(key) ?? 0) + 1);
  }

  private async answer(request: ServerRequest, handle: () => Promise<number>): Promise<TransportResult> {
    try {
      const forced = this.forced.get(request.key);
      if (forced) throw forced;
      const status = await handle();
      this.log.push({ ...request, status });
      return { status };
    } catch (error) {
      this.log.push({ ...request, status: error instanceof ApiRequestError ? error.status : 0 });
      throw error;
    }
  }
}

export function apiError(
  status: number,
  code: string | undefined,
  message: string,
  extra: Record<string, unknown> = {},
  retryAfterSeconds?: number,
): ApiRequestError {
  return new ApiRequestError(status, code as never, message, { error: code, message, ...extra }, retryAfterSeconds);
}

export type Fault =
  | 'none'
  /** The request never reaches the server (offline, connection refused). */
  | 'drop-request'
  /** The server commits, the answer is lost (connection cut after the server answered). */
  | 'drop-response'
  /** The client gives up before the server saw the request. */
  | 'timeout-before'
  /** The server commits, the client's timeout fires first. */
  | 'timeout-after'
  | 'http-408'
  | 'http-500'
  | 'http-502'
  | 'http-503'
  | 'http-429'
  | 'http-401'
  /** No answer ever, whatever the signal says: the tab died with this request in flight. */
  | 'hang'
  /** As `hang`, but the server committed before the tab died. */
  | 'hang-after-commit';

export interface FaultyTransportOptions {
  /** The fault for the next request; 'none' forwards it. */
  fault?: (request: ServerRequest) => Fault;
  /** Retry-After of injected 429 and 503 answers, in seconds (none when undefined). */
  retryAfterSeconds?: number;
}

export interface FaultyTransport extends SyncTransport {
  /** Every request the engine made, with the fault applied. */
  readonly sent: (ServerRequest & { fault: Fault })[];
}

/** A transport to `server` that applies a fault to each request. */
export function faultyTransport(server: FakeServer, options: FaultyTransportOptions = {}): FaultyTransport {
  const sent: (ServerRequest & { fault: Fault })[] = [];

  async function send(
    request: ServerRequest,
    forward: () => Promise<TransportResult>,
    { signal }: TransportOptions,
  ): Promise<TransportResult> {
    const fault = options.fault?.(request) ?? 'none';
    sent.push({ ...request, fault });
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    switch (fault) {
      case 'none':
        return forward();
      case 'drop-request':
        throw new NetworkError('无法连接服务器', false);
      case 'timeout-before':
        throw new NetworkError('请求超时', true);
      case 'drop-response':
        await forward().catch(() => undefined);
        throw new NetworkError('无法连接服务器', false);
      case 'timeout-after':
        await forward().catch(() => undefined);
        throw new NetworkError('请求超时', true);
      case 'http-408':
        throw apiError(408, undefined, '服务器返回错误 408');
      case 'http-500':
        throw apiError(500, 'internal_error', '服务器内部错误，请稍后重试。');
      case 'http-502':
        throw apiError(502, undefined, '服务器返回错误 502');
      case 'http-503':
        throw apiError(503, 'unavailable', '服务器暂时不可用，请稍后重试。', {}, options.retryAfterSeconds);
      case 'http-429':
        throw apiError(429, undefined, '请求过于频繁，请稍后再试。', {}, options.retryAfterSeconds);
      case 'http-401':
        throw apiError(401, 'unauthorized', '登录已失效，请重新登录。');
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'hang-after-commit':
        await forward().catch(() => undefined);
        return new Promise<never>(() => undefined);
    }
  }

  return {
    sent,
    putPhoto: (upload, init) => send({ kind: 'photo', key: upload.sha256 }, () => server.putPhoto(upload), init),
    putInspection: (inspection, init) =>
      send(
        { kind: 'inspection', key: `${inspection.id}@${inspection.revision}` },
        () => server.putInspection(inspection),
        init,
      ),
    putRecheck: (recheck, init) => send({ kind: 'recheck', key: recheck.id }, () => server.putRecheck(recheck), init),
  };
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public time = Date.parse('2026-07-01T08:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
