/**
 * The unit's answers and requests waiting on the phone (a real Dexie database over
 * fake-indexeddb) and their sending through a link that fails as weak links do: no answer, a
 * lost answer, a busy server, a photo the server lacks, a revoked link, a closed item. An
 * in-memory server stands in for the API, keeping what it received and answering a repeat by id
 * as the real one does (200, nothing stored twice).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnitAnswer, UnitRequest } from '../../../../domain/wire';
import { ApiRequestError, NetworkError } from '../../../api/api-client';
import { listUnitEntries, queueUnitEntry, linkScope } from '../../../db/unit-work';
import { testDatabase, type TestDatabase } from '../../../db/test-support';
import { sha256Hex } from '../../../platform/sha256';
import { sendDueUnitEntries, unitRetryDelayMs, type UnitSenderDeps } from './unit-sender';

type Fault = 'network' | 'lost answer' | 'busy' | 'revoked' | 'closed' | 'forget photos' | undefined;

class FakeServer {
  answers = new Map<string, UnitAnswer>();
  requests = new Map<string, UnitRequest>();
  photos = new Set<string>();
  bodyCalls = 0;
  faults: Fault[] = [];

  private fault(): void {
    if (this.faults[0] === 'lost answer' || this.faults[0] === 'forget photos') return;
    const fault = this.faults.shift();
    if (fault === 'network') throw new NetworkError('无法连接服务器', false);
    if (fault === 'busy') throw new ApiRequestError(503, 'unavailable', '服务器繁忙', {}, 30);
    if (fault === 'revoked') throw new ApiRequestError(401, 'unauthorized', '请先登录', {}, undefined);
    if (fault === 'closed') throw new ApiRequestError(409, 'conflict', '该整改项已销号', {}, undefined);
  }

  private body(photos: readonly string[]) {
    this.fault();
    this.bodyCalls += 1;
    if (this.faults[0] === 'forget photos') {
      this.faults.shift();
      this.photos.clear();
    }
    const missingPhotos = photos.filter((sha256) => !this.photos.has(sha256));
    if (missingPhotos.length > 0)
      throw new ApiRequestError(422, 'missing_photos', '服务器尚缺照片', { missingPhotos }, undefined);
  }

  private lose(): void {
    if (this.faults[0] !== 'lost answer') return;
    this.faults.shift();
    throw new NetworkError('请求超时', true);
  }

  api: UnitSenderDeps['api'] = {
    putPhoto: async (sha256, blob) => {
      this.fault();
      expect(await sha256Hex(blob)).toBe(sha256);
      this.photos.add(sha256);
      return { status: 201, data: { sha256 } };
    },
    putAnswer: (answer) => {
      this.body(answer.photos);
      const status = this.answers.has(answer.id) ? 200 : 201;
      this.answers.set(answer.id, answer);
      this.lose();
      return Promise.resolve({ status, data: {} });
    },
    putRequest: (request) => {
      this.body(request.photos);
      const status = this.requests.has(request.id) ? 200 : 201;
      this.requests.set(request.id, request);
      this.lose();
      return Promise.resolve({ status, data: {} });
    },
  };
}

async function photo(label: string) {
  const blob = new Blob([`jpeg ${label}`], { type: 'image/jpeg' });
  const thumbnail = new Blob([`thumb ${label}`], { type: 'image/jpeg' });
  return { sha256: await sha256Hex(blob), blob, thumbnailSha256: await sha256Hex(thumbnail), thumbnail };
}

const SCOPE = linkScope('a'.repeat(64));

describe('the unit’s sender', () => {
  let test: TestDatabase;
  let server: FakeServer;
  let clock: number;
  let deps: UnitSenderDeps;

  beforeEach(async () => {
    test = await testDatabase();
    server = new FakeServer();
    clock = Date.parse('2026-07-01T02:00:00Z');
    deps = { db: test.db, api: server.api, scope: SCOPE, now: () => new Date(clock) };
  });
  afterEach(() => test.db.close());

  async function queueAnswer(photos = 2, scope = SCOPE) {
    const taken = await Promise.all(Array.from({ length: photos }, (_, n) => photo(`p${n}`)));
    const answer: UnitAnswer = {
      id: randomUUID(),
      rectificationId: 'R1',
      action: '已清理杂物',
      photos: taken.map((p) => p.sha256),
      answeredAt: new Date(clock).toISOString(),
    };
    await queueUnitEntry(test.db, { scope, body: { kind: 'answer', answer }, photos: taken }, new Date(clock));
    return answer;
  }

  const entries = () => listUnitEntries(test.db, SCOPE);

  it('sends the photos, then the answer exactly as frozen, and marks it 已发送', async () => {
    const answer = await queueAnswer(2);
    await expect(sendDueUnitEntries(deps)).resolves.toBe(1);
    expect(server.answers.get(answer.id)).toEqual(answer);
    expect(server.photos).toEqual(new Set(answer.photos));
    const [entry] = await entries();
    expect(entry).toMatchObject({ state: 'sent', sentHashes: answer.photos });
    expect(entry!.lastError).toBeUndefined();
  });

  it('waits offline with the reason, then sends when due again; nothing is sent twice', async () => {
    const answer = await queueAnswer(1);
    server.faults = ['network'];
    await expect(sendDueUnitEntries(deps)).resolves.toBe(0);
    expect(await entries()).toMatchObject([{ state: 'waiting', lastError: 'network', attempts: 1 }]);
    // Not due before its backoff.
    await expect(sendDueUnitEntries(deps)).resolves.toBe(0);
    clock += unitRetryDelayMs(0);
    await expect(sendDueUnitEntries(deps)).resolves.toBe(1);
    expect(server.answers.get(answer.id)).toEqual(answer);
    expect(server.bodyCalls).toBe(1);
  });

  it('sends again after a lost answer: the server answers the repeat by id, one answer kept', async () => {
    const answer = await queueAnswer(1);
    server.faults = ['lost answer'];
    await sendDueUnitEntries(deps);
    expect(await entries()).toMatchObject([{ state: 'waiting', lastError: 'timeout' }]);
    clock += unitRetryDelayMs(0);
    await sendDueUnitEntries(deps);
    expect(await entries()).toMatchObject([{ state: 'sent' }]);
    expect(server.answers.size).toBe(1);
    expect(server.answers.get(answer.id)).toEqual(answer);
  });

  it('waits for Retry-After when the server is busy, and ends the run there', async () => {
    await queueAnswer(1);
    await queueAnswer(1);
    server.faults = ['busy'];
    await sendDueUnitEntries(deps);
    const [first, second] = await entries();
    expect(first).toMatchObject({ state: 'waiting', lastError: 'unavailable' });
    expect(Date.parse(first!.nextAttemptAt) - clock).toBe(30_000);
    expect(second).toMatchObject({ state: 'waiting', attempts: 0 });
  });

  it('uploads again exactly the photos the server says it lacks', async () => {
    const answer = await queueAnswer(2);
    server.faults = ['forget photos'];
    await sendDueUnitEntries(deps);
    expect(await entries()).toMatchObject([{ state: 'waiting', lastError: 'missing_photos', sentHashes: [] }]);
    clock += unitRetryDelayMs(0);
    await sendDueUnitEntries(deps);
    expect(await entries()).toMatchObject([{ state: 'sent' }]);
    expect(server.photos).toEqual(new Set(answer.photos));
  });

  it('marks 失败 with the code when the link is revoked or the item closed, and goes on with the others', async () => {
    await queueAnswer(1);
    await queueAnswer(1);
    server.faults = ['revoked'];
    await expect(sendDueUnitEntries(deps)).resolves.toBe(1);
    const [first, second] = await entries();
    expect(first).toMatchObject({ state: 'failed', lastError: 'unauthorized' });
    expect(second).toMatchObject({ state: 'sent' });

    clock += 1000;
    await queueAnswer(1);
    server.faults = ['closed'];
    await sendDueUnitEntries(deps);
    expect((await entries()).at(-1)).toMatchObject({ state: 'failed', lastError: 'conflict' });
    // A failed entry is not retried behind the unit's back.
    clock += unitRetryDelayMs(5);
    await expect(sendDueUnitEntries(deps)).resolves.toBe(0);
  });

  it('keeps a signed-in unit’s answer waiting on a 401: it goes once the unit signs in again', async () => {
    const scope = 'user:U1';
    await queueAnswer(1, scope);
    server.faults = ['revoked'];
    await sendDueUnitEntries({ ...deps, scope });
    expect(await listUnitEntries(test.db, scope)).toMatchObject([{ state: 'waiting', lastError: 'unauthorized' }]);
    clock += unitRetryDelayMs(0);
    await expect(sendDueUnitEntries({ ...deps, scope })).resolves.toBe(1);
  });

  it('sends a request (延期) with its date, and only the scope’s own entries', async () => {
    const request: UnitRequest = {
      id: randomUUID(),
      rectificationId: 'R1',
      kind: 'extension',
      reason: '材料未到',
      dueOn: '2026-07-30',
      photos: [],
      requestedAt: new Date(clock).toISOString(),
    };
    await queueUnitEntry(test.db, { scope: SCOPE, body: { kind: 'request', request }, photos: [] }, new Date(clock));
    await queueAnswer(1, linkScope('b'.repeat(64)));
    await expect(sendDueUnitEntries(deps)).resolves.toBe(1);
    expect(server.requests.get(request.id)).toEqual(request);
    expect(server.answers.size).toBe(0);
  });

  it('refuses to queue a body the server would refuse (no photo on an answer): nothing stored', async () => {
    const answer = { ...(await queueAnswer(0).catch(() => undefined)) };
    expect(answer).toEqual({});
    expect(await entries()).toEqual([]);
  });
});
