/**
 * The sync engine's confirmations, written behind the next request (see sync-engine.ts): each
 * 2xx is queued here and the engine goes on sending. Writes are few and run one at a time, in
 * order, so the store sees confirmations in the order the answers came:
 *
 * - A photo's confirmation is held (`hold`) for up to `holdMs`, so that on a fast link it is
 *   written together with its submission's: one IndexedDB write transaction per submission
 *   instead of one per request. Each costs several milliseconds of the browser's CPU (measured:
 *   5–15 ms in Chromium 150 on a database holding photos), as much as a photo's upload on a
 *   fast link. On a slow link the next upload outlasts `holdMs`, and the photo is recorded while
 *   it runs: a page closed then does not send it again.
 * - Everything else starts a write at once; what piles up while one write runs goes in the next.
 * - Held confirmations are written anyway once `MAX_HELD` pile up, and whenever someone waits
 *   for `flushed()` (the engine does before any other store call and at the end of a run).
 *
 * A confirmation lost with the page (closed before its write) leaves the entry pending: it is sent
 * again and the server answers 200 — the bytes travel twice, nothing is duplicated.
 */
import type { Timers } from './timers';

export interface ConfirmationQueue {
  /**
   * Queues the confirmation of entry `seq`, answered at `now`; `hold` lets it wait for the next
   * confirmation that is not held (a photo for its submission).
   */
  add(seq: number, now: number, options?: { hold?: boolean }): void;
  /** True once a write has failed (until `flushed` reports it). */
  readonly failed: boolean;
  /** Resolves when everything queued so far is written; rejects with the first failure since the last call. */
  flushed(): Promise<void>;
}

/** Held confirmations written anyway once this many wait (a submission with many photos). */
export const MAX_HELD = 8;
/** How long a held confirmation waits for company (see the header). */
export const DEFAULT_HOLD_MS = 500;

export function createConfirmationQueue(
  markDone: (seqs: readonly number[], now: number) => Promise<void>,
  { timers, holdMs = DEFAULT_HOLD_MS }: { timers: Timers; holdMs?: number },
): ConfirmationQueue {
  let writing: Promise<void> = Promise.resolve();
  let waiting: number[] = [];
  /** True while a write has been scheduled that will take `waiting` along. */
  let scheduled = false;
  let holdTimer: unknown;
  let latest = 0;
  let failure: { error: unknown } | undefined;

  const writeWaiting = async () => {
    scheduled = false;
    const seqs = waiting;
    waiting = [];
    if (seqs.length === 0) return;
    try {
      await markDone(seqs, latest);
    } catch (error) {
      failure ??= { error };
    }
  };
  const schedule = () => {
    if (holdTimer !== undefined) timers.clearTimeout(holdTimer);
    holdTimer = undefined;
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    writing = writing.then(writeWaiting);
  };

  return {
    add(seq, now, { hold = false } = {}) {
      waiting.push(seq);
      latest = now;
      if (!hold || waiting.length >= MAX_HELD) schedule();
      else if (!scheduled && holdTimer === undefined) holdTimer = timers.setTimeout(schedule, holdMs);
    },
    get failed() {
      return failure !== undefined;
    },
    async flushed() {
      schedule();
      await writing;
      const reported = failure;
      failure = undefined;
      if (reported) throw reported.error;
    },
  };
}
