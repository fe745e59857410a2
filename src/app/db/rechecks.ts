/**
 * The `rechecks` store: a rechecker's verdicts on rectifications (fixed / not fixed, a note and
 * after-photos), autosaved like inspections. After-photos go to `photos` with kind 'recheck'
 * and the recheck id as owner. Submit freezes the PUT body into the `outbox` in the same
 * transaction as the status change, after one entry per unconfirmed photo.
 *
 * A recheck id is never reused for other content (the server answers 409), so a verdict that
 * must change after submit becomes a new recheck (`reviseRecheck`); the server keeps the history
 * and the latest verdict counts. Writes to one recheck are serialised like inspections'.
 */
import { recheckSchema, type Verdict } from '../../domain/wire';
import { readTransaction, toIso, writeTransaction, type CivicDatabase } from './database';
import { NotEditableError, RecordNotFoundError } from './errors';
import { newUuid } from './ids';
import type { SubmitProblem } from './inspection-wire';
import { queuePhotosInTransaction, queueSubmissionInTransaction } from './outbox';
import { deletePhotoIfUnreferenced, prepareNewPhoto, storePhotoOnce } from './photos';
import type { Instant, LocalRecheck, NewPhoto, Rectification } from './types';
import { serialised } from './write-queue';

const queueKey = (id: string) => `recheck:${id}`;

/**
 * The recheck to show for a rectification: its draft if there is one, else the latest
 * submitted or synced one; undefined when it was never checked on this device.
 */
export async function recheckFor(db: CivicDatabase, rectificationId: string): Promise<LocalRecheck | undefined> {
  return readTransaction(db, ['rechecks'], () => currentRecheck(db, rectificationId));
}

async function currentRecheck(db: CivicDatabase, rectificationId: string): Promise<LocalRecheck | undefined> {
  return pickCurrentRecheck(await db.rechecks.where('rectificationId').equals(rectificationId).toArray());
}

/** Of one rectification's rechecks: the draft if there is one, else the most recently updated. */
export function pickCurrentRecheck(rechecks: readonly LocalRecheck[]): LocalRecheck | undefined {
  return (
    rechecks.find((recheck) => recheck.status === 'draft') ??
    [...rechecks].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]
  );
}

/** The current recheck of a rectification (see `recheckFor`), or a new draft. Atomic. */
export async function openRecheck(db: CivicDatabase, rectificationId: string, now: Instant): Promise<LocalRecheck> {
  const nowIso = toIso(now);
  return writeTransaction(db, ['rechecks', 'rectifications'], async () => {
    const current = await currentRecheck(db, rectificationId);
    if (current) return current;
    if (!(await db.rectifications.get(rectificationId)))
      throw new RecordNotFoundError('rectifications', rectificationId);
    const recheck: LocalRecheck = {
      id: newUuid(),
      rectificationId,
      photos: [],
      status: 'draft',
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    await db.rechecks.add(recheck);
    return recheck;
  });
}

/** Autosaves the verdict and/or note of a draft; `null` clears a field. */
export function updateVerdict(
  db: CivicDatabase,
  id: string,
  patch: { verdict?: Verdict | null; note?: string | null },
  now: Instant = new Date(),
): Promise<LocalRecheck> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['rechecks'], async () => {
      const recheck = { ...(await editableRecheck(db, id)), updatedAt: toIso(now) };
      if (patch.verdict === null) delete recheck.verdict;
      else if (patch.verdict !== undefined) recheck.verdict = patch.verdict;
      if (patch.note === null || patch.note === '') delete recheck.note;
      else if (patch.note !== undefined) recheck.note = patch.note;
      await db.rechecks.put(recheck);
      return recheck;
    }),
  );
}

/** Stores an after-photo and adds it to the recheck, in one transaction. */
export function attachRecheckPhoto(
  db: CivicDatabase,
  id: string,
  photo: NewPhoto,
  now: Instant = new Date(),
): Promise<LocalRecheck> {
  return serialised(db, queueKey(id), async () => {
    const storable = await prepareNewPhoto(photo);
    return writeTransaction(db, ['rechecks', 'rectifications', 'photos'], async () => {
      const recheck = await editableRecheck(db, id);
      const rectification: Rectification | undefined = await db.rectifications.get(recheck.rectificationId);
      await storePhotoOnce(db, { ...storable, kind: 'recheck', ownerId: id, itemId: rectification?.itemId ?? '' });
      const stored: LocalRecheck = {
        ...recheck,
        photos: recheck.photos.includes(storable.sha256) ? recheck.photos : [...recheck.photos, storable.sha256],
        updatedAt: toIso(now),
      };
      await db.rechecks.put(stored);
      return stored;
    });
  });
}

/** Removes an after-photo from a draft; the photo is deleted unless something else references it. */
export function detachRecheckPhoto(
  db: CivicDatabase,
  id: string,
  sha256: string,
  now: Instant = new Date(),
): Promise<LocalRecheck> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['rechecks', 'photos', 'inspections', 'outbox'], async () => {
      const recheck = await editableRecheck(db, id);
      if (!recheck.photos.includes(sha256)) return recheck;
      const stored: LocalRecheck = {
        ...recheck,
        photos: recheck.photos.filter((sha) => sha !== sha256),
        updatedAt: toIso(now),
      };
      await db.rechecks.put(stored);
      await deletePhotoIfUnreferenced(db, sha256);
      return stored;
    }),
  );
}

export type RecheckSubmitResult = { ok: true } | { ok: false; problems: SubmitProblem[] };

/**
 * Validates (a verdict is chosen; either verdict needs an after-photo; recheckSchema) and, in ONE
 * transaction, freezes the PUT body, marks the recheck submitted and queues its unconfirmed
 * photos, then the recheck. A recheck that is no longer a draft changes nothing.
 */
export function submitRecheck(db: CivicDatabase, id: string, now: Instant): Promise<RecheckSubmitResult> {
  const nowIso = toIso(now);
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['rechecks', 'rectifications', 'photos', 'outbox'], async (): Promise<RecheckSubmitResult> => {
      const recheck = await db.rechecks.get(id);
      if (!recheck) throw new RecordNotFoundError('rechecks', id);
      if (recheck.status !== 'draft') return { ok: true };
      const itemId = (await db.rectifications.get(recheck.rectificationId))?.itemId;
      const problems = recheckProblems(recheck, itemId);
      if (problems.length > 0) return { ok: false, problems };
      const checkedAt = nowIso;
      const payload = recheckSchema.parse({
        id,
        rectificationId: recheck.rectificationId,
        verdict: recheck.verdict,
        ...(recheck.note && { note: recheck.note }),
        photos: [...recheck.photos],
        checkedAt,
      });
      await queuePhotosInTransaction(db, id, payload.photos, nowIso);
      await queueSubmissionInTransaction(db, { kind: 'recheck', key: id, groupId: id, payload }, nowIso);
      await db.rechecks.put({ ...recheck, status: 'submitted', checkedAt, updatedAt: nowIso });
      return { ok: true };
    }),
  );
}

/**
 * What keeps a recheck from being submitted, as codes (empty when it can be); the screen words
 * them (`features/field/recheck/recheck-problems.ts`). Either verdict needs a photo taken on the visit:
 * of the fix, or of what is still wrong.
 */
export function recheckProblems(recheck: LocalRecheck, itemId?: string): SubmitProblem[] {
  const at = itemId === undefined ? {} : { itemId };
  const problems: SubmitProblem[] = [];
  if (recheck.verdict === undefined) {
    problems.push({ ...at, code: 'unanswered' });
    return problems;
  }
  if (recheck.photos.length === 0) problems.push({ ...at, code: 'photo_required' });
  const parsed = recheckSchema.safeParse({
    id: recheck.id,
    rectificationId: recheck.rectificationId,
    verdict: recheck.verdict,
    ...(recheck.note && { note: recheck.note }),
    photos: recheck.photos,
    checkedAt: recheck.updatedAt,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'note') problems.push({ ...at, code: 'note_too_long' });
      else if (field === 'photos' && issue.path.length === 1 && recheck.photos.length > 20) {
        problems.push({ ...at, code: 'too_many_photos' });
      } else if (field !== 'photos') {
        problems.push({ ...at, code: 'invalid', data: { path: issue.path.map(String).join('.') } });
      }
    }
  }
  return problems;
}

/**
 * A new draft recheck of the same rectification, starting from a submitted or synced one's
 * verdict, note and photos (the old one stays as sent). A draft is returned unchanged.
 */
export function reviseRecheck(db: CivicDatabase, id: string, now: Instant): Promise<LocalRecheck> {
  const nowIso = toIso(now);
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['rechecks'], async () => {
      const recheck = await db.rechecks.get(id);
      if (!recheck) throw new RecordNotFoundError('rechecks', id);
      if (recheck.status === 'draft') return recheck;
      const existingDraft = (await db.rechecks.where('rectificationId').equals(recheck.rectificationId).toArray()).find(
        (candidate) => candidate.status === 'draft',
      );
      if (existingDraft) return existingDraft;
      const { checkedAt: _checkedAt, ...rest } = recheck;
      const revised: LocalRecheck = {
        ...rest,
        id: newUuid(),
        photos: [...recheck.photos],
        status: 'draft',
        createdAt: nowIso,
        updatedAt: nowIso,
      };
      await db.rechecks.add(revised);
      return revised;
    }),
  );
}

export function getRecheck(db: CivicDatabase, id: string): Promise<LocalRecheck | undefined> {
  return readTransaction(db, ['rechecks'], () => db.rechecks.get(id));
}

async function editableRecheck(db: CivicDatabase, id: string): Promise<LocalRecheck> {
  const recheck = await db.rechecks.get(id);
  if (!recheck) throw new RecordNotFoundError('rechecks', id);
  if (recheck.status !== 'draft') throw new NotEditableError('rechecks', id, recheck.status);
  return recheck;
}
