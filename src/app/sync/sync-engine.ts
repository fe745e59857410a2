/**
 * The outbox engine: one `run()` drains every due outbox entry to the server, and decides, for
 * each answer, whether the entry is done, waits and retries, waits for a person, or whether the
 * whole queue pauses. It owns no storage and no network: the store, the transport, the clock and
 * the timers are injected (sync-store.ts), so tests drive it with fakes and fault schedules.
 *
 * The design — send order, what each answer leads to, pipelining (two photos in flight,
 * read-ahead, write-behind confirmations), backoff and late answers — is written down in
 * docs/ARCHITECTURE.md ("Sync"); keep the two in step.
 */
import { ApiRequestError, NetworkError } from '../api/api-client';
import { sha256Hex } from '../platform/sha256';
import { retryAfterMs, retryDelayMs } from './backoff';
import { createConfirmationQueue } from './confirmation-queue';
import { browserTimers, type Timers } from './timers';
import type {
  PhotoSyncEntry,
  PhotoUpload,
  SubmissionSyncEntry,
  SyncEntry,
  SyncEntryKind,
  SyncError,
  SyncStore,
  SyncTransport,
  TransportResult,
} from './sync-store';

export interface Clock {
  now(): number;
}

export { browserTimers, type Timers } from './timers';

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

export type EngineStatus = 'idle' | 'running' | 'needs_sign_in';

/** Which entry an event is about. */
export interface EntryRef {
  seq: number;
  kind: SyncEntryKind;
  key: string;
  groupId: string;
  bytes: number;
}

/** Progress of one submission with its photos, over every entry of its group in the outbox. */
export interface GroupProgress {
  groupId: string;
  /** Undefined when the group holds only photos (a photo requeued for another submission). */
  kind?: 'inspection' | 'recheck';
  photosDone: number;
  photosTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export type EntryOutcome =
  /** 201: stored now. */
  | 'sent'
  /** 200: the server already had it. */
  | 'duplicate'
  /** Failed; pending again at `nextAttemptAt`. */
  | 'retry'
  /** Waits for a person (state 'attention'), with the server's message. */
  | 'attention'
  /** A submission left pending because one of its photos must be retried first. */
  | 'waiting'
  /** 401: the queue paused; the entry is untouched. */
  | 'paused'
  /** The run was cancelled while the request was in flight; the entry is untouched. */
  | 'aborted';

export type StopReason =
  | 'offline'
  | 'rate_limited'
  | 'server_unavailable'
  | 'needs_sign_in'
  | 'aborted'
  /** Reading or writing the outbox failed (IndexedDB closed, quota): nothing was lost. */
  | 'store_error';

export interface RunSummary {
  startedAt: number;
  finishedAt: number;
  /** Requests' entries handled this run (photos re-sent after a 422 included). */
  attempted: number;
  sent: number;
  duplicates: number;
  retried: number;
  attention: number;
  waiting: number;
  bytesSent: number;
  /** Set when the run ended early; every entry not reached is untouched and still due. */
  stopped?: StopReason;
  /** Everything due was delivered or set aside for a person (no retry pending, not stopped). */
  complete: boolean;
  /**
   * When the next run is worth starting: after a stop, the retry time of the failure that
   * stopped it; else when the earliest pending entry is due. Undefined when nothing is pending,
   * or while the queue is paused for sign-in.
   */
  nextRunAt?: number;
}

export type SyncEvent =
  | { type: 'run-started'; at: number }
  | { type: 'entry-started'; at: number; entry: EntryRef; progress: GroupProgress }
  | {
      type: 'entry-finished';
      at: number;
      entry: EntryRef;
      outcome: EntryOutcome;
      /** HTTP status of the answer, when there was one. */
      status?: number;
      error?: SyncError;
      nextAttemptAt?: number;
      progress: GroupProgress;
    }
  | {
      type: 'error';
      at: number;
      /** What happens next: retried later, waits for a person, needs sign-in, or the run stopped (store). */
      action: 'retry' | 'attention' | 'sign_in' | 'store';
      error: SyncError;
      entry?: EntryRef;
      nextAttemptAt?: number;
    }
  | { type: 'paused'; at: number; reason: 'needs_sign_in'; error: SyncError }
  | { type: 'resumed'; at: number }
  | { type: 'run-finished'; at: number; summary: RunSummary };

export interface EngineState {
  status: EngineStatus;
  /** The entry in flight and its group's progress, while running. */
  current?: { entry: EntryRef; progress: GroupProgress };
  lastRun?: RunSummary;
  lastError?: SyncError;
  /** Consecutive retryable failures: the backoff exponent of the next failure. */
  failureStreak: number;
}

export interface RunOptions {
  /** Cancels the run: the request in flight is aborted and its entry left untouched. */
  signal?: AbortSignal;
}

export interface SyncEngine {
  /** Drains every due entry. A call while a run is going returns that run. */
  run(options?: RunOptions): Promise<RunSummary>;
  state(): EngineState;
  /** After a new sign-in: the queue may go on. */
  resume(): void;
  /** Back online or "立即同步": the backoff starts over and every pending entry is due now. */
  resetBackoff(): Promise<void>;
  /**
   * The page is being hidden (and may be killed): write the confirmations waiting behind the
   * requests now, rather than send those entries again later. A failure shows in the run.
   */
  saveConfirmations(): void;
}

/** The run was cancelled: not a failure of the entry. */
class RunAborted extends Error {
  override name = 'RunAborted';
}

interface EntryResult {
  outcome: EntryOutcome;
  status?: number;
  error?: SyncError;
  nextAttemptAt?: number;
  stop?: StopReason;
}

interface RunContext {
  signal?: AbortSignal;
  attempted: Set<number>;
  progress: Map<string, GroupProgress>;
  summary: RunSummary;
  /** The entries the batch goes on with after the current one: the next photos' bytes are read… */
  coming: readonly SyncEntry[];
  reads: Map<number, Promise<PhotoUpload | undefined>>;
  /** …the next entry, when a photo, is sent… */
  ahead?: PhotoAhead;
  /** …and its group's entries are read when it starts a new group (for progress). */
  groupAhead?: { groupId: string; entries: Promise<SyncEntry[]> };
}

type Answer = { result: TransportResult } | { error: unknown };

/** A request under way: its answer (only the first settlement counts) and a way to give up on it. */
interface InFlight {
  answer: Promise<Answer>;
  /** Clock time when it was sent. */
  startedAt: number;
  /** Aborts the request; its answer becomes `RunAborted` and its entry is left untouched. */
  cancel(): void;
}

/** The next photo, already on its way while the current request is in flight (see the header). */
interface PhotoAhead {
  seq: number;
  upload: Promise<PhotoUpload | undefined>;
  /** Undefined when the photo is missing locally, or the run gave it up before it was read. */
  sending: Promise<InFlight | undefined>;
  /** The run will not get to it (it stopped): abort it, or never send it; its entry stays untouched. */
  giveUp(): void;
}

const SERVER_DOWN = new Set([502, 503, 504]);

/**
 * How many entries past the current one the run reads photos' bytes for: enough that a read
 * never holds up an upload (Blobs read from IndexedDB are handles to files, not the bytes).
 */
const PHOTOS_READ_AHEAD = 4;

/** See `RunSummary.nextRunAt`: when a finished run still finds "due" entries it could not send. */
export const HELD_RECHECK_MS = 30_000;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { transport, clock } = options;
  // Write-behind of confirmations (see the header and confirmation-queue.ts): every store call
  // but the two reads ahead waits for them, and sees a failure as its own.
  const timers = options.timers ?? browserTimers;
  const confirmations = createConfirmationQueue((seqs, now) => options.store.markDone(seqs, now), {
    timers,
    ...(options.confirmationHoldMs !== undefined && { holdMs: options.confirmationHoldMs }),
  });
  const confirmed = () => confirmations.flushed();
  const store = afterConfirmations(options.store, confirmed);
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
      coming: [],
      reads: new Map(),
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
          ctx.coming = batch.slice(index + 1, index + 1 + PHOTOS_READ_AHEAD);
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
      ctx.ahead?.giveUp();
      ctx.ahead = undefined;
      ctx.reads.clear();
      ctx.groupAhead = undefined;
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
        progress.bytesDone += ref.bytes;
        if (entry.kind === 'photo' && entry.state !== 'done')
          progress.photosDone = Math.min(progress.photosTotal, progress.photosDone + 1);
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
    const ahead = ctx.ahead?.seq === entry.seq ? ctx.ahead : undefined;
    if (ahead) ctx.ahead = undefined;
    const upload = await (ahead?.upload ?? readPhoto(entry, ctx));
    if (!upload) {
      return attention(entry, {
        code: 'photo_missing_locally',
        message: 'the photo is no longer stored on this device',
      });
    }
    const inFlight = (await ahead?.sending) ?? startRequest(ctx, (signal) => transport.putPhoto(upload, { signal }));
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
    const inFlight = startRequest(ctx, (signal) =>
      entry.kind === 'inspection'
        ? transport.putInspection(entry.payload, { signal })
        : transport.putRecheck(entry.payload, { signal }),
    );
    lookAhead(ctx);
    const answer = await inFlight.answer;
    if ('result' in answer) return done(entry, answer.result.status);
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
    if (ctx.groupAhead?.groupId === entry.groupId) ctx.groupAhead = undefined;
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

  /** Any failure other than the special cases above, by the shared catalogue's client action. */
  async function failed(entry: SyncEntry, error: unknown): Promise<EntryResult> {
    if (error instanceof RunAborted) return { outcome: 'aborted', stop: 'aborted' };
    if (error instanceof NetworkError) {
      return retry(entry, { code: error.timedOut ? 'timeout' : 'network', message: error.message }, 'offline');
    }
    if (!(error instanceof ApiRequestError)) {
      return retry(entry, { code: 'network', message: `request failed: ${describe(error)}` }, 'offline');
    }
    const syncError = toSyncError(error);
    if (error.status === 401) return pause(syncError);
    if (error.status === 429) return retry(entry, syncError, 'rate_limited', error.retryAfterSeconds);
    if (SERVER_DOWN.has(error.status)) return retry(entry, syncError, 'server_unavailable', error.retryAfterSeconds);
    if (error.action === 'retry') return retry(entry, syncError, undefined, error.retryAfterSeconds);
    return attention(entry, syncError);
  }

  async function done(entry: SyncEntry, httpStatus: number): Promise<EntryResult> {
    const now = clock.now();
    confirmations.add(entry.seq, now);
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

  /**
   * Starts one request with the run's cancellation and the deadline. Only the first settlement
   * counts: an answer arriving after the engine gave up on it is dropped here.
   */
  function startRequest(ctx: RunContext, send: (signal: AbortSignal) => Promise<TransportResult>): InFlight {
    const controller = new AbortController();
    const startedAt = clock.now();
    let settle!: (value: Answer) => void;
    const answer = new Promise<Answer>((resolve) => {
      let settled = false;
      settle = (value) => {
        if (settled) return;
        settled = true;
        timers.clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
    });
    const cancel = () => {
      controller.abort();
      settle({ error: new RunAborted('sync cancelled') });
    };
    const onAbort = cancel;
    const timer = timers.setTimeout(() => {
      controller.abort();
      settle({ error: new NetworkError('request timed out', true) });
    }, deadlineMs);
    if (ctx.signal?.aborted) {
      cancel();
      return { answer, startedAt, cancel };
    }
    ctx.signal?.addEventListener('abort', onAbort);
    try {
      send(controller.signal).then(
        (result) => settle({ result }),
        (error: unknown) => settle({ error }),
      );
    } catch (error) {
      settle({ error });
    }
    return { answer, startedAt, cancel };
  }

  /**
   * While a request is in flight, get the batch's next entries going: read the bytes of the next
   * few photos (an IndexedDB read takes a few milliseconds before its upload can start), start
   * the upload of the next entry when it is a photo, so that two photos are on the way at once
   * (the server's write of one overlaps the other's transfer; not on a slow link, `judgeLink`),
   * and read the next entry's group
   * if it starts a new one (progress). A submission is never sent ahead: it goes only after
   * every photo before it has been answered. Nothing here waits for the confirmations written
   * behind; a failure shows when what was read is used.
   */
  function lookAhead(ctx: RunContext): void {
    const coming = ctx.coming.filter((entry) => !ctx.attempted.has(entry.seq));
    for (const entry of coming) {
      if (entry.kind === 'photo' && !ctx.reads.has(entry.seq)) {
        const upload = store.photoForUpload(entry.key);
        upload.catch(() => undefined);
        ctx.reads.set(entry.seq, upload);
      }
    }
    const next = ctx.coming[0];
    if (!next || ctx.attempted.has(next.seq)) return;
    if (next.kind === 'photo' && !oneAtATime && ctx.ahead?.seq !== next.seq) {
      const upload = readPhoto(next, ctx);
      let givenUp = false;
      const sending = upload.then((found) =>
        found && !givenUp ? startRequest(ctx, (signal) => transport.putPhoto(found, { signal })) : undefined,
      );
      sending.catch(() => undefined);
      const giveUp = () => {
        givenUp = true; // not sent at all if its bytes are still being read
        sending.then(
          (inFlight) => inFlight?.cancel(),
          () => undefined,
        );
      };
      ctx.ahead = { seq: next.seq, upload, sending, giveUp };
    }
    if (!ctx.progress.has(next.groupId) && ctx.groupAhead?.groupId !== next.groupId) {
      const entries = store.entriesOfGroup(next.groupId);
      entries.catch(() => undefined);
      ctx.groupAhead = { groupId: next.groupId, entries };
    }
  }

  /** A photo's bytes: read ahead already, or now. */
  function readPhoto(entry: PhotoSyncEntry, ctx: RunContext): Promise<PhotoUpload | undefined> {
    const read = ctx.reads.get(entry.seq);
    ctx.reads.delete(entry.seq);
    return read ?? store.photoForUpload(entry.key);
  }

  async function groupProgress(groupId: string, ctx: RunContext): Promise<GroupProgress> {
    const known = ctx.progress.get(groupId);
    if (known) return known;
    const ahead = ctx.groupAhead?.groupId === groupId ? ctx.groupAhead.entries : undefined;
    ctx.groupAhead = undefined;
    const entries = await (ahead ?? store.entriesOfGroup(groupId));
    const progress: GroupProgress = { groupId, photosDone: 0, photosTotal: 0, bytesDone: 0, bytesTotal: 0 };
    for (const entry of entries) {
      const bytes = entryBytes(entry);
      progress.bytesTotal += bytes;
      if (entry.state === 'done') progress.bytesDone += bytes;
      if (entry.kind === 'photo') {
        progress.photosTotal += 1;
        if (entry.state === 'done') progress.photosDone += 1;
      } else {
        progress.kind = entry.kind;
      }
    }
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

/**
 * The store as the engine uses it: every call waits for the confirmations written behind
 * (`confirmed`), except the two reads that may run alongside them — a photo's bytes (read ahead)
 * and a group's entries (progress only).
 */
function afterConfirmations(store: SyncStore, confirmed: () => Promise<void>): SyncStore {
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

/** A run that found nothing to do, at `now`. */
export function emptySummary(now: number): RunSummary {
  return {
    startedAt: now,
    finishedAt: now,
    attempted: 0,
    sent: 0,
    duplicates: 0,
    retried: 0,
    attention: 0,
    waiting: 0,
    bytesSent: 0,
    complete: true,
  };
}

function entryRef(entry: SyncEntry): EntryRef {
  return { seq: entry.seq, kind: entry.kind, key: entry.key, groupId: entry.groupId, bytes: entryBytes(entry) };
}

function entryBytes(entry: SyncEntry): number {
  if (entry.bytes !== undefined) return entry.bytes;
  return entry.kind === 'photo' ? 0 : new TextEncoder().encode(JSON.stringify(entry.payload)).length;
}

function toSyncError(error: ApiRequestError): SyncError {
  return { status: error.status, ...(error.code && { code: error.code }), message: error.message };
}

function missingPhotosOf(error: ApiRequestError): string[] | undefined {
  const list = error.body.missingPhotos;
  if (!Array.isArray(list)) return undefined;
  const hashes = list.filter((item): item is string => typeof item === 'string');
  return hashes.length > 0 ? hashes : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
