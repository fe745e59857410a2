// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { beforePhotoStats, getBeforePhoto, saveBeforePhoto } from './before-photos';
import { CivicDatabase } from './database';
import { entriesOfGroup } from './outbox';
import { photosOf } from './photos';
import { recheckFor, submitRecheck } from './rechecks';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_VERSION, upgradeToV2 } from './schema';
import { at, bootstrapFixture, makePhoto, RECHECKER } from './test-support';

const DRAFT_ID = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const SENT_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

describe('schema upgrade v2 → v3', () => {
  it('adds the beforePhotos store and keeps a rechecker’s unsynced work exactly as it was', async () => {
    const factory = new IDBFactory();
    const name = 'civic-upgrade-v3';
    const [after, sentPhoto] = await Promise.all([makePhoto('after v2'), makePhoto('sent v2')]);

    // The app as shipped with schema v2, with a rechecker's work in it: a draft verdict with an
    // after-photo, and a submitted recheck waiting in the outbox.
    const v2 = new Dexie(name, { indexedDB: factory, IDBKeyRange });
    v2.version(1).stores(SCHEMA_V1);
    v2.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    await v2.open();
    const bootstrap = { ...bootstrapFixture(), user: RECHECKER };
    const photoRow = (photo: typeof after, ownerId: string, confirmedAt?: string) => {
      const { sha256, blob, thumbnail, width, height, bytes, originalBytes, capturedAt, inspectorId, gps } = photo;
      return {
        sha256,
        blob,
        thumbnail,
        kind: 'recheck',
        ownerId,
        itemId: 'T18',
        capturedAt,
        inspectorId,
        gps,
        width,
        height,
        bytes,
        originalBytes,
        ...(confirmedAt && { confirmedAt }),
      };
    };
    const sentPayload = {
      id: SENT_ID,
      rectificationId: 'RX2',
      verdict: 'fixed',
      photos: [sentPhoto.sha256],
      checkedAt: at(3).toISOString(),
    };
    await v2.table('session').put({ key: 'current', token: 'tok', user: RECHECKER, signedInAt: at(0).toISOString() });
    await v2.table('rounds').bulkPut(bootstrap.rounds);
    await v2.table('sites').bulkPut(bootstrap.sites);
    await v2.table('assignments').bulkPut(bootstrap.assignments);
    await v2.table('rubrics').bulkPut(Object.values(bootstrap.rubrics));
    await v2.table('rectifications').bulkPut(bootstrap.rectifications);
    await v2.table('rechecks').bulkPut([
      {
        id: DRAFT_ID,
        rectificationId: 'RX1',
        verdict: 'fixed',
        note: '已清扫',
        photos: [after.sha256],
        status: 'draft',
        createdAt: at(1).toISOString(),
        updatedAt: at(2).toISOString(),
      },
      {
        id: SENT_ID,
        rectificationId: 'RX2',
        verdict: 'fixed',
        photos: [sentPhoto.sha256],
        status: 'submitted',
        checkedAt: at(3).toISOString(),
        createdAt: at(1).toISOString(),
        updatedAt: at(3).toISOString(),
      },
    ]);
    await v2.table('photos').bulkPut([photoRow(after, DRAFT_ID), photoRow(sentPhoto, SENT_ID)]);
    await v2.table('outbox').bulkAdd([
      {
        kind: 'photo',
        key: sentPhoto.sha256,
        groupId: SENT_ID,
        payload: sentPhoto.sha256,
        state: 'pending',
        attempts: 1,
        nextAttemptAt: at(4).toISOString(),
        createdAt: at(3).toISOString(),
        bytes: sentPhoto.bytes,
      },
      {
        kind: 'recheck',
        key: SENT_ID,
        groupId: SENT_ID,
        payload: sentPayload,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: at(3).toISOString(),
        createdAt: at(3).toISOString(),
        bytes: 200,
      },
    ]);
    await v2.table('meta').put({ key: 'lastSyncAt', value: at(0).toISOString() });
    const tables = Object.keys(SCHEMA_V2);
    const before = Object.fromEntries(
      await Promise.all(tables.map(async (table) => [table, await v2.table(table).toArray()] as const)),
    );
    v2.close();

    // The new app opens the same database.
    const db = new CivicDatabase(name, { indexedDB: factory, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    // (v4 moved nothing here: no photo of this database was confirmed.)
    for (const table of tables) expect(await db.table(table).toArray(), table).toEqual(before[table]);
    expect(await db.beforePhotos.count()).toBe(0);
    expect(db.beforePhotos.schema.indexes.map((index) => index.name)).toEqual(['fetchedAt']);

    // The Blobs survived byte for byte, and the rechecker's work goes on.
    const [stored] = await photosOf(db, DRAFT_ID);
    expect(new Uint8Array(await stored!.blob.arrayBuffer())).toEqual(new Uint8Array(await after.blob.arrayBuffer()));
    expect(await recheckFor(db, 'RX1')).toMatchObject({ id: DRAFT_ID, status: 'draft', note: '已清扫' });
    expect(await submitRecheck(db, DRAFT_ID, at(10))).toEqual({ ok: true });
    expect((await entriesOfGroup(db, DRAFT_ID)).map((entry) => [entry.kind, entry.key])).toEqual([
      ['photo', after.sha256],
      ['recheck', DRAFT_ID],
    ]);
    expect((await entriesOfGroup(db, SENT_ID)).map((entry) => entry.state)).toEqual(['pending', 'pending']);

    // And the new store works.
    const beforePhoto = await makePhoto('before');
    await saveBeforePhoto(
      db,
      { ...beforePhoto, contentType: 'image/jpeg', bytes: beforePhoto.blob.size, blob: beforePhoto.blob },
      at(11),
    );
    expect(await getBeforePhoto(db, beforePhoto.sha256)).toMatchObject({
      bytes: 2048,
      fetchedAt: at(11).toISOString(),
    });
    expect(await beforePhotoStats(db)).toEqual({
      photos: 1,
      full: 1,
      fullBytes: 2048,
      storedBytes: 2048 + 256,
    });
    db.close();
  });

  it('a v1 database goes straight through v2 and v3 to the current version', async () => {
    const factory = new IDBFactory();
    const v1 = new Dexie('civic-v1-to-v3', { indexedDB: factory, IDBKeyRange });
    v1.version(1).stores(SCHEMA_V1);
    await v1.open();
    const photo = await makePhoto('v1 photo');
    await v1.table('photos').put({ ...photo, inspectionId: DRAFT_ID, itemId: 'T16' });
    v1.close();

    const db = new CivicDatabase('civic-v1-to-v3', { indexedDB: factory, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(await db.photos.get(photo.sha256)).toMatchObject({ kind: 'inspection', ownerId: DRAFT_ID });
    expect(await db.beforePhotos.count()).toBe(0);
    db.close();
  });
});
