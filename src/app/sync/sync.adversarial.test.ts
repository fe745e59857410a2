/**
 * The sync engine against the failures that create duplicates or lose work in the field: the
 * server commits but the answer is lost, answers arriving late or out of order, two tabs, and a
 * tab closed between a photo and its inspection.
 */
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../api/api-client';
import { createSyncEngine } from './sync-engine';
import type { PhotoUpload, SyncTransport, TransportResult } from './sync-store';
import { faultyTransport, FakeClock, FakeServer, type Fault, type ServerRequest } from './test-support/fake-server';
import { makeInspection, makePhoto, testUuid, tick } from './test-support/fixtures';
import { MemoryStore } from './test-support/memory-store';

async function submit(store: MemoryStore, clock: FakeClock, n: number, photoNumbers: number[], revision = 1) {
  const photos = await Promise.all(photoNumbers.map((p) => makePhoto(p)));
  photos.forEach((photo) => store.addPhoto(photo.sha256, photo.blob));
  const inspection = makeInspection({
    id: testUuid(n),
    revision,
    photos: photos.map((photo) => photo.sha256),
    note: `revision ${revision}`,
  });
  const seq = store.submitInspection(inspection, clock.now());
  return { inspection, photos, seq, key: `${inspection.id}@${revision}` };
}

/** The first request for each key gets `fault`, later ones go through. */
function firstTimeOnly(fault: Fault): (request: ServerRequest) => Fault {
  const seen = new Set<string>();
  return ({ kind, key }) => {
    const id = `${kind}:${key}`;
    if (seen.has(id)) return 'none';
    seen.add(id);
    return fault;
  };
}

interface HeldRequest {
  request: ServerRequest;
  /** Lets the request reach the server (it commits) and returns the server's answer. */
  forward: () => Promise<TransportResult>;
  resolve: (result: TransportResult) => void;
  reject: (error: unknown) => void;
}

/** A transport whose every request waits until the test releases it, in any order. */
function heldTransport(server: FakeServer): SyncTransport & { held: HeldRequest[] } {
  const held: HeldRequest[] = [];
  const hold = (request: ServerRequest, forward: () => Promise<TransportResult>) =>
    new Promise<TransportResult>((resolve, reject) => held.push({ request, forward, resolve, reject }));
  return {
    held,
    putPhoto: (upload: PhotoUpload) => hold({ kind: 'photo', key: upload.sha256 }, () => server.putPhoto(upload)),
    putInspection: (inspection) =>
      hold({ kind: 'inspection', key: `${inspection.id}@${inspection.revision}` }, () =>
        server.putInspection(inspection),
      ),
    putRecheck: (recheck) => hold({ kind: 'recheck', key: recheck.id }, () => server.putRecheck(recheck)),
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await tick();
  if (!condition()) throw new Error('condition not reached');
}

describe('sync under adversarial conditions', () => {
  it('the server commits but the answer is lost: the retry gets 200 and the server holds one copy', async () => {
    for (const fault of ['drop-response', 'timeout-after'] as const) {
      const clock = new FakeClock();
      const store = new MemoryStore();
      const server = new FakeServer();
      const engine = createSyncEngine({
        store,
        transport: faultyTransport(server, { fault: firstTimeOnly(fault) }),
        clock,
        random: () => 1,
      });
      const { photos, key, seq } = await submit(store, clock, 1, [1, 2]);

      for (let run = 0; run < 10 && (await store.nextAttemptAt()) !== undefined; run += 1) {
        await engine.run();
        clock.advance(5 * 60_000);
      }

      expect(store.entry(seq).state).toBe('done');
      expect(server.inserts.get(key)).toBe(1);
      for (const photo of photos) expect(server.inserts.get(photo.sha256)).toBe(1);
      // Each request reached the server twice: the lost answer, then the 200 of the retry.
      expect(server.log.filter((entry) => entry.key === key).map((entry) => entry.status)).toEqual([201, 200]);
      expect(server.log.filter((entry) => entry.key === photos[0]!.sha256).map((entry) => entry.status)).toEqual([
        201, 200,
      ]);
    }
  });

  it('two concurrent run() calls make one run: every request is made once', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const transport = heldTransport(server);
    const engine = createSyncEngine({ store, transport, clock });
    await submit(store, clock, 1, [1]);

    const first = engine.run();
    await until(() => transport.held.length === 1);
    const second = engine.run();
    expect(second).toBe(first);

    while (transport.held.length > 0) {
      const next = transport.held.shift()!;
      next.resolve(await next.forward());
      await until(() => transport.held.length > 0 || engine.state().status === 'idle');
    }
    expect(await second).toMatchObject({ sent: 2, complete: true });
    expect(server.log).toHaveLength(2);
  });

  it('an answer arriving after its deadline changes nothing', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const transport = heldTransport(server);
    const engine = createSyncEngine({ store, transport, clock, random: () => 1, requestDeadlineMs: 20 });
    const { seq, key } = await submit(store, clock, 1, []);

    // First attempt: the server commits, but its 201 is slower than the deadline.
    const first = engine.run();
    await until(() => transport.held.length === 1);
    const slow = transport.held.shift()!;
    const committed = await slow.forward();
    expect(await first).toMatchObject({ stopped: 'offline', retried: 1 });
    expect(store.entry(seq)).toMatchObject({ state: 'pending', lastError: { code: 'timeout' } });

    // The retry gets the duplicate acknowledgement.
    clock.advance(1_000);
    const second = engine.run();
    await until(() => transport.held.length === 1);
    const retry = transport.held.shift()!;
    retry.resolve(await retry.forward());
    expect(await second).toMatchObject({ duplicates: 1, complete: true });
    const settled = store.all();

    // Now the first answer arrives: nothing moves.
    slow.resolve(committed);
    await tick();
    expect(store.all()).toEqual(settled);
    expect(server.inserts.get(key)).toBe(1);
    expect(engine.state().status).toBe('idle');
  });

  it('a late failure from a closed tab does not reopen an entry another tab delivered', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const closedTab = heldTransport(server);
    const oldEngine = createSyncEngine({ store, transport: closedTab, clock });
    const { seq, key } = await submit(store, clock, 1, []);

    void oldEngine.run();
    await until(() => closedTab.held.length === 1);

    const newEngine = createSyncEngine({ store, transport: faultyTransport(server), clock });
    expect(await newEngine.run()).toMatchObject({ sent: 1, complete: true });

    closedTab.held[0]!.reject(new NetworkError('无法连接服务器', false));
    await until(() => oldEngine.state().status === 'idle');
    expect(store.entry(seq)).toMatchObject({ state: 'done', attempts: 0 });
    expect(server.inserts.get(key)).toBe(1);
  });

  it('revisions reach the server in order even when the first one fails', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const firstOfRevision1 = firstTimeOnly('http-500');
    const transport = faultyTransport(server, {
      fault: (request) => (request.key.endsWith('@1') ? firstOfRevision1(request) : 'none'),
    });
    const engine = createSyncEngine({ store, transport, clock, random: () => 1 });
    await submit(store, clock, 1, [], 1);
    await submit(store, clock, 1, [], 2);

    expect(await engine.run()).toMatchObject({ retried: 1, sent: 0 }); // revision 2 waits behind 1
    clock.advance(1_000);
    expect(await engine.run()).toMatchObject({ sent: 2, complete: true });
    expect(transport.sent.map((request) => `${request.key.slice(-2)}:${request.fault}`)).toEqual([
      '@1:http-500',
      '@1:none',
      '@2:none',
    ]);
  });

  it('two tabs racing without the lock still leave exactly one copy on the server', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const engines = [0, 1].map(() => createSyncEngine({ store, transport: faultyTransport(server), clock }));
    const submitted = [];
    for (let n = 1; n <= 4; n += 1) submitted.push(await submit(store, clock, n, [n * 10, n * 10 + 1]));

    await Promise.all(engines.map((engine) => engine.run()));

    for (const { key, photos } of submitted) {
      expect(server.inserts.get(key)).toBe(1);
      for (const photo of photos) expect(server.inserts.get(photo.sha256)).toBe(1);
    }
    expect(store.byState('pending')).toEqual([]);
    expect(store.byState('attention')).toEqual([]);
  });

  it('the tab is closed after a photo and before its inspection: a new tab converges', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const { photos, key, seq } = await submit(store, clock, 1, [1, 2]);

    // Tab 1: the first photo goes through; the tab dies with the second in flight.
    const dying = faultyTransport(server, {
      fault: (request) => (request.key === photos[1]!.sha256 ? 'hang' : 'none'),
    });
    // Its confirmation waits a moment for company (confirmation-queue.ts), then is written while
    // the next upload is still running.
    const closedTab = createSyncEngine({ store, transport: dying, clock, confirmationHoldMs: 5 });
    void closedTab.run();
    await until(() => dying.sent.length === 2);
    await until(() => store.entryByKey('photo', photos[0]!.sha256)!.state === 'done');

    // Tab 2, later, on the same outbox.
    clock.advance(60_000);
    const transport = faultyTransport(server);
    const reopened = createSyncEngine({ store, transport, clock });
    expect(await reopened.run()).toMatchObject({ sent: 2, complete: true });

    expect(transport.sent.map((request) => request.key)).toEqual([photos[1]!.sha256, key]);
    expect(store.entry(seq).state).toBe('done');
    expect(server.inserts.get(key)).toBe(1);
    expect([...server.photos.keys()].sort()).toEqual(photos.map((photo) => photo.sha256).sort());
  });

  it('the tab is closed after the server stored a photo but before the tab recorded it', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const server = new FakeServer();
    const { photos, key } = await submit(store, clock, 1, [1]);

    const dying = faultyTransport(server, { fault: () => 'hang-after-commit' });
    void createSyncEngine({ store, transport: dying, clock }).run();
    await until(() => server.photos.size === 1);
    expect(store.entryByKey('photo', photos[0]!.sha256)!.state).toBe('pending');

    const reopened = createSyncEngine({ store, transport: faultyTransport(server), clock });
    expect(await reopened.run()).toMatchObject({ duplicates: 1, sent: 1, complete: true });
    expect(server.inserts.get(photos[0]!.sha256)).toBe(1);
    expect(server.inserts.get(key)).toBe(1);
  });
});
