import { describe, expect, it } from 'vitest';
import { RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { Site } from '../../../../domain/wire';
import type { InspectionSummary } from '../../../api/office-api';
import { categoryBreakdown } from './breakdown';
import {
  buildRows,
  filterFromSearch,
  filterRows,
  filterToSearch,
  NO_FILTER,
  outsideRound,
  sortRows,
} from './results-model';

const sites = new Map<string, Site>(
  [
    { id: 'S1', name: '曙光街站', type: 'station', district: '新华区' },
    { id: 'S2', name: '光明路站', type: 'station', district: '新华区' },
    { id: 'I1', name: '东安路所', type: 'institute', district: '卫东区' },
  ].map((site) => [site.id, site as Site]),
);
const summary = (over: Partial<InspectionSummary>): InspectionSummary => ({
  id: 'i',
  revision: 1,
  roundId: 'R',
  siteId: 'S1',
  inspectorId: 'u1',
  submittedAt: '2021-07-05T02:00:00.000Z',
  receivedAt: '2021-07-05T02:00:01.000Z',
  score: 100,
  fullMarks: true,
  ...over,
});
const inspections = [
  summary({ id: 'a', revision: 1, siteId: 'S1', score: 86, fullMarks: false }),
  summary({ id: 'a', revision: 2, siteId: 'S1', score: 95, fullMarks: false, submittedAt: '2021-07-06T02:00:00.000Z' }),
  summary({ id: 'b', siteId: 'S2', inspectorId: 'u2', submittedAt: '2021-07-18T17:30:00.000Z' }),
  summary({ id: 'c', siteId: 'I1', score: 79, fullMarks: false, receivedAt: '2021-07-07T00:00:00.000Z' }),
  summary({ id: 'd', siteId: 'OUT', score: 50, fullMarks: false }),
];
const context = {
  siteById: sites,
  userName: (id: string) => ({ u1: '张三', u2: '李四' })[id] ?? id,
  rectifyBelow: 90,
  latestOnly: true,
  fresh: new Set(['c#1']),
};

describe('results list model', () => {
  it('keeps each in-scope site’s latest result, or every revision', () => {
    const latest = buildRows(inspections, context);
    expect(latest.map((row) => row.key).sort()).toEqual(['a#2', 'b#1', 'c#1']);
    expect(buildRows(inspections, { ...context, latestOnly: false })).toHaveLength(5);
    const c = latest.find((row) => row.siteId === 'I1')!;
    expect(c).toMatchObject({
      district: '卫东区',
      type: 'institute',
      mustRectify: true,
      inspectorName: '张三',
      fresh: true,
    });
    // 17:30 UTC on the 18th is the 19th in Shanghai.
    expect(latest.find((row) => row.siteId === 'S2')!.submittedOn).toBe('2021-07-19');
  });

  it('flags a submission on a Shanghai date outside the round’s dates', () => {
    const round = { startsOn: '2021-07-05', endsOn: '2021-07-18' };
    const rows = buildRows(inspections, { ...context, round });
    // b: 17:30 UTC on the 18th is already the 19th in Shanghai, after the round's end.
    expect(Object.fromEntries(rows.map((row) => [row.key, row.outsideRound]))).toEqual({
      'a#2': false,
      'b#1': true,
      'c#1': false,
    });
    expect(outsideRound('2021-07-04T15:59:59.000Z', round)).toBe(true); // 23:59 on the 4th in Shanghai
    expect(outsideRound('2021-07-04T16:00:00.000Z', round)).toBe(false); // 00:00 on the 5th
    expect(outsideRound('2021-07-18T15:59:59.000Z', round)).toBe(false);
    expect(outsideRound(undefined, round)).toBe(false); // a photo without a capture time
    expect(buildRows(inspections, context).every((row) => !row.outsideRound)).toBe(true);
  });

  it('filters by district, type, marks, rectification, inspector, Shanghai dates, score and text', () => {
    const rows = buildRows(inspections, context);
    const ids = (filter: Partial<typeof NO_FILTER>) =>
      filterRows(rows, { ...NO_FILTER, ...filter })
        .map((row) => row.siteId)
        .sort();
    expect(ids({ district: '新华区' })).toEqual(['S1', 'S2']);
    expect(ids({ type: 'institute' })).toEqual(['I1']);
    expect(ids({ fullMarks: 'yes' })).toEqual(['S2']);
    expect(ids({ rectify: 'yes' })).toEqual(['I1']);
    expect(ids({ inspectorId: 'u2' })).toEqual(['S2']);
    expect(ids({ from: '2021-07-19' })).toEqual(['S2']);
    expect(ids({ to: '2021-07-05' })).toEqual(['I1']);
    expect(ids({ minScore: '90', maxScore: '99' })).toEqual(['S1']);
    expect(ids({ query: '光明' })).toEqual(['S2']);
    expect(ids({ query: 'i1' })).toEqual(['I1']);
  });

  it('sorts by any column, both ways, with a stable tie-break', () => {
    const rows = buildRows(inspections, context);
    expect(sortRows(rows, 'score', 'desc').map((row) => row.score)).toEqual([100, 95, 79]);
    expect(sortRows(rows, 'score', 'asc').map((row) => row.score)).toEqual([79, 95, 100]);
    expect(sortRows(rows, 'submittedAt', 'desc').map((row) => row.siteId)).toEqual(['S2', 'S1', 'I1']);
    expect(sortRows(rows, 'inspector', 'asc').map((row) => row.inspectorName)).toEqual(['李四', '张三', '张三']);
  });
});

describe('the filter in the address', () => {
  it('writes only what differs from no filter, and reads it back', () => {
    const filter = {
      ...NO_FILTER,
      district: '新华区',
      rectify: 'yes' as const,
      query: '锦绣 社区',
      from: '2021-07-05',
    };
    const search = filterToSearch(filter);
    expect(search).toBe(
      'query=%E9%94%A6%E7%BB%A3+%E7%A4%BE%E5%8C%BA&district=%E6%96%B0%E5%8D%8E%E5%8C%BA&rectify=yes&from=2021-07-05',
    );
    expect(filterFromSearch(`?${search}`)).toEqual(filter);
    expect(filterToSearch(NO_FILTER)).toBe('');
  });

  it('ignores unknown keys and values that are not on offer', () => {
    expect(filterFromSearch('?type=castle&fullMarks=maybe&rectify=no&colour=red')).toEqual({
      ...NO_FILTER,
      rectify: 'no',
    });
  });
});

describe('score by category', () => {
  it('adds points available, earned and lost per category; NA counts in neither', () => {
    const answers = RUBRIC_2021.station.items.map((item) => ({
      itemId: item.id,
      grade: item.id === 'T18' ? ('B' as const) : item.id === 'T19' ? ('C#' as const) : ('A' as const),
    }));
    const env = categoryBreakdown(RUBRIC_2021.station, answers).find((row) => row.category === 'ENV')!;
    expect(env).toMatchObject({ title: '环境卫生', items: 3, available: 14, earned: 7.62, lost: 6.38, deducted: 2 });
    const total = categoryBreakdown(RUBRIC_2021.station, answers).reduce((sum, row) => sum + row.earned, 0);
    expect(Math.round(total * 100) / 100).toBe(93.62);
  });

  it('filters by proof of presence: flagged, clean (checked, none), or any', () => {
    const rows = buildRows(
      [
        summary({ id: 'f', siteId: 'S1', flags: [{ code: 'no_fix' }] }),
        summary({ id: 'g', siteId: 'S2', flags: [] }),
        summary({ id: 'h', siteId: 'I1', flags: null }),
      ],
      context,
    );
    const ids = (presence: 'all' | 'flagged' | 'clean') =>
      filterRows(rows, { ...NO_FILTER, presence })
        .map((row) => row.inspectionId)
        .sort();
    expect(ids('flagged')).toEqual(['f']);
    expect(ids('clean')).toEqual(['g']);
    expect(ids('all')).toEqual(['f', 'g', 'h']);
    expect(filterFromSearch(filterToSearch({ ...NO_FILTER, presence: 'flagged' })).presence).toBe('flagged');
  });
});
