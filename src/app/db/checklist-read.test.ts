// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readChecklist } from './checklist-read';
import type { CivicDatabase } from './database';
import { attachPhoto, openInspection, updateAnswer } from './inspections';
import { saveBootstrap } from './session';
import { at, bootstrapFixture, INSPECTOR, makePhoto, STATION, testDatabase } from './test-support';

let db: CivicDatabase;
const key = { roundId: 'R1', siteId: 'S1', inspectorId: INSPECTOR.id };

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
});

describe('readChecklist', () => {
  it('gives site, round and rubric, and no inspection before the first visit', async () => {
    const data = await readChecklist(db, key);
    expect(data.site).toMatchObject({ id: 'S1', type: 'station' });
    expect(data.round).toMatchObject({ id: 'R1', rubricVersion: '2021' });
    expect(data.rubric).toEqual(STATION);
    expect(data.inspection).toBeNull();
    expect(data.photos).toEqual([]);
  });

  it("gives the inspector's current inspection with its photos, oldest first", async () => {
    const draft = await openInspection(db, { ...key, rubricVersion: '2021', now: at(0) });
    await updateAnswer(db, draft.id, 'T18', { defects: 2 }, at(1));
    const [later, earlier] = [await makePhoto('later'), await makePhoto('earlier')];
    await attachPhoto(db, draft.id, 'T18', { ...later, capturedAt: at(5).toISOString() }, at(5));
    await attachPhoto(db, draft.id, 'T18', { ...earlier, capturedAt: at(3).toISOString() }, at(6));
    // Someone else's inspection of the same site on this device is not this inspector's.
    await openInspection(db, { ...key, inspectorId: 'u-other', rubricVersion: '2021', now: at(7) });

    const data = await readChecklist(db, key);
    expect(data.inspection).toMatchObject({ id: draft.id, answers: { T18: { defects: 2 } } });
    expect(data.photos.map((photo) => photo.sha256)).toEqual([earlier.sha256, later.sha256]);
  });

  it('gives nulls for a site or round this device does not have', async () => {
    expect(await readChecklist(db, { ...key, siteId: 'NOPE' })).toMatchObject({ site: null, rubric: null });
    expect(await readChecklist(db, { ...key, roundId: 'NOPE' })).toMatchObject({ round: null, rubric: null });
  });
});
