// @vitest-environment node
/**
 * The outbox announces its own new work (outbox-events.ts): once per committed submission, with
 * the entries already readable, and never for the sync engine's bookkeeping.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from './database';
import { openInspection, submitInspection } from './inspections';
import { entriesOfGroup, markAttention, markDone, markRetry, pendingEntries, retryGroup } from './outbox';
import { onOutboxQueued } from './outbox-events';
import { saveBootstrap } from './session';
import { INSPECTOR, at, bootstrapFixture, makePhoto, submitStation, testDatabase } from './test-support';

let db: CivicDatabase;
let heard: number[];

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
  heard = [];
  // Each announcement records how many entries were pending when it was heard.
  onOutboxQueued(db, () => void pendingEntries(db, at(1_000)).then((entries) => heard.push(entries.length)));
});

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the outbox announces what it queues', () => {
  it('once per submission, after the commit: the listener reads the photos and the inspection', async () => {
    await submitStation(db, 'S1', [await makePhoto('p1'), await makePhoto('p2')]);
    await settled();
    expect(heard).toEqual([3]);

    await submitStation(db, 'S2', []);
    await settled();
    expect(heard).toEqual([3, 4]);
  });

  it('not for a submission that fails validation, nor for submitting again', async () => {
    const draft = await openInspection(db, {
      roundId: 'R1',
      siteId: 'S1',
      inspectorId: INSPECTOR.id,
      rubricVersion: '2021',
      now: at(0),
    });
    expect((await submitInspection(db, draft.id, at(1))).ok).toBe(false);
    const { id } = await submitStation(db, 'S2', []);
    expect(await submitInspection(db, id, at(20))).toMatchObject({ ok: true });
    await settled();
    expect(heard).toHaveLength(1);
  });

  it('not for the engine’s bookkeeping (done, retry later, attention); again for a retried group', async () => {
    const { id } = await submitStation(db, 'S1', [await makePhoto('p1')]);
    const [photo, inspection] = await entriesOfGroup(db, id);
    await settled();
    heard = [];
    await markDone(db, [photo!.seq], at(20));
    await markRetry(db, inspection!.seq, { nextAttemptAt: at(21), error: { code: 'network', message: 'offline' } });
    await markAttention(db, inspection!.seq, { code: 'rejected', message: 'no' });
    await settled();
    expect(heard).toEqual([]);

    expect(await retryGroup(db, id, at(30))).toBe(1);
    await settled();
    expect(heard).toEqual([1]);
  });

  it('stops telling a listener that unsubscribed', async () => {
    const calls: string[] = [];
    const stop = onOutboxQueued(db, () => calls.push('second'));
    await submitStation(db, 'S1', []);
    await settled();
    stop();
    await submitStation(db, 'S2', []);
    await settled();
    expect(calls).toEqual(['second']);
  });
});
