// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from '../../../db/database';
import { markDone, entriesOfGroup } from '../../../db/outbox';
import { recheckTask, recheckTasks } from '../../../db/recheck-reads';
import { attachRecheckPhoto, openRecheck, submitRecheck, updateVerdict } from '../../../db/rechecks';
import { saveBootstrap } from '../../../db/session';
import { at, bootstrapFixture, makePhoto, RECHECKER, testDatabase } from '../../../db/test-support';
import type { Rectification } from '../../../db/types';
import { groupTasks, matchesQuery, narrowGroups, navigationUrl, needsRecheck, taskState } from './recheck-list';

let db: CivicDatabase;

const rect = (id: string, siteId: string, itemId: string, status: Rectification['status'] = 'open'): Rectification => ({
  id,
  roundId: 'R1',
  siteId,
  itemId,
  grade: 'C',
  dueOn: '2026-07-16',
  status,
  beforePhotos: [],
});

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, {
    ...bootstrapFixture(),
    user: RECHECKER,
    rectifications: [
      rect('A', 'S1', 'T18'),
      rect('B', 'S1', 'T16'),
      rect('C', 'S2', 'T01', 'closed'),
      rect('D', 'I1', 'I09'),
      { ...rect('E', 'S9', 'T20'), note: '垃圾桶未分类' },
    ],
  });
});

describe('the rechecker’s tasks', () => {
  it('come with their site, round, rubric item and local recheck', async () => {
    const draft = await openRecheck(db, 'A', at(0));
    await updateVerdict(db, draft.id, { verdict: 'not_fixed' }, at(1));
    const tasks = await recheckTasks(db);
    const a = tasks.find((task) => task.rectification.id === 'A')!;
    expect(a.site?.name).toBe('东风社区实践站');
    expect(a.round?.id).toBe('R1');
    expect(a.item?.title).toBe('室内卫生（无积尘）');
    expect(a.recheck).toMatchObject({ id: draft.id, verdict: 'not_fixed' });
    expect((await recheckTask(db, 'E'))?.rectification.note).toBe('垃圾桶未分类');
    expect(await recheckTask(db, 'NOPE')).toBeUndefined();
  });

  it('state per item: to do, draft (only once touched), submitted, synced', async () => {
    const states = async () =>
      Object.fromEntries((await recheckTasks(db)).map((task) => [task.rectification.id, taskState(task)]));
    const a = await openRecheck(db, 'A', at(0));
    expect((await states()).A).toBe('todo');
    await updateVerdict(db, a.id, { verdict: 'fixed' }, at(1));
    expect((await states()).A).toBe('draft');
    const b = await openRecheck(db, 'B', at(2));
    await updateVerdict(db, b.id, { verdict: 'not_fixed' }, at(3));
    await attachRecheckPhoto(db, b.id, await makePhoto('still dusty'), at(3));
    expect(await submitRecheck(db, b.id, at(4))).toEqual({ ok: true });
    expect((await states()).B).toBe('submitted');
    for (const entry of await entriesOfGroup(db, b.id)) await markDone(db, [entry.seq], at(5));
    expect(await states()).toEqual({ A: 'draft', B: 'synced', C: 'todo', D: 'todo', E: 'todo' });

    const tasks = await recheckTasks(db);
    expect(tasks.filter(needsRecheck).map((task) => task.rectification.id)).toEqual(['A', 'D', 'E']);
  });

  it('group by district in Chinese collation and by site; a site is closed out when all of its items are', async () => {
    const groups = groupTasks(await recheckTasks(db));
    expect(groups.map((group) => group.district)).toEqual(['城关区', '新区']);
    expect(
      groups[0]!.sites.map((site) => [site.siteName, site.tasks.map((task) => task.rectification.itemId), site.open]),
    ).toEqual([
      ['城关街道实践所', ['I09'], 1],
      ['东风社区实践站', ['T16', 'T18'], 2],
      ['西湖社区实践站', ['T01'], 0],
    ]);
    expect(groups[0]!.sites.map((site) => site.closedOut)).toEqual([false, false, true]);
  });
});

describe('searching the tasks', () => {
  const ids = async (query: string) =>
    (await recheckTasks(db))
      .filter((task) => matchesQuery(task, query))
      .map((task) => task.rectification.id)
      .sort();

  it('finds by site name, district, item title (either language) or item id; empty finds all', async () => {
    expect(await ids('  ')).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(await ids('东风')).toEqual(['A', 'B']);
    expect(await ids('新区')).toEqual(['E']);
    expect(await ids('无积尘')).toEqual(['A']);
    expect(await ids('DUST')).toEqual(['A']);
    expect(await ids('i09')).toEqual(['D']);
    expect(await ids('没有这个')).toEqual([]);
  });

  it('narrows the groups to the matching items; a site keeps the counts of all its items', async () => {
    const groups = narrowGroups(groupTasks(await recheckTasks(db)), (task) => matchesQuery(task, '无积尘'));
    expect(groups.map((group) => group.district)).toEqual(['城关区']);
    const [site] = groups[0]!.sites;
    expect([site!.siteName, site!.tasks.map((task) => task.rectification.itemId), site!.open, site!.total]).toEqual([
      '东风社区实践站',
      ['T18'],
      2,
      2,
    ]);
  });
});

describe('the map link of a site', () => {
  it('is a geo: URI at the coordinates when the site has them', () => {
    expect(navigationUrl({ name: '曙光街 站', address: '建设路 1 号', lat: 33.7367, lng: 113.3039 })).toBe(
      'geo:33.7367,113.3039?q=33.7367,113.3039(%E6%9B%99%E5%85%89%E8%A1%97%20%E7%AB%99)',
    );
  });

  it('searches Amap for the address without coordinates, else for the name', () => {
    expect(navigationUrl({ name: '站', address: '新华区建设路 1 号', lat: null, lng: null })).toBe(
      `https://uri.amap.com/search?keyword=${encodeURIComponent('新华区建设路 1 号')}`,
    );
    expect(navigationUrl({ name: '曙光街站', address: ' ', lat: 33.7 })).toBe(
      `https://uri.amap.com/search?keyword=${encodeURIComponent('曙光街站')}`,
    );
    expect(navigationUrl(undefined)).toBeUndefined();
  });
});
