/**
 * The sync engine's transport over the real API client (src/app/api/api-client.ts): one PUT per
 * outbox entry, with the engine's AbortSignal and a timeout. JSON bodies get a fixed timeout;
 * a photo's grows with its size, so a large photo on a slow link is not cut off while a stalled
 * connection still fails in reasonable time. The client turns failures into `ApiRequestError`
 * (an answer with an error status) or `NetworkError` (no answer, or the timeout fired), which is
 * what the engine classifies.
 */
import type { ApiClient } from '../api/api-client';
import type { PhotoUpload, ServerScore, SyncTransport } from './sync-store';

export interface HttpTransportOptions {
  /** Timeout of an inspection or recheck PUT. */
  jsonTimeoutMs?: number;
  /** A photo's timeout: this much… */
  photoBaseTimeoutMs?: number;
  /** …plus one second per this many bytes (the slowest upload rate still allowed to finish)… */
  photoMinBytesPerSecond?: number;
  /** …and never more than this. */
  photoMaxTimeoutMs?: number;
}

export const DEFAULT_JSON_TIMEOUT_MS = 30_000;
export const DEFAULT_PHOTO_BASE_TIMEOUT_MS = 30_000;
/**
 * 16 KiB/s: half of a weak 3G uplink (32 KiB/s ≈ 256 kbit/s), because the engine keeps two
 * photos uploading at once and they share the link. On a link too slow even for that, the
 * engine falls back to one photo at a time after the first timeout (sync-engine.ts).
 */
export const DEFAULT_PHOTO_MIN_BYTES_PER_SECOND = 16 * 1024;
export const DEFAULT_PHOTO_MAX_TIMEOUT_MS = 10 * 60_000;

export type SyncApi = Pick<ApiClient, 'putPhoto' | 'putInspection' | 'putRecheck'>;

export function photoTimeoutMs(bytes: number, options: HttpTransportOptions = {}): number {
  const base = options.photoBaseTimeoutMs ?? DEFAULT_PHOTO_BASE_TIMEOUT_MS;
  const rate = options.photoMinBytesPerSecond ?? DEFAULT_PHOTO_MIN_BYTES_PER_SECOND;
  const max = options.photoMaxTimeoutMs ?? DEFAULT_PHOTO_MAX_TIMEOUT_MS;
  return Math.min(max, base + Math.ceil((Math.max(0, bytes) / rate) * 1000));
}

/** The score in an inspection PUT's answer, when it has one of the right shape. */
function serverScore(data: unknown): ServerScore | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const { score, fullMarks } = data as Record<string, unknown>;
  return typeof score === 'number' && typeof fullMarks === 'boolean' ? { score, fullMarks } : undefined;
}

export function createHttpTransport(api: SyncApi, options: HttpTransportOptions = {}): SyncTransport {
  const jsonTimeoutMs = options.jsonTimeoutMs ?? DEFAULT_JSON_TIMEOUT_MS;
  return {
    photoTimeoutMs: (bytes) => photoTimeoutMs(bytes, options),
    async putPhoto(upload: PhotoUpload, { signal }) {
      // The client sends `blob.type`; a Blob read back without one gets the stored content type.
      const blob =
        upload.blob.type === upload.contentType ? upload.blob : new Blob([upload.blob], { type: upload.contentType });
      const { status } = await api.putPhoto(upload.sha256, blob, {
        signal,
        timeoutMs: photoTimeoutMs(upload.bytes, options),
      });
      return { status };
    },
    async putInspection(inspection, { signal }) {
      const { status, data } = await api.putInspection(inspection, { signal, timeoutMs: jsonTimeoutMs });
      const score = serverScore(data);
      return score ? { status, score } : { status };
    },
    async putRecheck(recheck, { signal }) {
      const { status } = await api.putRecheck(recheck, { signal, timeoutMs: jsonTimeoutMs });
      return { status };
    },
  };
}
