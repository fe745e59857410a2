/**
 * Downloads the before-photos of the open rectifications on the device into IndexedDB
 * (before-photos.ts), so a rechecker sees the original finding with no network. Bounded:
 *
 * - every before-photo gets a thumbnail (long edge 240 px, made on the device);
 * - full photos are kept up to a budget (50 MB by default), newest due date first (the
 *   rectifications most recently opened), then by site and item; past the budget only the
 *   thumbnail stays, and a full photo already stored that no longer fits is dropped;
 * - before-photos no open rectification needs any more are deleted.
 *
 * Photos come through the API client (`GET /api/photos/{sha256}`), are checked against their hash
 * and stored one by one, so an interrupted download keeps what it got. A network failure stops
 * the run (the rest waits for the next one); a photo the server refuses (403, 404) is counted and
 * skipped.
 */
import { ApiRequestError, NetworkError, type ApiClient } from '../../../api/api-client';
import { dropFullBeforePhoto, getBeforePhoto, pruneBeforePhotos, saveBeforePhoto } from '../../../db/before-photos';
import type { CivicDatabase } from '../../../db/database';
import { getRectifications } from '../../../db/session';
import type { Rectification } from '../../../db/types';
import { sha256Hex } from '../../../platform/sha256';
import { makeThumbnail } from './thumbnail';

export const DEFAULT_FULL_PHOTO_BUDGET_BYTES = 50 * 1024 * 1024;

export interface BeforePhotoDownloadOptions {
  /** Bytes of full photos to keep (thumbnails do not count). */
  budgetBytes?: number;
  /** Makes the thumbnail of a downloaded photo (injected in tests). */
  thumbnail?: (blob: Blob) => Promise<Blob>;
  /** SHA-256 of a Blob, lowercase hex (injected in tests). */
  hash?: (blob: Blob) => Promise<string>;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface BeforePhotoDownloadResult {
  /** Before-photos the open rectifications reference. */
  total: number;
  /** Downloaded in this run. */
  downloaded: number;
  /** Stored on the device after the run (thumbnail at least). */
  stored: number;
  /** Of those, with the full photo. */
  full: number;
  /** The server refused them or sent bytes that do not match the hash. */
  failed: number;
  /** The run stopped because the network or server was unreachable. */
  offline: boolean;
  /** Deleted because no open rectification needs them any more. */
  pruned: number;
}

/**
 * The before-photos of the open rectifications, newest due date first, each once — with the
 * responsible unit's after-photos of its latest answer (#17), which the rechecker compares on
 * site just the same (the server lets recheckers read them).
 */
export function beforePhotoOrder(rectifications: readonly Rectification[]): string[] {
  const open = rectifications
    .filter((rectification) => rectification.status === 'open')
    .sort(
      (a, b) => b.dueOn.localeCompare(a.dueOn) || a.siteId.localeCompare(b.siteId) || a.itemId.localeCompare(b.itemId),
    );
  return [
    ...new Set(
      open.flatMap((rectification) => [...rectification.beforePhotos, ...(rectification.unitAnswer?.photos ?? [])]),
    ),
  ];
}

export async function downloadBeforePhotos(
  db: CivicDatabase,
  api: Pick<ApiClient, 'getPhoto'>,
  options: BeforePhotoDownloadOptions = {},
): Promise<BeforePhotoDownloadResult> {
  const budget = options.budgetBytes ?? DEFAULT_FULL_PHOTO_BUDGET_BYTES;
  const thumbnail = options.thumbnail ?? makeThumbnail;
  const hash = options.hash ?? sha256Hex;
  const now = options.now ?? (() => new Date());
  const order = beforePhotoOrder(await getRectifications(db));
  const result: BeforePhotoDownloadResult = {
    total: order.length,
    downloaded: 0,
    stored: 0,
    full: 0,
    failed: 0,
    offline: false,
    pruned: 0,
  };
  result.pruned = await pruneBeforePhotos(db, new Set(order));

  let used = 0;
  let done = 0;
  for (const sha256 of order) {
    if (options.signal?.aborted) break;
    await downloadOne(sha256);
    options.onProgress?.({ done: ++done, total: order.length });
  }
  return result;

  async function downloadOne(sha256: string): Promise<void> {
    const existing = await getBeforePhoto(db, sha256);
    if (existing?.blob) {
      if (used + existing.blob.size <= budget) {
        used += existing.blob.size;
        result.full += 1;
      } else {
        await dropFullBeforePhoto(db, sha256);
      }
      result.stored += 1;
      return;
    }
    // Stored as a thumbnail and the full photo still does not fit, or no network: keep what is there.
    if (existing && (result.offline || used + existing.bytes > budget)) {
      result.stored += 1;
      return;
    }
    if (result.offline) return;
    const fetched = await fetchPhoto(api, sha256, hash, options.signal);
    if (fetched === 'offline' || fetched === 'failed') {
      if (fetched === 'offline') result.offline = true;
      else result.failed += 1;
      if (existing) result.stored += 1;
      return;
    }
    const keepFull = used + fetched.size <= budget;
    const small = await thumbnail(fetched).catch(() => fetched);
    await saveBeforePhoto(
      db,
      {
        sha256,
        thumbnail: small,
        blob: keepFull ? fetched : undefined,
        bytes: fetched.size,
        contentType: fetched.type || 'image/jpeg',
      },
      now(),
    );
    result.downloaded += 1;
    result.stored += 1;
    if (keepFull) {
      used += fetched.size;
      result.full += 1;
    }
  }
}

async function fetchPhoto(
  api: Pick<ApiClient, 'getPhoto'>,
  sha256: string,
  hash: (blob: Blob) => Promise<string>,
  signal: AbortSignal | undefined,
): Promise<Blob | 'offline' | 'failed'> {
  let blob: Blob;
  try {
    blob = await api.getPhoto(sha256, signal ? { signal } : undefined);
  } catch (error) {
    // No network, a server that is down or busy, or a token to renew: stop, try again next time.
    const stop =
      error instanceof NetworkError ||
      signal?.aborted ||
      (error instanceof ApiRequestError && (error.action === 'retry' || error.action === 'sign_in'));
    return stop ? 'offline' : 'failed';
  }
  // Bytes damaged on the way are not the finding: never show them as it.
  if ((await hash(blob)) !== sha256) return 'failed';
  // A Blob made from bytes (the response's Blob may be backed by a file the browser can drop).
  return new Blob([await blob.arrayBuffer()], { type: blob.type || 'image/jpeg' });
}
