/**
 * The `inspections` store: the inspector's own inspections, one row per inspection holding its
 * CURRENT revision, autosaved on every change (a closed tab, a crash or a dead battery loses
 * nothing). Photos live in `photos` (referenced by sha256 from the answers); a submitted revision
 * is frozen, exactly as it will be PUT, in its `outbox` entry, written in the same transaction
 * as the status change. Amending makes the row a draft of revision + 1 while the outbox keeps
 * the earlier revision.
 *
 * Every write to one inspection goes through a per-id queue (`write-queue.ts`) in front of its
 * transaction, so autosave and submit never race (Enketo #1043).
 */
import type { AnswerGrade } from '../../domain/grades';
import { gradeForDefects, type RubricFile, type RubricItem } from '../../domain/rubric';
import type { FixStage } from '../../domain/presence';
import { MAX_FIXES, type Inspection, type PositionFixInput } from '../../domain/wire';
import { toIso, writeTransaction, type CivicDatabase } from './database';
import { NotEditableError, RecordNotFoundError } from './errors';
import { newUuid } from './ids';
import { currentInspection } from './inspection-reads';
import { freezeInspection, type SubmitProblem } from './inspection-wire';
import { queuePhotosInTransaction, queueSubmissionInTransaction, queueThumbnailsInTransaction } from './outbox';
import { deletePhotoIfUnreferenced, prepareNewPhoto, storePhotoOnce } from './photos';
import type { GeoLocation, Instant, LocalAnswer, LocalInspection, NewPhoto } from './types';
import { serialised } from './write-queue';

export { photosOf, getPhoto } from './photos';
export { getInspection, inspectionsForRound, siteStates, type SiteState } from './inspection-reads';
export { inspectionProblems, type SubmitProblem, type SubmitProblemData, type ProblemCode } from './inspection-wire';

const queueKey = (id: string) => `inspection:${id}`;

export interface OpenInspectionInput {
  roundId: string;
  siteId: string;
  inspectorId: string;
  rubricVersion: string;
  now: Instant;
}

/**
 * The inspector's current inspection of a site in a round (draft, submitted or synced), or a new
 * draft (revision 1, id from newUuid()) when there is none. Atomic: two calls at once
 * never make two drafts.
 */
export async function openInspection(db: CivicDatabase, input: OpenInspectionInput): Promise<LocalInspection> {
  const nowIso = toIso(input.now);
  return writeTransaction(db, ['inspections', 'sites'], async () => {
    const current = await currentInspection(db, input);
    if (current) return current;
    const site = await db.sites.get(input.siteId);
    if (!site) throw new RecordNotFoundError('sites', input.siteId);
    const inspection: LocalInspection = {
      id: newUuid(),
      revision: 1,
      roundId: input.roundId,
      siteId: input.siteId,
      siteType: site.type,
      rubricVersion: input.rubricVersion,
      inspectorId: input.inspectorId,
      status: 'draft',
      startedAt: nowIso,
      answers: {},
      updatedAt: nowIso,
    };
    await db.inspections.add(inspection);
    return inspection;
  });
}

/**
 * A change to one item's answer. `null` clears a field. Setting `defects` on a counted item
 * derives the grade from the rubric (gradeForDefects) and wins over a `grade` in the same patch;
 * setting a grade directly clears the count. An answer left with nothing in it is removed.
 */
export interface AnswerPatch {
  grade?: AnswerGrade | null;
  defects?: number | null;
  note?: string | null;
}

/** Autosaves a change to one answer of a draft; returns the inspection as stored. */
export function updateAnswer(
  db: CivicDatabase,
  id: string,
  itemId: string,
  patch: AnswerPatch,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections', 'rubrics'], async () => {
      const inspection = await editableInspection(db, id);
      const item = itemOf(await rubricFileOf(db, inspection), itemId);
      const answer = applyPatch(item, { ...(inspection.answers[itemId] ?? { photos: [] }) }, patch);
      return saveAnswer(db, inspection, itemId, answer, now);
    }),
  );
}

function applyPatch(item: RubricItem, answer: LocalAnswer, patch: AnswerPatch): LocalAnswer {
  if (typeof patch.defects === 'number') {
    const defects = patch.defects;
    if (!item.countRule) throw new RangeError(`item ${item.id} is not graded by counting defects`);
    if (!Number.isInteger(defects) || defects < 0 || defects > 1000) {
      throw new RangeError(`defects must be a whole number from 0 to 1000, got ${defects}`);
    }
    answer.defects = defects;
    answer.grade = gradeForDefects(item, defects);
  } else {
    if (patch.defects === null) delete answer.defects;
    if (patch.grade === null) {
      delete answer.grade;
      delete answer.defects;
    } else if (patch.grade !== undefined) {
      const allowed = patch.grade === 'NA' ? item.allowNa : item.grades.includes(patch.grade);
      if (!allowed) throw new RangeError(`item ${item.id} does not allow grade ${patch.grade}`);
      answer.grade = patch.grade;
      delete answer.defects;
    }
  }
  if (patch.note === null || patch.note === '') delete answer.note;
  else if (patch.note !== undefined) answer.note = patch.note;
  return answer;
}

/** Records where the inspection was made; `null` when location was refused or unavailable. */
export function setLocation(
  db: CivicDatabase,
  id: string,
  location: GeoLocation | null,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections'], async () => {
      const inspection = await editableInspection(db, id);
      const stored: LocalInspection = {
        ...inspection,
        location: location && {
          lat: location.lat,
          lng: location.lng,
          ...(location.accuracy !== undefined && { accuracy: location.accuracy }),
        },
        // The fix at opening is also the first of the proof of presence.
        ...(location && { fixes: withFix(inspection.fixes, fixOf(location, 'open', now)) }),
        updatedAt: toIso(now),
      };
      await db.inspections.put(stored);
      return stored;
    }),
  );
}

/** A position fix taken while inspecting (at a photo), kept for the proof of presence. */
export function recordFix(
  db: CivicDatabase,
  id: string,
  fix: GeoLocation,
  stage: FixStage,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections'], async () => {
      const inspection = await editableInspection(db, id);
      const stored: LocalInspection = {
        ...inspection,
        fixes: withFix(inspection.fixes, fixOf(fix, stage, now)),
        updatedAt: toIso(now),
      };
      await db.inspections.put(stored);
      return stored;
    }),
  );
}

/**
 * "Use this phone's position" for a site without coordinates: sent with the inspection, taken by
 * the server only while the site still has none. `null` withdraws it.
 */
export function setSitePosition(
  db: CivicDatabase,
  id: string,
  position: GeoLocation | null,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections'], async () => {
      const { sitePosition: _previous, ...inspection } = await editableInspection(db, id);
      const stored: LocalInspection = {
        ...inspection,
        ...(position && { sitePosition: { ...position } }),
        updatedAt: toIso(now),
      };
      await db.inspections.put(stored);
      return stored;
    }),
  );
}

function fixOf(location: GeoLocation, stage: FixStage, now: Instant): PositionFixInput {
  return { lat: location.lat, lng: location.lng, accuracy: location.accuracy ?? 0, at: toIso(now), stage };
}

/** Appends a fix, keeping room for the one taken at submit within the wire's limit. */
function withFix(fixes: PositionFixInput[] | undefined, fix: PositionFixInput): PositionFixInput[] {
  const kept = fixes ?? [];
  return kept.length >= MAX_FIXES - 1 ? kept : [...kept, fix];
}

/**
 * Stores a processed photo and adds it to an item's answer, in one transaction. The same bytes
 * attached twice are stored once (the sha256 is the key) and listed once per item.
 */
export function attachPhoto(
  db: CivicDatabase,
  id: string,
  itemId: string,
  photo: NewPhoto,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), async () => {
    const storable = await prepareNewPhoto(photo);
    return writeTransaction(db, ['inspections', 'rubrics', 'photos'], async () => {
      const inspection = await editableInspection(db, id);
      itemOf(await rubricFileOf(db, inspection), itemId);
      await storePhotoOnce(db, { ...storable, kind: 'inspection', ownerId: id, itemId });
      const answer = { ...(inspection.answers[itemId] ?? { photos: [] }) };
      if (!answer.photos.includes(storable.sha256)) answer.photos = [...answer.photos, storable.sha256];
      return saveAnswer(db, inspection, itemId, answer, now);
    });
  });
}

/**
 * Removes a photo from an item's answer of a draft; the photo itself is deleted unless another
 * answer, recheck or unfinished outbox entry (an earlier revision still unsent) references it.
 */
export function detachPhoto(
  db: CivicDatabase,
  id: string,
  itemId: string,
  sha256: string,
  now: Instant = new Date(),
): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections', 'photos', 'rechecks', 'outbox'], async () => {
      const inspection = await editableInspection(db, id);
      const current = inspection.answers[itemId];
      if (!current?.photos.includes(sha256)) return inspection;
      const answer = { ...current, photos: current.photos.filter((sha) => sha !== sha256) };
      const stored = await saveAnswer(db, inspection, itemId, answer, now);
      await deletePhotoIfUnreferenced(db, sha256);
      return stored;
    }),
  );
}

export type SubmitResult = { ok: true; revision: number } | { ok: false; problems: SubmitProblem[] };

/**
 * Validates the draft (the domain's inspectionSchema and rubric rules; problems as codes) and,
 * in ONE transaction: freezes the wire body, marks the inspection submitted, and queues one
 * outbox entry per photo the server has not confirmed and that is not queued yet, then the
 * inspection itself. Submitting an inspection that is no longer a draft changes nothing.
 */
export function submitInspection(
  db: CivicDatabase,
  id: string,
  now: Instant,
  /** The phone's latest position, recorded as the fix at submit (proof of presence). */
  submitAt?: GeoLocation,
): Promise<SubmitResult> {
  const nowIso = toIso(now);
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections', 'rubrics', 'photos', 'outbox'], async (): Promise<SubmitResult> => {
      const inspection = await db.inspections.get(id);
      if (!inspection) throw new RecordNotFoundError('inspections', id);
      if (inspection.status !== 'draft') return { ok: true, revision: inspection.revision };
      const file = await findRubricFile(db, inspection);
      if (!file) {
        return { ok: false, problems: [{ code: 'no_rubric', data: { rubricVersion: inspection.rubricVersion } }] };
      }
      const frozen = freezeInspection(file, inspection, nowIso, submitAt && fixOf(submitAt, 'submit', now));
      if (!frozen.ok) return frozen;
      // Capture time and GPS of each photo travel beside the answers: a burned-in watermark can
      // be faked, the data recorded at capture is what the office checks. So do the thumbnails,
      // uploaded as photos of their own with the photos: the office draws them, not 1600 px photos.
      const payload = { ...frozen.payload, ...(await photoFactsOf(db, frozen.payload)) };
      await queuePhotosInTransaction(
        db,
        id,
        payload.answers.flatMap((answer) => answer.photos),
        nowIso,
      );
      await queueThumbnailsInTransaction(db, id, payload.thumbnails ?? {}, nowIso);
      await queueSubmissionInTransaction(
        db,
        { kind: 'inspection', key: `${id}@${payload.revision}`, groupId: id, payload },
        nowIso,
      );
      await db.inspections.put({ ...inspection, status: 'submitted', submittedAt: nowIso, updatedAt: nowIso });
      return { ok: true, revision: payload.revision };
    }),
  );
}

/**
 * Reopens a submitted or synced inspection for changes: it becomes a draft of revision + 1; the
 * outbox keeps the earlier revision frozen as it was sent. A draft is returned unchanged.
 */
export function amendInspection(db: CivicDatabase, id: string, now: Instant): Promise<LocalInspection> {
  return serialised(db, queueKey(id), () =>
    writeTransaction(db, ['inspections'], async () => {
      const inspection = await db.inspections.get(id);
      if (!inspection) throw new RecordNotFoundError('inspections', id);
      if (inspection.status === 'draft') return inspection;
      const { submittedAt: _submittedAt, serverScore: _serverScore, ...rest } = inspection;
      const amended: LocalInspection = {
        ...rest,
        revision: inspection.revision + 1,
        status: 'draft',
        updatedAt: toIso(now),
      };
      await db.inspections.put(amended);
      return amended;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading.

// ---------------------------------------------------------------------------------------------
// Inside transactions.

/**
 * `photoMeta` and `thumbnails` (docs/API.md) of the photos an inspection references that are
 * stored here (each field left out when no photo has it): photos taken before the app hashed
 * thumbnails, or evicted since, have no thumbnail, and the office draws them from themselves.
 */
async function photoFactsOf(
  db: CivicDatabase,
  payload: Inspection,
): Promise<Pick<Inspection, 'photoMeta' | 'thumbnails'>> {
  const hashes = [...new Set(payload.answers.flatMap((answer) => answer.photos))];
  const photos = await db.photos.bulkGet(hashes);
  const meta: NonNullable<Inspection['photoMeta']> = {};
  const thumbnails: NonNullable<Inspection['thumbnails']> = {};
  for (const photo of photos) {
    if (!photo) continue;
    meta[photo.sha256] = {
      capturedAt: photo.capturedAt,
      ...(photo.gps && { lat: photo.gps.lat, lng: photo.gps.lng }),
      ...(photo.gps?.accuracy !== undefined && { accuracy: photo.gps.accuracy }),
      ...(photo.source && { source: photo.source }),
      ...(photo.exifAt && { exifAt: photo.exifAt }),
      ...(photo.sourceSha256 && { sourceSha256: photo.sourceSha256 }),
      ...(photo.markedUp && { markedUp: true }),
    };
    if (photo.thumbnailSha256 && photo.thumbnail.size > 0) thumbnails[photo.sha256] = photo.thumbnailSha256;
  }
  return {
    ...(Object.keys(meta).length > 0 && { photoMeta: meta }),
    ...(Object.keys(thumbnails).length > 0 && { thumbnails }),
  };
}

async function editableInspection(db: CivicDatabase, id: string): Promise<LocalInspection> {
  const inspection = await db.inspections.get(id);
  if (!inspection) throw new RecordNotFoundError('inspections', id);
  if (inspection.status !== 'draft') throw new NotEditableError('inspections', id, inspection.status);
  return inspection;
}

async function findRubricFile(db: CivicDatabase, inspection: LocalInspection): Promise<RubricFile | undefined> {
  return (await db.rubrics.get(inspection.rubricVersion))?.types[inspection.siteType];
}

async function rubricFileOf(db: CivicDatabase, inspection: LocalInspection): Promise<RubricFile> {
  const file = await findRubricFile(db, inspection);
  if (!file) throw new RecordNotFoundError('rubrics', `${inspection.rubricVersion}/${inspection.siteType}`);
  return file;
}

function itemOf(file: RubricFile, itemId: string): RubricItem {
  const item = file.items.find((candidate) => candidate.id === itemId);
  if (!item) throw new RangeError(`item ${itemId} is not in the ${file.type} rubric ${file.version}`);
  return item;
}

async function saveAnswer(
  db: CivicDatabase,
  inspection: LocalInspection,
  itemId: string,
  answer: LocalAnswer,
  now: Instant,
): Promise<LocalInspection> {
  const answers = { ...inspection.answers };
  const empty =
    answer.grade === undefined &&
    answer.defects === undefined &&
    answer.note === undefined &&
    answer.photos.length === 0;
  if (empty) delete answers[itemId];
  else answers[itemId] = answer;
  const stored: LocalInspection = { ...inspection, answers, updatedAt: toIso(now) };
  await db.inspections.put(stored);
  return stored;
}
