// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from './database';
import { openInspection, submitInspection, updateAnswer } from './inspections';
import { entriesOfGroup, markDone } from './outbox';
import { openRecheck, updateVerdict } from './rechecks';
import {
  assignedSites,
  clearSession,
  getRectifications,
  getRounds,
  getRubricFile,
  getSession,
  getSite,
  saveBootstrap,
  saveSession,
  signOutKeepingWork,
  unsyncedCount,
} from './session';
import { at, bootstrapFixture, INSPECTOR, RUBRIC, STATION, testDatabase, type TestDatabase } from './test-support';

let t: TestDatabase;
let db: CivicDatabase;

beforeEach(async () => {
  t = await testDatabase();
  db = t.db;
});

describe('session', () => {
  it('saves, reads back after a reload, and clears', async () => {
    await saveSession(db, { token: 'tok-1', user: INSPECTOR, now: at(0) });
    expect(await getSession(await t.reopen())).toEqual({
      key: 'current',
      token: 'tok-1',
      user: INSPECTOR,
      signedInAt: at(0).toISOString(),
    });
    await clearSession(t.db);
    expect(await getSession(t.db)).toBeUndefined();
  });
});

describe('saveBootstrap', () => {
  it('stores everything the field flows need offline', async () => {
    await saveBootstrap(db, bootstrapFixture());
    expect((await getRounds(db)).map((round) => round.id)).toEqual(['R1']);
    expect((await assignedSites(db, 'R1', INSPECTOR.id)).map((site) => site.id)).toEqual(['I1', 'S1', 'S2']);
    expect(await getRubricFile(db, '2021', 'station')).toEqual(STATION);
    expect((await getRectifications(db, { roundId: 'R1', status: 'open' })).map((r) => r.id)).toEqual(['RX1', 'RX2']);
    expect(await getRectifications(db, { status: 'closed' })).toEqual([]);
  });

  it('replaces the previous copy, but keeps what unsynced work refers to', async () => {
    await saveSession(db, { token: 'tok', user: INSPECTOR, now: at(0) });
    await saveBootstrap(db, bootstrapFixture());
    const draft = await openInspection(db, {
      roundId: 'R1',
      siteId: 'S2',
      inspectorId: INSPECTOR.id,
      rubricVersion: '2021',
      now: at(0),
    });
    await updateAnswer(db, draft.id, 'T01', { grade: 'A' });
    const recheck = await openRecheck(db, 'RX2', at(0));

    const next = bootstrapFixture();
    next.user = { ...INSPECTOR, displayName: '测评员甲（新）' };
    next.rounds = [{ ...next.rounds[0]!, id: 'R2', name: '第二轮' }];
    next.sites = next.sites.filter((site) => site.id === 'S1');
    next.assignments = [{ roundId: 'R2', siteId: 'S1', userId: INSPECTOR.id }];
    next.rubrics = {};
    next.rectifications = [];
    await saveBootstrap(db, next);

    expect((await getRounds(db)).map((round) => round.id).sort()).toEqual(['R1', 'R2']);
    expect(await getSite(db, 'S2')).toEqual({
      id: 'S2',
      name: '西湖社区实践站',
      type: 'station',
      district: '城关区',
      parentId: null,
    }); // the draft's site, as the previous copy had it
    expect(await getSite(db, 'I1')).toBeUndefined();
    expect(await getRubricFile(db, '2021', 'station')).toEqual(RUBRIC.types.station); // the draft's rubric
    expect((await getRectifications(db)).map((r) => r.id)).toEqual(['RX2']); // the recheck's rectification
    expect(await assignedSites(db, 'R1', INSPECTOR.id)).toEqual([]);
    expect((await getSession(db))?.user.displayName).toBe('测评员甲（新）');
    expect(recheck.rectificationId).toBe('RX2');
  });
});

describe('signing out with unsynced work', () => {
  it('counts submissions and touched drafts once each, and keeps them all', async () => {
    await saveSession(db, { token: 'tok', user: INSPECTOR, now: at(0) });
    await saveBootstrap(db, bootstrapFixture());
    expect(await unsyncedCount(db)).toBe(0);

    const open = (siteId: string) =>
      openInspection(db, { roundId: 'R1', siteId, inspectorId: INSPECTOR.id, rubricVersion: '2021', now: at(0) });
    const empty = await open('S2');
    expect(await unsyncedCount(db)).toBe(0); // opened, nothing entered

    const done = await open('S1');
    for (const item of STATION.items) await updateAnswer(db, done.id, item.id, { grade: 'A' });
    expect(await unsyncedCount(db)).toBe(1);
    await submitInspection(db, done.id, at(5));
    expect(await unsyncedCount(db)).toBe(1);

    await updateAnswer(db, empty.id, 'T01', { grade: 'C#' });
    const recheck = await openRecheck(db, 'RX1', at(0));
    await updateVerdict(db, recheck.id, { verdict: 'not_fixed' });
    expect(await unsyncedCount(db)).toBe(3);

    for (const entry of await entriesOfGroup(db, done.id)) await markDone(db, [entry.seq], at(6));
    expect(await unsyncedCount(db)).toBe(2);

    expect(await signOutKeepingWork(db)).toEqual({ unsynced: 2 });
    expect(await getSession(db)).toBeUndefined();
    expect(await db.inspections.count()).toBe(2);
    expect(await db.rechecks.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    expect(await db.rubrics.count()).toBe(1);
  });
});
