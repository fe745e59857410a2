/**
 * An in-memory `SyncStore` for the engine's tests, with the semantics of the Dexie outbox
 * (src/app/db/outbox.ts): entries queued at submit, `[kind+key]` unique, the same send order and
 * holding rule in `pendingEntries`, `markDone` of a submission confirming its photos,
 * `markRetry`/`markAttention` ignoring done entries, and `requeuePhotos` reopening done ones.
 * Reads return copies, as IndexedDB does, so the engine cannot change the store by accident.
 * Several engines may share one store (two tabs, or a tab closed and reopened).
 */
import type { Inspection, Recheck } from '../../../domain/wire';
import { sendOrder } from '../../db/send-order';
import {
  sendableAt,
  type PhotoUpload,
  type RequeueResult,
  type SyncEntry,
  type SyncEntryState,
  type SyncError,
  type SyncStore,
} from '../sync-store';

export type StoredEntry = SyncEntry & { nextAttemptAt: number; createdAt: number; doneAt?: number };

interface StoredPhoto {
  blob: Blob;
}

export class MemoryStore implements SyncStore {
  private entries: StoredEntry[] = [];
  private photos = new Map<string, StoredPhoto>();
  private seq = 0;
  lastSyncAt: number | undefined;
  /** Set to make the next store call throw (IndexedDB closed, quota…). */
  failNext: Error | undefined;

  // ------------------------------------------------------------------------------------------
  // What the app does (the photo pipeline, submit), for the tests to set up the outbox.

  addPhoto(sha256: string, blob: Blob): void {
    this.photos.set(sha256, { blob });
  }

  removePhoto(sha256: string): void {
    this.photos.delete(sha256);
  }

  /** Freezes a revision and queues it with its unconfirmed, not yet queued photos (one transaction). */
  submitInspection(inspection: Inspection, now: number): number {
    this.queuePhotos(
      inspection.id,
      inspection.answers.flatMap((answer) => answer.photos),
      now,
    );
    return this.add({
      kind: 'inspection',
      key: `${inspection.id}@${inspection.revision}`,
      groupId: inspection.id,
      payload: structuredClone(inspection),
      now,
    });
  }

  submitRecheck(recheck: Recheck, now: number): number {
    this.queuePhotos(recheck.id, recheck.photos, now);
    return this.add({ kind: 'recheck', key: recheck.id, groupId: recheck.id, payload: structuredClone(recheck), now });
  }

  all(): StoredEntry[] {
    return structuredClone(this.entries);
  }

  byState(state: SyncEntryState): StoredEntry[] {
    return this.all().filter((entry) => entry.state === state);
  }

  entry(seq: number): StoredEntry {
    const entry = this.entries.find((candidate) => candidate.seq === seq);
    if (!entry) throw new Error(`no outbox entry ${seq}`);
    return structuredClone(entry);
  }

  entryByKey(kind: SyncEntry['kind'], key: string): StoredEntry | undefined {
    const entry = this.entries.find((candidate) => candidate.kind === kind && candidate.key === key);
    return entry && structuredClone(entry);
  }

  /** As the Dexie outbox: a photo is confirmed when its entry is done. */
  photoConfirmed(sha256: string): boolean {
    return this.photos.has(sha256) && this.entryByKey('photo', sha256)?.state === 'done';
  }

  // ------------------------------------------------------------------------------------------
  // SyncStore.

  async pendingEntries(now: number): Promise<SyncEntry[]> {
    this.maybeFail();
    const pending = this.entries.filter((entry) => entry.state === 'pending').sort((a, b) => a.seq - b.seq);
    const result = sendOrder(pending, (entry) => entry.nextAttemptAt <= now);
    return structuredClone(result);
  }

  async entriesOfGroup(groupId: string): Promise<SyncEntry[]> {
    this.maybeFail();
    return structuredClone(this.entries.filter((entry) => entry.groupId === groupId));
  }

  async getEntry(seq: number): Promise<SyncEntry | undefined> {
    this.maybeFail();
    const entry = this.entries.find((candidate) => candidate.seq === seq);
    return entry && structuredClone(entry);
  }

  async photoForUpload(sha256: string): Promise<PhotoUpload | undefined> {
    this.maybeFail();
    const photo = this.photos.get(sha256);
    if (!photo) return undefined;
    return { sha256, blob: photo.blob, contentType: photo.blob.type || 'image/jpeg', bytes: photo.blob.size };
  }

  async markDone(seqs: readonly number[], now: number): Promise<void> {
    this.maybeFail();
    const entries = seqs.map((seq) => this.find(seq)); // all or nothing, as one transaction
    for (const entry of entries) {
      if (entry.state !== 'done') Object.assign(entry, { state: 'done', doneAt: now });
      if (entry.kind === 'photo') continue;
      const confirm =
        entry.kind === 'inspection' ? entry.payload.answers.flatMap((answer) => answer.photos) : entry.payload.photos;
      for (const sha256 of new Set(confirm)) {
        const photoEntry = this.entries.find((other) => other.kind === 'photo' && other.key === sha256);
        if (photoEntry && photoEntry.state !== 'done') Object.assign(photoEntry, { state: 'done', doneAt: now });
      }
    }
  }

  async markRetry(seq: number, { nextAttemptAt, error }: { nextAttemptAt: number; error: SyncError }): Promise<void> {
    this.maybeFail();
    const entry = this.find(seq);
    if (entry.state === 'done') return;
    Object.assign(entry, { state: 'pending', attempts: entry.attempts + 1, nextAttemptAt, lastError: { ...error } });
  }

  async markAttention(seq: number, error: SyncError): Promise<void> {
    this.maybeFail();
    const entry = this.find(seq);
    if (entry.state === 'done') return;
    Object.assign(entry, { state: 'attention', attempts: entry.attempts + 1, lastError: { ...error } });
  }

  async requeuePhotos(groupId: string, sha256s: readonly string[], now: number): Promise<RequeueResult> {
    this.maybeFail();
    const result: RequeueResult = { requeued: [], inAttention: [], missingLocally: [] };
    for (const sha256 of new Set(sha256s)) {
      const photo = this.photos.get(sha256);
      const entry = this.entries.find((other) => other.kind === 'photo' && other.key === sha256);
      if (entry?.state === 'attention') {
        result.inAttention.push(sha256);
        continue;
      }
      if (!photo) {
        result.missingLocally.push(sha256);
        continue;
      }
      if (entry) {
        Object.assign(entry, { state: 'pending', nextAttemptAt: now });
        delete entry.doneAt;
        result.requeued.push(entry.seq);
      } else {
        result.requeued.push(...this.queuePhotos(groupId, [sha256], now));
      }
    }
    return result;
  }

  async wakePending(now: number): Promise<number> {
    this.maybeFail();
    let woken = 0;
    for (const entry of this.entries) {
      if (entry.state === 'pending' && entry.nextAttemptAt > now) {
        entry.nextAttemptAt = now;
        woken += 1;
      }
    }
    return woken;
  }

  async nextAttemptAt(): Promise<number | undefined> {
    this.maybeFail();
    return sendableAt(this.entries.filter((entry) => entry.state === 'pending'));
  }

  async setLastSyncAt(at: number): Promise<void> {
    this.maybeFail();
    this.lastSyncAt = at;
  }

  // ------------------------------------------------------------------------------------------

  private queuePhotos(groupId: string, sha256s: readonly string[], now: number): number[] {
    const added: number[] = [];
    for (const sha256 of new Set(sha256s)) {
      const photo = this.photos.get(sha256);
      if (!photo) continue;
      // Queued already: it will go, waits for a person, or the server holds it (done).
      if (this.entries.some((entry) => entry.kind === 'photo' && entry.key === sha256)) continue;
      added.push(this.add({ kind: 'photo', key: sha256, groupId, payload: sha256, now, bytes: photo.blob.size }));
    }
    return added;
  }

  private add(
    init: (
      | { kind: 'photo'; payload: string }
      | { kind: 'inspection'; payload: Inspection }
      | { kind: 'recheck'; payload: Recheck }
    ) & { key: string; groupId: string; now: number; bytes?: number },
  ): number {
    if (this.entries.some((entry) => entry.kind === init.kind && entry.key === init.key)) {
      throw new Error(`ConstraintError: ${init.kind} ${init.key} is already queued`);
    }
    const { now, bytes, ...rest } = init;
    this.seq += 1;
    const entry = {
      ...rest,
      seq: this.seq,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      bytes: bytes ?? new TextEncoder().encode(JSON.stringify(init.payload)).length,
    } as StoredEntry;
    this.entries.push(entry);
    return entry.seq;
  }

  private find(seq: number): StoredEntry {
    const entry = this.entries.find((candidate) => candidate.seq === seq);
    if (!entry) throw new Error(`RecordNotFoundError: outbox ${seq}`);
    return entry;
  }

  private maybeFail(): void {
    const error = this.failNext;
    if (!error) return;
    this.failNext = undefined;
    throw error;
  }
}
