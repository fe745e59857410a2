/**
 * What the sync engine shows the app: its state, the events of a run (for the sync screen and
 * the badge), the summary a run ends with, and the engine's interface. The engine itself is
 * sync-engine.ts; its parts are failure-outcome.ts, in-flight.ts, read-ahead.ts and
 * group-progress.ts.
 */
import type { SyncEntryKind, SyncError } from './sync-store';

export interface Clock {
  now(): number;
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
