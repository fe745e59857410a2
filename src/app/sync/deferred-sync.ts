/**
 * The sync service without its code in the first load (issue #16): `deferSyncService(load)` is
 * a SyncService at once — React subscribes to it, `start()` may be called — whose engine and
 * scheduler (sync-service.ts and what it imports) load after the first screen, when the main
 * thread is idle. Until then its state is idle and "立即同步"/resume wait for the load.
 *
 * Nothing is lost in between: the outbox is in IndexedDB, and the real service's start runs a
 * sync for whatever waits there, including what was submitted before it loaded.
 */
import type { EngineState } from './engine-types';
import type { SyncService } from './sync-service';

const IDLE: EngineState = { status: 'idle', failureStreak: 0 };

export function deferSyncService(load: () => Promise<SyncService>): SyncService {
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  let real: SyncService | undefined;
  let loading: Promise<SyncService> | undefined;
  let started = false;

  const ensureLoaded = () =>
    (loading ??= load().then((service) => {
      real = service;
      service.subscribe(notify);
      if (started) service.start();
      notify();
      return service;
    }));

  /** After the first screen: when the main thread is idle (at the latest after 2 s). */
  const loadWhenIdle = () => {
    const go = () => void ensureLoaded().catch((error: unknown) => console.error('sync failed to load', error));
    if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(go, { timeout: 2000 });
    else window.setTimeout(go, 200);
  };

  return {
    start: () => {
      started = true;
      if (real) real.start();
      else loadWhenIdle();
    },
    stop: () => {
      started = false;
      real?.stop();
    },
    syncNow: async () => (await ensureLoaded()).syncNow(),
    resume: async () => (await ensureLoaded()).resume(),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => real?.getSnapshot() ?? IDLE,
  };
}
