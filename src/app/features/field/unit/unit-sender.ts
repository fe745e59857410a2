/**
 * Sends the unit's waiting answers and requests (db/unit-work.ts) when the link allows: each
 * entry's photos first, one PUT each, then the answer or request, PUT under its device-made id.
 * Every step is idempotent on the server (photos by hash, the body by its id: the same content
 * again is a 200), so a lost answer or a page closed halfway only means sending again. A dead
 * network ends the run; a refusal the phone cannot fix by retrying (the item closed, a pending
 * request of the same kind, the link revoked) marks the entry 失败 with the server's code, which
 * the page words in Chinese with what to do.
 */
import { ApiRequestError, NetworkError } from '../../../api/api-client';
import type { UnitWorkApi } from '../../../api/unit-work-api';
import type { CivicDatabase } from '../../../db/database';
import {
  dueUnitEntries,
  forgetUnitPhotosSent,
  recordUnitFailed,
  recordUnitPhotoSent,
  recordUnitRetry,
  recordUnitSent,
  unsentUnitPhotos,
  type LocalUnitEntry,
} from '../../../db/unit-work';

export interface UnitSenderDeps {
  db: CivicDatabase;
  api: Pick<UnitWorkApi, 'putPhoto' | 'putAnswer' | 'putRequest'>;
  scope: string;
  now: () => Date;
}

const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 5 * 60_000;

/** Waits 10 s, 20 s, 40 s… up to five minutes, or what the server's Retry-After says. */
export function unitRetryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, 24 * 3_600_000);
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempts);
}

type Outcome = 'sent' | 'retry' | 'stop' | 'failed';

/** One pass over the scope's due entries; resolves with how many reached the server. */
export async function sendDueUnitEntries(deps: UnitSenderDeps): Promise<number> {
  let sent = 0;
  for (const entry of await dueUnitEntries(deps.db, deps.scope, deps.now())) {
    const outcome = await sendOne(deps, entry);
    if (outcome === 'sent') sent += 1;
    if (outcome === 'stop') break;
  }
  return sent;
}

async function sendOne(deps: UnitSenderDeps, entry: LocalUnitEntry): Promise<Outcome> {
  try {
    for (const photo of unsentUnitPhotos(entry)) {
      await deps.api.putPhoto(photo.sha256, photo.blob);
      await recordUnitPhotoSent(deps.db, entry.id, photo.sha256);
    }
    if (entry.body.kind === 'answer') await deps.api.putAnswer(entry.body.answer);
    else await deps.api.putRequest(entry.body.request);
    await recordUnitSent(deps.db, entry.id, deps.now());
    return 'sent';
  } catch (error) {
    return handleFailure(deps, entry, error);
  }
}

async function handleFailure(deps: UnitSenderDeps, entry: LocalUnitEntry, error: unknown): Promise<Outcome> {
  const later = (code: string, retryAfterSeconds?: number) =>
    recordUnitRetry(
      deps.db,
      entry.id,
      code,
      new Date(deps.now().getTime() + unitRetryDelayMs(entry.attempts, retryAfterSeconds)),
    );
  if (error instanceof NetworkError) {
    await later(error.timedOut ? 'timeout' : 'network');
    return 'stop';
  }
  if (!(error instanceof ApiRequestError)) {
    await later('local');
    return 'retry';
  }
  const code = error.code ?? `http_${error.status}`;
  if (error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504) {
    await later(code, error.retryAfterSeconds);
    return 'stop';
  }
  // The photos the server says it lacks go again on the next pass (only those it lacks).
  if (error.code === 'missing_photos') {
    const missing = Array.isArray(error.body.missingPhotos) ? (error.body.missingPhotos as unknown[]) : [];
    await forgetUnitPhotosSent(
      deps.db,
      entry.id,
      missing.filter((sha256) => typeof sha256 === 'string'),
    );
    await later(code);
    return 'retry';
  }
  // An account's session ended: the app signs the unit out; the entry goes after the next sign-in.
  if (error.status === 401 && deps.scope.startsWith('user:')) {
    await later(code);
    return 'stop';
  }
  if (error.action === 'retry' || error.status >= 500) {
    await later(code);
    return 'retry';
  }
  // 401 (a revoked or closed link), 403, 409, 400: retrying changes nothing.
  await recordUnitFailed(deps.db, entry.id, code);
  return 'failed';
}
