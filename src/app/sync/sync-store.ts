/**
 * The ports of the sync engine: what it needs from the outbox (`SyncStore`) and from the
 * network (`SyncTransport`). The engine knows nothing of IndexedDB or HTTP; the app adapts the
 * Dexie outbox (src/app/db/outbox.ts, whose function names these mirror) and the API client
 * (http-transport.ts) to them, and the tests use in-memory fakes.
 *
 * The outbox is the source of truth of sync. An entry is one request to make:
 *   kind 'photo'       key = payload = sha256; the bytes come from `photoForUpload`
 *   kind 'inspection'  key = `${id}@${revision}`; payload = the frozen PUT body of that revision
 *   kind 'recheck'     key = the recheck id; payload = the frozen PUT body
 * `groupId` (the inspection or recheck id) ties a submission to its photos. Instants are epoch
 * milliseconds here; the Dexie store keeps ISO strings and converts.
 */
import type { Inspection, Recheck } from '../../domain/wire';

export type SyncEntryKind = 'photo' | 'inspection' | 'recheck';
export type SyncEntryState = 'pending' | 'attention' | 'done';

/** Why the last attempt failed, as stored on the entry and shown to the inspector. */
export interface SyncError {
  /** HTTP status; absent for network errors and local problems. */
  status?: number;
  /** The server's error code (src/domain/errors.ts) or a local one (`photo_missing_locally`…). */
  code?: string;
  /**
   * The server's own message when it sent one; for a local code, a technical detail for logs.
   * People see the code worded by the sync screen (`sync.error.<code>` in the i18n catalogues).
   */
  message: string;
  /** What the wording of a local code needs (counts, the code of a photo's own failure). */
  data?: Record<string, string | number>;
}

interface SyncEntryBase {
  seq: number;
  groupId: string;
  state: SyncEntryState;
  /** Attempts so far (each markRetry/markAttention adds one): shown to people, not used for timing. */
  attempts: number;
  /** Bytes this entry uploads (photo size or JSON length), for progress. */
  bytes?: number;
  lastError?: SyncError;
}

export interface PhotoSyncEntry extends SyncEntryBase {
  kind: 'photo';
  key: string;
  payload: string;
}

export interface InspectionSyncEntry extends SyncEntryBase {
  kind: 'inspection';
  key: string;
  payload: Inspection;
}

export interface RecheckSyncEntry extends SyncEntryBase {
  kind: 'recheck';
  key: string;
  payload: Recheck;
}

/** Structurally a subset of the Dexie `OutboxEntry`: those rows can be handed over as they are. */
export type SyncEntry = PhotoSyncEntry | InspectionSyncEntry | RecheckSyncEntry;
export type SubmissionSyncEntry = InspectionSyncEntry | RecheckSyncEntry;

/** The bytes to PUT for one photo. */
export interface PhotoUpload {
  sha256: string;
  blob: Blob;
  /** `image/jpeg`, `image/png` or `image/webp`. */
  contentType: string;
  bytes: number;
}

export interface RequeueResult {
  /** Photo entries now pending and due for the listed hashes (new, or done ones reopened). */
  requeued: number[];
  /** Listed photos whose entry already needs attention (the server refused the bytes). */
  inAttention: string[];
  /** Listed photos no longer stored on this device: they cannot be sent. */
  missingLocally: string[];
}

/**
 * What the engine needs from the outbox. Every method may be called while other code (a
 * submit, another tab) writes the same store; each must be atomic on its own.
 */
export interface SyncStore {
  /**
   * Pending entries due at `now` (nextAttemptAt ≤ now), in queue order (seq), except that a
   * submission's due photos come before it. A submission is left out while a photo of its
   * group, or an earlier submission of its group, is pending but not yet due. Entries that
   * need attention never block anything.
   */
  pendingEntries(now: number): Promise<SyncEntry[]>;
  /** Every entry of one group (its photos and every revision), any state, in seq order: progress. */
  entriesOfGroup(groupId: string): Promise<SyncEntry[]>;
  getEntry(seq: number): Promise<SyncEntry | undefined>;
  /** The bytes of a photo; undefined when this device no longer has it. */
  photoForUpload(sha256: string): Promise<PhotoUpload | undefined>;
  /**
   * The server confirmed these entries (201 or 200): recorded together, in one write. For a
   * submission, its photos are confirmed too (the server accepted it, so it holds them).
   * Idempotent.
   */
  markDone(seqs: readonly number[], now: number): Promise<void>;
  /** A failure worth retrying: attempts + 1, due again at `nextAttemptAt`. No-op on a done entry. */
  markRetry(seq: number, retry: { nextAttemptAt: number; error: SyncError }): Promise<void>;
  /** A failure a retry will not fix: the entry waits for a person; others go on. No-op on a done entry. */
  markAttention(seq: number, error: SyncError): Promise<void>;
  /**
   * The server answered 422 `missing_photos` for a submission of `groupId`: give each listed
   * photo a pending entry due at `now` (a new one, or its done one reopened).
   */
  requeuePhotos(groupId: string, sha256s: readonly string[], now: number): Promise<RequeueResult>;
  /** Every pending entry becomes due at `now` (back online, "立即同步", a success after failures). */
  wakePending(now: number): Promise<number>;
  /**
   * When `pendingEntries` will next return something: the earliest time a pending entry can be
   * sent, where a submission held back by a photo or an earlier revision of its group counts
   * from when that one is due (`sendableAt` below). Undefined when nothing is pending. A plain
   * minimum of `nextAttemptAt` would say "due now" for a held submission, and the scheduler
   * would wake every second for nothing while the photo backs off.
   */
  nextAttemptAt(): Promise<number | undefined>;
  /** Records when a sync last delivered everything that was due. */
  setLastSyncAt(at: number): Promise<void>;
}

export interface TransportOptions {
  /** Aborted when the engine gives up on the request (its deadline, or the run was cancelled). */
  signal: AbortSignal;
}

/** A 2xx answer: 201 stored now, 200 the server already had it (a retry). */
export interface TransportResult {
  status: number;
}

/**
 * The three requests of sync. Failures are the API client's errors (src/app/api/api-client.ts):
 * `ApiRequestError` when the server answered with an error status, `NetworkError` when no answer
 * came (offline, reset, timeout). Anything else is treated like a network error.
 */
export interface SyncTransport {
  putPhoto(upload: PhotoUpload, options: TransportOptions): Promise<TransportResult>;
  /** How long the transport lets a photo of this many bytes take before it times out, if it says. */
  photoTimeoutMs?(bytes: number): number;
  putInspection(inspection: Inspection, options: TransportOptions): Promise<TransportResult>;
  putRecheck(recheck: Recheck, options: TransportOptions): Promise<TransportResult>;
}

/** What `sendableAt` needs of a pending entry. */
export interface PendingTiming {
  seq: number;
  kind: SyncEntryKind;
  groupId: string;
  /** Epoch milliseconds. */
  nextAttemptAt: number;
}

/**
 * The earliest time any of these pending entries can be sent, under `pendingEntries`' holding
 * rule: a photo when it is due; a submission when it, every pending photo of its group and every
 * earlier pending submission of its group are due. Undefined for no entries. For the store's
 * `nextAttemptAt()` (the Dexie adapter can call it with the pending rows, times converted).
 */
export function sendableAt(pending: readonly PendingTiming[]): number | undefined {
  let earliest: number | undefined;
  for (const entry of pending) {
    let at = entry.nextAttemptAt;
    if (entry.kind !== 'photo') {
      for (const other of pending) {
        if (other.groupId === entry.groupId && (other.kind === 'photo' || other.seq < entry.seq)) {
          at = Math.max(at, other.nextAttemptAt);
        }
      }
    }
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest;
}
