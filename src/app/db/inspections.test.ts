// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkAnswersAgainstRubric } from '../../domain/inspection-rules';
import { inspectionSchema } from '../../domain/wire';
import type { CivicDatabase } from './database';
import { NotEditableError } from './errors';
import {
  amendInspection,
  attachPhoto,
  detachPhoto,
  getInspection,
  getPhoto,
  inspectionProblems,
  inspectionsForRound,
  openInspection,
  photosOf,
  recordFix,
  setLocation,
  setSitePosition,
  siteStates,
  submitInspection,
  updateAnswer,
} from './inspections';
import { entriesOfGroup, markDone } from './outbox';
import { saveBootstrap, serverResults } from './session';
import {
  at,
  bootstrapFixture,
  bytesOf,
  INSPECTOR,
  makePhoto,
  STATION,
  storedBytes,
  testDatabase,
  type TestDatabase,
} from './test-support';
import type { InspectionOutboxEntry, LocalInspection } from './types';

let t: TestDatabase;
let db: CivicDatabase;

beforeEach(async () => {
  t = await testDatabase();
  db = t.db;
  await saveBootstrap(db, bootstrapFixture());
});

const open = (siteId = 'S1', minutes = 0) =>
  openInspection(db, { roundId: 'R1', siteId, inspectorId: INSPECTOR.id, rubricVersion: '2021', now: at(minutes) });

/** Grades every station item A (in order), except the ones named. */
async function gradeAllA(id: string, except: string[] = []) {
  for (const item of STATION.items) {
    if (!except.includes(item.id)) await updateAnswer(db, id, item.id, { grade: 'A' }, at(1));
  }
}

describe('openInspection', () => {
  it('creates a draft with a new uuid once, then returns the same inspection', async () => {
    const first = await open();
    expect(first).toMatchObject({
      revision: 1,
      roundId: 'R1',
      siteId: 'S1',
      siteType: 'station',
      rubricVersion: '2021',
      inspectorId: INSPECTOR.id,
      status: 'draft',
      startedAt: at(0).toISOString(),
      answers: {},
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await open('S1', 5)).id).toBe(first.id);
    expect((await open('S2')).id).not.toBe(first.id);
  });

  it('never makes two drafts when opened twice at once', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await inspectionsForRound(db, 'R1')).toHaveLength(1);
  });

  it('returns a submitted or synced inspection as it is', async () => {
    const draft = await open();
    await gradeAllA(draft.id);
    await submitInspection(db, draft.id, at(2));
    expect(await open()).toMatchObject({ id: draft.id, status: 'submitted' });
  });

  it('refuses a site that was not downloaded', async () => {
    await expect(open('NOPE')).rejects.toThrow(/NOPE/);
  });
});

describe('autosave', () => {
  it('survives closing and reopening the database exactly', async () => {
    const draft = await open();
    await updateAnswer(db, draft.id, 'T01', { grade: 'A' }, at(1));
    await updateAnswer(db, draft.id, 'T03', { grade: 'B', note: '缺少投影设备' }, at(2));
    await updateAnswer(db, draft.id, 'T18', { defects: 2 }, at(3));
    await setLocation(db, draft.id, { lat: 33.71, lng: 113.32, accuracy: 8 }, at(4));
    const photo = await makePhoto('dusty shelf');
    await attachPhoto(db, draft.id, 'T18', photo, at(5));
    const before = await getInspection(db, draft.id);

    const reopened = await t.reopen();
    const after = await getInspection(reopened, draft.id);
    expect(after).toEqual(before);
    expect(after).toMatchObject({
      location: { lat: 33.71, lng: 113.32, accuracy: 8 },
      answers: {
        T01: { grade: 'A', photos: [] },
        T03: { grade: 'B', note: '缺少投影设备', photos: [] },
        T18: { grade: 'C', defects: 2, photos: [photo.sha256] },
      },
      updatedAt: at(5).toISOString(),
    });
    const stored = await getPhoto(reopened, photo.sha256);
    expect(stored).toMatchObject({ kind: 'inspection', ownerId: draft.id, itemId: 'T18', bytes: photo.bytes });
    expect(stored?.blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await stored!.blob.arrayBuffer())).toEqual(new Uint8Array(await photo.blob.arrayBuffer()));
  });

  it('stores a live File as a plain Blob of its bytes (iOS)', async () => {
    const draft = await open();
    const photo = await makePhoto('from the camera');
    const file = new File([await photo.blob.arrayBuffer()], 'IMG_0001.jpg', { type: 'image/jpeg' });
    await attachPhoto(db, draft.id, 'T18', { ...photo, blob: file }, at(1));
    const stored = await getPhoto(db, photo.sha256);
    expect(stored?.blob).not.toBeInstanceOf(File);
    expect(stored?.blob.type).toBe('image/jpeg');
    expect(stored?.blob.size).toBe(photo.bytes);
  });

  it('records a refused location as null, and clears fields with null', async () => {
    const draft = await open();
    expect((await setLocation(db, draft.id, null, at(1))).location).toBeNull();
    await updateAnswer(db, draft.id, 'T03', { grade: 'B', note: '备注' }, at(2));
    await updateAnswer(db, draft.id, 'T03', { note: null }, at(3));
    expect((await getInspection(db, draft.id))?.answers.T03).toEqual({ grade: 'B', photos: [] });
    await updateAnswer(db, draft.id, 'T03', { grade: null }, at(4));
    expect((await getInspection(db, draft.id))?.answers).toEqual({});
  });
});

describe('counted items', () => {
  it('derive the grade from the number of defects by the rubric', async () => {
    const draft = await open();
    const grades = [];
    for (const defects of [0, 1, 2, 3, 7]) {
      const stored = await updateAnswer(db, draft.id, 'T18', { defects }, at(1));
      grades.push(stored.answers.T18);
    }
    expect(grades).toEqual([
      { grade: 'A', defects: 0, photos: [] },
      { grade: 'B', defects: 1, photos: [] },
      { grade: 'C', defects: 2, photos: [] },
      { grade: 'C#', defects: 3, photos: [] },
      { grade: 'C#', defects: 7, photos: [] },
    ]);
  });

  it('a count wins over a grade in the same change; a grade set directly clears the count', async () => {
    const draft = await open();
    expect((await updateAnswer(db, draft.id, 'T16', { defects: 1, grade: 'A' })).answers.T16).toEqual({
      grade: 'B',
      defects: 1,
      photos: [],
    });
    expect((await updateAnswer(db, draft.id, 'T16', { grade: 'C' })).answers.T16).toEqual({ grade: 'C', photos: [] });
  });

  it('refuses counts on items that are not counted, and grades an item does not allow', async () => {
    const draft = await open();
    await expect(updateAnswer(db, draft.id, 'T03', { defects: 1 })).rejects.toThrow(RangeError);
    await expect(updateAnswer(db, draft.id, 'T18', { defects: -1 })).rejects.toThrow(RangeError);
    await expect(updateAnswer(db, draft.id, 'T01', { grade: 'B' })).rejects.toThrow(RangeError);
    await expect(updateAnswer(db, draft.id, 'T01', { grade: 'NA' })).rejects.toThrow(RangeError);
    await expect(updateAnswer(db, draft.id, 'X99', { grade: 'A' })).rejects.toThrow(RangeError);
    expect((await getInspection(db, draft.id))?.answers).toEqual({});
  });
});

describe('submitInspection', () => {
  it('explains in Chinese what is missing and writes nothing', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T03', 'T18']);
    await updateAnswer(db, draft.id, 'T18', { defects: 2 }, at(2));
    const result = await submitInspection(db, draft.id, at(3));
    expect(result).toEqual({
      ok: false,
      problems: [
        { itemId: 'T03', code: 'unanswered', data: { item: 'T03 活动场所可用' } },
        { itemId: 'T18', code: 'photo_required', data: { item: 'T18 室内卫生（无积尘）' } },
      ],
    });
    expect(await getInspection(db, draft.id)).toMatchObject({ status: 'draft', revision: 1 });
    expect(await db.outbox.count()).toBe(0);
  });

  it('lists every unanswered item of an empty draft, in rubric order', async () => {
    const draft = await open();
    const result = await submitInspection(db, draft.id, at(1));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.itemId)).toEqual(STATION.items.map((item) => item.id));
    expect(result.problems[0]).toEqual({ itemId: 'T01', code: 'unanswered', data: { item: 'T01 标识标牌在显著位置' } });
  });

  it('reports a note that is too long and the live problem list agrees', async () => {
    const draft = await open();
    await gradeAllA(draft.id);
    const stored = await updateAnswer(db, draft.id, 'T05', { note: '长'.repeat(2001) });
    const expected = [{ itemId: 'T05', code: 'note_too_long', data: { item: 'T05 开放时间公示并按时开放' } }];
    expect(inspectionProblems(STATION, stored)).toEqual(expected);
    expect(await submitInspection(db, draft.id, at(3))).toEqual({ ok: false, problems: expected });
  });

  it('freezes the wire body and queues exactly N photos then the inspection, in one go', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T16', 'T18']);
    const [p1, p2, p3] = await Promise.all([makePhoto('p1'), makePhoto('p2'), makePhoto('p3')]);
    await updateAnswer(db, draft.id, 'T18', { defects: 2, note: '活动室积尘' }, at(2));
    await attachPhoto(db, draft.id, 'T18', p1, at(3));
    await attachPhoto(db, draft.id, 'T18', p2, at(3));
    await attachPhoto(db, draft.id, 'T18', p1, at(3)); // the same bytes again: listed once
    await updateAnswer(db, draft.id, 'T16', { defects: 1 }, at(4));
    await attachPhoto(db, draft.id, 'T16', p3, at(4));
    await attachPhoto(db, draft.id, 'T04', p1, at(4)); // one photo documenting two items
    await setLocation(db, draft.id, { lat: 33.7, lng: 113.3, accuracy: 12 }, at(4));

    expect(await submitInspection(db, draft.id, at(10))).toEqual({ ok: true, revision: 1 });

    const entries = await entriesOfGroup(db, draft.id);
    expect(entries.map((entry) => [entry.kind, entry.key])).toEqual([
      ['photo', p1.sha256], // T04 comes first in the rubric
      ['photo', p3.sha256],
      ['photo', p2.sha256],
      ['inspection', `${draft.id}@1`],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        groupId: draft.id,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: at(10).toISOString(),
        createdAt: at(10).toISOString(),
      });
    }
    expect(entries.slice(0, 3).map((entry) => entry.payload)).toEqual([p1.sha256, p3.sha256, p2.sha256]);
    expect(entries[0]?.bytes).toBe(p1.bytes);

    const { payload } = entries[3] as InspectionOutboxEntry;
    expect(inspectionSchema.safeParse(payload).success).toBe(true);
    expect(inspectionSchema.parse(payload)).toEqual(payload);
    expect(checkAnswersAgainstRubric(STATION, payload.answers)).toEqual([]);
    expect(payload).toMatchObject({
      id: draft.id,
      revision: 1,
      roundId: 'R1',
      siteId: 'S1',
      rubricVersion: '2021',
      startedAt: at(0).toISOString(),
      submittedAt: at(10).toISOString(),
      location: { lat: 33.7, lng: 113.3, accuracy: 12 },
    });
    expect(payload.answers.map((answer) => answer.itemId)).toEqual(STATION.items.map((item) => item.id));
    expect(payload.answers.find((answer) => answer.itemId === 'T18')).toEqual({
      itemId: 'T18',
      grade: 'C',
      defects: 2,
      note: '活动室积尘',
      photos: [p1.sha256, p2.sha256],
    });
    expect(payload.answers.find((answer) => answer.itemId === 'T01')).toEqual({
      itemId: 'T01',
      grade: 'A',
      photos: [],
    });
    // What was recorded at capture travels with the answers, one entry per photo.
    expect(payload.photoMeta).toEqual(
      Object.fromEntries(
        [p1, p2, p3].map((photo) => [
          photo.sha256,
          { capturedAt: photo.capturedAt, lat: 33.7, lng: 113.3, accuracy: 12 },
        ]),
      ),
    );
    expect(await getInspection(db, draft.id)).toMatchObject({ status: 'submitted', submittedAt: at(10).toISOString() });

    // A second submit (double tap, retry after a crash) adds nothing.
    expect(await submitInspection(db, draft.id, at(11))).toEqual({ ok: true, revision: 1 });
    expect(await db.outbox.count()).toBe(4);
  });

  it('does not queue a photo the server already confirmed or that is already queued', async () => {
    const first = await open('S1');
    await gradeAllA(first.id, ['T18']);
    const shared = await makePhoto('shared');
    await updateAnswer(db, first.id, 'T18', { defects: 1 });
    await attachPhoto(db, first.id, 'T18', shared);
    await submitInspection(db, first.id, at(5));

    const second = await open('S2');
    await gradeAllA(second.id, ['T18']);
    await updateAnswer(db, second.id, 'T18', { defects: 1 });
    await attachPhoto(db, second.id, 'T18', shared);
    await submitInspection(db, second.id, at(6));

    expect((await entriesOfGroup(db, first.id)).map((entry) => entry.kind)).toEqual(['photo', 'inspection']);
    expect((await entriesOfGroup(db, second.id)).map((entry) => entry.kind)).toEqual(['inspection']);
    expect(await db.outbox.where('[kind+key]').equals(['photo', shared.sha256]).count()).toBe(1);
  });

  it('freezes the edits: once submitted, the draft cannot change until amended', async () => {
    const draft = await open();
    await gradeAllA(draft.id);
    await submitInspection(db, draft.id, at(2));
    await expect(updateAnswer(db, draft.id, 'T01', { grade: 'C#' })).rejects.toBeInstanceOf(NotEditableError);
    await expect(attachPhoto(db, draft.id, 'T01', await makePhoto('late'))).rejects.toBeInstanceOf(NotEditableError);
    await expect(setLocation(db, draft.id, null)).rejects.toBeInstanceOf(NotEditableError);
    expect(await db.photos.count()).toBe(0);
  });
});

describe('amendInspection', () => {
  it('makes revision 2 a draft while revision 1 stays frozen in the outbox', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T18']);
    const photo = await makePhoto('dust');
    await updateAnswer(db, draft.id, 'T18', { defects: 2 }, at(1));
    await attachPhoto(db, draft.id, 'T18', photo, at(1));
    await submitInspection(db, draft.id, at(2));
    const [, revision1] = await entriesOfGroup(db, draft.id);
    const frozen = structuredClone(revision1!.payload);

    const amended = await amendInspection(db, draft.id, at(3));
    expect(amended).toMatchObject({ id: draft.id, revision: 2, status: 'draft', updatedAt: at(3).toISOString() });
    expect(amended.submittedAt).toBeUndefined();
    expect(await amendInspection(db, draft.id, at(4))).toMatchObject({ revision: 2 }); // a draft stays as it is

    await updateAnswer(db, draft.id, 'T18', { defects: 0 }, at(5));
    expect((await entriesOfGroup(db, draft.id))[1]?.payload).toEqual(frozen);

    expect(await submitInspection(db, draft.id, at(6))).toEqual({ ok: true, revision: 2 });
    const entries = await entriesOfGroup(db, draft.id);
    expect(entries.map((entry) => entry.key)).toEqual([photo.sha256, `${draft.id}@1`, `${draft.id}@2`]);
    const [, first, second] = entries as [unknown, InspectionOutboxEntry, InspectionOutboxEntry];
    expect(first.payload).toEqual(frozen);
    expect(first.payload.answers.find((a) => a.itemId === 'T18')).toMatchObject({ grade: 'C', defects: 2 });
    expect(second.payload).toMatchObject({ revision: 2, submittedAt: at(6).toISOString() });
    expect(second.payload.answers.find((a) => a.itemId === 'T18')).toMatchObject({ grade: 'A', defects: 0 });
    expect(inspectionSchema.safeParse(second.payload).success).toBe(true);
  });

  it('does not send again a photo the server already has when the amendment is submitted', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T18']);
    const photo = await makePhoto('uploaded');
    await updateAnswer(db, draft.id, 'T18', { defects: 1 }, at(1));
    await attachPhoto(db, draft.id, 'T18', photo, at(1));
    await submitInspection(db, draft.id, at(2));
    const [photoEntry] = await entriesOfGroup(db, draft.id);
    await markDone(db, [photoEntry!.seq], at(3)); // the photo arrived; revision 1 has not yet
    await amendInspection(db, draft.id, at(4));
    await updateAnswer(db, draft.id, 'T18', { defects: 2 }, at(5));
    await submitInspection(db, draft.id, at(6));
    const entries = await entriesOfGroup(db, draft.id);
    expect(entries.map((entry) => [entry.key, entry.state])).toEqual([
      [photo.sha256, 'done'],
      [`${draft.id}@1`, 'pending'],
      [`${draft.id}@2`, 'pending'],
    ]);
  });
});

describe('detachPhoto', () => {
  it('removes the photo from the answer and deletes it only when nothing else uses it', async () => {
    const draft = await open();
    const photo = await makePhoto('twice');
    await attachPhoto(db, draft.id, 'T18', photo);
    await attachPhoto(db, draft.id, 'T04', photo);
    await detachPhoto(db, draft.id, 'T18', photo.sha256);
    expect((await getInspection(db, draft.id))?.answers.T18).toBeUndefined();
    expect(await storedBytes(db, photo.sha256)).toEqual(await bytesOf(photo.blob));
    await detachPhoto(db, draft.id, 'T04', photo.sha256);
    expect(await getPhoto(db, photo.sha256)).toBeUndefined();
    expect(await photosOf(db, draft.id)).toEqual([]);
  });

  it('keeps a photo that an earlier, still unsent revision needs', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T18']);
    const photo = await makePhoto('sent in revision 1');
    await updateAnswer(db, draft.id, 'T18', { defects: 1 });
    await attachPhoto(db, draft.id, 'T18', photo);
    await submitInspection(db, draft.id, at(2));
    await amendInspection(db, draft.id, at(3));
    await detachPhoto(db, draft.id, 'T18', photo.sha256, at(4));
    expect((await getInspection(db, draft.id))?.answers.T18).toEqual({ grade: 'B', defects: 1, photos: [] });
    expect(await storedBytes(db, photo.sha256)).toEqual(await bytesOf(photo.blob));
  });
});

describe('reading', () => {
  it('siteStates gives every assigned site its state', async () => {
    const s1 = await open('S1');
    await updateAnswer(db, s1.id, 'T01', { grade: 'A' });
    const i1 = await open('I1');
    for (const item of bootstrapFixture().rubrics['2021']!.types.institute.items) {
      await updateAnswer(db, i1.id, item.id, { grade: 'A' });
    }
    await submitInspection(db, i1.id, at(5));
    const states = await siteStates(db, 'R1', INSPECTOR.id);
    expect(Object.fromEntries(states)).toEqual({ S1: 'draft', S2: 'not_started', I1: 'submitted' });
    expect((await siteStates(db, 'R1')).get('S9')).toBe('not_started');
  });

  it('siteStates says inspected for a site the server has a result for and this device has no work on', async () => {
    const result = {
      inspectionId: '00000000-0000-4000-8000-0000000000b1',
      inspectorId: 'colleague',
      inspectorName: '李明',
      submittedAt: '2021-07-14T02:00:00.000Z',
      score: 92.5,
    };
    const onServer = (siteId: string) => ({ roundId: 'R1', siteId, ...result });
    await saveBootstrap(db, { ...bootstrapFixture(), results: [onServer('S2'), onServer('S1')] });
    await updateAnswer(db, (await open('S1')).id, 'T01', { grade: 'A' }); // this device's own work wins
    expect(Object.fromEntries(await siteStates(db, 'R1', INSPECTOR.id))).toEqual({
      S1: 'draft',
      S2: 'inspected',
      I1: 'not_started',
    });
    expect(Object.fromEntries(await serverResults(db, 'R1', INSPECTOR.id))).toEqual({ S1: result, S2: result });
    await saveBootstrap(db, bootstrapFixture()); // a later bootstrap without it forgets it
    expect((await siteStates(db, 'R1', INSPECTOR.id)).get('S2')).toBe('not_started');
  });

  it('photosOf lists an owner’s photos, optionally of one item', async () => {
    const draft = await open();
    const [a, b] = await Promise.all([makePhoto('a'), makePhoto('b')]);
    await attachPhoto(db, draft.id, 'T18', { ...a, capturedAt: at(2).toISOString() });
    await attachPhoto(db, draft.id, 'T16', { ...b, capturedAt: at(1).toISOString() });
    expect((await photosOf(db, draft.id)).map((p) => p.sha256)).toEqual([b.sha256, a.sha256]);
    expect((await photosOf(db, draft.id, 'T18')).map((p) => p.sha256)).toEqual([a.sha256]);
  });

  it('inspectionsForRound filters by inspector', async () => {
    const mine: LocalInspection = await open('S1');
    await openInspection(db, {
      roundId: 'R1',
      siteId: 'S9',
      inspectorId: 'u-other',
      rubricVersion: '2021',
      now: at(0),
    });
    expect((await inspectionsForRound(db, 'R1', INSPECTOR.id)).map((i) => i.id)).toEqual([mine.id]);
    expect(await inspectionsForRound(db, 'R1')).toHaveLength(2);
  });
});

describe('proof of presence', () => {
  it('sends the fixes of opening, photos and submit, the site position and each photo’s facts', async () => {
    const draft = await open();
    await gradeAllA(draft.id, ['T18']);
    await setLocation(db, draft.id, { lat: 33.7, lng: 113.3, accuracy: 12 }, at(1));
    const photo = {
      ...(await makePhoto('gallery')),
      source: 'gallery' as const,
      exifAt: '2026-11-20T01:30:00.000Z',
      sourceSha256: 'e'.repeat(64),
      markedUp: true,
    };
    await recordFix(db, draft.id, { lat: 33.71, lng: 113.3, accuracy: 20 }, 'photo', at(2));
    await updateAnswer(db, draft.id, 'T18', { defects: 1 }, at(2));
    await attachPhoto(db, draft.id, 'T18', photo, at(2));
    await setSitePosition(db, draft.id, { lat: 33.7, lng: 113.3, accuracy: 12 }, at(3));

    expect(await submitInspection(db, draft.id, at(10), { lat: 33.72, lng: 113.3, accuracy: 8 })).toEqual({
      ok: true,
      revision: 1,
    });
    const entries = await entriesOfGroup(db, draft.id);
    const { payload } = entries.find((entry) => entry.kind === 'inspection') as InspectionOutboxEntry;
    expect(inspectionSchema.safeParse(payload).success).toBe(true);
    expect(payload.fixes).toEqual([
      { lat: 33.7, lng: 113.3, accuracy: 12, at: at(1).toISOString(), stage: 'open' },
      { lat: 33.71, lng: 113.3, accuracy: 20, at: at(2).toISOString(), stage: 'photo' },
      { lat: 33.72, lng: 113.3, accuracy: 8, at: at(10).toISOString(), stage: 'submit' },
    ]);
    expect(payload.sitePosition).toEqual({ lat: 33.7, lng: 113.3, accuracy: 12 });
    expect(payload.photoMeta?.[photo.sha256]).toEqual({
      capturedAt: photo.capturedAt,
      lat: 33.7,
      lng: 113.3,
      accuracy: 12,
      source: 'gallery',
      exifAt: '2026-11-20T01:30:00.000Z',
      sourceSha256: 'e'.repeat(64),
      markedUp: true,
    });
  });

  it('sends no fixes when none was ever taken, and withdraws a site position', async () => {
    const draft = await open();
    await gradeAllA(draft.id);
    await setSitePosition(db, draft.id, { lat: 33.7, lng: 113.3 }, at(1));
    await setSitePosition(db, draft.id, null, at(2));
    await submitInspection(db, draft.id, at(10));
    const entries = await entriesOfGroup(db, draft.id);
    const { payload } = entries.find((entry) => entry.kind === 'inspection') as InspectionOutboxEntry;
    expect(payload).not.toHaveProperty('fixes');
    expect(payload).not.toHaveProperty('sitePosition');
  });
});
