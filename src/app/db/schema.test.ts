// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CivicDatabase } from './database';
import { getInspection, photosOf, submitInspection, updateAnswer } from './inspections';
import { entriesOfGroup, markDone, photoConfirmedAt } from './outbox';
import { openRecheck } from './rechecks';
import { SCHEMA_V1, SCHEMA_VERSION } from './schema';
import { at, bootstrapFixture, INSPECTOR, makePhoto, STATION } from './test-support';
import type { LocalInspection, NewPhoto } from './types';

const DRAFT_ID = '0b6f3c8e-1d2a-4e5f-8a9b-0c1d2e3f4a5b';
const SENT_ID = '7c8d9e0f-1a2b-4c3d-9e8f-7a6b5c4d3e2f';

/** A photo row as v1 stored it: owned through `inspectionId`, no `kind`. */
function v1Photo(photo: NewPhoto, inspectionId: string, itemId: string, confirmedAt?: string) {
  const { sha256, blob, thumbnail, width, height, bytes, originalBytes, capturedAt, inspectorId, gps } = photo;
  return {
    sha256,
    blob,
    thumbnail,
    inspectionId,
    itemId,
    capturedAt,
    inspectorId,
    gps,
    width,
    height,
    bytes,
    originalBytes,
    ...(confirmedAt && { confirmedAt }),
  };
}

function inspection(
  id: string,
  siteId: string,
  status: LocalInspection['status'],
  answers: LocalInspection['answers'],
) {
  return {
    id,
    revision: 1,
    roundId: 'R1',
    siteId,
    siteType: 'station' as const,
    rubricVersion: '2021',
    inspectorId: INSPECTOR.id,
    status,
    startedAt: at(0).toISOString(),
    answers,
    updatedAt: at(1).toISOString(),
  };
}

describe('schema upgrade v1 → v2', () => {
  it('migrates every photo to ownerId + kind and keeps every other record as it was', async () => {
    const factory = new IDBFactory();
    const name = 'civic-upgrade';
    const [p1, p2, p3] = await Promise.all([makePhoto('v1-a'), makePhoto('v1-b'), makePhoto('v1-c')]);

    // The app as shipped in v1, with an inspector's work in it.
    const v1 = new Dexie(name, { indexedDB: factory, IDBKeyRange });
    v1.version(1).stores(SCHEMA_V1);
    await v1.open();
    const bootstrap = bootstrapFixture();
    const allA = Object.fromEntries(
      STATION.items.map((item) => [item.id, { grade: 'A' as const, photos: [] as string[] }]),
    );
    const draft = inspection(DRAFT_ID, 'S1', 'draft', {
      ...allA,
      T18: { grade: 'C', defects: 2, photos: [p1.sha256, p2.sha256] },
    });
    const sent = inspection(SENT_ID, 'S2', 'submitted', {
      ...allA,
      T16: { grade: 'B', defects: 1, photos: [p3.sha256] },
    });
    const sentPayload = {
      id: SENT_ID,
      revision: 1,
      roundId: 'R1',
      siteId: 'S2',
      rubricVersion: '2021',
      startedAt: at(0).toISOString(),
      submittedAt: at(2).toISOString(),
      answers: STATION.items.map((item) =>
        item.id === 'T16'
          ? { itemId: 'T16', grade: 'B', defects: 1, photos: [p3.sha256] }
          : { itemId: item.id, grade: 'A', photos: [] },
      ),
    };
    const outbox = [
      {
        kind: 'photo',
        key: p3.sha256,
        groupId: SENT_ID,
        payload: p3.sha256,
        state: 'pending',
        attempts: 2,
        nextAttemptAt: at(5).toISOString(),
        createdAt: at(2).toISOString(),
        bytes: p3.bytes,
      },
      {
        kind: 'inspection',
        key: `${SENT_ID}@1`,
        groupId: SENT_ID,
        payload: sentPayload,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: at(2).toISOString(),
        createdAt: at(2).toISOString(),
        bytes: 900,
      },
    ];
    const session = { key: 'current', token: 'tok', user: INSPECTOR, signedInAt: at(0).toISOString() };
    await v1.table('session').put(session);
    await v1.table('rounds').bulkPut(bootstrap.rounds);
    await v1.table('sites').bulkPut(bootstrap.sites);
    await v1.table('assignments').bulkPut(bootstrap.assignments);
    await v1.table('rubrics').bulkPut(Object.values(bootstrap.rubrics));
    await v1.table('rectifications').bulkPut(bootstrap.rectifications);
    await v1.table('inspections').bulkPut([draft, sent]);
    await v1
      .table('photos')
      .bulkPut([
        v1Photo(p1, DRAFT_ID, 'T18'),
        v1Photo(p2, DRAFT_ID, 'T18', at(3).toISOString()),
        v1Photo(p3, SENT_ID, 'T16'),
      ]);
    await v1.table('outbox').bulkAdd(outbox);
    await v1.table('meta').put({ key: 'lastSyncAt', value: at(4).toISOString() });
    const before = Object.fromEntries(
      await Promise.all(
        ['session', 'rounds', 'sites', 'assignments', 'rubrics', 'rectifications', 'inspections', 'outbox', 'meta'].map(
          async (table) => [table, await v1.table(table).toArray()] as const,
        ),
      ),
    );
    v1.close();

    // The new app opens the same database.
    const db = new CivicDatabase(name, { indexedDB: factory, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);

    const photos = await db.photos.toArray();
    expect(photos).toHaveLength(3);
    for (const photo of photos) {
      expect(photo).not.toHaveProperty('inspectionId');
      expect(photo.kind).toBe('inspection');
    }
    const owners = Object.fromEntries(photos.map((photo) => [photo.sha256, [photo.ownerId, photo.itemId]]));
    expect(owners).toEqual({
      [p1.sha256]: [DRAFT_ID, 'T18'],
      [p2.sha256]: [DRAFT_ID, 'T18'],
      [p3.sha256]: [SENT_ID, 'T16'],
    });
    const stored = photos.find((photo) => photo.sha256 === p1.sha256)!;
    expect(new Uint8Array(await stored.blob.arrayBuffer())).toEqual(new Uint8Array(await p1.blob.arrayBuffer()));
    // The new indexes answer.
    expect((await photosOf(db, DRAFT_ID)).map((p) => p.sha256).sort()).toEqual([p1.sha256, p2.sha256].sort());
    expect((await photosOf(db, SENT_ID, 'T16')).map((p) => p.sha256)).toEqual([p3.sha256]);
    // p2 was confirmed: since v4 that is a done photo entry, added at the end of the outbox.
    expect(await photoConfirmedAt(db, p2.sha256)).toBe(at(3).toISOString());
    expect(await photoConfirmedAt(db, p1.sha256)).toBeUndefined();
    const [added, ...none] = (await db.outbox.toArray()).slice(before.outbox!.length);
    expect(none).toEqual([]);
    expect(added).toMatchObject({ kind: 'photo', key: p2.sha256, groupId: DRAFT_ID, state: 'done' });

    // Everything else is exactly as v1 left it.
    for (const [table, rows] of Object.entries(before)) {
      const now = await db.table(table).toArray();
      expect(table === 'outbox' ? now.slice(0, rows.length) : now, table).toEqual(rows);
    }
    expect(await db.rechecks.count()).toBe(0);

    // And the app works on the migrated data.
    await updateAnswer(db, DRAFT_ID, 'T16', { defects: 1 });
    expect(await submitInspection(db, DRAFT_ID, at(10))).toEqual({
      ok: false,
      problems: [{ itemId: 'T16', code: 'photo_required', data: { item: 'T16 公益广告完好' } }],
    });
    await updateAnswer(db, DRAFT_ID, 'T16', { grade: 'A' });
    expect(await submitInspection(db, DRAFT_ID, at(11))).toEqual({ ok: true, revision: 1 });
    // p2 is not queued again: its done entry (from the upgrade) is already in the group.
    expect((await entriesOfGroup(db, DRAFT_ID)).map((e) => [e.key, e.state])).toEqual([
      [p2.sha256, 'done'],
      [p1.sha256, 'pending'],
      [`${DRAFT_ID}@1`, 'pending'],
    ]);
    const [photoEntry, sentEntry] = await entriesOfGroup(db, SENT_ID);
    await markDone(db, [photoEntry!.seq], at(12));
    await markDone(db, [sentEntry!.seq], at(12));
    expect((await getInspection(db, SENT_ID))?.status).toBe('synced');
    await expect(openRecheck(db, 'RX1', at(13))).resolves.toMatchObject({ status: 'draft' });
    db.close();
  });

  it('a fresh install opens straight at the current version', async () => {
    const db = new CivicDatabase('fresh', { indexedDB: new IDBFactory(), IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((table) => table.name).sort()).toEqual([
      'assignments',
      'beforePhotos',
      'citizenReports',
      'inspections',
      'meta',
      'outbox',
      'photos',
      'rechecks',
      'rectifications',
      'rounds',
      'rubrics',
      'session',
      'sites',
      'unitOutbox',
      'unitPhotos',
      'unitWork',
    ]);
    expect(db.photos.schema.indexes.map((index) => index.name).sort()).toEqual(['[ownerId+itemId]', 'ownerId']);
    expect(db.outbox.schema.indexes.map((index) => index.name).sort()).toEqual([
      '[kind+key]',
      '[state+nextAttemptAt]',
      'groupId',
    ]);
    db.close();
  });
});
