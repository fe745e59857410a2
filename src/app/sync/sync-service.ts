/**
 * The sync engine and its scheduler, put together for the running app: the Dexie outbox as the
 * store, the API client as the transport, the browser's window/document/navigator as the
 * triggers. React reads its state through `subscribe`/`getSnapshot` (useSyncExternalStore).
 * When the server answers 401 the queue pauses and `onSignInNeeded` runs; after the next
 * sign-in, `resume()` lets it go on. Nothing is dropped in between.
 */
import type { ApiClient } from '../api/api-client';
import type { CivicDatabase } from '../db/database';
import { outboxSyncStore } from '../db/outbox';
import { onOutboxQueued } from '../db/outbox-events';
import { createHttpTransport } from './http-transport';
import type { EngineState, SyncEvent } from './engine-types';
import { createSyncEngine } from './sync-engine';
import { browserEnvironment, createSyncScheduler } from './sync-scheduler';

export interface SyncService {
  start: () => void;
  stop: () => void;
  /** "立即同步". */
  syncNow: () => Promise<void>;
  /** After signing in again. */
  resume: () => Promise<void>;
  subscribe: (listener: () => void) => () => void;
  getSnapshot: () => EngineState;
}

export interface SyncServiceOptions {
  db: CivicDatabase;
  api: ApiClient;
  onSignInNeeded: () => void;
  /** After a run that delivered something: e.g. download the server's new view of the work. */
  onDelivered?: () => void;
  /** After every run, delivered or not: e.g. pull what the server decided since (review decisions). */
  onSynced?: () => void;
  /** The triggers' window, document, navigator and storage; the browser's by default (tests pass fakes). */
  environment?: ReturnType<typeof browserEnvironment>;
}

export function createSyncService(options: SyncServiceOptions): SyncService {
  const listeners = new Set<() => void>();
  let snapshot: EngineState = { status: 'idle', failureStreak: 0 };
  const publish = () => {
    snapshot = engine.state();
    listeners.forEach((listener) => listener());
  };
  const engine = createSyncEngine({
    store: outboxSyncStore(options.db),
    transport: createHttpTransport(options.api),
    clock: { now: () => Date.now() },
    onEvent: (event: SyncEvent) => {
      if (event.type === 'paused') options.onSignInNeeded();
      // The event itself is published after the engine has recorded it in its state.
      queueMicrotask(publish);
    },
  });
  const scheduler = createSyncScheduler({
    engine,
    ...(options.environment ?? browserEnvironment()),
    onRun: (summary) => {
      if (summary.sent > 0) options.onDelivered?.();
      else options.onSynced?.();
    },
    onError: (error) => console.error('sync run failed', error),
  });
  let stopListening: (() => void) | undefined;

  return {
    start: () => {
      // The outbox announces every submission itself (db/outbox-events.ts): run soon after.
      stopListening ??= onOutboxQueued(options.db, () => void scheduler.requestSync('submit'));
      scheduler.start();
    },
    stop: () => {
      stopListening?.();
      stopListening = undefined;
      scheduler.stop();
    },
    syncNow: async () => {
      await scheduler.syncNow();
    },
    resume: async () => {
      await scheduler.resume();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  };
}
