// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from './database';
import { amendInspection, attachPhoto, getPhoto, openInspection, submitInspection, updateAnswer } from './inspections';
import { entriesOfGroup, markDone } from './outbox';
import { attachRecheckPhoto, openRecheck } from './rechecks';
import { evictConfirmedPhotos, pruneDoneEntries } from './retention';
import { saveBootstrap } from './session';
import { bootstrapFixture, INSPECTOR, makePhoto, STATION, T0, testDatabase } from './test-support';
import type { NewPhoto } from './types';

const DAY = 24 * 60 * 60 * 1000;
const day = (n: number) => new Date(T0 + n * DAY);

let db: CivicDatabase;

beforeEach(async () => {
  db = (await testDatabase()).db;
  const bootstrap = bootstrapFixture();
  bootstrap.sites.push({ id: 'S3', name: '南山社区实践站', type: 'station', district: '新区', parentId: null });
  await saveBootstrap(db, bootstrap);
});

async function inspect(siteId: string, photos: NewPhoto[]) {
  const draft = await openInspection(db, {
    roundId: 'R1',
    siteId,
    inspectorId: INSPECTOR.id,
    rubricVersion: '2021',
    now: day(0),
  });
  for (const item of STATION.items) await updateAnswer(db, draft.id, item.id, { grade: 'A' });
  if (photos.length > 0) await updateAnswer(db, draft.id, 'T18', { defects: 1 });
  for (const photo of photos) await attachPhoto(db, draft.id, 'T18', photo);
  return draft.id;
}

async function submitAndConfirm(id: string, confirmDay: number, { inspectionToo = true } = {}) {
  await submitInspection(db, id, day(0));
  for (const entry of await entriesOfGroup(db, id)) {
    if (entry.kind === 'photo' || inspectionToo) await markDone(db, [entry.seq], day(confirmDay));
  }
}

const present = async (photo: NewPhoto) => (await getPhoto(db, photo.sha256)) !== undefined;

describe('evictConfirmedPhotos', () => {
  it('removes only old confirmed photos that nothing unsynced needs', async () => {
    const [synced1, synced2, recent, waiting, unconfirmed, inRecheck] = await Promise.all(
      ['synced1', 'synced2', 'recent', 'waiting', 'unconfirmed', 'recheck'].map((seed) => makePhoto(seed)),
    );
    // Synced long ago: may go.
    await submitAndConfirm(await inspect('S1', [synced1!, synced2!]), 1);
    // Photo confirmed long ago, but its inspection is still waiting in the outbox.
    await submitAndConfirm(await inspect('S2', [waiting!]), 1, { inspectionToo: false });
    // A draft that was never sent: its photo is unconfirmed.
    await inspect('S3', [unconfirmed!]);
    // Confirmed recently.
    const recentId = await inspect('S9', [recent!]);
    await submitAndConfirm(recentId, 35);
    // A confirmed photo that a recheck draft uses as its after-photo.
    const recheck = await openRecheck(db, 'RX1', day(0));
    await attachRecheckPhoto(db, recheck.id, inRecheck!);
    // (as if it had been uploaded on day 1 for another record that used the same bytes)
    await db.outbox.add({
      kind: 'photo',
      key: inRecheck!.sha256,
      groupId: 'elsewhere',
      payload: inRecheck!.sha256,
      state: 'done',
      attempts: 1,
      nextAttemptAt: day(1).toISOString(),
      createdAt: day(1).toISOString(),
      doneAt: day(1).toISOString(),
      bytes: inRecheck!.bytes,
    });

    const result = await evictConfirmedPhotos(db, { keepDays: 30, now: day(40) });
    expect(result.evicted.sort()).toEqual([synced1!.sha256, synced2!.sha256].sort());
    expect(result.freedBytes).toBe(2 * (synced1!.bytes + synced1!.thumbnail.size));
    expect(await present(synced1!)).toBe(false);
    for (const kept of [waiting!, unconfirmed!, recent!, inRecheck!]) expect(await present(kept)).toBe(true);
  });

  it('keeps photos that an amended draft shows again', async () => {
    const photo = await makePhoto('amended');
    const id = await inspect('S1', [photo]);
    await submitAndConfirm(id, 1);
    await amendInspection(db, id, day(2));
    expect((await evictConfirmedPhotos(db, { keepDays: 30, now: day(60) })).evicted).toEqual([]);
    expect(await present(photo)).toBe(true);
  });

  it('with a target, stops as soon as the store is small enough, oldest confirmation first', async () => {
    const [old, older, oldest] = await Promise.all([
      makePhoto('old', 4000),
      makePhoto('older', 4000),
      makePhoto('oldest', 4000),
    ]);
    await submitAndConfirm(await inspect('S1', [old]), 5);
    await submitAndConfirm(await inspect('S2', [older]), 3);
    await submitAndConfirm(await inspect('S3', [oldest]), 1);
    const size = 4000 + old.thumbnail.size;
    const result = await evictConfirmedPhotos(db, { keepDays: 30, now: day(90), targetBytes: 2 * size });
    expect(result.evicted).toEqual([oldest.sha256]);
    expect(result.remainingBytes).toBe(2 * size);
    expect(await present(old)).toBe(true);
    expect(await present(older)).toBe(true);
  });
});

describe('pruneDoneEntries', () => {
  it('drops only done entries older than the limit, keeping the confirmation of a photo still stored', async () => {
    const photo = await makePhoto('p');
    const syncedId = await inspect('S1', [photo]);
    await submitAndConfirm(syncedId, 1);
    const pendingId = await inspect('S2', []);
    await submitInspection(db, pendingId, day(0));
    const left = async () => (await db.outbox.toArray()).map((entry) => [entry.key, entry.state]);
    expect(await pruneDoneEntries(db, { keepDays: 30, now: day(20) })).toBe(0);

    expect(await pruneDoneEntries(db, { keepDays: 30, now: day(40) })).toBe(1); // the inspection's
    expect(await left()).toEqual([
      [photo.sha256, 'done'],
      [`${pendingId}@1`, 'pending'],
    ]);
    // Still confirmed, so still evictable; once evicted, its entry goes too.
    expect((await evictConfirmedPhotos(db, { keepDays: 30, now: day(40) })).evicted).toEqual([photo.sha256]);
    expect(await pruneDoneEntries(db, { keepDays: 30, now: day(40) })).toBe(1);
    expect(await left()).toEqual([[`${pendingId}@1`, 'pending']]);
  });
});
