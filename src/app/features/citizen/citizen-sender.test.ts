/**
 * The resident's reports waiting on the phone (a real Dexie database over fake-indexeddb) and
 * their sending through a link that fails as weak links do: no answer, a lost answer, a busy
 * server, a refused body. An in-memory server stands in for the API, keeping what it received.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CitizenReport, Proof } from '../../../domain/citizen-reports';
import { ApiRequestError, NetworkError } from '../../api/api-client';
import { listCitizenReports, queueCitizenReport } from '../../db/citizen-reports';
import { testDatabase, type TestDatabase } from '../../db/test-support';
import { sha256Hex } from '../../platform/sha256';
import { retryDelayMs, sendDueReports, type CitizenSenderDeps } from './citizen-sender';

type Fault = 'network' | 'lost answer' | 'busy' | 'invalid' | undefined;

class FakeServer {
  reports = new Map<string, CitizenReport>();
  photos = new Set<string>();
  proofs: (Proof | undefined)[] = [];
  /** The next calls' faults, in order. */
  faults: Fault[] = [];

  private fault(): void {
    // A lost answer happens after the server stored the report (sendReport below).
    if (this.faults[0] === 'lost answer') return;
    const fault = this.faults.shift();
    if (fault === 'network') throw new NetworkError('无法连接服务器', false);
    if (fault === 'busy') throw new ApiRequestError(429, 'too_many_reports', '提交的反馈过多', {}, 60);
    if (fault === 'invalid') throw new ApiRequestError(400, 'not_plain_text', '纯文字', {}, undefined);
  }

  api: CitizenSenderDeps['api'] = {
    challenge: () => Promise.resolve({ challenge: 'c', bits: 4, expiresAt: '' }),
    sendReport: async (report, proof) => {
      this.fault();
      this.reports.set(report.id, report);
      this.proofs.push(proof);
      if (this.faults[0] === 'lost answer') {
        this.faults.shift();
        throw new NetworkError('请求超时', true);
      }
      return { id: report.id, code: 'RABCDEFG', status: 'new', receivedAt: new Date().toISOString() };
    },
    putPhoto: async (_id, sha256, blob) => {
      this.fault();
      expect(await sha256Hex(blob)).toBe(sha256);
      this.photos.add(sha256);
      return { status: 201, data: { sha256 } };
    },
  };
}

async function photo(label: string) {
  const blob = new Blob([`jpeg ${label}`], { type: 'image/jpeg' });
  const thumbnail = new Blob([`thumb ${label}`], { type: 'image/jpeg' });
  return { sha256: await sha256Hex(blob), blob, thumbnailSha256: await sha256Hex(thumbnail), thumbnail };
}

describe('citizen report sender', () => {
  let test: TestDatabase;
  let server: FakeServer;
  let clock: number;
  let deps: CitizenSenderDeps;

  beforeEach(async () => {
    test = await testDatabase();
    server = new FakeServer();
    clock = Date.parse('2026-07-01T02:00:00Z');
    deps = {
      db: test.db,
      api: server.api,
      solve: () => Promise.resolve('n0'),
      now: () => new Date(clock),
      trusted: () => false,
    };
  });
  afterEach(() => test.db.close());

  async function queue(photos = 1) {
    const taken = await Promise.all(Array.from({ length: photos }, (_, n) => photo(`p${n}`)));
    const report: CitizenReport = {
      id: randomUUID(),
      siteId: 'S1',
      category: 'closed_when_open',
      description: '大门紧锁',
      photos: taken.map((p) => ({
        sha256: p.sha256,
        thumbnail: p.thumbnailSha256,
        capturedAt: new Date(clock).toISOString(),
      })),
      createdAt: new Date(clock).toISOString(),
    };
    await queueCitizenReport(test.db, { report, siteName: '东风社区实践站', photos: taken }, new Date(clock));
    return { report, taken };
  }

  it('keeps the report through a dead link and a reload, sends it whole when the link is back', async () => {
    const { report, taken } = await queue(2);
    server.faults = ['network'];
    expect(await sendDueReports(deps)).toBe(0);
    const [waiting] = await listCitizenReports(await test.reopen());
    deps.db = test.db;
    expect(waiting).toMatchObject({ state: 'waiting', lastError: 'network', attempts: 1 });
    // Not due before its backoff.
    expect(await sendDueReports(deps)).toBe(0);
    clock += retryDelayMs(0);
    expect(await sendDueReports(deps)).toBe(1);
    expect(server.reports.get(report.id)).toEqual(report);
    expect([...server.photos].sort()).toEqual(taken.flatMap((p) => [p.sha256, p.thumbnailSha256]).sort());
    expect(server.proofs).toEqual([{ challenge: 'c', nonce: 'n0' }]);
    const [sent] = await listCitizenReports(test.db);
    expect(sent).toMatchObject({ state: 'delivered', code: 'RABCDEFG' });
  });

  it('sends again after a lost answer (the server keeps one) and resumes photos where it stopped', async () => {
    const { report } = await queue(1);
    server.faults = ['lost answer'];
    await sendDueReports(deps);
    clock += retryDelayMs(0);
    server.faults = [undefined, undefined, 'network'];
    await sendDueReports(deps);
    expect((await listCitizenReports(test.db))[0]).toMatchObject({ state: 'waiting', code: 'RABCDEFG' });
    expect(server.photos.size).toBe(1);
    clock += retryDelayMs(1);
    expect(await sendDueReports(deps)).toBe(1);
    expect(server.reports.size).toBe(1);
    expect(server.reports.has(report.id)).toBe(true);
    expect(server.photos.size).toBe(2);
  });

  it('waits out the server’s Retry-After, and stops at a refusal it cannot fix', async () => {
    await queue(0);
    server.faults = ['busy'];
    await sendDueReports(deps);
    clock += 30_000;
    expect(await sendDueReports(deps)).toBe(0);
    clock += 31_000;
    server.faults = ['invalid'];
    expect(await sendDueReports(deps)).toBe(0);
    expect((await listCitizenReports(test.db))[0]).toMatchObject({ state: 'attention', lastError: 'not_plain_text' });
    clock += MAX;
    expect(await sendDueReports(deps)).toBe(0);
  });

  it('sends a 市民记者’s report without solving a proof', async () => {
    await queue(0);
    deps.trusted = () => true;
    deps.solve = () => Promise.reject(new Error('must not solve'));
    expect(await sendDueReports(deps)).toBe(1);
    expect(server.proofs).toEqual([undefined]);
  });
});

const MAX = 24 * 3_600_000;
