/**
 * The sync engine's store over the app's Dexie outbox (src/app/db/outbox.ts): the engine works
 * in epoch milliseconds, the database in ISO instants; everything else passes straight through.
 */
import type { CivicDatabase } from '../db/database';
import * as outbox from '../db/outbox';
import type { OutboxEntry } from '../db/types';
import { sendableAt, type SyncEntry, type SyncStore } from './sync-store';

/** Stored outbox rows already have the engine's shape. */
const toSyncEntry = (entry: OutboxEntry): SyncEntry => entry;

export function createDexieSyncStore(db: CivicDatabase): SyncStore {
  return {
    pendingEntries: async (now) => (await outbox.pendingEntries(db, now)).map(toSyncEntry),
    entriesOfGroup: async (groupId) => (await outbox.entriesOfGroup(db, groupId)).map(toSyncEntry),
    getEntry: async (seq) => {
      const entry = await outbox.getEntry(db, seq);
      return entry && toSyncEntry(entry);
    },
    photoForUpload: (sha256) => outbox.photoForUpload(db, sha256),
    markDone: (seqs, now, scores) => outbox.markDone(db, seqs, now, scores),
    markRetry: (seq, { nextAttemptAt, error }) => outbox.markRetry(db, seq, { nextAttemptAt, error }),
    markAttention: (seq, error) => outbox.markAttention(db, seq, error),
    requeuePhotos: (groupId, sha256s, now) => outbox.requeuePhotos(db, groupId, sha256s, now),
    wakePending: (now) => outbox.wakePending(db, now),
    nextAttemptAt: async () => {
      const pending = await outbox.pendingTimings(db);
      return sendableAt(pending.map((entry) => ({ ...entry, nextAttemptAt: Date.parse(entry.nextAttemptAt) })));
    },
    setLastSyncAt: (at) => outbox.setLastSyncAt(db, at),
  };
}
