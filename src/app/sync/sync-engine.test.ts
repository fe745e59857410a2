import { describe, expect, it } from 'vitest';
import { ApiRequestError, NetworkError } from '../api/api-client';
import { ERRORS } from '../../domain/errors';
import { BACKOFF_CAP_MS, retryAfterMs, retryDelayMs } from './backoff';
import type { SyncEvent } from './engine-types';
import { createSyncEngine, HELD_RECHECK_MS, type SyncEngineOptions } from './sync-engine';
import { faultyTransport, FakeClock, FakeServer, type Fault, type ServerRequest } from './test-support/fake-server';
import { makeInspection, makePhoto, makeRecheck, testUuid, tick } from './test-support/fixtures';
import { MemoryStore } from './test-support/memory-store';
import type { SyncTransport, TransportResult } from './sync-store';

/** A request held by `heldTransport` until the test lets it through or fails it. */
interface HeldRequest {
  name: string;
  signal: AbortSignal;
  /** Resolves once the transport below has answered (the fake server does real async work). */
  pass(): Promise<void>;
  fail(error: Error): void;
}

/**
 * Every request waits until the test answers it: `pass()` forwards it to the transport below,
 * `fail(error)` answers with that error. `inFlight()` names the requests not answered yet (and
 * not aborted by the engine).
 */
function heldTransport(name: (kind: string, key: string) => string) {
  const requests: HeldRequest[] = [];
  const answered = new Set<HeldRequest>();
  const wrap = (inner: SyncTransport): SyncTransport => ({
    putPhoto: (upload, init) => hold(name('photo', upload.sha256), init.signal, () => inner.putPhoto(upload, init)),
    putInspection: (inspection, init) =>
      hold(name('inspection', inspection.id), init.signal, () => inner.putInspection(inspection, init)),
    putRecheck: (recheck, init) =>
      hold(name('recheck', recheck.id), init.signal, () => inner.putRecheck(recheck, init)),
  });
  function hold(label: string, signal: AbortSignal, forward: () => Promise<TransportResult>) {
    return new Promise<TransportResult>((resolve, reject) => {
      const request: HeldRequest = {
        name: label,
        signal,
        pass: () => {
          answered.add(request);
          const answer = forward();
          answer.then(resolve, reject);
          const then = () => tick().then(() => undefined);
          return answer.then(then, then);
        },
        fail: (error) => {
          answered.add(request);
          reject(error);
        },
      };
      requests.push(request);
    });
  }
  const waiting = (request: HeldRequest) => !answered.has(request) && !request.signal.aborted;
  const find = (label: string) => {
    const request = requests.find((r) => r.name === label && waiting(r));
    if (!request) throw new Error(`no request ${label} in flight`);
    return request;
  };
  return {
    wrap,
    inFlight: () => requests.filter(waiting).map((request) => request.name),
    pass: (label: string) => find(label).pass(),
    fail: (label: string, error: Error) => find(label).fail(error),
    request: (label: string) => {
      const request = requests.find((r) => r.name === label);
      if (!request) throw new Error(`no request ${label} was sent`);
      return request;
    },
  };
}

/** Faults for the next requests in order, then none. */
function script(...faults: Fault[]): (request: ServerRequest) => Fault {
  return () => faults.shift() ?? 'none';
}

function setup(
  options: {
    fault?: (request: ServerRequest) => Fault;
    retryAfterSeconds?: number;
    random?: () => number;
    /** Puts something between the engine and the fault-injecting transport. */
    wrapTransport?: (transport: SyncTransport) => SyncTransport;
  } & Partial<Pick<SyncEngineOptions, 'hashBlob'>> = {},
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const server = new FakeServer();
  const transport = faultyTransport(server, {
    ...(options.fault && { fault: options.fault }),
    ...(options.retryAfterSeconds !== undefined && { retryAfterSeconds: options.retryAfterSeconds }),
  });
  const events: SyncEvent[] = [];
  const engine = createSyncEngine({
    store,
    transport: options.wrapTransport?.(transport) ?? transport,
    clock,
    random: options.random ?? (() => 1),
    onEvent: (event) => events.push(event),
    ...(options.hashBlob && { hashBlob: options.hashBlob }),
  });

  async function submit(n: number, photoNumbers: number[] = [], revision = 1) {
    const photos = await Promise.all(photoNumbers.map((p) => makePhoto(p)));
    photos.forEach((photo) => store.addPhoto(photo.sha256, photo.blob));
    const inspection = makeInspection({ id: testUuid(n), revision, photos: photos.map((photo) => photo.sha256) });
    const seq = store.submitInspection(inspection, clock.now());
    return { inspection, photos, seq, key: `${inspection.id}@${revision}` };
  }

  const sentKeys = () => transport.sent.map((request) => `${request.kind}:${request.key.slice(0, 8)}`);
  return { clock, store, server, transport, events, engine, submit, sentKeys };
}

/**
 * `setup` with every request held by `heldTransport`, named by what the test puts in `names` (key → name);
 * the transport lets every photo take `photoTimeoutMs`.
 */
function setupHeld(photoTimeoutMs = 40_000) {
  const names = new Map<string, string>();
  const held = heldTransport((kind, key) => names.get(key) ?? kind);
  const wrapTransport = (transport: SyncTransport) => ({
    ...held.wrap(transport),
    photoTimeoutMs: () => photoTimeoutMs,
  });
  return { ...setup({ wrapTransport }), held, names };
}

describe('backoff', () => {
  it('doubles from 1 s with full jitter and stops at the 5-minute cap', () => {
    const table = (random: number) => Array.from({ length: 13 }, (_, attempt) => retryDelayMs(attempt, () => random));
    expect(table(1)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000, 300_000,
    ]);
    expect(table(0.5)).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000, 150_000, 150_000,
    ]);
    expect(table(0).every((delay) => delay === 0)).toBe(true);
    expect(retryDelayMs(1_000, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(retryDelayMs(-3, () => 1)).toBe(1_000);
  });

  it('honours Retry-After in seconds, within sane bounds', () => {
    expect(retryAfterMs(120)).toBe(120_000);
    expect(retryAfterMs(0.2)).toBe(1_000);
    expect(retryAfterMs(Number.NaN)).toBe(1_000);
    expect(retryAfterMs(10 * 24 * 3600)).toBe(3_600_000);
  });
});

describe('sync engine', () => {
  it('sends the photos first, one request each, then the inspection exactly as frozen', async () => {
    const { engine, store, server, submit, transport } = setup();
    const { inspection, photos, key } = await submit(1, [1, 2]);
    inspection.answers[0]!.note = 'edited after submit'; // the outbox holds its own frozen copy

    const summary = await engine.run();

    expect(transport.sent.map(({ kind, key: k }) => [kind, k])).toEqual([
      ['photo', photos[0]!.sha256],
      ['photo', photos[1]!.sha256],
      ['inspection', key],
    ]);
    expect(JSON.parse(server.inspections.get(key)!)).toEqual(
      makeInspection({ id: inspection.id, photos: photos.map((p) => p.sha256) }),
    );
    expect(summary).toMatchObject({ attempted: 3, sent: 3, duplicates: 0, retried: 0, complete: true });
    expect(summary.nextRunAt).toBeUndefined();
    expect(store.byState('pending')).toEqual([]);
    expect(photos.every((photo) => store.photoConfirmed(photo.sha256))).toBe(true);
  });

  it('counts a duplicate acknowledgement (200) as done', async () => {
    const { engine, store, server, submit } = setup();
    const { inspection, photos } = await submit(1, [1]);
    await server.putPhoto({ sha256: photos[0]!.sha256, blob: photos[0]!.blob, contentType: 'image/jpeg', bytes: 64 });
    await server.putInspection(inspection);

    const summary = await engine.run();

    expect(summary).toMatchObject({ sent: 0, duplicates: 2, complete: true });
    expect(store.byState('done')).toHaveLength(2);
    expect(server.inserts.get(`${inspection.id}@1`)).toBe(1);
  });

  it('backs off 1 s, 2 s, 4 s … up to 5 minutes while the network stays down', async () => {
    const { engine, store, clock, submit } = setup({ fault: () => 'drop-request' });
    const { seq } = await submit(1);
    const waits: number[] = [];
    for (let failure = 0; failure < 12; failure += 1) {
      const summary = await engine.run();
      expect(summary.stopped).toBe('offline');
      const entry = store.entry(seq);
      waits.push(entry.nextAttemptAt - clock.now());
      expect(summary.nextRunAt).toBe(entry.nextAttemptAt);
      clock.advance(entry.nextAttemptAt - clock.now());
    }
    expect(waits).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
    expect(store.entry(seq)).toMatchObject({
      state: 'pending',
      attempts: 12,
      lastError: { code: 'network', message: '无法连接服务器' },
    });
  });

  it('resets the backoff on success and wakes the entries that were waiting', async () => {
    let down = true;
    const { engine, store, clock, submit, server } = setup({ fault: () => (down ? 'drop-request' : 'none') });
    const first = await submit(1);
    for (let i = 0; i < 3; i += 1) {
      await engine.run();
      clock.advance(store.entry(first.seq).nextAttemptAt - clock.now());
    }
    expect(engine.state().failureStreak).toBe(3);
    const second = await submit(2);
    await engine.run(); // first due again: fails (8 s); second untouched behind the stop
    expect(store.entry(first.seq).nextAttemptAt - clock.now()).toBe(8_000);
    await engine.run(); // second fails now: 16 s
    expect(store.entry(second.seq).nextAttemptAt - clock.now()).toBe(16_000);

    down = false;
    clock.advance(8_000);
    const summary = await engine.run(); // first succeeds → streak 0 and second woken, sent in the same run
    expect(summary).toMatchObject({ sent: 2, complete: true });
    expect(server.inspections.size).toBe(2);
    expect(engine.state().failureStreak).toBe(0);

    down = true;
    const third = await submit(3);
    await engine.run();
    expect(store.entry(third.seq).nextAttemptAt - clock.now()).toBe(1_000);
  });

  it('resetBackoff (the online event) makes every pending entry due now', async () => {
    let down = true;
    const { engine, store, clock, submit } = setup({ fault: () => (down ? 'drop-request' : 'none') });
    const { seq } = await submit(1);
    for (let i = 0; i < 5; i += 1) {
      await engine.run();
      clock.advance(store.entry(seq).nextAttemptAt - clock.now());
    }
    await engine.run();
    expect(store.entry(seq).nextAttemptAt).toBeGreaterThan(clock.now());

    down = false;
    await engine.resetBackoff();
    expect(store.entry(seq).nextAttemptAt).toBe(clock.now());
    expect(engine.state().failureStreak).toBe(0);
    expect(await engine.run()).toMatchObject({ sent: 1, complete: true });
  });

  it('stops the run at the first network failure and leaves the rest untouched', async () => {
    const { engine, store, submit, transport } = setup({ fault: () => 'timeout-before' });
    await submit(1, [1]);
    await submit(2, [2]);

    const summary = await engine.run();

    expect(transport.sent).toHaveLength(1);
    expect(summary).toMatchObject({ attempted: 1, retried: 1, stopped: 'offline', complete: false });
    const [failed, ...untouched] = store.all();
    expect(failed).toMatchObject({ attempts: 1, lastError: { code: 'timeout', message: '请求超时' } });
    expect(untouched.every((entry) => entry.attempts === 0 && entry.state === 'pending')).toBe(true);
    expect(summary.nextRunAt).toBe(failed!.nextAttemptAt);
  });

  it('retries a 500 later, holds back that group, and goes on with the others', async () => {
    const { engine, store, submit, sentKeys, server } = setup({
      fault: (request) =>
        request.kind === 'photo' && store.entryByKey('photo', request.key)?.groupId === testUuid(1)
          ? 'http-500'
          : 'none',
    });
    const a = await submit(1, [1]);
    const b = await submit(2, [2]);

    const summary = await engine.run();

    expect(sentKeys()).toEqual([
      `photo:${a.photos[0]!.sha256.slice(0, 8)}`,
      `photo:${b.photos[0]!.sha256.slice(0, 8)}`,
      `inspection:${testUuid(2).slice(0, 8)}`,
    ]);
    expect(summary).toMatchObject({ sent: 2, retried: 1, waiting: 1, complete: false });
    expect(server.inspections.has(b.key)).toBe(true);
    expect(store.entry(a.seq)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(store.entryByKey('photo', a.photos[0]!.sha256)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: { status: 500, code: 'internal_error' },
    });
  });

  it('treats 408 like a 5xx: retried later, the run goes on', async () => {
    const { engine, store, submit } = setup({ fault: script('http-408') });
    const a = await submit(1);
    await submit(2);
    const summary = await engine.run();
    expect(summary).toMatchObject({ sent: 1, retried: 1 });
    expect(store.entry(a.seq).lastError).toMatchObject({ status: 408 });
  });

  it('honours Retry-After on 429 and 503 and stops the run', async () => {
    for (const fault of ['http-429', 'http-503'] as const) {
      const { engine, store, clock, submit, transport } = setup({ fault: script(fault), retryAfterSeconds: 120 });
      const a = await submit(1);
      await submit(2);
      const summary = await engine.run();
      expect(transport.sent).toHaveLength(1);
      expect(summary.stopped).toBe(fault === 'http-429' ? 'rate_limited' : 'server_unavailable');
      expect(store.entry(a.seq).nextAttemptAt).toBe(clock.now() + 120_000);
      expect(summary.nextRunAt).toBe(clock.now() + 120_000);
    }
  });

  it('pauses the whole queue on 401, keeps every entry as it was, and goes on after resume()', async () => {
    const { engine, store, submit, transport, server, events } = setup({ fault: script('none', 'http-401') });
    await submit(1, [1, 2]);
    await submit(2, [3]);
    const before = store.all();

    const summary = await engine.run();

    expect(summary).toMatchObject({ stopped: 'needs_sign_in', sent: 1, complete: false });
    expect(summary.nextRunAt).toBeUndefined();
    expect(engine.state()).toMatchObject({ status: 'needs_sign_in', lastError: { status: 401 } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'paused', reason: 'needs_sign_in' }));
    const after = store.all();
    expect(after.slice(1)).toEqual(before.slice(1)); // the 401'd entry and the rest untouched
    expect(after[0]!.state).toBe('done');

    expect(await engine.run()).toMatchObject({ stopped: 'needs_sign_in', attempted: 0 });
    expect(transport.sent).toHaveLength(2);

    engine.resume();
    expect(engine.state().status).toBe('idle');
    expect(await engine.run()).toMatchObject({ sent: 4, complete: true });
    expect(server.inspections.size).toBe(2);
    expect(store.byState('pending')).toEqual([]);
  });

  it('sets poison entries (409, 400) aside with the server message and delivers the others', async () => {
    const { engine, store, submit, server } = setup();
    const first = await submit(1, [1]);
    const conflicting = await submit(2, [2]);
    const invalid = await submit(3);
    const last = await submit(4, [4]);
    server.force(conflicting.key, 409, 'conflict', '该测评（版本 1）已以不同内容提交过；修改请提交新版本');
    server.force(invalid.key, 400, 'invalid_request', '测评内容不完整或有误：T02 未评分', {
      issues: [{ path: 'answers', message: 'T02 未评分' }],
    });

    const summary = await engine.run();

    expect(summary).toMatchObject({ sent: 5, attention: 2, retried: 0, complete: true });
    expect(server.inspections.has(first.key) && server.inspections.has(last.key)).toBe(true);
    expect(store.entry(conflicting.seq)).toMatchObject({
      state: 'attention',
      lastError: { status: 409, code: 'conflict', message: '该测评（版本 1）已以不同内容提交过；修改请提交新版本' },
    });
    expect(store.entry(invalid.seq)).toMatchObject({
      state: 'attention',
      lastError: { status: 400, code: 'invalid_request', message: '测评内容不完整或有误：T02 未评分' },
    });
    expect(store.byState('pending')).toEqual([]);
    expect(await engine.run()).toMatchObject({ attempted: 0 }); // attention entries wait for a person
  });

  it('marks 403, 404, 413 and 415 for attention too', async () => {
    const { engine, store, submit, server } = setup();
    const cases = [
      [403, 'forbidden', '您未被分配测评该点位（城关站）'],
      [404, 'not_found', '找不到所请求的内容。'],
      [413, 'payload_too_large', '上传内容过大。'],
      [415, 'unsupported_media_type', ERRORS.unsupported_media_type.zh],
    ] as const;
    const submitted = [];
    for (const [i, [status, code, message]] of cases.entries()) {
      const entry = await submit(i + 1);
      server.force(entry.key, status, code, message);
      submitted.push(entry);
    }
    const summary = await engine.run();
    expect(summary.attention).toBe(4);
    submitted.forEach((entry, i) =>
      expect(store.entry(entry.seq).lastError).toEqual({
        status: cases[i]![0],
        code: cases[i]![1],
        message: cases[i]![2],
      }),
    );
  });

  it('on 422 missing_photos re-sends exactly the listed photos, then the inspection, in the same run', async () => {
    const { engine, store, submit, server, sentKeys, clock } = setup();
    const { inspection, photos, key, seq } = await submit(1, [1, 2, 3]);
    const lost = photos[0]!;
    // Photo 1 went up and was confirmed earlier, then the server lost it (restored from a backup).
    await server.putPhoto({ sha256: lost.sha256, blob: lost.blob, contentType: 'image/jpeg', bytes: 64 });
    await store.markDone([store.entryByKey('photo', lost.sha256)!.seq], clock.now());
    server.forgetPhoto(lost.sha256);
    const logBefore = server.log.length;

    const summary = await engine.run();

    const short = (sha: string) => `photo:${sha.slice(0, 8)}`;
    expect(sentKeys()).toEqual([
      short(photos[1]!.sha256),
      short(photos[2]!.sha256),
      `inspection:${inspection.id.slice(0, 8)}`,
      short(lost.sha256),
      `inspection:${inspection.id.slice(0, 8)}`,
    ]);
    expect(server.log.slice(logBefore).map((entry) => entry.status)).toEqual([201, 201, 422, 201, 201]);
    expect(summary).toMatchObject({ sent: 4, complete: true });
    expect(server.inserts.get(key)).toBe(1);
    expect(store.entry(seq).state).toBe('done');
    expect(store.byState('pending')).toEqual([]);
  });

  it('when the server still lacks a photo right after it was re-sent, retries the submission later instead of looping', async () => {
    let afterPhoto = (_sha256: string) => {};
    const { engine, store, submit, server, sentKeys, clock } = setup({
      wrapTransport: (transport) => ({
        ...transport,
        putPhoto: async (upload, init) => {
          const result = await transport.putPhoto(upload, init);
          afterPhoto(upload.sha256);
          return result;
        },
      }),
    });
    const { inspection, photos, seq } = await submit(1, [1]);
    const lost = photos[0]!;
    await server.putPhoto({ sha256: lost.sha256, blob: lost.blob, contentType: 'image/jpeg', bytes: 64 });
    await store.markDone([store.entryByKey('photo', lost.sha256)!.seq], clock.now());
    server.forgetPhoto(lost.sha256);
    // The server loses the re-sent photo once more, then keeps it: an engine that asked again
    // at once would get it through in this run (and one that never stops asking would loop).
    let losses = 1;
    afterPhoto = (sha256) => {
      if (losses-- > 0) server.forgetPhoto(sha256);
    };
    const logBefore = server.log.length;

    const summary = await engine.run();

    expect(sentKeys()).toEqual([
      `inspection:${inspection.id.slice(0, 8)}`,
      `photo:${lost.sha256.slice(0, 8)}`,
      `inspection:${inspection.id.slice(0, 8)}`,
    ]);
    expect(server.log.slice(logBefore).map((entry) => entry.status)).toEqual([422, 201, 422]);
    expect(summary).toMatchObject({ attempted: 2, sent: 1, retried: 1, complete: false });
    expect(store.entry(seq)).toMatchObject({ state: 'pending', attempts: 1, lastError: { status: 422 } });
    expect(server.inspections.size).toBe(0);
  });

  it('holds a later revision back in the run when the photo re-sent for the earlier one fails', async () => {
    const { engine, store, submit, server, transport, clock } = setup({
      fault: (request) => (request.kind === 'photo' ? 'http-500' : 'none'),
    });
    const first = await submit(1, [1]);
    const lost = first.photos[0]!;
    // The photo went up and was confirmed earlier, then the server lost it.
    await server.putPhoto({ sha256: lost.sha256, blob: lost.blob, contentType: 'image/jpeg', bytes: 64 });
    await store.markDone([store.entryByKey('photo', lost.sha256)!.seq], clock.now());
    server.forgetPhoto(lost.sha256);
    const second = await submit(1, [1], 2);
    const logBefore = server.log.length;

    const summary = await engine.run();

    expect(transport.sent.map((request) => `${request.kind}:${request.key}`)).toEqual([
      `inspection:${first.key}`,
      `photo:${lost.sha256}`,
    ]);
    expect(server.log.slice(logBefore).map((entry) => entry.status)).toEqual([422]);
    expect(summary).toMatchObject({ attempted: 2, sent: 0, retried: 1, waiting: 2, complete: false });
    expect(store.entry(first.seq)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(store.entry(second.seq)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(store.entryByKey('photo', lost.sha256)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: { status: 500, code: 'internal_error' },
    });
    expect(server.inspections.size).toBe(0);
  });

  it('sets a submission aside when a photo the server lacks is gone from this device', async () => {
    const { engine, store, submit, server, clock } = setup();
    const { photos, seq } = await submit(1, [1]);
    await store.markDone([store.entryByKey('photo', photos[0]!.sha256)!.seq], clock.now());
    store.removePhoto(photos[0]!.sha256); // evicted after it was confirmed; the server then lost it

    await engine.run();

    expect(server.inspections.size).toBe(0);
    expect(store.entry(seq)).toMatchObject({ state: 'attention', lastError: { status: 422, code: 'missing_photos' } });
    expect(store.entry(seq).lastError!.data).toEqual({ missingLocally: 1, refused: 0 });
  });

  it('sets a photo no longer on this device aside, and its submission with it', async () => {
    const { engine, store, submit, server } = setup();
    const { photos, seq } = await submit(1, [1, 2]);
    store.removePhoto(photos[0]!.sha256);

    const summary = await engine.run();

    expect(store.entryByKey('photo', photos[0]!.sha256)).toMatchObject({
      state: 'attention',
      lastError: { code: 'photo_missing_locally' },
    });
    expect(server.photos.has(photos[1]!.sha256)).toBe(true);
    expect(store.entry(seq).state).toBe('attention');
    expect(summary).toMatchObject({ attention: 2, sent: 1 });
  });

  it('retries a hash_mismatch (damaged in transit) unless the local photo itself is damaged', async () => {
    const transit = setup({ hashBlob: async () => 'x' });
    const damaged = await transit.submit(1, [1]);
    transit.server.force(damaged.photos[0]!.sha256, 400, 'hash_mismatch', '照片内容与其指纹不符，可能在传输中损坏。');
    await transit.engine.run();
    expect(transit.store.entryByKey('photo', damaged.photos[0]!.sha256)).toMatchObject({
      state: 'attention',
      lastError: { code: 'photo_damaged_locally' },
    });

    const intact = setup();
    const sent = await intact.submit(1, [1]);
    intact.server.force(sent.photos[0]!.sha256, 400, 'hash_mismatch', '照片内容与其指纹不符，可能在传输中损坏。');
    const summary = await intact.engine.run();
    expect(summary).toMatchObject({ retried: 1, waiting: 1 });
    expect(intact.store.entryByKey('photo', sent.photos[0]!.sha256)).toMatchObject({
      state: 'pending',
      lastError: { code: 'hash_mismatch' },
    });
    intact.server.unforce(sent.photos[0]!.sha256);
    intact.clock.advance(BACKOFF_CAP_MS);
    expect(await intact.engine.run()).toMatchObject({ sent: 2, complete: true });
  });

  it('delivers a recheck after its after-photos', async () => {
    const { engine, store, server, transport, clock } = setup();
    const photo = await makePhoto(9);
    store.addPhoto(photo.sha256, photo.blob);
    const recheck = makeRecheck(testUuid(77), [photo.sha256]);
    store.submitRecheck(recheck, clock.now());

    expect(await engine.run()).toMatchObject({ sent: 2, complete: true });
    expect(transport.sent.map((request) => request.kind)).toEqual(['photo', 'recheck']);
    expect(server.rechecks.has(recheck.id)).toBe(true);
  });

  it('records lastSyncAt only after a run that delivered everything due', async () => {
    const { engine, store, clock, submit } = setup({ fault: script('drop-request') });
    await submit(1);
    await engine.run();
    expect(store.lastSyncAt).toBeUndefined();
    clock.advance(5_000);
    const summary = await engine.run();
    expect(summary.complete).toBe(true);
    expect(store.lastSyncAt).toBe(summary.finishedAt);
  });

  it('reports progress: run and entry events with photos n/m and bytes', async () => {
    const { engine, submit, events } = setup();
    const { photos } = await submit(1, [1, 2]);
    await engine.run();

    expect(events.map((event) => event.type)).toEqual([
      'run-started',
      'entry-started',
      'entry-finished',
      'entry-started',
      'entry-finished',
      'entry-started',
      'entry-finished',
      'run-finished',
    ]);
    const finished = events.filter((event) => event.type === 'entry-finished');
    expect(finished.map((event) => [event.outcome, event.progress.photosDone, event.progress.photosTotal])).toEqual([
      ['sent', 1, 2],
      ['sent', 2, 2],
      ['sent', 2, 2],
    ]);
    const last = finished.at(-1)!.progress;
    expect(last.kind).toBe('inspection');
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(finished[0]!.progress.bytesDone).toBe(photos[0]!.blob.size);
    const started = events.find((event) => event.type === 'entry-started');
    expect(started).toMatchObject({ entry: { kind: 'photo', key: photos[0]!.sha256, bytes: 64 } });
  });

  it('emits an error event with what happens next', async () => {
    const { engine, submit, events, clock } = setup({ fault: script('http-500') });
    await submit(1);
    await engine.run();
    expect(events).toContainEqual({
      type: 'error',
      at: clock.now(),
      action: 'retry',
      error: { status: 500, code: 'internal_error', message: '服务器内部错误，请稍后重试。' },
      entry: expect.objectContaining({ kind: 'inspection' }) as unknown,
      nextAttemptAt: clock.now() + 1_000,
    });
  });

  it('asks for the next run when a held submission can go, and never for "now" after a full run', async () => {
    const { engine, store, clock, submit } = setup({ fault: script('http-500') });
    const { photos } = await submit(1, [1]);
    const summary = await engine.run(); // the photo fails (1 s), its inspection is held behind it
    const photoEntry = store.entryByKey('photo', photos[0]!.sha256)!;
    expect(summary.nextRunAt).toBe(photoEntry.nextAttemptAt);

    // A store whose nextAttemptAt is the plain minimum says "now" for the held inspection.
    store.nextAttemptAt = async () => clock.now();
    expect((await engine.run()).nextRunAt).toBe(clock.now() + HELD_RECHECK_MS);
  });

  it('runs once at a time: a second run() during a run shares it', async () => {
    const { engine, submit, transport } = setup();
    await submit(1, [1]);
    const [a, b] = await Promise.all([engine.run(), engine.run()]);
    expect(a).toEqual(b);
    expect(transport.sent).toHaveLength(2);
  });

  it('ends the run on a store failure, losing nothing', async () => {
    const { engine, store, submit } = setup();
    const { seq } = await submit(1);
    store.failNext = new Error('QuotaExceededError');
    const summary = await engine.run();
    expect(summary).toMatchObject({ stopped: 'store_error', complete: false });
    expect(store.entry(seq).state).toBe('pending');
    expect(await engine.run()).toMatchObject({ sent: 1, complete: true });
  });

  it('leaves the entry in flight untouched when the run is cancelled', async () => {
    const { engine, store, submit } = setup({ fault: script('hang') });
    const { seq } = await submit(1);
    const controller = new AbortController();
    const running = engine.run({ signal: controller.signal });
    await Promise.resolve();
    controller.abort();
    expect(await running).toMatchObject({ stopped: 'aborted', retried: 0 });
    expect(store.entry(seq)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('reads the next photo ahead and writes the confirmations behind the requests, a group in one write', async () => {
    const { engine, store, submit, transport } = setup();
    const { photos, key } = await submit(1, [1, 2]);
    const log: string[] = [];
    const short = (sha256: string) => (sha256 === photos[0]!.sha256 ? 'p1' : 'p2');
    const photoForUpload = store.photoForUpload.bind(store);
    store.photoForUpload = async (sha256) => {
      log.push(`read ${short(sha256)}`);
      return photoForUpload(sha256);
    };
    const markDone = store.markDone.bind(store);
    store.markDone = async (seqs, now) => {
      const names = seqs.map((seq) => (store.entry(seq).kind === 'photo' ? short(store.entry(seq).key) : 'inspection'));
      await new Promise((resolve) => setTimeout(resolve, 5)); // a slow IndexedDB write
      await markDone(seqs, now);
      log.push(`confirmed ${names.join(' + ')}`);
    };
    const putPhoto = transport.putPhoto.bind(transport);
    transport.putPhoto = (upload, init) => {
      log.push(`send ${short(upload.sha256)}`);
      return putPhoto(upload, init);
    };
    const putInspection = transport.putInspection.bind(transport);
    transport.putInspection = (inspection, init) => {
      log.push('send inspection');
      return putInspection(inspection, init);
    };

    const summary = await engine.run();

    expect(summary).toMatchObject({ sent: 3, complete: true });
    expect(log).toEqual([
      'read p1',
      'send p1',
      'read p2', // while p1 is on its way
      'send p2',
      'send inspection', // the server has both photos: no need to wait for the local records
      'confirmed p1 + p2 + inspection', // the photos' held for their submission's: one write, before run() resolves
    ]);
    expect(store.byState('done').map((entry) => entry.key)).toEqual([photos[0]!.sha256, photos[1]!.sha256, key]);
  });

  it('keeps the store in order behind a confirmation: a later failure is recorded after it', async () => {
    const { engine, store, submit } = setup({ fault: script('none', 'http-500') });
    const { photos } = await submit(1, [1, 2]);
    const calls: string[] = [];
    const markDone = store.markDone.bind(store);
    store.markDone = async (seqs, now) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await markDone(seqs, now);
      calls.push(`done ${seqs.join(',')}`);
    };
    const markRetry = store.markRetry.bind(store);
    store.markRetry = async (seq, retry) => {
      calls.push(`retry ${seq}`);
      return markRetry(seq, retry);
    };
    const first = store.entryByKey('photo', photos[0]!.sha256)!.seq;
    const second = store.entryByKey('photo', photos[1]!.sha256)!.seq;

    expect(await engine.run()).toMatchObject({ sent: 1, retried: 1, waiting: 1 });
    expect(calls).toEqual([`done ${first}`, `retry ${second}`]);
  });

  it('fails the run as a store error when a confirmation cannot be written; the entries go again (200)', async () => {
    const { engine, store, server, submit, transport } = setup();
    await submit(1, [1]);
    await submit(2, [2]);
    const markDone = store.markDone.bind(store);
    let broken = true;
    store.markDone = async (seqs, now) => {
      if (broken) throw new Error('QuotaExceededError');
      return markDone(seqs, now);
    };

    const first = await engine.run();
    expect(first).toMatchObject({ stopped: 'store_error', complete: false });
    expect(store.byState('done')).toEqual([]);
    // Noticed at the first write, here the end of the run (both groups' answers waited together
    // for it): nothing was recorded.
    expect(transport.sent.map((request) => request.kind)).toEqual(['photo', 'inspection', 'photo', 'inspection']);

    broken = false;
    const second = await engine.run();
    expect(second).toMatchObject({ duplicates: 4, sent: 0, complete: true }); // everything again: 200
    expect(store.byState('pending')).toEqual([]);
    expect(server.inserts.get(`${testUuid(1)}@1`)).toBe(1);
  });

  it('keeps two photos on the way at once, and sends a submission only once its photos are answered', async () => {
    const { engine, store, submit, held, names } = setupHeld();
    const a = await submit(1, [1, 2, 3]);
    const b = await submit(2, [4]);
    a.photos.forEach((photo, i) => names.set(photo.sha256, `a${i + 1}`));
    names.set(b.photos[0]!.sha256, 'b1');
    names.set(a.inspection.id, 'inspection a');
    names.set(b.inspection.id, 'inspection b');

    const running = engine.run();
    await tick();
    expect(held.inFlight()).toEqual(['a1', 'a2']);
    await held.pass('a2'); // answered first: the order of answers does not matter
    await tick();
    expect(held.inFlight()).toEqual(['a1']); // a3 waits for the answer it queues behind
    await held.pass('a1');
    await tick();
    expect(held.inFlight()).toEqual(['a3']); // never the submission while a photo of it is on the way
    await held.pass('a3');
    await tick();
    expect(held.inFlight()).toEqual(['inspection a', 'b1']); // the next group's photo goes alongside
    await held.pass('b1');
    await held.pass('inspection a');
    await tick();
    expect(held.inFlight()).toEqual(['inspection b']);
    await held.pass('inspection b');

    expect(await running).toMatchObject({ sent: 6, complete: true });
    expect(store.byState('pending')).toEqual([]);
  });

  it('gives up the photo sent ahead when the run stops, and leaves its entry untouched', async () => {
    const { engine, store, submit, held, names } = setupHeld();
    const { photos } = await submit(1, [1, 2]);
    photos.forEach((photo, i) => names.set(photo.sha256, `p${i + 1}`));

    const running = engine.run();
    await tick();
    expect(held.inFlight()).toEqual(['p1', 'p2']);
    held.fail('p1', new NetworkError('无法连接服务器', false));

    expect(await running).toMatchObject({ attempted: 1, retried: 1, stopped: 'offline' });
    expect(held.request('p2').signal.aborted).toBe(true);
    expect(store.entryByKey('photo', photos[0]!.sha256)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(store.entryByKey('photo', photos[1]!.sha256)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('never sends the photo ahead when the run stops while its bytes are still being read', async () => {
    const { engine, store, submit, held, names } = setupHeld();
    const { photos } = await submit(1, [1, 2]);
    photos.forEach((photo, i) => names.set(photo.sha256, `p${i + 1}`));
    const photoForUpload = store.photoForUpload.bind(store);
    let readSecond!: () => void;
    const secondRead = new Promise<void>((resolve) => (readSecond = resolve));
    store.photoForUpload = async (sha256) => {
      if (sha256 === photos[1]!.sha256) await secondRead; // a slow IndexedDB read
      return photoForUpload(sha256);
    };

    const running = engine.run();
    await tick();
    expect(held.inFlight()).toEqual(['p1']);
    held.fail('p1', new NetworkError('无法连接服务器', false));
    expect(await running).toMatchObject({ stopped: 'offline' });
    readSecond();
    await tick();

    expect(held.inFlight()).toEqual([]);
    expect(() => held.request('p2')).toThrow();
    expect(store.entryByKey('photo', photos[1]!.sha256)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('sends one photo at a time after an upload timed out, and two again once one goes through with time to spare', async () => {
    const { engine, clock, store, submit, held, names } = setupHeld(40_000);
    const { photos } = await submit(1, [1, 2, 3, 4]);
    photos.forEach((photo, i) => names.set(photo.sha256, `p${i + 1}`));
    const slowLink = new NetworkError('请求超时', true);

    const first = engine.run();
    await tick();
    expect(held.inFlight()).toEqual(['p1', 'p2']);
    held.fail('p1', slowLink); // two uploads sharing a weak link: too slow for the timeout
    expect(await first).toMatchObject({ stopped: 'offline' });

    await engine.resetBackoff();
    const second = engine.run();
    await tick();
    expect(held.inFlight()).toEqual(['p1']); // alone: it has the whole link
    clock.advance(15_000); // more than a quarter of its 40 s: two at once could time out again
    await held.pass('p1');
    await tick();
    expect(held.inFlight()).toEqual(['p2']);
    clock.advance(8_000); // under a quarter: the link has room for two
    await held.pass('p2');
    await tick();
    expect(held.inFlight()).toEqual(['p3', 'p4']);
    await held.pass('p3');
    await held.pass('p4');
    await tick();
    await held.pass('inspection');

    expect(await second).toMatchObject({ sent: 5, complete: true });
    expect(store.byState('pending')).toEqual([]);
  });

  it('records the answer of a photo sent ahead when the one before it fails and the run goes on', async () => {
    const { engine, store, submit, server, held, names } = setupHeld();
    const { photos, seq } = await submit(1, [1, 2]);
    photos.forEach((photo, i) => names.set(photo.sha256, `p${i + 1}`));

    const running = engine.run();
    await tick();
    await held.pass('p2');
    held.fail('p1', new ApiRequestError(500, 'internal_error', '服务器内部错误', {}, undefined));

    expect(await running).toMatchObject({ sent: 1, retried: 1, waiting: 1 });
    expect(store.entryByKey('photo', photos[1]!.sha256)!.state).toBe('done');
    expect(server.photos.has(photos[1]!.sha256)).toBe(true);
    expect(store.entryByKey('photo', photos[0]!.sha256)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(store.entry(seq)).toMatchObject({ state: 'pending', attempts: 0 }); // held behind p1
  });
});
