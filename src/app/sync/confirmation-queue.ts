/**
 * The sync engine's confirmations, written behind the requests (see sync-engine.ts): each 2xx is
 * queued here and the engine goes on sending. Writes run one at a time, in order, so the store
 * sees confirmations in the order the answers came.
 *
 * A confirmation waits up to `holdMs` (from the oldest one waiting) for company, then everything
 * waiting is written in ONE IndexedDB transaction. Measured in Chromium 150 (`npm run bench`): a
 * write transaction committed while uploads are in flight costs the browser's process 20–30 ms
 * of CPU, whatever it holds — four times a photo's upload on a fast link — while one write at
 * the end of a whole drain cost next to nothing. So on a fast link a second's worth of answers
 * (dozens of requests) makes one write; on a slow link, where one upload outlasts `holdMs`, each
 * answer is recorded while the next upload runs.
 *
 * Waiting confirmations are also written once `MAX_HELD` pile up (bounding what a crash can take
 * back), and whenever someone waits for `flushed()`: the engine does before any other store call,
 * at the end of a run, and when the page is hidden.
 *
 * A confirmation lost with the page (killed before its write) leaves the entry pending: it is
 * sent again and the server answers 200 — at most `holdMs` of uploads travel twice, nothing is
 * duplicated.
 */
import type { ServerScore, SyncStore } from './sync-store';
import type { Timers } from './timers';

export interface ConfirmationQueue {
  /**
   * Queues the confirmation of entry `seq`, answered at `now` (written within `holdMs`), with the
   * score the server gave it when it is an inspection.
   */
  add(seq: number, now: number, score?: ServerScore): void;
  /** Starts writing what waits now, without waiting for it (the page is being hidden). */
  writeNow(): void;
  /** True once a write has failed (until `flushed` reports it). */
  readonly failed: boolean;
  /** Resolves when everything queued so far is written; rejects with the first failure since the last call. */
  flushed(): Promise<void>;
}

/** Confirmations written anyway once this many wait. */
export const MAX_HELD = 64;
/** How long a confirmation waits for company (see the header). */
export const DEFAULT_HOLD_MS = 1000;

export function createConfirmationQueue(
  markDone: (seqs: readonly number[], now: number, scores: ReadonlyMap<number, ServerScore>) => Promise<void>,
  { timers, holdMs = DEFAULT_HOLD_MS }: { timers: Timers; holdMs?: number },
): ConfirmationQueue {
  let writing: Promise<void> = Promise.resolve();
  let waiting: number[] = [];
  let scores = new Map<number, ServerScore>();
  /** True while a write has been scheduled that will take `waiting` along. */
  let scheduled = false;
  let holdTimer: unknown;
  let latest = 0;
  let failure: { error: unknown } | undefined;

  const writeWaiting = async () => {
    scheduled = false;
    const seqs = waiting;
    const given = scores;
    waiting = [];
    scores = new Map();
    if (seqs.length === 0) return;
    try {
      await markDone(seqs, latest, given);
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
    add(seq, now, score) {
      waiting.push(seq);
      if (score) scores.set(seq, score);
      latest = now;
      if (waiting.length >= MAX_HELD) schedule();
      else if (!scheduled && holdTimer === undefined) holdTimer = timers.setTimeout(schedule, holdMs);
    },
    writeNow: schedule,
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

/**
 * The store as the engine uses it: every call waits for the confirmations written behind
 * (`confirmed`), except the two reads that may run alongside them — a photo's bytes (read ahead)
 * and a group's entries (progress only).
 */
export function storeAfterConfirmations(store: SyncStore, confirmed: () => Promise<void>): SyncStore {
  // Looked up at each call, not bound once: the store object may be changed after creation.
  const after =
    <K extends Exclude<keyof SyncStore, 'entriesOfGroup' | 'photoForUpload'>>(name: K) =>
    async (...args: Parameters<SyncStore[K]>): Promise<Awaited<ReturnType<SyncStore[K]>>> => {
      await confirmed();
      const method = store[name] as (...a: Parameters<SyncStore[K]>) => Promise<Awaited<ReturnType<SyncStore[K]>>>;
      return method.apply(store, args);
    };
  return {
    pendingEntries: after('pendingEntries'),
    entriesOfGroup: (groupId) => store.entriesOfGroup(groupId),
    getEntry: after('getEntry'),
    photoForUpload: (sha256) => store.photoForUpload(sha256),
    markDone: after('markDone'),
    markRetry: after('markRetry'),
    markAttention: after('markAttention'),
    requeuePhotos: after('requeuePhotos'),
    wakePending: after('wakePending'),
    nextAttemptAt: after('nextAttemptAt'),
    setLastSyncAt: after('setLastSyncAt'),
  };
}
