import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKGROUND_SYNC_TAG, relayBackgroundSync, SYNC_REQUEST_MESSAGE, type SyncEventLike } from './background-sync';
import { emptySummary, type RunOptions, type RunSummary } from './engine-types';
import {
  createSyncScheduler,
  SYNC_LEASE_KEY,
  type LockManagerLike,
  type ServiceWorkerContainerLike,
  type StorageLike,
  type SyncSchedulerOptions,
} from './sync-scheduler';

class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  show(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

/** Web Locks shared by the tabs of one test. */
class FakeLocks implements LockManagerLike {
  private held = new Set<string>();
  async request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>) {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error('waiting is not modelled');
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }
}

class FakeStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return { ...emptySummary(Date.now()), ...overrides };
}

/** An engine whose runs the test finishes by hand (or at once with `autoFinish`). */
function fakeEngine(autoFinish = true) {
  const runs: { options: RunOptions; finish: (result?: Partial<RunSummary>) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  let next: Partial<RunSummary> = {};
  const engine = {
    runs,
    get maxActive() {
      return maxActive;
    },
    /** What the following runs return. */
    willReturn(result: Partial<RunSummary>) {
      next = result;
    },
    run: vi.fn(
      (options: RunOptions = {}) =>
        new Promise<RunSummary>((resolve) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          const finish = (result: Partial<RunSummary> = next) => {
            active -= 1;
            resolve(summary(result));
          };
          runs.push({ options, finish });
          if (autoFinish) finish();
        }),
    ),
    resume: vi.fn(),
    resetBackoff: vi.fn(async () => undefined),
    saveConfirmations: vi.fn(),
  };
  return engine;
}

function fakeServiceWorker() {
  const register = vi.fn(async (_tag: string) => undefined);
  const target = new EventTarget();
  const container: ServiceWorkerContainerLike = {
    ready: Promise.resolve({ sync: { register } }),
    addEventListener: (type, listener) => target.addEventListener(type, listener as EventListener),
    removeEventListener: (type, listener) => target.removeEventListener(type, listener as EventListener),
  };
  const message = (data: unknown) => target.dispatchEvent(new MessageEvent('message', { data }));
  return { container, register, message };
}

function tab(
  options: {
    engine?: ReturnType<typeof fakeEngine>;
    locks?: LockManagerLike;
    storage?: StorageLike;
    onLine?: boolean;
    serviceWorker?: ServiceWorkerContainerLike;
    tabId?: string;
  } = {},
) {
  const engine = options.engine ?? fakeEngine();
  const win = new EventTarget();
  const doc = new FakeDocument();
  const nav: { onLine: boolean; locks?: LockManagerLike; serviceWorker?: ServiceWorkerContainerLike } = {
    onLine: options.onLine ?? true,
    ...(options.locks && { locks: options.locks }),
    ...(options.serviceWorker && { serviceWorker: options.serviceWorker }),
  };
  const reasons: string[] = [];
  const config: SyncSchedulerOptions = {
    engine,
    window: win,
    document: doc,
    navigator: nav,
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    clock: { now: () => Date.now() },
    onRun: (_summary, reason) => reasons.push(reason),
    onError: (error) => {
      throw error;
    },
    ...(options.storage && { storage: options.storage }),
    ...(options.tabId && { tabId: options.tabId }),
  };
  const scheduler = createSyncScheduler(config);
  return { engine, win, doc, nav, scheduler, reasons };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-07-01T08:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sync scheduler: triggers', () => {
  it('runs at start, when back online (after a backoff reset), when visible, after a submit and on 立即同步', async () => {
    const { scheduler, engine, win, doc, reasons } = tab({ locks: new FakeLocks() });
    scheduler.start();
    await flush();
    expect(reasons).toEqual(['start']);

    win.dispatchEvent(new Event('online'));
    await flush();
    expect(engine.resetBackoff).toHaveBeenCalledTimes(1);
    expect(reasons.at(-1)).toBe('online');

    doc.show('hidden');
    expect(engine.saveConfirmations).toHaveBeenCalledTimes(1); // the page may be killed now
    doc.show('visible');
    await flush();
    expect(reasons.at(-1)).toBe('visible');

    await scheduler.requestSync();
    expect(reasons.at(-1)).toBe('submit');

    await scheduler.syncNow();
    expect(engine.resetBackoff).toHaveBeenCalledTimes(2);
    expect(reasons).toEqual(['start', 'online', 'visible', 'submit', 'manual']);
  });

  it('polls every 60 s while something is pending, sooner when a retry falls due, not at all when empty', async () => {
    const { scheduler, engine } = tab();
    engine.willReturn({ nextRunAt: Date.now() + 5 * 60_000 });
    scheduler.start();
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(59_999);
    expect(engine.run).toHaveBeenCalledTimes(1);
    engine.willReturn({ nextRunAt: Date.now() + 1 + 5_000 });
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.run).toHaveBeenCalledTimes(2);

    engine.willReturn({}); // nothing pending after this one
    await vi.advanceTimersByTimeAsync(5_000);
    expect(engine.run).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(engine.run).toHaveBeenCalledTimes(3);
  });

  it('never spins: a retry already due waits at least a second', async () => {
    const { scheduler, engine } = tab();
    engine.willReturn({ nextRunAt: Date.now() - 10_000 });
    scheduler.start();
    await flush();
    await vi.advanceTimersByTimeAsync(999);
    expect(engine.run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.run).toHaveBeenCalledTimes(2);
  });

  it('polls only in the foreground, and runs when the page comes back', async () => {
    const { scheduler, engine, doc } = tab();
    engine.willReturn({ nextRunAt: Date.now() + 30_000 });
    scheduler.start();
    await flush();
    doc.show('hidden');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(engine.run).toHaveBeenCalledTimes(1);
    doc.show('visible');
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(2);
  });

  it('waits for the online event while the browser says it is offline, except for 立即同步', async () => {
    const { scheduler, engine, win, nav } = tab({ onLine: false });
    scheduler.start();
    await scheduler.requestSync();
    await flush();
    expect(engine.run).not.toHaveBeenCalled();

    await scheduler.syncNow();
    expect(engine.run).toHaveBeenCalledTimes(1);

    nav.onLine = true;
    win.dispatchEvent(new Event('online'));
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(2);
  });

  it('goes on after a new sign-in', async () => {
    const { scheduler, engine, reasons } = tab();
    engine.willReturn({ stopped: 'needs_sign_in', complete: false });
    scheduler.start();
    await flush();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(engine.run).toHaveBeenCalledTimes(1); // paused: no polling

    engine.willReturn({});
    await scheduler.resume();
    expect(engine.resume).toHaveBeenCalledTimes(1);
    expect(reasons).toEqual(['start', 'signed-in']);
  });

  it('registers Background Sync after a submit and runs when the worker relays its sync event', async () => {
    const worker = fakeServiceWorker();
    const { scheduler, engine, reasons } = tab({ serviceWorker: worker.container });
    scheduler.start();
    await scheduler.requestSync('submit');
    await flush();
    expect(worker.register).toHaveBeenCalledWith(BACKGROUND_SYNC_TAG);

    worker.message({ type: 'something-else' });
    worker.message(SYNC_REQUEST_MESSAGE);
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(3);
    expect(reasons.at(-1)).toBe('background-sync');
  });

  it('stop() removes the triggers and cancels the run in flight', async () => {
    const engine = fakeEngine(false);
    const { scheduler, win } = tab({ engine });
    scheduler.start();
    await flush();
    const signal = engine.runs[0]!.options.signal!;
    scheduler.stop();
    expect(signal.aborted).toBe(true);
    engine.runs[0]!.finish({ stopped: 'aborted' });
    win.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(engine.run).toHaveBeenCalledTimes(1);
    expect(await scheduler.requestSync()).toBeUndefined();
  });
});

describe('sync scheduler: one run at a time', () => {
  it('in the page: triggers during a run make exactly one more run after it, never two at once', async () => {
    const engine = fakeEngine(false);
    const { scheduler, reasons } = tab({ engine, locks: new FakeLocks() });
    scheduler.start();
    await flush();
    const waiting = [scheduler.requestSync(), scheduler.requestSync(), scheduler.syncNow()];
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(1);

    engine.runs[0]!.finish();
    await flush();
    expect(engine.run).toHaveBeenCalledTimes(2);
    engine.runs[1]!.finish({ sent: 3 });
    const results = await Promise.all(waiting);
    expect(results.every((result) => result?.sent === 3)).toBe(true); // every caller sees the follow-up run
    expect(engine.maxActive).toBe(1);
    expect(reasons).toEqual(['start', 'manual']);
  });

  it('across tabs with Web Locks: a tab that finds the lock taken skips and looks again 5 s later', async () => {
    const locks = new FakeLocks();
    const first = tab({ engine: fakeEngine(false), locks });
    const second = tab({ locks });
    first.scheduler.start();
    await flush();
    expect(first.engine.run).toHaveBeenCalledTimes(1);

    expect(await second.scheduler.requestSync()).toBeUndefined();
    expect(second.engine.run).not.toHaveBeenCalled();

    first.engine.runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(second.engine.run).toHaveBeenCalledTimes(1);
  });

  it('across tabs without Web Locks: a lease in localStorage, which a closed tab cannot hold forever', async () => {
    const storage = new FakeStorage();
    const first = tab({ engine: fakeEngine(false), storage, tabId: 'tab-1' });
    const second = tab({ storage, tabId: 'tab-2' });
    first.scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(first.engine.run).toHaveBeenCalledTimes(1);
    expect(JSON.parse(storage.getItem(SYNC_LEASE_KEY)!)).toMatchObject({ owner: 'tab-1' });

    // A long run keeps renewing its lease; the other tab stays out.
    await vi.advanceTimersByTimeAsync(45_000);
    void second.scheduler.requestSync();
    await vi.advanceTimersByTimeAsync(100);
    expect(second.engine.run).not.toHaveBeenCalled();

    first.engine.runs[0]!.finish();
    await flush();
    expect(storage.getItem(SYNC_LEASE_KEY)).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(second.engine.run).toHaveBeenCalledTimes(1);

    // A tab that died holding the lease: its lease expires.
    storage.setItem(SYNC_LEASE_KEY, JSON.stringify({ owner: 'dead-tab', expiresAt: Date.now() - 1 }));
    void second.scheduler.requestSync();
    await vi.advanceTimersByTimeAsync(100);
    expect(second.engine.run).toHaveBeenCalledTimes(2);
  });

  it('of two tabs racing for the lease, the later write wins and the other steps back', async () => {
    const storage = new FakeStorage();
    const first = tab({ engine: fakeEngine(false), storage, tabId: 'tab-1' });
    first.scheduler.start(); // saw no lease, wrote its own, and waits a moment before trusting it
    // Meanwhile another tab, which had also read "no lease", writes its own.
    storage.setItem(SYNC_LEASE_KEY, JSON.stringify({ owner: 'tab-2', expiresAt: Date.now() + 30_000 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(first.engine.run).not.toHaveBeenCalled();
    expect(JSON.parse(storage.getItem(SYNC_LEASE_KEY)!)).toMatchObject({ owner: 'tab-2' });
  });

  it('runs without a guard when localStorage refuses writes (Safari private mode)', async () => {
    const storage = new FakeStorage();
    storage.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    const { scheduler, engine } = tab({ storage });
    await scheduler.requestSync();
    expect(engine.run).toHaveBeenCalledTimes(1);
  });
});

describe('background sync relay (service worker side)', () => {
  it('only tells the open windows to sync', async () => {
    const windows = [{ postMessage: vi.fn() }, { postMessage: vi.fn() }];
    let listener: ((event: SyncEventLike) => void) | undefined;
    relayBackgroundSync({
      addEventListener: (_type, l) => (listener = l),
      clients: { matchAll: async () => windows },
    });
    const waited: Promise<unknown>[] = [];
    listener!({ tag: 'other-tag', waitUntil: (promise) => waited.push(promise) });
    listener!({ tag: BACKGROUND_SYNC_TAG, waitUntil: (promise) => waited.push(promise) });
    await Promise.all(waited);
    expect(waited).toHaveLength(1);
    for (const client of windows) expect(client.postMessage).toHaveBeenCalledWith(SYNC_REQUEST_MESSAGE);
  });
});
