// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CivicDatabase } from './database';
import { pendingEntries, photoConfirmedAt } from './outbox';
import { evictConfirmedPhotos, pruneDoneEntries } from './retention';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_VERSION, upgradeToV2 } from './schema';
import { at, INSPECTOR, makePhoto } from './test-support';
import type { NewPhoto } from './types';

const SYNCED_ID = '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f';
const WAITING_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

/** A photo row as v3 stored it, with the `confirmedAt` field v4 no longer reads. */
function v3Photo(photo: NewPhoto, ownerId: string, confirmedAt?: string) {
  const { sha256, blob, thumbnail, width, height, bytes, originalBytes, capturedAt, inspectorId } = photo;
  return {
    sha256,
    blob,
    thumbnail,
    kind: 'inspection',
    ownerId,
    itemId: 'T18',
    capturedAt,
    inspectorId,
    width,
    height,
    bytes,
    originalBytes,
    ...(confirmedAt && { confirmedAt }),
  };
}

function photoEntry(photo: NewPhoto, groupId: string, state: 'pending' | 'done', minutes: number) {
  return {
    kind: 'photo',
    key: photo.sha256,
    groupId,
    payload: photo.sha256,
    state,
    attempts: state === 'done' ? 1 : 0,
    nextAttemptAt: at(minutes).toISOString(),
    createdAt: at(minutes).toISOString(),
    ...(state === 'done' && { doneAt: at(minutes).toISOString() }),
    bytes: photo.bytes,
  };
}

describe('schema upgrade v3 → v4', () => {
  it('turns confirmed photos into done photo entries without rewriting a photo row', async () => {
    const factory = new IDBFactory();
    const name = 'civic-upgrade-v4';
    const [pruned, withEntry, acknowledged, waiting] = await Promise.all(
      ['pruned', 'with entry', 'acknowledged', 'waiting'].map((seed) => makePhoto(seed)),
    );

    // A v3 database: a synced inspection whose photo entries were partly pruned already, and a
    // submission still waiting with one photo acknowledged by the server and one not sent yet.
    const v3 = new Dexie(name, { indexedDB: factory, IDBKeyRange });
    v3.version(1).stores(SCHEMA_V1);
    v3.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    v3.version(3).stores(SCHEMA_V3);
    await v3.open();
    const photoRows = [
      v3Photo(pruned!, SYNCED_ID, at(1).toISOString()),
      v3Photo(withEntry!, SYNCED_ID, at(2).toISOString()),
      v3Photo(acknowledged!, WAITING_ID),
      v3Photo(waiting!, WAITING_ID),
    ];
    await v3.table('photos').bulkPut(photoRows);
    await v3.table('inspections').put({
      id: WAITING_ID,
      revision: 1,
      roundId: 'R1',
      siteId: 'S2',
      siteType: 'station',
      rubricVersion: '2021',
      inspectorId: INSPECTOR.id,
      status: 'submitted',
      startedAt: at(0).toISOString(),
      submittedAt: at(3).toISOString(),
      answers: { T18: { grade: 'C', defects: 2, photos: [acknowledged!.sha256, waiting!.sha256] } },
      updatedAt: at(3).toISOString(),
    });
    await v3
      .table('outbox')
      .bulkAdd([
        photoEntry(withEntry!, SYNCED_ID, 'done', 2),
        photoEntry(acknowledged!, WAITING_ID, 'done', 3),
        photoEntry(waiting!, WAITING_ID, 'pending', 3),
      ]);
    const outboxBefore = await v3.table('outbox').toArray();
    v3.close();

    const db = new CivicDatabase(name, { indexedDB: factory, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);

    // Photo rows are exactly as they were (the old field included: nothing reads it).
    expect(await db.photos.orderBy('sha256').toArray()).toEqual(
      [...photoRows].sort((a, b) => a.sha256.localeCompare(b.sha256)),
    );
    // The pruned confirmation came back as a done entry; the others are untouched.
    const outbox = await db.outbox.toArray();
    expect(outbox.slice(0, outboxBefore.length)).toEqual(outboxBefore);
    expect(outbox.slice(outboxBefore.length)).toEqual([
      { ...photoEntry(pruned!, SYNCED_ID, 'done', 1), attempts: 0, seq: outboxBefore.length + 1 },
    ]);

    expect(await photoConfirmedAt(db, pruned!.sha256)).toBe(at(1).toISOString());
    expect(await photoConfirmedAt(db, withEntry!.sha256)).toBe(at(2).toISOString());
    expect(await photoConfirmedAt(db, acknowledged!.sha256)).toBe(at(3).toISOString()); // the server has it
    expect(await photoConfirmedAt(db, waiting!.sha256)).toBeUndefined();
    expect((await pendingEntries(db, at(10))).map((entry) => entry.key)).toEqual([waiting!.sha256]);

    // Retention works on the migrated data: oldest confirmation first, nothing waiting touched.
    const swept = await evictConfirmedPhotos(db, { keepDays: 0, now: at(60) });
    expect(swept.evicted).toEqual([pruned!.sha256, withEntry!.sha256]);
    expect(await db.photos.count()).toBe(2);
    expect(await pruneDoneEntries(db, { keepDays: 0, now: at(60) })).toBe(2);
    expect(await photoConfirmedAt(db, acknowledged!.sha256)).toBe(at(3).toISOString());
    db.close();
  });
});
