/**
 * Service-worker registration and the "new version" prompt.
 *
 * vite-plugin-pwa generates `/sw.js` (generateSW, `registerType: 'prompt'`); we register it here
 * with workbox-window, in production builds only. A new version never takes over by itself: when
 * it is installed and waiting, the prompt appears, and only the user's "立即更新" sends
 * SKIP_WAITING and reloads once the new worker controls the page (`autoUpdate` reloading under
 * the user is vite-plugin-pwa #433).
 *
 * Code that must not be interrupted — a draft with unsaved changes, uploads running — installs an
 * update guard with `setUpdateGuard(() => busy)` and calls `notifyUpdateGuardChanged()` when its
 * answer may have changed. While the guard says busy, the prompt says the update applies after
 * syncing, and an update the user asked for waits until the guard says idle.
 */
import type { Workbox } from 'workbox-window';

/** Returns true while updating now would lose or interrupt work. */
export type UpdateGuard = () => boolean;

export type UpdateStatus =
  /** No new version waiting. */
  | 'none'
  /** A new version is installed; the user may apply it. */
  | 'available'
  /** The user asked to update while busy; it applies once the guard says idle. */
  | 'deferred'
  /** SKIP_WAITING sent or the new worker already controls: the page is reloading. */
  | 'applying';

export interface UpdateSnapshot {
  readonly status: UpdateStatus;
  /** The guard's last answer: updating now would interrupt a draft or a sync. */
  readonly busy: boolean;
}

// Function-valued properties rather than methods: callers pass them around unbound
// (useSyncExternalStore(controller.subscribe, controller.getSnapshot)).
export interface UpdateActions {
  /** Tells the waiting worker to activate (workbox-window `messageSkipWaiting`). */
  readonly skipWaiting: () => void;
  /** Reloads the page into the new version. */
  readonly reload: () => void;
}

export interface UpdateController {
  readonly getSnapshot: () => UpdateSnapshot;
  readonly subscribe: (listener: () => void) => () => void;
  readonly setUpdateGuard: (guard: UpdateGuard | null) => void;
  /** Re-asks the guard; an update the user already asked for proceeds once it says idle. */
  readonly notifyUpdateGuardChanged: () => void;
  /** The user pressed "立即更新". */
  readonly applyUpdate: () => void;
  /** A new worker is installed and waiting. */
  readonly updateWaiting: () => void;
  /** A new worker took control of this page (after our SKIP_WAITING, or another tab's). */
  readonly newWorkerControlling: () => void;
}

/** The prompt's state machine; I/O is injected so tests need no service worker. */
export function createUpdateController(actions: UpdateActions): UpdateController {
  let guard: UpdateGuard | null = null;
  let snapshot: UpdateSnapshot = { status: 'none', busy: false };
  const listeners = new Set<() => void>();
  let requested = false;
  let skipWaitingSent = false;
  let newWorkerControls = false;
  let reloading = false;

  function askGuard(): boolean {
    try {
      return guard?.() ?? false;
    } catch {
      // A broken guard must not let an update interrupt work: treat it as busy.
      return true;
    }
  }

  function set(status: UpdateStatus): void {
    const busy = askGuard();
    if (status === snapshot.status && busy === snapshot.busy) return;
    snapshot = { status, busy };
    for (const listener of listeners) listener();
  }

  function proceed(): void {
    if (askGuard()) {
      set('deferred');
      return;
    }
    set('applying');
    if (newWorkerControls) {
      if (!reloading) {
        reloading = true;
        actions.reload();
      }
    } else if (!skipWaitingSent) {
      skipWaitingSent = true;
      actions.skipWaiting();
    }
  }

  function notifyUpdateGuardChanged(): void {
    if (requested) proceed();
    else set(snapshot.status);
  }

  return {
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setUpdateGuard: (next) => {
      guard = next;
      notifyUpdateGuardChanged();
    },
    notifyUpdateGuardChanged,
    applyUpdate: () => {
      if (snapshot.status === 'none') return;
      requested = true;
      proceed();
    },
    updateWaiting: () => {
      if (snapshot.status === 'none') set('available');
    },
    newWorkerControlling: () => {
      newWorkerControls = true;
      // Reload only when this page asked for the update; when another tab applied it, prompt.
      if (requested) proceed();
      else set('available');
    },
  };
}

let workbox: Workbox | undefined;

/** The app's one update controller, shared by the prompt and by whoever installs a guard. */
export const updates = createUpdateController({
  skipWaiting: () => workbox?.messageSkipWaiting(),
  reload: () => window.location.reload(),
});

export const { setUpdateGuard, notifyUpdateGuardChanged } = updates;

/** Look for a new version when the app comes back to the foreground, at most this often. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/** Registers `/sw.js` in production builds where service workers exist; a no-op elsewhere. */
export async function registerServiceWorker(controller: UpdateController = updates): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox('/sw.js', { scope: '/' });
  workbox = wb;
  const hadController = navigator.serviceWorker.controller !== null;

  wb.addEventListener('waiting', () => controller.updateWaiting());
  wb.addEventListener('controlling', () => {
    // The first install taking control (if the worker ever claims clients) is no update.
    if (hadController) controller.newWorkerControlling();
  });

  let lastCheck = Date.now();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !navigator.onLine) return;
    if (Date.now() - lastCheck < UPDATE_CHECK_INTERVAL_MS) return;
    lastCheck = Date.now();
    wb.update().catch(() => undefined);
  });

  await wb.register();
}
