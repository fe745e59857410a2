/**
 * The `outbox` store: everything that must reach the server, as it will be sent, and the record
 * of what already did. It is the source of truth of sync (not Workbox Background Sync, which
 * drops requests on a 409/500 and does not exist in Safari: workbox #2599, #2386).
 *
 *   kind 'photo'       key = sha256; the Blob stays in `photos` (read with `photoForUpload`); a
 *                      thumbnail's entry names the row whose `thumbnail` it is (`thumbnailOf`)
 *   kind 'inspection'  key = `${id}@${revision}`; payload = the frozen PUT body of that revision
 *   kind 'recheck'     key = recheck id; payload = the frozen PUT body
 *
 * `[kind+key]` is unique: nothing is ever queued twice. `groupId` (the inspection or recheck id)
 * ties a submission to its photos, for ordering and for progress. A done photo entry is also the
 * record that the server holds that photo (retention.ts may then evict it; it is never queued
 * again unless the server says otherwise with a 422). Entries are written by the
 * submit of `inspections.ts` / `rechecks.ts` in the same transaction as the status change, and
 * moved through `pending` → `done` (or `attention`) by the sync engine through the functions
 * below — its store. Done entries stay (they are the proof of what was sent) until
 * `retention.ts` prunes old ones; nothing local is deleted before the server confirmed it.
 *
 * Every write that queues work announces it (`outbox-events.ts`), after its transaction commits:
 * the sync service hears it and runs. Pages never announce anything themselves.
 */
import type { Inspection, Recheck } from '../../domain/wire';
import { sendableAt, type SyncStore } from '../sync/sync-store';
import { readTransaction, toIso, writeTransaction, type CivicDatabase } from './database';
import { RecordNotFoundError } from './errors';
import { announceOutboxQueued } from './outbox-events';
import { sendOrder } from './send-order';
import { getMeta, setMeta } from './meta';
import type {
  InspectionOutboxEntry,
  Instant,
  OutboxEntry,
  OutboxError,
  OutboxKind,
  OutboxState,
  PhotoRecord,
  RecheckOutboxEntry,
  ServerScore,
} from './types';

// ---------------------------------------------------------------------------------------------
// Queueing, inside the submit transactions of inspections.ts and rechecks.ts.

/**
 * Adds a pending photo entry for each photo that has none yet. Runs inside a transaction over
 * `photos` and `outbox`. Photos without a local row are skipped: only confirmed photos are ever
 * evicted, so the server has them.
 */
export async function queuePhotosInTransaction(
  db: CivicDatabase,
  groupId: string,
  sha256s: readonly string[],
  nowIso: string,
): Promise<number[]> {
  const added: number[] = [];
  for (const sha256 of new Set(sha256s)) {
    const photo = await db.photos.get(sha256);
    if (!photo) continue;
    // Queued already: pending or needing attention, it will go (or waits for a person); done,
    // the server holds it (should it lose it, its 422 `missing_photos` queues it again).
    if (await db.outbox.where('[kind+key]').equals(['photo', sha256]).first()) continue;
    added.push(
      await db.outbox.add({
        kind: 'photo',
        key: sha256,
        groupId,
        payload: sha256,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: nowIso,
        createdAt: nowIso,
        bytes: photo.bytes,
      }),
    );
  }
  if (added.length > 0) announceOutboxQueued(db);
  return added;
}

/**
 * Adds a pending photo entry for each thumbnail (`{photo sha256: thumbnail sha256}`, the
 * inspection's `thumbnails`) that has none yet: the thumbnail is uploaded as a photo of its own,
 * read from its photo's row when sent. Runs inside the submit transaction over `photos` and
 * `outbox`, after the photos were queued and before the submission.
 */
export async function queueThumbnailsInTransaction(
  db: CivicDatabase,
  groupId: string,
  thumbnails: Readonly<Record<string, string>>,
  nowIso: string,
): Promise<number[]> {
  const added: number[] = [];
  for (const [sha256, thumbnailSha256] of Object.entries(thumbnails)) {
    const photo = await db.photos.get(sha256);
    if (!photo || photo.thumbnailSha256 !== thumbnailSha256) continue;
    if (await db.outbox.where('[kind+key]').equals(['photo', thumbnailSha256]).first()) continue;
    added.push(
      await db.outbox.add({
        kind: 'photo',
        key: thumbnailSha256,
        groupId,
        payload: thumbnailSha256,
        thumbnailOf: sha256,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: nowIso,
        createdAt: nowIso,
        bytes: photo.thumbnail.size,
      }),
    );
  }
  return added;
}

/**
 * Adds the pending entry of a submission (an inspection revision or a recheck) unless one with
 * its key is queued already, so that submitting twice queues it once. Runs inside the submit
 * transaction over `outbox`, after its photos were queued; announced once that transaction commits.
 */
export async function queueSubmissionInTransaction(
  db: CivicDatabase,
  submission:
    | Pick<InspectionOutboxEntry, 'kind' | 'key' | 'groupId' | 'payload'>
    | Pick<RecheckOutboxEntry, 'kind' | 'key' | 'groupId' | 'payload'>,
  nowIso: string,
): Promise<void> {
  if (await db.outbox.where('[kind+key]').equals([submission.kind, submission.key]).first()) return;
  await db.outbox.add({
    ...submission,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: nowIso,
    createdAt: nowIso,
    bytes: jsonBytes(submission.payload),
  });
  announceOutboxQueued(db);
}

/** The size in bytes of a JSON body as UTF-8. */
export function jsonBytes(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length;
}

// ---------------------------------------------------------------------------------------------
// Reading, for the sync engine.

/**
 * The entries in any of these states, through the `[state+nextAttemptAt]` index (every entry
 * has a `nextAttemptAt`; a separate `state` index would be one more to update on every write).
 * One state is one key range, which IndexedDB answers in a single request (getAll).
 */
export function entriesInState(db: CivicDatabase, ...states: OutboxState[]) {
  const index = db.outbox.where('[state+nextAttemptAt]');
  const [only] = states;
  return states.length === 1 && only
    ? index.between([only, ''], [only, '\uffff'])
    : index.inAnyRange(
        states.map((state) => [
          [state, ''],
          [state, '\uffff'],
        ]),
      );
}

/**
 * Entries to send now: pending, due (`nextAttemptAt` ≤ now), in queue order, except that the
 * photos of a submission always come before it (also photos queued again after a 422). A
 * submission waits while a photo of its group, or an earlier submission of its group (an
 * earlier revision), is pending but not yet due; entries needing attention never block others.
 */
export async function pendingEntries(db: CivicDatabase, now: Instant): Promise<OutboxEntry[]> {
  const nowIso = toIso(now);
  const pending = await readTransaction(db, ['outbox'], () => entriesInState(db, 'pending').sortBy('seq'));
  return sendOrder(pending, (entry) => entry.nextAttemptAt <= nowIso);
}

/** When the next pending entry becomes due (for the engine's timer); undefined when none is pending. */
export async function nextAttemptAt(db: CivicDatabase): Promise<string | undefined> {
  const first = await readTransaction(db, ['outbox'], () =>
    db.outbox.where('[state+nextAttemptAt]').between(['pending', ''], ['pending', '\uffff']).first(),
  );
  return first?.nextAttemptAt;
}

/** Kind, group and retry time of every pending entry: when the next one can be sent (sync's `sendableAt`). */
export async function pendingTimings(
  db: CivicDatabase,
): Promise<Pick<OutboxEntry, 'seq' | 'kind' | 'groupId' | 'nextAttemptAt'>[]> {
  const pending = await readTransaction(db, ['outbox'], () => entriesInState(db, 'pending').toArray());
  return pending.map(({ seq, kind, groupId, nextAttemptAt }) => ({ seq, kind, groupId, nextAttemptAt }));
}

/** All entries of one submission (its photos and every revision), in queue order. */
export function entriesOfGroup(db: CivicDatabase, groupId: string): Promise<OutboxEntry[]> {
  return readTransaction(db, ['outbox'], () => db.outbox.where('groupId').equals(groupId).sortBy('seq'));
}

/** One entry by its sequence number. */
export function getEntry(db: CivicDatabase, seq: number): Promise<OutboxEntry | undefined> {
  return readTransaction(db, ['outbox'], () => db.outbox.get(seq));
}

/** When the server was known to hold this photo (its entry is done); undefined while it is not. */
export async function photoConfirmedAt(db: CivicDatabase, sha256: string): Promise<string | undefined> {
  const entry = await readTransaction(db, ['outbox'], () =>
    db.outbox.where('[kind+key]').equals(['photo', sha256]).first(),
  );
  return entry?.state === 'done' ? entry.doneAt : undefined;
}

export interface PhotoUpload {
  sha256: string;
  blob: Blob;
  /** The Content-Type to send. */
  contentType: string;
  bytes: number;
}

/**
 * The bytes to PUT for a photo entry — a photo's, or a thumbnail's from the row it belongs to;
 * undefined when neither is stored on this device.
 */
export async function photoForUpload(db: CivicDatabase, sha256: string): Promise<PhotoUpload | undefined> {
  const photo = await readTransaction(db, ['photos'], () => db.photos.get(sha256));
  if (photo) return { sha256, blob: photo.blob, contentType: photo.blob.type || 'image/jpeg', bytes: photo.blob.size };
  const owner = await readTransaction(db, ['photos', 'outbox'], () => thumbnailOwner(db, sha256));
  if (!owner) return undefined;
  const blob = owner.thumbnail;
  return { sha256, blob, contentType: blob.type || 'image/jpeg', bytes: blob.size };
}

/**
 * The stored photo whose thumbnail has this hash, found through the thumbnail's outbox entry
 * (else among the photos of `groupId`, for an entry pruned since). Inside a transaction over
 * `photos` and `outbox`.
 */
async function thumbnailOwner(db: CivicDatabase, sha256: string, groupId?: string): Promise<PhotoRecord | undefined> {
  const entry = await db.outbox.where('[kind+key]').equals(['photo', sha256]).first();
  const named = entry?.kind === 'photo' && entry.thumbnailOf ? await db.photos.get(entry.thumbnailOf) : undefined;
  if (named?.thumbnailSha256 === sha256) return named;
  if (groupId === undefined) return undefined;
  return db.photos
    .where('ownerId')
    .equals(groupId)
    .filter((photo) => photo.thumbnailSha256 === sha256)
    .first();
}

// ---------------------------------------------------------------------------------------------
// Moving entries, for the sync engine.

/**
 * The server confirmed these entries (201 or 200), all in one transaction: the engine hands
 * over up to a second's worth of answers at once (sync/confirmation-queue.ts), because each
 * IndexedDB write transaction committed during uploads costs the browser's process 20–30 ms of
 * CPU, and each request in it about one more. Idempotent.
 *
 * - A photo: done; the server holds its bytes (which lets retention.ts evict it later). Its row
 *   in `photos` is not touched.
 * - An inspection or recheck: the local record becomes 'synced' when it still is that revision
 *   (an amended draft stays a draft), and the entry of every photo it references is done too —
 *   the server accepted the submission, so it holds them all.
 */
export async function markDone(
  db: CivicDatabase,
  seqs: readonly number[],
  now: Instant,
  scores: ReadonlyMap<number, ServerScore> = new Map(),
): Promise<void> {
  const nowIso = toIso(now);
  await writeTransaction(db, ['outbox', 'inspections', 'rechecks'], async () => {
    const nearby = await entriesAround(db, seqs);
    const given = seqs.map((seq) => nearby.get(seq) ?? throwNotFound(seq));
    const submissions = given.filter((entry) => entry.kind !== 'photo');
    const photos = new Set(submissions.flatMap(photosOfSubmission));
    // A submission's photos were queued with it, just before it: usually read already.
    const photoEntries = [...nearby.values()].filter((entry) => entry.kind === 'photo' && photos.delete(entry.key));
    if (photos.size > 0) {
      photoEntries.push(
        ...(await db.outbox
          .where('[kind+key]')
          .anyOf([...photos].map((sha256) => ['photo', sha256]))
          .toArray()),
      );
    }
    const finished = new Map<number, OutboxEntry>();
    for (const entry of [...given, ...photoEntries]) {
      if (entry.state !== 'done')
        finished.set(entry.seq, withScore({ ...entry, state: 'done', doneAt: nowIso }, scores));
    }
    await db.outbox.bulkPut([...finished.values()]);
    await markSubmissionsSynced(db, submissions, scores);
  });
}

/**
 * The entries with these seqs, and those queued between them, by seq. Every IndexedDB request is
 * a round trip to the browser's process that costs about as much as the row it reads, so a batch
 * of neighbouring seqs (a submission and its photos) is one key-range read; scattered seqs are
 * read one by one.
 */
async function entriesAround(db: CivicDatabase, seqs: readonly number[]): Promise<Map<number, OutboxEntry>> {
  if (seqs.length === 0) return new Map();
  const low = Math.min(...seqs);
  const high = Math.max(...seqs);
  const rows =
    high - low < seqs.length * 4
      ? await db.outbox.where(':id').between(low, high, true, true).toArray()
      : await db.outbox.bulkGet([...seqs]);
  return new Map(rows.flatMap((row) => (row ? [[row.seq, row] as const] : [])));
}

function throwNotFound(seq: number): never {
  throw new RecordNotFoundError('outbox', seq);
}

/** What a submission cites: its photos and (an inspection's) their thumbnails. */
function photosOfSubmission(entry: InspectionOutboxEntry | RecheckOutboxEntry): string[] {
  return entry.kind === 'inspection'
    ? [...entry.payload.answers.flatMap((answer) => answer.photos), ...Object.values(entry.payload.thumbnails ?? {})]
    : entry.payload.photos;
}

/** An inspection's entry keeps the score the server answered with. */
function withScore(entry: OutboxEntry, scores: ReadonlyMap<number, ServerScore>): OutboxEntry {
  if (entry.kind !== 'inspection') return entry;
  const serverScore = scores.get(entry.seq);
  return serverScore ? { ...entry, serverScore } : entry;
}

/**
 * Local records whose submitted revision the server accepted become 'synced' (an amended draft
 * stays a draft); an inspection keeps the score the server gave that revision.
 */
async function markSubmissionsSynced(
  db: CivicDatabase,
  submissions: readonly (InspectionOutboxEntry | RecheckOutboxEntry)[],
  scores: ReadonlyMap<number, ServerScore>,
): Promise<void> {
  for (const entry of submissions) {
    if (entry.kind === 'inspection') {
      const inspection = await db.inspections.get(entry.payload.id);
      if (inspection && inspection.revision === entry.payload.revision && inspection.status === 'submitted') {
        const serverScore = scores.get(entry.seq);
        await db.inspections.put({ ...inspection, status: 'synced', ...(serverScore && { serverScore }) });
      }
    } else {
      const recheck = await db.rechecks.get(entry.payload.id);
      if (recheck?.status === 'submitted') await db.rechecks.put({ ...recheck, status: 'synced' });
    }
  }
}

/** A failure worth retrying (network, timeout, 408, 429, 5xx): attempts + 1, try again at `nextAttemptAt`. */
export async function markRetry(
  db: CivicDatabase,
  seq: number,
  { nextAttemptAt, error }: { nextAttemptAt: Instant; error: OutboxError },
): Promise<void> {
  const at = toIso(nextAttemptAt);
  await writeTransaction(db, ['outbox'], async () => {
    const entry = await db.outbox.get(seq);
    if (!entry) throw new RecordNotFoundError('outbox', seq);
    if (entry.state === 'done') return;
    await db.outbox.update(seq, {
      state: 'pending',
      attempts: entry.attempts + 1,
      nextAttemptAt: at,
      lastError: error,
    });
  });
}

/** A failure a retry will not fix (400, 403, 409…): the entry waits for a person; others go on. */
export async function markAttention(db: CivicDatabase, seq: number, error: OutboxError): Promise<void> {
  await writeTransaction(db, ['outbox'], async () => {
    const entry = await db.outbox.get(seq);
    if (!entry) throw new RecordNotFoundError('outbox', seq);
    if (entry.state === 'done') return;
    await db.outbox.update(seq, { state: 'attention', attempts: entry.attempts + 1, lastError: error });
  });
}

/** The inspector pressed "retry" on a submission: its entries needing attention are pending again, due now. */
export async function retryGroup(db: CivicDatabase, groupId: string, now: Instant): Promise<number> {
  const nowIso = toIso(now);
  return writeTransaction(db, ['outbox'], async () => {
    const retried = await db.outbox
      .where('groupId')
      .equals(groupId)
      .filter((entry) => entry.state === 'attention')
      .modify({ state: 'pending', nextAttemptAt: nowIso });
    if (retried > 0) announceOutboxQueued(db);
    return retried;
  });
}

/** Every pending entry due now (back online, "立即同步"): resets the backoff waits. */
export async function wakePending(db: CivicDatabase, now: Instant): Promise<number> {
  const nowIso = toIso(now);
  return writeTransaction(db, ['outbox'], () =>
    db.outbox
      .where('[state+nextAttemptAt]')
      .between(['pending', nowIso], ['pending', '\uffff'], false, true)
      .modify({ nextAttemptAt: nowIso }),
  );
}

export interface RequeueResult {
  /** Entries now pending and due for the listed photos. */
  requeued: number[];
  /** Photos already marked as needing attention (e.g. rejected as not an image): left as they are. */
  inAttention: string[];
  /** Photos not stored on this device any more: they cannot be sent. */
  missingLocally: string[];
}

/**
 * The server answered 422 `missing_photos` for a submission of `groupId`: make sure each listed
 * photo has a pending, due entry (a new one, or a done one reopened: the photo is no longer
 * confirmed), so the engine can send exactly these and then retry the submission.
 */
export async function requeuePhotos(
  db: CivicDatabase,
  groupId: string,
  sha256s: readonly string[],
  now: Instant,
): Promise<RequeueResult> {
  const nowIso = toIso(now);
  return writeTransaction(db, ['outbox', 'photos'], async () => {
    const result: RequeueResult = { requeued: [], inAttention: [], missingLocally: [] };
    for (const sha256 of new Set(sha256s)) {
      const stored = (await db.photos.where(':id').equals(sha256).count()) > 0;
      const owner = stored ? undefined : await thumbnailOwner(db, sha256, groupId);
      const entry = await db.outbox.where('[kind+key]').equals(['photo', sha256]).first();
      if (entry?.state === 'attention') {
        result.inAttention.push(sha256);
        continue;
      }
      if (!stored && !owner) {
        result.missingLocally.push(sha256);
        continue;
      }
      if (entry) {
        await db.outbox.update(entry.seq, { state: 'pending', nextAttemptAt: nowIso, doneAt: undefined });
        result.requeued.push(entry.seq);
      } else if (owner) {
        result.requeued.push(...(await queueThumbnailsInTransaction(db, groupId, { [owner.sha256]: sha256 }, nowIso)));
      } else {
        result.requeued.push(...(await queuePhotosInTransaction(db, groupId, [sha256], nowIso)));
      }
    }
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// Progress, for the badge and the sync screen.

export interface OutboxGroupSummary {
  groupId: string;
  kind: Exclude<OutboxKind, 'photo'>;
  /** Highest revision queued (inspections). */
  revision?: number;
  state: OutboxState;
  photosDone: number;
  photosTotal: number;
  /** Photos and JSON bodies. */
  bytesDone: number;
  bytesTotal: number;
  /** The error of an entry needing attention, else of the last failed attempt. */
  lastError?: OutboxError;
  createdAt: string;
  /** Which site the submission is about (its name, else its id), and for a recheck the item. */
  siteName?: string;
  itemId?: string;
}

export interface OutboxSummary {
  /** Entries, by state. */
  pending: number;
  attention: number;
  done: number;
  /** Bytes still to upload (pending and attention entries). */
  bytesPending: number;
  /** One per submission, in queue order. */
  groups: OutboxGroupSummary[];
}

/**
 * Counts and per-submission progress of the whole outbox. `named` adds the site (and item) of
 * each group still waiting, for the sync page; the header's badge, on every screen and read
 * again at every confirmation during a sync, goes without those reads.
 */
export async function outboxSummary(db: CivicDatabase, { named = false } = {}): Promise<OutboxSummary> {
  const entries = () => db.outbox.orderBy(':id').toArray();
  if (!named) return readTransaction(db, ['outbox'], async () => tallyGroups(await entries()).summary);
  return readTransaction(db, ['outbox', 'sites', 'rectifications'], async () => {
    const { summary, submissions } = tallyGroups(await entries());
    for (const group of summary.groups) {
      const submission = group.state === 'done' ? undefined : submissions.get(group.groupId);
      if (submission) Object.assign(group, await subjectOf(db, submission));
    }
    return summary;
  });
}

/** The site (and for a recheck the item) a group's submission is about, as the sync page names it. */
async function subjectOf(
  db: CivicDatabase,
  payload: Inspection | Recheck,
): Promise<Pick<OutboxGroupSummary, 'siteName' | 'itemId'>> {
  const rectification = 'rectificationId' in payload ? await db.rectifications.get(payload.rectificationId) : undefined;
  const siteId = 'siteId' in payload ? payload.siteId : rectification?.siteId;
  if (siteId === undefined) return {};
  const siteName = (await db.sites.get(siteId))?.name ?? siteId;
  return rectification ? { siteName, itemId: rectification.itemId } : { siteName };
}

/** The counts and groups of the outbox's entries, and each group's submission (its latest). */
function tallyGroups(entries: readonly OutboxEntry[]): {
  summary: OutboxSummary;
  submissions: Map<string, Inspection | Recheck>;
} {
  const submissions = new Map<string, Inspection | Recheck>();
  const summary: OutboxSummary = { pending: 0, attention: 0, done: 0, bytesPending: 0, groups: [] };
  const groups = new Map<string, OutboxGroupSummary & { states: Set<OutboxState> }>();
  for (const entry of entries) {
    summary[entry.state] += 1;
    if (entry.state !== 'done') summary.bytesPending += entry.bytes;
    let group = groups.get(entry.groupId);
    if (!group) {
      group = {
        groupId: entry.groupId,
        kind: 'inspection',
        state: 'done',
        photosDone: 0,
        photosTotal: 0,
        bytesDone: 0,
        bytesTotal: 0,
        createdAt: entry.createdAt,
        states: new Set(),
      };
      groups.set(entry.groupId, group);
    }
    group.states.add(entry.state);
    group.bytesTotal += entry.bytes;
    if (entry.state === 'done') group.bytesDone += entry.bytes;
    if (entry.kind === 'photo') {
      // A thumbnail travels with its photo: its bytes count, not as one more photo.
      if (!entry.thumbnailOf) group.photosTotal += 1;
      if (entry.state === 'done' && !entry.thumbnailOf) group.photosDone += 1;
    } else {
      group.kind = entry.kind;
      submissions.set(entry.groupId, entry.payload);
      if (entry.kind === 'inspection') group.revision = Math.max(group.revision ?? 0, entry.payload.revision);
    }
    if (entry.lastError && entry.state !== 'done' && group.lastError === undefined) group.lastError = entry.lastError;
    if (entry.state === 'attention' && entry.lastError) group.lastError = entry.lastError;
  }
  for (const { states, ...group } of groups.values()) {
    group.state = states.has('attention') ? 'attention' : states.has('pending') ? 'pending' : 'done';
    summary.groups.push(group);
  }
  return { summary, submissions };
}

/** When a sync last reached the server. */
export function lastSyncAt(db: CivicDatabase): Promise<string | undefined> {
  return getMeta(db, 'lastSyncAt');
}

export function setLastSyncAt(db: CivicDatabase, at: Instant): Promise<void> {
  return setMeta(db, 'lastSyncAt', toIso(at));
}

// ---------------------------------------------------------------------------------------------
// The sync engine's port (sync/sync-store.ts). Stored rows already have the engine's shape; only
// the retry times differ: the engine counts in epoch milliseconds, the database keeps ISO instants.

/** The outbox as the sync engine's store: the functions above, bound to `db`. */
export function outboxSyncStore(db: CivicDatabase): SyncStore {
  return {
    pendingEntries: (now) => pendingEntries(db, now),
    entriesOfGroup: (groupId) => entriesOfGroup(db, groupId),
    getEntry: (seq) => getEntry(db, seq),
    photoForUpload: (sha256) => photoForUpload(db, sha256),
    markDone: (seqs, now, scores) => markDone(db, seqs, now, scores),
    markRetry: (seq, retry) => markRetry(db, seq, retry),
    markAttention: (seq, error) => markAttention(db, seq, error),
    requeuePhotos: (groupId, sha256s, now) => requeuePhotos(db, groupId, sha256s, now),
    wakePending: (now) => wakePending(db, now),
    nextAttemptAt: async () => {
      const pending = await pendingTimings(db);
      return sendableAt(pending.map((entry) => ({ ...entry, nextAttemptAt: Date.parse(entry.nextAttemptAt) })));
    },
    setLastSyncAt: (at) => setLastSyncAt(db, at),
  };
}
