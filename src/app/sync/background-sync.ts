/**
 * Background Sync as an extra trigger only. Where the browser has it (Chromium; not Safari or
 * Firefox), the page registers the tag `civic-inspect-sync`; when connectivity returns the
 * service worker gets a `sync` event and merely tells the open windows to sync. It never sends
 * anything itself and keeps no queue: the outbox in IndexedDB stays the source of truth, drained
 * by the page (Workbox's BackgroundSyncPlugin would replay requests from its own store, drops them
 * on a 409 or 500, and only replays when the worker starts: workbox #2599, #2386). With no window
 * open the event does nothing; the next app start drains the outbox.
 *
 * The worker side is `relayBackgroundSync(self)`; with vite-plugin-pwa's generateSW it needs the
 * `injectManifest` strategy or `workbox.importScripts` to be included.
 */

export const BACKGROUND_SYNC_TAG = 'civic-inspect-sync';
/** `postMessage` payload from the worker to the windows. */
export const SYNC_REQUEST_MESSAGE = { type: 'civic-inspect-sync' } as const;

export function isSyncRequestMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === SYNC_REQUEST_MESSAGE.type;
}

/** The parts of a `SyncEvent` the relay uses. */
export interface SyncEventLike {
  readonly tag: string;
  waitUntil(promise: Promise<unknown>): void;
}

/** The parts of `ServiceWorkerGlobalScope` the relay uses. */
export interface ServiceWorkerScopeLike {
  addEventListener(type: 'sync', listener: (event: SyncEventLike) => void): void;
  readonly clients: {
    matchAll(options: {
      type: 'window';
      includeUncontrolled: boolean;
    }): Promise<readonly { postMessage(message: unknown): void }[]>;
  };
}

/** In the service worker: on our `sync` event, ask every open window to drain its outbox. */
export function relayBackgroundSync(scope: ServiceWorkerScopeLike): void {
  scope.addEventListener('sync', (event) => {
    if (event.tag !== BACKGROUND_SYNC_TAG) return;
    event.waitUntil(
      scope.clients
        .matchAll({ type: 'window', includeUncontrolled: true })
        .then((clients) => clients.forEach((client) => client.postMessage(SYNC_REQUEST_MESSAGE))),
    );
  });
}
