/**
 * The outbox engine: one `run()` drains every due outbox entry to the server, and decides, for
 * each answer, whether the entry is done, waits and retries, waits for a person, or whether the
 * whole queue pauses. It owns no storage and no network: the store, the transport, the clock and
 * the timers are injected (sync-store.ts), so tests drive it with fakes and fault schedules.
 *
 * Its parts: what a failure leads to (failure-outcome.ts, a pure table), the request in flight
 * with its deadline (in-flight.ts), the read-ahead that keeps two photos on the way
 * (read-ahead.ts), group progress (group-progress.ts), confirmations written behind
 * (confirmation-queue.ts); what it shows the app is engine-types.ts.
 *
 * The design — send order, what each answer leads to, pipelining, backoff and late answers — is
 * written down in docs/ARCHITECTURE.md ("Sync"); keep the two in step.
 */
import { ApiRequestError, NetworkError } from '../api/api-client';
import { sha256Hex } from '../platform/sha256';
import { retryAfterMs, retryDelayMs } from './backoff';
import { createConfirmationQueue, storeAfterConfirmations } from './confirmation-queue';
import {
  emptySummary,
  type Clock,
  type EngineState,
  type EngineStatus,
  type EntryOutcome,
  type GroupProgress,
  type RunOptions,
  type RunSummary,
  type StopReason,
  type SyncEngine,
  type SyncEvent,
} from './engine-types';
import { describe, failureOutcome, missingPhotosOf, toSyncError } from './failure-outcome';
import { addDelivered, countGroupProgress, entryRef } from './group-progress';
import { startRequest, type Answer, type InFlight } from './in-flight';
import { createReadAhead, PHOTOS_READ_AHEAD, type ReadAhead } from './read-ahead';
import type {
  PhotoSyncEntry,
  ServerScore,
  SubmissionSyncEntry,
  SyncEntry,
  SyncError,
  SyncStore,
  SyncTransport,
  TransportResult,
} from './sync-store';
import { browserTimers, type Timers } from './timers';

/**
 * Backstop per request, beyond the transport's own timeouts: a fetch that never settles (seen
 * on mobile Safari after backgrounding) must not hold the queue forever.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 15 * 60_000;

export interface SyncEngineOptions {
  store: SyncStore;
  transport: SyncTransport;
  clock: Clock;
  /** [0, 1), for the backoff's jitter. */
  random?: () => number;
  onEvent?: (event: SyncEvent) => void;
  requestDeadlineMs?: number;
  timers?: Timers;
  /** How long a confirmation may wait to be written with the next ones (confirmation-queue.ts). */
  confirmationHoldMs?: number;
  /** SHA-256 of a Blob in lowercase hex; default Web Crypto. Used only after a `hash_mismatch`. */
  hashBlob?: (blob: Blob) => Promise<string>;
}

interface EntryResult {
  outcome: EntryOutcome;
  status?: number;
  error?: SyncError;
  nextAttemptAt?: number;
  stop?: StopReason;
}

interface RunContext {
  signal?: AbortSignal | undefined;
  attempted: Set<number>;
  progress: Map<string, GroupProgress>;
  summary: RunSummary;
  ahead: ReadAhead;
}

/** See `RunSummary.nextRunAt`: when a finished run still finds "due" entries it could not send. */
export const HELD_RECHECK_MS = 30_000;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { transport, clock } = options;
  // Write-behind of confirmations (see the header and confirmation-queue.ts): every store call
  // but the two reads ahead waits for them, and sees a failure as its own.
  const timers = options.timers ?? browserTimers;
  const confirmations = createConfirmationQueue((seqs, now, scores) => options.store.markDone(seqs, now, scores), {
    timers,
    ...(options.confirmationHoldMs !== undefined && { holdMs: options.confirmationHoldMs }),
  });
  const confirmed = () => confirmations.flushed();
  const store = storeAfterConfirmations(options.store, confirmed);
  const random = options.random ?? Math.random;
  const deadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  const hashBlob = options.hashBlob ?? sha256Hex;

  let status: EngineStatus = 'idle';
  let failureStreak = 0;
  let current: EngineState['current'];
  let lastRun: RunSummary | undefined;
  let lastError: SyncError | undefined;
  let inflight: Promise<RunSummary> | undefined;
  /** No photo is sent ahead: two uploads at once were too slow for the link (`judgeLink`). */
  let oneAtATime = false;

  function emit(event: SyncEvent): void {
    try {
      options.onEvent?.(event);
    } catch (error) {
      // A broken listener must not break sync.
      console.error('sync event listener failed', error);
    }
  }

  function run(runOptions: RunOptions = {}): Promise<RunSummary> {
    if (inflight) return inflight;
    if (status === 'needs_sign_in') return Promise.resolve(pausedSummary());
    inflight = drain(runOptions.signal).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function pausedSummary(): RunSummary {
    const now = clock.now();
    return { ...emptySummary(now), finishedAt: now, stopped: 'needs_sign_in', complete: false };
  }

  async function drain(signal: AbortSignal | undefined): Promise<RunSummary> {
    status = 'running';
    const ctx: RunContext = {
      signal,
      attempted: new Set(),
      progress: new Map(),
      summary: emptySummary(clock.now()),
      ahead: createReadAhead({
        store,
        send: (upload) => request(signal, (requestSignal) => transport.putPhoto(upload, { signal: requestSignal })),
        twoAtOnce: () => !oneAtATime,
      }),
    };
    const summary = ctx.summary;
    emit({ type: 'run-started', at: summary.startedAt });
    let retryAt: number | undefined;
    try {
      drainLoop: for (;;) {
        const batch = (await store.pendingEntries(clock.now())).filter((entry) => !ctx.attempted.has(entry.seq));
        if (batch.length === 0) break;
        // Groups with an entry to retry: their later submissions wait, as the store would hold
        // them (a missing photo would get a 422; a later revision must not overtake an earlier one).
        const held = new Set<string>();
        for (const [index, entry] of batch.entries()) {
          if (ctx.attempted.has(entry.seq)) continue; // already handled (a photo re-sent after a 422)
          ctx.ahead.setComing(batch.slice(index + 1, index + 1 + PHOTOS_READ_AHEAD));
          if (signal?.aborted) {
            summary.stopped = 'aborted';
            break drainLoop;
          }
          // A confirmation written behind has failed: stop here (store_error) rather than go on
          // sending what could not be recorded either.
          if (confirmations.failed) await confirmed();
          ctx.attempted.add(entry.seq);
          if (entry.kind !== 'photo' && held.has(entry.groupId)) {
            summary.waiting += 1;
            continue;
          }
          const result = await processEntry(entry, ctx, true);
          if (result.outcome === 'retry' || result.outcome === 'waiting') held.add(entry.groupId);
          if (result.stop) {
            summary.stopped = result.stop;
            retryAt = result.nextAttemptAt;
            break drainLoop;
          }
        }
      }
    } catch (error) {
      summary.stopped = 'store_error';
      lastError = { code: 'store_error', message: `local storage failed, sync paused: ${describe(error)}` };
      emit({ type: 'error', at: clock.now(), action: 'store', error: lastError });
    }

    current = undefined;
    if (status === 'running') status = 'idle';
    summary.finishedAt = clock.now();
    summary.complete = summary.stopped === undefined && summary.retried === 0 && summary.waiting === 0;
    try {
      ctx.ahead.stop();
      await confirmed();
      if (summary.stopped !== 'needs_sign_in') {
        const next = await store.nextAttemptAt();
        summary.nextRunAt = next === undefined ? undefined : retryAt === undefined ? next : Math.max(next, retryAt);
        if (summary.stopped === undefined && next !== undefined && next <= summary.finishedAt) {
          // The run went through everything sendable, yet the store says something is due now:
          // an entry queued after the last look (its submit asks for a run itself), entries a
          // success woke after they had failed in this run, or a store whose nextAttemptAt
          // ignores held submissions. Look again a little later rather than spin.
          summary.nextRunAt = summary.finishedAt + HELD_RECHECK_MS;
        }
      }
      if (summary.complete && summary.sent + summary.duplicates > 0) await store.setLastSyncAt(summary.finishedAt);
    } catch (error) {
      summary.stopped ??= 'store_error';
      summary.complete = false;
      lastError = { code: 'store_error', message: `local storage failed: ${describe(error)}` };
      emit({ type: 'error', at: clock.now(), action: 'store', error: lastError });
    }
    lastRun = summary;
    emit({ type: 'run-finished', at: summary.finishedAt, summary: { ...summary } });
    return { ...summary };
  }

  async function processEntry(entry: SyncEntry, ctx: RunContext, mayRequeue: boolean): Promise<EntryResult> {
    const progress = await groupProgress(entry.groupId, ctx);
    const ref = entryRef(entry);
    current = { entry: ref, progress: { ...progress } };
    emit({ type: 'entry-started', at: clock.now(), entry: ref, progress: { ...progress } });

    const result = entry.kind === 'photo' ? await sendPhoto(entry, ctx) : await sendSubmission(entry, ctx, mayRequeue);

    const summary = ctx.summary;
    summary.attempted += 1;
    switch (result.outcome) {
      case 'sent':
      case 'duplicate':
        if (result.outcome === 'sent') summary.sent += 1;
        else summary.duplicates += 1;
        summary.bytesSent += ref.bytes;
        addDelivered(progress, entry);
        break;
      case 'retry':
        summary.retried += 1;
        break;
      case 'attention':
        summary.attention += 1;
        break;
      case 'waiting':
        summary.waiting += 1;
        break;
      default:
        break;
    }
    emit({
      type: 'entry-finished',
      at: clock.now(),
      entry: ref,
      outcome: result.outcome,
      ...(result.status !== undefined && { status: result.status }),
      ...(result.error && { error: result.error }),
      ...(result.nextAttemptAt !== undefined && { nextAttemptAt: result.nextAttemptAt }),
      progress: { ...progress },
    });
    return result;
  }

  async function sendPhoto(entry: PhotoSyncEntry, ctx: RunContext): Promise<EntryResult> {
    const photo = ctx.ahead.take(entry);
    const upload = await photo.upload;
    if (!upload) {
      return attention(entry, {
        code: 'photo_missing_locally',
        message: 'the photo is no longer stored on this device',
      });
    }
    const inFlight = (await photo.sending) ?? request(ctx.signal, (signal) => transport.putPhoto(upload, { signal }));
    lookAhead(ctx);
    const answer = await inFlight.answer;
    judgeLink(upload.bytes, inFlight, answer);
    if ('result' in answer) return done(entry, answer.result.status);
    const { error } = answer;
    if (error instanceof ApiRequestError && error.code === 'hash_mismatch') {
      const local = await hashBlob(upload.blob).catch(() => undefined);
      if (local !== undefined && local !== entry.key) {
        return attention(entry, {
          status: error.status,
          code: 'photo_damaged_locally',
          message: 'the photo stored on this device no longer matches its hash',
        });
      }
      return retry(entry, toSyncError(error), undefined);
    }
    return failed(entry, error);
  }

  async function sendSubmission(
    entry: SubmissionSyncEntry,
    ctx: RunContext,
    mayRequeue: boolean,
  ): Promise<EntryResult> {
    const inFlight = request(ctx.signal, (signal) =>
      entry.kind === 'inspection'
        ? transport.putInspection(entry.payload, { signal })
        : transport.putRecheck(entry.payload, { signal }),
    );
    lookAhead(ctx);
    const answer = await inFlight.answer;
    if ('result' in answer) return done(entry, answer.result.status, answer.result.score);
    const { error } = answer;
    if (error instanceof ApiRequestError && error.status === 422) {
      const missing = missingPhotosOf(error);
      // A second 422 right after sending the photos (or one without a list): try again later.
      if (!mayRequeue || missing === undefined) return retry(entry, toSyncError(error), undefined);
      return resendMissingPhotos(entry, missing, error, ctx);
    }
    return failed(entry, error);
  }

  /** 422 `missing_photos`: send exactly the listed photos, then the submission once more. */
  async function resendMissingPhotos(
    entry: SubmissionSyncEntry,
    missing: string[],
    error: ApiRequestError,
    ctx: RunContext,
  ): Promise<EntryResult> {
    const requeue = await store.requeuePhotos(entry.groupId, missing, clock.now());
    if (requeue.missingLocally.length > 0 || requeue.inAttention.length > 0) {
      const data = { missingLocally: requeue.missingLocally.length, refused: requeue.inAttention.length };
      return attention(entry, {
        status: 422,
        code: 'missing_photos',
        message: `the server lacks photos that cannot be sent again (${data.missingLocally} no longer on this device, ${data.refused} refused)`,
        data,
      });
    }
    ctx.progress.delete(entry.groupId); // photo counts changed: recount
    ctx.ahead.forgetGroup(entry.groupId);
    for (const seq of requeue.requeued) {
      const photo = await store.getEntry(seq);
      if (photo?.kind !== 'photo') continue;
      ctx.attempted.add(seq);
      const result = await processEntry(photo, ctx, false);
      if (result.outcome === 'sent' || result.outcome === 'duplicate') continue;
      if (result.outcome === 'attention') {
        return attention(entry, {
          status: 422,
          code: 'missing_photos',
          message: `a photo of this record could not be uploaded: ${result.error?.message ?? 'refused'}`,
          data: { photoError: result.error?.code ?? 'refused' },
        });
      }
      // Retry, pause or cancel: the submission stays pending behind its photo.
      return { ...result, outcome: result.outcome === 'retry' ? 'waiting' : result.outcome, status: error.status };
    }
    return sendSubmission(entry, ctx, false);
  }

  /**
   * Two photos uploading at once share the link, so each takes about twice as long as it would
   * alone. On a link slow enough for that to cross the transport's timeout, both would time out
   * on every run and nothing would ever arrive: a photo that timed out makes the engine send one
   * photo at a time, and a photo that then goes through in under a quarter of its timeout (two at
   * once would have stayed under half) lets it send two again.
   */
  function judgeLink(bytes: number, request: InFlight, answer: Answer): void {
    if ('error' in answer) {
      if (answer.error instanceof NetworkError && answer.error.timedOut) oneAtATime = true;
      return;
    }
    if (!oneAtATime) return;
    const allowed = transport.photoTimeoutMs?.(bytes) ?? Number.POSITIVE_INFINITY;
    if (clock.now() - request.startedAt <= allowed / 4) oneAtATime = false;
  }

  /** Any failure other than the special cases above, by the table in failure-outcome.ts. */
  async function failed(entry: SyncEntry, error: unknown): Promise<EntryResult> {
    const outcome = failureOutcome(error);
    switch (outcome.action) {
      case 'aborted':
        return { outcome: 'aborted', stop: 'aborted' };
      case 'pause':
        return pause(outcome.error);
      case 'attention':
        return attention(entry, outcome.error);
      case 'retry':
        return retry(entry, outcome.error, outcome.stop, outcome.retryAfterSeconds);
    }
  }

  async function done(entry: SyncEntry, httpStatus: number, score?: ServerScore): Promise<EntryResult> {
    const now = clock.now();
    confirmations.add(entry.seq, now, score);
    if (failureStreak > 0) {
      // The server is reachable again: whatever was backing off may go now.
      failureStreak = 0;
      await store.wakePending(now);
    }
    return { outcome: httpStatus === 200 ? 'duplicate' : 'sent', status: httpStatus };
  }

  async function retry(
    entry: SyncEntry,
    error: SyncError,
    stop: StopReason | undefined,
    retryAfterSeconds?: number,
  ): Promise<EntryResult> {
    const now = clock.now();
    const delay =
      retryAfterSeconds !== undefined ? retryAfterMs(retryAfterSeconds) : retryDelayMs(failureStreak, random);
    failureStreak += 1;
    const nextAttemptAt = now + delay;
    await store.markRetry(entry.seq, { nextAttemptAt, error });
    lastError = error;
    emit({ type: 'error', at: now, action: 'retry', error, entry: entryRef(entry), nextAttemptAt });
    return {
      outcome: 'retry',
      error,
      nextAttemptAt,
      ...(error.status !== undefined && { status: error.status }),
      ...(stop && { stop }),
    };
  }

  async function attention(entry: SyncEntry, error: SyncError): Promise<EntryResult> {
    await store.markAttention(entry.seq, error);
    lastError = error;
    emit({ type: 'error', at: clock.now(), action: 'attention', error, entry: entryRef(entry) });
    return { outcome: 'attention', error, ...(error.status !== undefined && { status: error.status }) };
  }

  function pause(error: SyncError): EntryResult {
    status = 'needs_sign_in';
    lastError = error;
    const at = clock.now();
    emit({ type: 'error', at, action: 'sign_in', error });
    emit({ type: 'paused', at, reason: 'needs_sign_in', error });
    return { outcome: 'paused', error, status: 401, stop: 'needs_sign_in' };
  }

  /** Starts one request with the run's cancellation and the deadline (in-flight.ts). */
  function request(signal: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<TransportResult>): InFlight {
    return startRequest(send, { signal, deadlineMs, timers, now: () => clock.now() });
  }

  /** While a request is in flight, the batch's next entries get going (read-ahead.ts). */
  function lookAhead(ctx: RunContext): void {
    ctx.ahead.look(ctx.attempted, (groupId) => ctx.progress.has(groupId));
  }

  async function groupProgress(groupId: string, ctx: RunContext): Promise<GroupProgress> {
    const known = ctx.progress.get(groupId);
    if (known) return known;
    const progress = countGroupProgress(groupId, await ctx.ahead.groupEntries(groupId));
    ctx.progress.set(groupId, progress);
    return progress;
  }

  return {
    run,
    state: () => ({
      status,
      failureStreak,
      ...(current && { current: { entry: { ...current.entry }, progress: { ...current.progress } } }),
      ...(lastRun && { lastRun: { ...lastRun } }),
      ...(lastError && { lastError: { ...lastError } }),
    }),
    resume() {
      if (status !== 'needs_sign_in') return;
      status = inflight ? 'running' : 'idle';
      emit({ type: 'resumed', at: clock.now() });
    },
    async resetBackoff() {
      failureStreak = 0;
      await store.wakePending(clock.now());
    },
    saveConfirmations: () => confirmations.writeNow(),
  };
}
