/**
 * Sends the resident's waiting reports (db/citizen-reports.ts) when the link allows: the report
 * first, with a proof of work solved for it (a 市民记者's token makes it trusted and needs none),
 * then its photos and thumbnails one at a time. Every step is idempotent on the server (the
 * device-made id, photos by hash), so a lost answer or a page closed halfway only means sending
 * again. A dead network ends the run (no point hammering it); a refusal the phone cannot fix
 * by retrying (bad input, a conflict) marks the report for attention instead of looping.
 */
import { ApiRequestError, NetworkError } from '../../api/api-client';
import type { CitizenApi } from '../../api/citizen-api';
import {
  dueCitizenReports,
  recordAttention,
  recordDelivered,
  recordPhotoSent,
  recordReceipt,
  recordRetry,
  unsentHashes,
  type LocalCitizenReport,
} from '../../db/citizen-reports';
import type { CivicDatabase } from '../../db/database';
import type { ProofSolver } from './proof-worker-client';

export interface CitizenSenderDeps {
  db: CivicDatabase;
  api: Pick<CitizenApi, 'challenge' | 'sendReport' | 'putPhoto'>;
  solve: ProofSolver;
  now: () => Date;
  /** True when a 市民记者 is signed in on this phone: their token makes the proof unnecessary. */
  trusted: () => boolean;
}

const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 5 * 60_000;

/** Waits 10 s, 20 s, 40 s… up to five minutes, or what the server's Retry-After says. */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, 24 * 3_600_000);
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempts);
}

type Outcome = 'sent' | 'retry' | 'stop' | 'attention';

/** One pass over the due reports; resolves with how many were delivered. */
export async function sendDueReports(deps: CitizenSenderDeps): Promise<number> {
  let delivered = 0;
  for (const entry of await dueCitizenReports(deps.db, deps.now())) {
    const outcome = await sendOne(deps, entry);
    if (outcome === 'sent') delivered += 1;
    if (outcome === 'stop') break;
  }
  return delivered;
}

async function sendOne(deps: CitizenSenderDeps, entry: LocalCitizenReport): Promise<Outcome> {
  try {
    if (!entry.code) {
      // A trusted send refused (the reporter's session ended): the next one carries a proof.
      const withProof = !deps.trusted() || entry.lastError === 'challenge_failed';
      const proof = withProof ? await solveFor(deps, entry.id) : undefined;
      const receipt = await deps.api.sendReport(entry.report, proof);
      await recordReceipt(deps.db, entry.id, receipt);
    }
    for (const photo of unsentHashes(entry)) {
      await deps.api.putPhoto(entry.id, photo.sha256, photo.blob);
      await recordPhotoSent(deps.db, entry.id, photo.sha256);
    }
    await recordDelivered(deps.db, entry.id);
    return 'sent';
  } catch (error) {
    return handleFailure(deps, entry, error);
  }
}

async function solveFor(deps: CitizenSenderDeps, reportId: string) {
  const { challenge, bits } = await deps.api.challenge();
  return { challenge, nonce: await deps.solve(challenge, reportId, bits) };
}

async function handleFailure(deps: CitizenSenderDeps, entry: LocalCitizenReport, error: unknown): Promise<Outcome> {
  const later = (code: string, retryAfterSeconds?: number) =>
    recordRetry(
      deps.db,
      entry.id,
      code,
      new Date(deps.now().getTime() + retryDelayMs(entry.attempts, retryAfterSeconds)),
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
  // An expired or used challenge, a hash damaged on the way, a slow request: try again.
  if (error.action === 'retry' || error.status >= 500) {
    await later(code);
    return 'retry';
  }
  await recordAttention(deps.db, entry.id, code);
  return 'attention';
}
