/**
 * The responsible unit's work on this phone (issue #17, stores `unitWork` and `unitOutbox`,
 * schema v6). `unitWork` keeps the last list of dispatched items read from the server, so the
 * page opens offline after the first visit. `unitOutbox` holds each answer (整改反馈) or request
 * (延期, 回退, 申诉) frozen when the unit taps 提交, with its photos' bytes, until the server has
 * the photos and then the body (features/field/unit/unit-sender.ts sends them). Both are keyed
 * by a scope: `link:<SHA-256 of the site link's token>` (the token itself is never stored: it
 * stays in the address it came in) or `user:<id>` for a signed-in `unit` account.
 */
import type { UnitItem } from '../api/unit-work-api';
import { unitAnswerSchema, unitRequestSchema, type UnitAnswer, type UnitRequest } from '../../domain/wire';
import type { CivicDatabase } from './database';
import { writeTransaction } from './database';

export interface UnitWorkCopy {
  scope: string;
  items: UnitItem[];
  fetchedAt: string;
}

/** A before-photo of the scope's items, kept for offline (the server's photos are no-store). */
export interface KeptUnitPhoto {
  scope: string;
  sha256: string;
  blob: Blob;
  fetchedAt: string;
}

export interface LocalUnitPhoto {
  sha256: string;
  blob: Blob;
  thumbnailSha256: string;
  thumbnail: Blob;
}

export type UnitEntryBody = { kind: 'answer'; answer: UnitAnswer } | { kind: 'request'; request: UnitRequest };

/** waiting: something still to send (待发送); sent: the server has it all; failed: refused, see `lastError`. */
export type UnitSendState = 'waiting' | 'sent' | 'failed';

export interface LocalUnitEntry {
  /** The device-made id of the answer or request: the PUT's path, so a repeat is harmless. */
  id: string;
  scope: string;
  rectificationId: string;
  body: UnitEntryBody;
  photos: LocalUnitPhoto[];
  /** Hashes of photos the server has confirmed. */
  sentHashes: string[];
  state: UnitSendState;
  attempts: number;
  nextAttemptAt: string;
  /** The last failure's code (API error code, `network`, `timeout`, `local`), worded by the screens. */
  lastError?: string;
  createdAt: string;
  sentAt?: string;
}

export interface NewUnitEntry {
  scope: string;
  body: UnitEntryBody;
  photos: LocalUnitPhoto[];
}

/** Scope of a site link: the token's SHA-256, so IndexedDB never holds the credential. */
export const linkScope = (tokenSha256: string) => `link:${tokenSha256}`;
export const userScope = (userId: string) => `user:${userId}`;

/** Keeps the list as read, and drops the kept before-photos no listed item needs any more. */
export async function saveUnitWork(db: CivicDatabase, scope: string, items: UnitItem[], now: Date): Promise<void> {
  const needed = new Set(items.flatMap((item) => item.beforePhotos));
  await writeTransaction(db, ['unitWork', 'unitPhotos'], async () => {
    await db.unitWork.put({ scope, items, fetchedAt: now.toISOString() });
    await db.unitPhotos
      .where('scope')
      .equals(scope)
      .filter((photo) => !needed.has(photo.sha256))
      .delete();
  });
}

/** The before-photos of the scope's items not kept on the phone yet. */
export async function missingUnitPhotos(db: CivicDatabase, scope: string, items: readonly UnitItem[]) {
  const kept = new Set((await db.unitPhotos.where('scope').equals(scope).primaryKeys()).map(([, sha256]) => sha256));
  return [...new Set(items.flatMap((item) => item.beforePhotos))].filter((sha256) => !kept.has(sha256));
}

export async function keepUnitPhoto(db: CivicDatabase, scope: string, sha256: string, blob: Blob, now: Date) {
  await writeTransaction(db, ['unitPhotos'], async () => {
    await db.unitPhotos.put({ scope, sha256, blob, fetchedAt: now.toISOString() });
  });
}

/** The kept photos among `hashes`, by hash. */
export async function readUnitPhotos(db: CivicDatabase, scope: string, hashes: readonly string[]) {
  const rows = await db.unitPhotos.bulkGet(hashes.map((sha256) => [scope, sha256] as [string, string]));
  return new Map(rows.flatMap((row) => (row ? [[row.sha256, row.blob] as const] : [])));
}

export const readUnitWork = (db: CivicDatabase, scope: string) => db.unitWork.get(scope);

/** Forgets a revoked or closed link's copy (its items are no longer the holder's to see). */
export async function forgetUnitWork(db: CivicDatabase, scope: string): Promise<void> {
  await writeTransaction(db, ['unitWork', 'unitPhotos'], async () => {
    await db.unitWork.delete(scope);
    await db.unitPhotos.where('scope').equals(scope).delete();
  });
}

/** Checks and freezes an answer or request with its photos; it waits to be sent. Throws the schema's error. */
export async function queueUnitEntry(db: CivicDatabase, input: NewUnitEntry, now: Date): Promise<LocalUnitEntry> {
  const body: UnitEntryBody =
    input.body.kind === 'answer'
      ? { kind: 'answer', answer: unitAnswerSchema.parse(input.body.answer) }
      : { kind: 'request', request: unitRequestSchema.parse(input.body.request) };
  const subject = body.kind === 'answer' ? body.answer : body.request;
  const at = now.toISOString();
  const entry: LocalUnitEntry = {
    id: subject.id,
    scope: input.scope,
    rectificationId: subject.rectificationId,
    body,
    photos: input.photos,
    sentHashes: [],
    state: 'waiting',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
  await writeTransaction(db, ['unitOutbox'], async () => {
    await db.unitOutbox.add(entry);
  });
  return entry;
}

/** The scope's entries, oldest first (the item page shows each with its state). */
export const listUnitEntries = (db: CivicDatabase, scope: string) =>
  db.unitOutbox.where('scope').equals(scope).sortBy('createdAt');

/** Waiting entries whose next attempt is due, oldest first. */
export async function dueUnitEntries(db: CivicDatabase, scope: string, now: Date): Promise<LocalUnitEntry[]> {
  const at = now.toISOString();
  return (await listUnitEntries(db, scope)).filter((entry) => entry.state === 'waiting' && entry.nextAttemptAt <= at);
}

async function change(db: CivicDatabase, id: string, apply: (entry: LocalUnitEntry) => void): Promise<void> {
  await writeTransaction(db, ['unitOutbox'], async () => {
    const entry = await db.unitOutbox.get(id);
    if (!entry) return;
    apply(entry);
    await db.unitOutbox.put(entry);
  });
}

export const recordUnitPhotoSent = (db: CivicDatabase, id: string, sha256: string) =>
  change(db, id, (entry) => {
    if (!entry.sentHashes.includes(sha256)) entry.sentHashes.push(sha256);
  });

/** The server says it lacks these photos (a 422 `missing_photos`): they go again. */
export const forgetUnitPhotosSent = (db: CivicDatabase, id: string, missing: readonly string[]) =>
  change(db, id, (entry) => {
    entry.sentHashes = entry.sentHashes.filter((sha256) => !missing.includes(sha256));
  });

export const recordUnitSent = (db: CivicDatabase, id: string, now: Date) =>
  change(db, id, (entry) => {
    entry.state = 'sent';
    entry.sentAt = now.toISOString();
    entry.lastError = undefined;
  });

export const recordUnitRetry = (db: CivicDatabase, id: string, code: string, nextAttemptAt: Date) =>
  change(db, id, (entry) => {
    entry.attempts += 1;
    entry.lastError = code;
    entry.nextAttemptAt = nextAttemptAt.toISOString();
  });

/** Refused for good (the item closed, the link revoked, bad input): shown with its reason, not retried. */
export const recordUnitFailed = (db: CivicDatabase, id: string, code: string) =>
  change(db, id, (entry) => {
    entry.state = 'failed';
    entry.lastError = code;
  });

/** Makes the scope's waiting entries due now (the link came back, or 立即发送). */
export const wakeUnitEntries = (db: CivicDatabase, scope: string, now: Date) =>
  writeTransaction(db, ['unitOutbox'], async () => {
    await db.unitOutbox
      .where('scope')
      .equals(scope)
      .filter((entry) => entry.state === 'waiting')
      .modify((entry) => {
        entry.nextAttemptAt = now.toISOString();
      });
  });

/** The photos still to upload, in order (thumbnails stay on the phone: the server keeps its own). */
export function unsentUnitPhotos(entry: LocalUnitEntry): LocalUnitPhoto[] {
  return entry.photos.filter((photo) => !entry.sentHashes.includes(photo.sha256));
}
