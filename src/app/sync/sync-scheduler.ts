/**
 * When the outbox drains: the triggers, and the guarantee that one run goes at a time — in this
 * page, and across the tabs of this browser.
 *
 * Triggers: app start (`start()`), the `online` event (which also resets the backoff), the page
 * becoming visible, each submit (`requestSync()`), a timer while anything is pending and the page
 * is in the foreground (every 60 s at most, sooner when an entry's retry falls due), the
 * "立即同步" button (`syncNow()`: resets the backoff and tries even when the browser says it is
 * offline), a new sign-in after a 401 pause (`resume()`), and Background Sync where the browser
 * has it (background-sync.ts: the worker only nudges the page). While `navigator.onLine` is
 * false, automatic triggers wait for the `online` event instead of failing.
 *
 * One at a time: a trigger during a run is remembered and runs once more right after it (a
 * submit during a run is not left behind). Across tabs, `navigator.locks.request(
 * 'civic-inspect-sync', {ifAvailable: true})`: a tab that finds the lock taken skips and looks
 * again a few seconds later. Without Web Locks (Safari < 15.4, some webviews) a lease in
 * localStorage with an expiry stands in: best effort (localStorage has no compare-and-set), which
 * is enough because the lock only saves bandwidth — the server's idempotency (photos by hash,
 * submissions by id and revision) already makes two tabs sending the same entry harmless.
 *
 * Window, document, navigator, storage, timers and clock are injected so tests need no browser.
 */
import { BACKGROUND_SYNC_TAG, isSyncRequestMessage } from './background-sync';
import type { Clock, RunSummary, SyncEngine } from './engine-types';
import { browserTimers, type Timers } from './timers';

export const SYNC_LOCK_NAME = 'civic-inspect-sync';
export const SYNC_LEASE_KEY = 'civic-inspect-sync-lease';

export const DEFAULT_POLL_INTERVAL_MS = 60_000;
export const DEFAULT_BUSY_RETRY_MS = 5_000;
export const DEFAULT_MIN_DELAY_MS = 1_000;
export const DEFAULT_LEASE_MS = 30_000;
/** How long a tab waits after writing the lease before trusting it (another tab may have written too). */
export const LEASE_SETTLE_MS = 50;

export type TriggerReason =
  'start' | 'online' | 'visible' | 'submit' | 'timer' | 'manual' | 'signed-in' | 'background-sync';

export interface EventTargetLike {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface DocumentLike extends EventTargetLike {
  readonly visibilityState: DocumentVisibilityState;
}

/** The part of `LockManager` used here. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface ServiceWorkerContainerLike {
  readonly ready: Promise<{ readonly sync?: { register(tag: string): Promise<void> } }>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface NavigatorLike {
  readonly onLine?: boolean;
  readonly locks?: LockManagerLike;
  readonly serviceWorker?: ServiceWorkerContainerLike;
}

export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface SyncSchedulerOptions {
  engine: Pick<SyncEngine, 'run' | 'resume' | 'resetBackoff' | 'saveConfirmations'>;
  window: EventTargetLike;
  document: DocumentLike;
  navigator: NavigatorLike;
  /** localStorage, for the lease when Web Locks are missing; undefined: no cross-tab guard. */
  storage?: StorageLike;
  timers?: Timers;
  clock?: Clock;
  pollIntervalMs?: number;
  busyRetryMs?: number;
  minDelayMs?: number;
  leaseMs?: number;
  /** This tab's id in the lease. */
  tabId?: string;
  /** After every run this tab made. */
  onRun?: (summary: RunSummary, reason: TriggerReason) => void;
  onError?: (error: unknown) => void;
}

export interface SyncScheduler {
  /** Listens to the triggers and runs once (app start). */
  start(): void;
  /** Stops listening and cancels a run in flight (its entry stays as it was). */
  stop(): void;
  /** After a submit (or any other reason): a run now, or right after the current one. */
  requestSync(reason?: TriggerReason): Promise<RunSummary | undefined>;
  /** "立即同步": backoff reset, every pending entry due, run now. */
  syncNow(): Promise<RunSummary | undefined>;
  /** After signing in again: the paused queue goes on. */
  resume(): Promise<RunSummary | undefined>;
  isRunning(): boolean;
}

/** Another tab holds the sync lock. */
const BUSY = Symbol('busy');
type Busy = typeof BUSY;

export function createSyncScheduler(options: SyncSchedulerOptions): SyncScheduler {
  const { engine, window: win, document: doc, navigator: nav } = options;
  const timers = options.timers ?? browserTimers;
  const clock = options.clock ?? { now: () => Date.now() };
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const busyRetryMs = options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS;
  const minDelayMs = options.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
  const report = options.onError ?? ((error: unknown) => console.error('sync failed', error));
  const lease = createStorageLease({
    storage: options.storage,
    tabId: options.tabId ?? randomTabId(),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    clock,
    timers,
  });

  let started = false;
  let stopped = false;
  let running: Promise<RunSummary | undefined> | undefined;
  let again: TriggerReason | undefined;
  let timer: unknown;
  let controller = new AbortController();
  let swReady: ServiceWorkerContainerLike['ready'] | undefined;

  const onOnline = () => {
    engine
      .resetBackoff()
      .catch(report)
      .finally(() => void requestSync('online'));
  };
  const onVisibility = () => {
    if (doc.visibilityState === 'visible') void requestSync('visible');
    else {
      clearTimer();
      // A hidden page may be killed without another word: record what the server confirmed.
      engine.saveConfirmations();
    }
  };
  const onWorkerMessage = (event: MessageEvent) => {
    if (isSyncRequestMessage(event.data)) void requestSync('background-sync');
  };

  function requestSync(reason: TriggerReason = 'submit'): Promise<RunSummary | undefined> {
    if (stopped) return Promise.resolve(undefined);
    if (reason === 'submit') registerBackgroundSync();
    if (nav.onLine === false && reason !== 'manual') {
      // Offline for sure: the `online` event brings us back; trying now would only grow the backoff.
      return running ?? Promise.resolve(undefined);
    }
    if (running) {
      again = reason;
      return running;
    }
    running = pump(reason).finally(() => {
      running = undefined;
    });
    return running;
  }

  async function pump(firstReason: TriggerReason): Promise<RunSummary | undefined> {
    let reason: TriggerReason = firstReason;
    let summary: RunSummary | undefined;
    let outcome: 'ran' | 'busy' | 'failed';
    for (;;) {
      again = undefined;
      clearTimer();
      outcome = 'ran';
      try {
        const result = await runExclusive();
        if (result === BUSY) outcome = 'busy';
        else {
          summary = result;
          options.onRun?.(result, reason);
          if (result.stopped === 'store_error') outcome = 'failed';
        }
      } catch (error) {
        outcome = 'failed';
        report(error);
      }
      if (again === undefined || stopped || outcome === 'busy') break;
      reason = again;
    }
    schedule(summary, outcome);
    return summary;
  }

  async function runExclusive(): Promise<RunSummary | Busy> {
    const run = () => engine.run({ signal: controller.signal });
    const locks = nav.locks;
    if (locks) {
      let granted = false;
      try {
        return await locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, async (lock) => {
          granted = true;
          return lock ? run() : BUSY;
        });
      } catch (error) {
        // A lock manager that refuses (SecurityError in an opaque origin): use the lease instead.
        if (granted) throw error;
      }
    }
    return lease.run(run);
  }

  function schedule(summary: RunSummary | undefined, outcome: 'ran' | 'busy' | 'failed'): void {
    clearTimer();
    if (stopped || doc.visibilityState !== 'visible') return;
    let delay: number;
    if (outcome === 'busy') delay = busyRetryMs;
    else if (outcome === 'failed') delay = pollIntervalMs;
    else if (summary?.nextRunAt === undefined)
      return; // nothing pending, or paused for sign-in
    else delay = Math.min(pollIntervalMs, Math.max(minDelayMs, summary.nextRunAt - clock.now()));
    if (summary?.nextRunAt !== undefined) registerBackgroundSync();
    timer = timers.setTimeout(() => {
      timer = undefined;
      void requestSync('timer');
    }, delay);
  }

  function clearTimer(): void {
    if (timer === undefined) return;
    timers.clearTimeout(timer);
    timer = undefined;
  }

  function registerBackgroundSync(): void {
    const container = nav.serviceWorker;
    if (!container) return;
    // `ready` never settles without a registered worker (dev server): ask it once, not per call.
    swReady ??= container.ready;
    swReady.then((registration) => registration.sync?.register(BACKGROUND_SYNC_TAG)).catch(() => undefined);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      win.addEventListener('online', onOnline);
      doc.addEventListener('visibilitychange', onVisibility);
      nav.serviceWorker?.addEventListener('message', onWorkerMessage);
      void requestSync('start');
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimer();
      win.removeEventListener('online', onOnline);
      doc.removeEventListener('visibilitychange', onVisibility);
      nav.serviceWorker?.removeEventListener('message', onWorkerMessage);
      controller.abort();
      controller = new AbortController();
    },
    requestSync,
    async syncNow() {
      await engine.resetBackoff().catch(report);
      return requestSync('manual');
    },
    resume() {
      engine.resume();
      return requestSync('signed-in');
    },
    isRunning: () => running !== undefined,
  };
}

interface LeaseOptions {
  storage: StorageLike | undefined;
  tabId: string;
  leaseMs: number;
  clock: Clock;
  timers: Timers;
}

interface Lease {
  owner: string;
  expiresAt: number;
}

/**
 * The Web Locks stand-in: `{owner, expiresAt}` under SYNC_LEASE_KEY, renewed while the run
 * lasts, removed after it; a closed tab's lease simply expires. Write, wait a moment, read back:
 * of two tabs racing, the later write wins and the other sees it and steps back.
 */
export function createStorageLease({ storage, tabId, leaseMs, clock, timers }: LeaseOptions) {
  function read(): Lease | undefined {
    try {
      const raw = storage?.getItem(SYNC_LEASE_KEY);
      if (!raw) return undefined;
      const lease = JSON.parse(raw) as Partial<Lease>;
      return typeof lease.owner === 'string' && typeof lease.expiresAt === 'number'
        ? { owner: lease.owner, expiresAt: lease.expiresAt }
        : undefined;
    } catch {
      return undefined;
    }
  }

  function write(): boolean {
    try {
      storage?.setItem(SYNC_LEASE_KEY, JSON.stringify({ owner: tabId, expiresAt: clock.now() + leaseMs }));
      return true;
    } catch {
      return false; // storage full or disabled (Safari private mode): run without a lease
    }
  }

  const takenByOther = () => {
    const lease = read();
    return lease !== undefined && lease.owner !== tabId && lease.expiresAt > clock.now();
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));

  return {
    async run<T>(fn: () => Promise<T>): Promise<T | Busy> {
      if (!storage) return fn();
      if (takenByOther()) return BUSY;
      if (!write()) return fn();
      await sleep(LEASE_SETTLE_MS);
      if (takenByOther()) return BUSY;
      let renewal: unknown;
      const renew = () => {
        renewal = timers.setTimeout(() => {
          if (!takenByOther()) write();
          renew();
        }, leaseMs / 3);
      };
      renew();
      try {
        return await fn();
      } finally {
        timers.clearTimeout(renewal);
        if (read()?.owner === tabId) {
          try {
            storage.removeItem(SYNC_LEASE_KEY);
          } catch {
            // it expires by itself
          }
        }
      }
    },
  };
}

function randomTabId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The browser's own objects, for the app's composition root. */
export function browserEnvironment(): Pick<SyncSchedulerOptions, 'window' | 'document' | 'navigator' | 'storage'> {
  let storage: StorageLike | undefined;
  try {
    storage = globalThis.localStorage;
  } catch {
    storage = undefined; // access denied (cookies blocked)
  }
  return {
    window: globalThis.window,
    document: globalThis.document,
    navigator: globalThis.navigator as NavigatorLike,
    ...(storage && { storage }),
  };
}
