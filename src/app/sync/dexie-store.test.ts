// @vitest-environment node
/**
 * The sync engine over the real outbox: the Dexie store adapter (dexie-store.ts) between the
 * engine and IndexedDB (fake-indexeddb), against the fake server. The engine's own tests use an
 * in-memory store; this one checks that the adapter and the outbox keep the same promises.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from '../db/database';
import { attachPhoto, getInspection, openInspection, submitInspection, updateAnswer } from '../db/inspections';
import { entriesOfGroup, markDone, markRetry } from '../db/outbox';
import { saveBootstrap } from '../db/session';
import { at, bootstrapFixture, INSPECTOR, makePhoto, STATION, testDatabase } from '../db/test-support';
import { canonicalJson } from '../../domain/canonical-json';
import { createDexieSyncStore } from './dexie-store';
import { createSyncEngine } from './sync-engine';
import { faultyTransport, FakeClock, FakeServer } from './test-support/fake-server';

let db: CivicDatabase;

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
});

/** A submitted station inspection of `siteId` with two photos on T18 (two dusty rooms). */
async function submitted(siteId: string, minutes: number) {
  const draft = await openInspection(db, {
    roundId: 'R1',
    siteId,
    inspectorId: INSPECTOR.id,
    rubricVersion: '2021',
    now: at(0),
  });
  for (const item of STATION.items) await updateAnswer(db, draft.id, item.id, { grade: 'A' });
  await updateAnswer(db, draft.id, 'T18', { defects: 2 });
  const photos = [await makePhoto(`${siteId}-1`), await makePhoto(`${siteId}-2`)];
  for (const photo of photos) await attachPhoto(db, draft.id, 'T18', photo);
  expect(await submitInspection(db, draft.id, at(minutes))).toMatchObject({ ok: true });
  return { id: draft.id, photos, entries: await entriesOfGroup(db, draft.id) };
}

function engineOverDexie(server = new FakeServer()) {
  const clock = new FakeClock(at(60).getTime());
  const store = createDexieSyncStore(db);
  const engine = createSyncEngine({ store, transport: faultyTransport(server), clock, random: () => 1 });
  return { engine, store, server, clock };
}

describe('the engine over the Dexie outbox', () => {
  it('drains two inspections with their photos: the server holds each once, the outbox is done, the inspections synced', async () => {
    const a = await submitted('S1', 10);
    const b = await submitted('S2', 11);
    const { engine, server } = engineOverDexie();

    expect(await engine.run()).toMatchObject({ sent: 6, complete: true });

    const photos = [...a.photos, ...b.photos];
    expect([...server.photos.keys()].sort()).toEqual(photos.map((p) => p.sha256).sort());
    for (const photo of photos) {
      expect(server.photos.get(photo.sha256)).toEqual(new Uint8Array(await photo.blob.arrayBuffer()));
    }
    expect([...server.inspections.keys()].sort()).toEqual([`${a.id}@1`, `${b.id}@1`].sort());
    // Each request once, each answered 201 (photos may be answered out of order: two go at once).
    const byKey = (x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key);
    expect([...server.log].sort(byKey)).toEqual(
      [
        ...photos.map((p) => ({ kind: 'photo', key: p.sha256, status: 201 })),
        ...[a, b].map(({ id }) => ({ kind: 'inspection', key: `${id}@1`, status: 201 })),
      ].sort(byKey),
    );
    for (const { id } of [a, b]) {
      const local = (await getInspection(db, id))!;
      expect(local.status).toBe('synced');
      const [submission] = (await entriesOfGroup(db, id)).filter((entry) => entry.kind === 'inspection');
      expect(server.inspections.get(`${id}@1`)).toBe(canonicalJson(submission!.payload));
      expect((await entriesOfGroup(db, id)).map((entry) => entry.state)).toEqual(['done', 'done', 'done']);
    }
    expect(await engine.run()).toMatchObject({ attempted: 0, complete: true });
  });

  it("says the next run is due when a held submission's backing-off photo is, not before", async () => {
    const a = await submitted('S1', 10);
    const [photo1, photo2, inspection] = a.entries;
    await markDone(db, [photo1!.seq], at(20));
    await markRetry(db, photo2!.seq, { nextAttemptAt: at(90), error: { message: 'network' } });
    const { store } = engineOverDexie();

    // The inspection itself was due at 10 minutes, but it waits for photo 2 (due at 90).
    expect(await store.nextAttemptAt()).toBe(at(90).getTime());
    expect(await store.pendingEntries(at(60).getTime())).toEqual([]);
    expect((await store.pendingEntries(at(90).getTime())).map((entry) => entry.seq)).toEqual([
      photo2!.seq,
      inspection!.seq,
    ]);
  });
});
