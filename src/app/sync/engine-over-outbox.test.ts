// @vitest-environment node
/**
 * The sync engine over the real outbox (db/outbox.ts `outboxSyncStore`, on fake-indexeddb),
 * against the fake server. The engine's own tests use an in-memory store; this one checks that
 * the outbox keeps the promises of the engine's port (sync-store.ts).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from '../db/database';
import { amendInspection, getInspection, submitInspection, updateAnswer } from '../db/inspections';
import { entriesOfGroup, getEntry, markDone, markRetry, outboxSyncStore, retryGroup } from '../db/outbox';
import { saveBootstrap } from '../db/session';
import { at, bootstrapFixture, makePhoto, submitStation, testDatabase } from '../db/test-support';
import { canonicalJson } from '../../domain/canonical-json';
import { createSyncEngine } from './sync-engine';
import { faultyTransport, FakeClock, FakeServer, type FaultyTransportOptions } from './test-support/fake-server';

let db: CivicDatabase;

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
});

/** A submitted station inspection of `siteId` with two photos on T18 (two dusty rooms). */
async function submitted(siteId: string, minutes: number) {
  const photos = [await makePhoto(`${siteId}-1`), await makePhoto(`${siteId}-2`)];
  return { ...(await submitStation(db, siteId, photos, minutes)), photos };
}

function engineOverDexie(server = new FakeServer(), faults: FaultyTransportOptions = {}) {
  const clock = new FakeClock(at(60).getTime());
  const store = outboxSyncStore(db);
  const engine = createSyncEngine({ store, transport: faultyTransport(server, faults), clock, random: () => 1 });
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

  it('records a failed photo through the store: pending, one attempt, due after its backoff; the next run delivers', async () => {
    const a = await submitted('S1', 10);
    const [photo1, photo2, inspection] = a.entries;
    let failures = 1;
    const { engine, store, server, clock } = engineOverDexie(new FakeServer(), {
      fault: (request) => (request.key === photo2!.key && failures-- > 0 ? 'http-500' : 'none'),
    });
    const due = at(60).getTime() + 1_000; // the first failure's backoff with random() = 1

    expect(await engine.run()).toMatchObject({
      attempted: 2,
      sent: 1,
      retried: 1,
      waiting: 1,
      complete: false,
      nextRunAt: due,
    });
    expect(await getEntry(db, photo1!.seq)).toMatchObject({ state: 'done', attempts: 0 });
    expect(await getEntry(db, photo2!.seq)).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(due).toISOString(),
      lastError: { status: 500, code: 'internal_error', message: '服务器内部错误，请稍后重试。' },
    });
    expect(await getEntry(db, inspection!.seq)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await store.nextAttemptAt()).toBe(due);
    expect((await getInspection(db, a.id))?.status).toBe('submitted');

    clock.advance(1_000);
    expect(await engine.run()).toMatchObject({ attempted: 2, sent: 2, complete: true });
    expect((await entriesOfGroup(db, a.id)).map((entry) => entry.state)).toEqual(['done', 'done', 'done']);
    expect((await getInspection(db, a.id))?.status).toBe('synced');
    expect([...server.inspections.keys()]).toEqual([`${a.id}@1`]);
  });

  it('keeps a delivered entry done when a late failure is reported for it (a closed tab answering after the fact)', async () => {
    const a = await submitted('S1', 10);
    const { engine, store } = engineOverDexie();
    expect(await engine.run()).toMatchObject({ sent: 3, complete: true });
    const delivered = await entriesOfGroup(db, a.id);
    const [photo1, , inspection] = delivered;

    await store.markRetry(inspection!.seq, {
      nextAttemptAt: at(90).getTime(),
      error: { code: 'network', message: '无法连接服务器' },
    });
    await store.markAttention(photo1!.seq, { status: 415, code: 'unsupported_media_type', message: '不是图片' });

    expect(await entriesOfGroup(db, a.id)).toEqual(delivered);
    expect(delivered.map((entry) => entry.state)).toEqual(['done', 'done', 'done']);
    expect((await getInspection(db, a.id))?.status).toBe('synced');
    expect(await store.pendingEntries(at(120).getTime())).toEqual([]);
    expect(await store.nextAttemptAt()).toBeUndefined();
  });

  it('says an earlier revision retried by hand is due at once, though a later one backs off', async () => {
    const a = await submitted('S1', 10);
    await amendInspection(db, a.id, at(11));
    await updateAnswer(db, a.id, 'T01', { note: '标牌已更换' }, at(12));
    expect(await submitInspection(db, a.id, at(13))).toMatchObject({ ok: true, revision: 2 });
    const [photo1, photo2, revision1, revision2] = await entriesOfGroup(db, a.id);
    expect([revision1!.key, revision2!.key]).toEqual([`${a.id}@1`, `${a.id}@2`]);
    await markDone(db, [photo1!.seq, photo2!.seq], at(14));
    const { store } = engineOverDexie();
    // Revision 1 was set aside (409), revision 2 went on and failed; "retry" on revision 1.
    await store.markAttention(revision1!.seq, { status: 409, code: 'conflict', message: '内容不同' });
    await store.markRetry(revision2!.seq, { nextAttemptAt: at(90).getTime(), error: { message: 'network' } });
    expect(await getEntry(db, revision1!.seq)).toMatchObject({
      state: 'attention',
      attempts: 1,
      lastError: { status: 409, code: 'conflict', message: '内容不同' },
    });
    expect(await getEntry(db, revision2!.seq)).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: at(90).toISOString(),
    });
    expect(await retryGroup(db, a.id, at(60))).toBe(1);

    expect(await store.nextAttemptAt()).toBe(at(60).getTime());
    expect((await store.pendingEntries(at(60).getTime())).map((entry) => entry.seq)).toEqual([revision1!.seq]);
  });
});
