import { describe, expect, it } from 'vitest';
import {
  buildRectificationProgress,
  isClosedLate,
  isOverdue,
  type ProgressRectification,
  type ProgressSite,
} from './rectification-progress';

const SITES: ProgressSite[] = [
  { id: 'S1', name: '曙光街社区实践站', type: 'station', district: '新华区' },
  { id: 'S2', name: '光明路社区实践站', type: 'station', district: '新华区' },
  { id: 'I1', name: '东安路街道实践所', type: 'institute', district: '卫东区' },
  { id: 'C1', name: '湛河区实践中心', type: 'center', district: '湛河区' },
  { id: 'S9', name: '无整改实践站', type: 'station', district: '石龙区' },
];

let n = 0;
const rect = (
  siteId: string,
  status: 'open' | 'closed',
  dueOn: string,
  closedAt: string | null = null,
): ProgressRectification => ({
  id: `R~${siteId}~${++n}`,
  siteId,
  itemId: `T${String(n).padStart(2, '0')}`,
  grade: 'C#',
  dueOn,
  status,
  closedAt,
});

describe('isOverdue and isClosedLate', () => {
  it('an open item is overdue from the day after its due date, in Shanghai dates', () => {
    expect(isOverdue({ status: 'open', dueOn: '2021-07-20' }, '2021-07-20')).toBe(false);
    expect(isOverdue({ status: 'open', dueOn: '2021-07-20' }, '2021-07-21')).toBe(true);
    expect(isOverdue({ status: 'closed', dueOn: '2021-07-20' }, '2021-08-01')).toBe(false);
  });

  it('a closing counts as late by the Shanghai date of the verdict', () => {
    // 23:30 on the 20th in Shanghai is 15:30 UTC: on time.
    expect(isClosedLate({ status: 'closed', dueOn: '2021-07-20', closedAt: '2021-07-20T15:30:00.000Z' })).toBe(false);
    // 00:30 on the 21st in Shanghai is 16:30 UTC on the 20th: late.
    expect(isClosedLate({ status: 'closed', dueOn: '2021-07-20', closedAt: '2021-07-20T16:30:00.000Z' })).toBe(true);
    expect(isClosedLate({ status: 'open', dueOn: '2021-07-20', closedAt: null })).toBe(false);
  });
});

describe('buildRectificationProgress', () => {
  const asOf = '2021-08-05';
  const rectifications = [
    // S1: two closed (one late), one open and overdue → not closed out.
    rect('S1', 'closed', '2021-07-20', '2021-07-19T02:00:00.000Z'),
    rect('S1', 'closed', '2021-07-20', '2021-08-02T02:00:00.000Z'),
    rect('S1', 'open', '2021-07-20'),
    // S2: all closed → closed out on the date of the last closing (Shanghai).
    rect('S2', 'closed', '2021-07-20', '2021-08-01T17:00:00.000Z'),
    rect('S2', 'closed', '2021-08-10', '2021-07-30T02:00:00.000Z'),
    // I1: open, due later → not overdue.
    rect('I1', 'open', '2021-08-10'),
    rect('I1', 'open', '2021-08-06'),
    // C1: one open, due today → not overdue.
    rect('C1', 'open', '2021-08-05'),
  ];
  const progress = buildRectificationProgress({ roundId: 'R1', asOf, sites: SITES, rectifications });

  it('counts closed, open, overdue and closed-late in total', () => {
    expect(progress.roundId).toBe('R1');
    expect(progress.asOf).toBe(asOf);
    expect(progress.totals).toEqual({
      rectifications: 8,
      closed: 4,
      open: 4,
      overdue: 1,
      closedLate: 2,
      sites: 4,
      sitesClosedOut: 1,
    });
  });

  it('per site: closed out only when every rectification is closed', () => {
    const bySite = Object.fromEntries(progress.sites.map((site) => [site.siteId, site]));
    expect(bySite.S1).toMatchObject({ closed: 2, open: 1, overdue: 1, closedOut: false, closedOutOn: null });
    expect(bySite.S2).toEqual({
      siteId: 'S2',
      name: '光明路社区实践站',
      type: 'station',
      district: '新华区',
      rectifications: 2,
      closed: 2,
      open: 0,
      overdue: 0,
      closedLate: 1,
      closedOut: true,
      closedOutOn: '2021-08-02',
      nextDueOn: null,
    });
    expect(bySite.I1).toMatchObject({ open: 2, overdue: 0, closedOut: false, nextDueOn: '2021-08-06' });
    expect(bySite.C1).toMatchObject({ open: 1, overdue: 0 });
    // A site without rectifications is not part of the progress.
    expect(bySite.S9).toBeUndefined();
  });

  it('per district, in Chinese collation, and per type; sites by district then id', () => {
    expect(progress.byDistrict.map((d) => [d.district, d.rectifications, d.closed, d.open, d.overdue])).toEqual([
      ['卫东区', 2, 0, 2, 0],
      ['新华区', 5, 4, 1, 1],
      ['湛河区', 1, 0, 1, 0],
    ]);
    expect(progress.byDistrict.find((d) => d.district === '新华区')).toMatchObject({ sites: 2, sitesClosedOut: 1 });
    expect(progress.byType.station).toMatchObject({ rectifications: 5, sites: 2, sitesClosedOut: 1 });
    expect(progress.byType.institute).toMatchObject({ rectifications: 2, open: 2 });
    expect(progress.byType.center).toMatchObject({ rectifications: 1, open: 1 });
    expect(progress.sites.map((site) => site.siteId)).toEqual(['I1', 'S1', 'S2', 'C1']);
  });

  it('the district figures add up to the totals', () => {
    for (const key of [
      'rectifications',
      'closed',
      'open',
      'overdue',
      'closedLate',
      'sites',
      'sitesClosedOut',
    ] as const) {
      expect(
        progress.byDistrict.reduce((sum, d) => sum + d[key], 0),
        key,
      ).toBe(progress.totals[key]);
      expect(
        Object.values(progress.byType).reduce((sum, t) => sum + t[key], 0),
        key,
      ).toBe(progress.totals[key]);
    }
  });

  it('an empty round has zero everywhere', () => {
    const empty = buildRectificationProgress({ roundId: 'R0', asOf, sites: SITES, rectifications: [] });
    expect(empty.totals).toEqual({
      rectifications: 0,
      closed: 0,
      open: 0,
      overdue: 0,
      closedLate: 0,
      sites: 0,
      sitesClosedOut: 0,
    });
    expect(empty.byDistrict).toEqual([]);
    expect(empty.sites).toEqual([]);
  });

  it('a rectification of a site it was not given still counts, under its id', () => {
    const orphan = buildRectificationProgress({
      roundId: 'R1',
      asOf,
      sites: [],
      rectifications: [rect('GONE', 'open', '2021-07-01')],
    });
    expect(orphan.sites).toEqual([expect.objectContaining({ siteId: 'GONE', name: 'GONE', overdue: 1 })]);
    expect(orphan.totals.overdue).toBe(1);
  });

  it('a closed-out site without a closing instant has no closing date', () => {
    const progressWithoutInstant = buildRectificationProgress({
      roundId: 'R1',
      asOf,
      sites: SITES,
      rectifications: [rect('S1', 'closed', '2021-07-20', null)],
    });
    expect(progressWithoutInstant.sites[0]).toMatchObject({ closedOut: true, closedOutOn: null, closedLate: 0 });
  });
});
