/**
 * The versions of the IndexedDB schema (Dexie store specs) and the migrations between them.
 * Never edit a shipped version: add a new one with an `.upgrade()` that moves the data.
 *
 * v1 (first release, inspectors only)
 *   session        'key'                        the signed-in user (key 'current')
 *   rounds         'id'                         bootstrap copies, replaced on every bootstrap
 *   sites          'id, district, type'
 *   assignments    '[roundId+siteId+userId], roundId, siteId'
 *   rubrics        'version'                    the whole Rubric object
 *   rectifications 'id, roundId, siteId, status'
 *   inspections    'id, [roundId+siteId], status'        current revision of local inspections
 *   photos         'sha256, inspectionId, [inspectionId+itemId], confirmedAt'
 *   outbox         '++seq, &[kind+key], state, groupId, [state+nextAttemptAt]'
 *   meta           'key'
 *
 * v2 (recheck visits, issue 7): a recheck takes after-photos too, so a photo no longer always
 * belongs to an inspection. Adds the `rechecks` store, and turns the photos' `inspectionId` into
 * `ownerId` (an inspection id or a recheck id) plus `kind` ('inspection' | 'recheck'); every
 * existing photo is migrated to `{kind: 'inspection', ownerId: <its inspectionId>}`.
 *   photos         'sha256, ownerId, [ownerId+itemId], confirmedAt'
 *   rechecks       'id, rectificationId, status'         a rechecker's local verdicts
 *
 * v3 (recheck visits offline, issue 7): the before-photos of the open rectifications, downloaded
 * for the rechecker (GET /api/photos/{sha256}) so the original finding can be shown offline. They
 * are not the device's own work, so they live apart from `photos` (nothing to upload, never in
 * the outbox, replaceable at any time): a thumbnail for each, the full photo while a size budget
 * allows (before-photos.ts). A new store only; nothing to move.
 *   beforePhotos   'sha256, fetchedAt'
 *
 * v4 (sync throughput, issue 5): confirming a submission wrote every one of its photo rows again
 * (`confirmedAt`), and every outbox row it touched updated a `state` index that the compound
 * `[state+nextAttemptAt]` index already answers. Each IndexedDB row written costs about a
 * millisecond of the browser's CPU, as much as uploading a photo on a fast link. So:
 * - a photo is confirmed when its outbox entry is done (the server answered its PUT, or accepted
 *   a submission that uses it); photo rows are never rewritten after capture. The photos'
 *   `confirmedAt` index goes; a photo v3 had confirmed whose entry was already pruned gets a
 *   done entry (doneAt = its confirmedAt). The old field stays in old rows, unread: removing it
 *   would rewrite every stored photo inside the upgrade, on phones that may be short of space.
 * - the outbox's `state` index goes; queries by state use `[state+nextAttemptAt]`
 *   (every entry has a `nextAttemptAt`).
 *   photos         'sha256, ownerId, [ownerId+itemId]'
 *   outbox         '++seq, &[kind+key], groupId, [state+nextAttemptAt]'
 *
 * v5 (citizens' reports, issue 20): a resident's reports wait on the phone until they are sent,
 * then stay as the resident's tracking list (我的反馈). They are not field work: no session, no
 * outbox entry (they go to public routes with a proof of work, citizen-reports.ts). A new store only.
 *   citizenReports 'id, createdAt'
 *
 * v6 (responsible units, issue 17): the unit's phone keeps its dispatched items after the first
 * open (one row per scope: a site link, by its token's SHA-256 — never the token —, or a `unit`
 * account) with the items' before-photos (the server says no-store, so the browser's cache has
 * none offline), and its answers and requests until the server has them (the unit's outbox: a
 * site link is no session, so they go through their own sender, unit-work.ts). New stores only.
 *   unitWork       'scope'
 *   unitPhotos     '[scope+sha256], scope'
 *   unitOutbox     'id, scope, createdAt'
 */
import type { Transaction } from 'dexie';

export const DATABASE_NAME = 'civic-inspect';

export const SCHEMA_V1 = {
  session: 'key',
  rounds: 'id',
  sites: 'id, district, type',
  assignments: '[roundId+siteId+userId], roundId, siteId',
  rubrics: 'version',
  rectifications: 'id, roundId, siteId, status',
  inspections: 'id, [roundId+siteId], status',
  photos: 'sha256, inspectionId, [inspectionId+itemId], confirmedAt',
  outbox: '++seq, &[kind+key], state, groupId, [state+nextAttemptAt]',
  meta: 'key',
} as const;

export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  photos: 'sha256, ownerId, [ownerId+itemId], confirmedAt',
  rechecks: 'id, rectificationId, status',
} as const;

export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  beforePhotos: 'sha256, fetchedAt',
} as const;

export const SCHEMA_V4 = {
  ...SCHEMA_V3,
  photos: 'sha256, ownerId, [ownerId+itemId]',
  outbox: '++seq, &[kind+key], groupId, [state+nextAttemptAt]',
} as const;

export const SCHEMA_V5 = {
  ...SCHEMA_V4,
  citizenReports: 'id, createdAt',
} as const;

export const SCHEMA_V6 = {
  ...SCHEMA_V5,
  unitWork: 'scope',
  unitPhotos: '[scope+sha256], scope',
  unitOutbox: 'id, scope, createdAt',
} as const;

/** The current schema version. */
export const SCHEMA_VERSION = 6;

/** A photo as v1 stored it. */
interface PhotoV1 {
  sha256: string;
  inspectionId?: string;
  ownerId?: string;
  kind?: string;
}

/** v1 → v2: photos get `ownerId` (was `inspectionId`) and `kind: 'inspection'`. */
export async function upgradeToV2(tx: Transaction): Promise<void> {
  await tx
    .table<PhotoV1, string>('photos')
    .toCollection()
    .modify((photo) => {
      if (photo.inspectionId !== undefined) {
        photo.ownerId = photo.inspectionId;
        delete photo.inspectionId;
      }
      photo.kind ??= 'inspection';
    });
}

/** A photo as v3 stored it (only what the v4 upgrade reads). */
interface PhotoV3 {
  sha256: string;
  ownerId: string;
  bytes: number;
  confirmedAt?: string;
}

/**
 * v3 → v4: a photo is confirmed by a done outbox entry. Photos v3 had confirmed but whose entry
 * retention already pruned get one back, dated by their confirmation, so they stay evictable and
 * are never uploaded again. Photo rows themselves are only read.
 */
export async function upgradeToV4(tx: Transaction): Promise<void> {
  const confirmed: PhotoV3[] = [];
  await tx
    .table<PhotoV3, string>('photos')
    .toCollection()
    .each((photo) => {
      if (photo.confirmedAt !== undefined) confirmed.push(photo);
    });
  const outbox = tx.table<{ kind: string; key: string }, number>('outbox');
  const queued = await outbox
    .where('[kind+key]')
    .anyOf(confirmed.map((photo) => ['photo', photo.sha256]))
    .toArray();
  const hasEntry = new Set(queued.map((entry) => entry.key));
  await outbox.bulkAdd(
    confirmed
      .filter((photo) => !hasEntry.has(photo.sha256))
      .map((photo) => ({
        kind: 'photo',
        key: photo.sha256,
        groupId: photo.ownerId,
        payload: photo.sha256,
        state: 'done',
        attempts: 0,
        nextAttemptAt: photo.confirmedAt!,
        createdAt: photo.confirmedAt!,
        doneAt: photo.confirmedAt!,
        bytes: photo.bytes,
      })),
  );
}
