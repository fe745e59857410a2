/**
 * The round of the seed story (Pingdingshan, July 2021): 6 centers, 43 institutes and 115
 * stations in six districts; 32 institutes and 92 stations with full marks, no center; with a
 * threshold of 90, 1 center, 11 institutes and 23 stations must rectify within 15 days.
 * Every inspection is scored by the real rubric, then the report is built and checked.
 */
import { describe, expect, it } from 'vitest';
import { buildRoundReport, latestResults, type InspectionResult, type ReportSite } from './report';
import { scoreInspection } from './scoring';
import { SEED_SUBMITTED, seedStory } from './test-seed-story';
import { answersFor, RUBRIC_2021 } from './test-fixtures';

// The small finding on every center but the poor one: B on C06 (98.98).
const CENTER_MINOR = { C06: 'B' } as const;

function seedRound() {
  const sites: ReportSite[] = [];
  const results: InspectionResult[] = [];
  for (const { site, grades, submittedAt } of seedStory(CENTER_MINOR)) {
    sites.push({ id: site.id, type: site.type, district: site.district });
    const { score, fullMarks, deductions } = scoreInspection(
      RUBRIC_2021[site.type].items,
      answersFor(site.type, grades),
    );
    results.push({
      inspectionId: `i-${site.id}`,
      revision: 1,
      siteId: site.id,
      submittedAt,
      score,
      fullMarks,
      deductions,
    });
  }
  return { sites, results };
}

const round = { id: 'R2021-07', rectifyBelow: 90, rectifyDays: 15 };
const titleOf = (itemId: string) =>
  Object.values(RUBRIC_2021)
    .flatMap((file) => file.items)
    .find((item) => item.id === itemId)!.title;

describe('the round report of the seed story', () => {
  const { sites, results } = seedRound();
  const report = buildRoundReport({ round, sites, results, itemTitle: titleOf });

  it('counts sites, full marks and sites to rectify per type', () => {
    expect(report.byType).toEqual({
      center: { sites: 6, inspected: 6, fullMarks: 0, toRectify: 1, averageScore: 95.65 },
      institute: { sites: 43, inspected: 43, fullMarks: 32, toRectify: 11, averageScore: 96.42 },
      station: { sites: 115, inspected: 115, fullMarks: 92, toRectify: 23, averageScore: 97.2 },
    });
  });

  it('ranks the six districts by average score', () => {
    expect(
      report.byDistrict.map(({ district, rank, averageScore, sites, toRectify }) => ({
        district,
        rank,
        averageScore,
        sites,
        toRectify,
      })),
    ).toEqual([
      { district: '新华区', rank: 1, averageScore: 99.96, sites: 29, toRectify: 0 },
      { district: '卫东区', rank: 2, averageScore: 98.52, sites: 29, toRectify: 3 },
      { district: '湛河区', rank: 3, averageScore: 96.85, sites: 27, toRectify: 6 },
      { district: '石龙区', rank: 4, averageScore: 96.33, sites: 27, toRectify: 7 },
      { district: '高新区', rank: 5, averageScore: 95.3, sites: 27, toRectify: 9 },
      { district: '示范区', rank: 6, averageScore: 94.12, sites: 25, toRectify: 10 },
    ]);
  });

  it('orders common problems by the number of sites that lost points on them', () => {
    expect(report.commonProblems.map(({ itemId, sites }) => [itemId, sites])).toEqual([
      ['T16', 23],
      ['T18', 23],
      ['I04', 11],
      ['I09', 11],
      ['C06', 5],
      ['C01', 1],
      ['C09', 1],
      ['C11', 1],
    ]);
    expect(report.commonProblems[0]!.title).toBe(titleOf('T16'));
  });

  it('lists one open rectification per deducted item of every site under the threshold, due in Shanghai days', () => {
    expect(report.rectifications).toHaveLength(3 + 11 * 2 + 23 * 2);
    const poorCenter = report.rectifications.filter((r) => r.siteId === 'c6-1');
    expect(poorCenter).toEqual([
      { id: 'R2021-07~c6-1~C01', siteId: 'c6-1', itemId: 'C01', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
      { id: 'R2021-07~c6-1~C09', siteId: 'c6-1', itemId: 'C09', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
      { id: 'R2021-07~c6-1~C11', siteId: 'c6-1', itemId: 'C11', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
    ]);
    expect(report.rectifications.filter((r) => r.siteId !== 'c6-1').every((r) => r.dueOn === '2021-07-20')).toBe(true);
    expect(report.rectifications.some((r) => r.siteId.startsWith('c') && r.siteId !== 'c6-1')).toBe(false);
  });

  it('takes stored rectification state when the caller has it', () => {
    const withState = buildRoundReport({
      round,
      sites,
      results,
      itemTitle: titleOf,
      rectificationState: (siteId, itemId) =>
        siteId === 'c6-1' && itemId === 'C09' ? { id: 'rect-9', status: 'closed' } : undefined,
    });
    expect(withState.rectifications.find((r) => r.itemId === 'C09')).toMatchObject({ id: 'rect-9', status: 'closed' });
  });

  it('with threshold 100 every deduction must be rectified', () => {
    const strict = buildRoundReport({ round: { ...round, rectifyBelow: 100 }, sites, results, itemTitle: titleOf });
    expect([
      strict.byType.center.toRectify,
      strict.byType.institute.toRectify,
      strict.byType.station.toRectify,
    ]).toEqual([6, 11, 23]);
  });
});

describe('which inspection counts', () => {
  const site: ReportSite = { id: 's1', type: 'station', district: '新华区' };
  const result = (over: Partial<InspectionResult>): InspectionResult => ({
    inspectionId: 'a',
    revision: 1,
    siteId: 's1',
    submittedAt: SEED_SUBMITTED,
    score: 100,
    fullMarks: true,
    deductions: [],
    ...over,
  });

  it('a later revision replaces the earlier one', () => {
    const latest = latestResults([
      result({ revision: 2, submittedAt: '2021-07-06T00:00:00Z', score: 93 }),
      result({ revision: 1, score: 80 }),
    ]);
    expect(latest.get('s1')!.score).toBe(93);
  });

  it('a higher revision replaces a lower one even when its device clock says earlier', () => {
    const latest = latestResults([
      result({ revision: 1, submittedAt: '2021-07-06T00:00:00Z', score: 80 }),
      result({ revision: 2, submittedAt: '2021-07-05T23:00:00Z', score: 93 }),
    ]);
    expect(latest.get('s1')!.revision).toBe(2);
  });

  it('of two devices, the later submission counts, whatever the order they are given in', () => {
    const inputs = [
      result({ inspectionId: 'phone-a', submittedAt: '2021-07-05T03:00:00Z', score: 70 }),
      result({ inspectionId: 'phone-b', submittedAt: '2021-07-05T02:00:00Z', score: 95 }),
    ];
    expect(latestResults(inputs).get('s1')!.inspectionId).toBe('phone-a');
    expect(latestResults([...inputs].reverse()).get('s1')!.inspectionId).toBe('phone-a');
  });

  it('of two submissions at the same moment, the one the server received later counts', () => {
    const inputs = [
      result({ inspectionId: 'phone-a', submittedAt: '2021-07-05T03:00:00Z', receivedAt: '2021-07-05T05:00:00Z' }),
      result({ inspectionId: 'phone-b', submittedAt: '2021-07-05T11:00:00+08:00', receivedAt: '2021-07-05T04:00:00Z' }),
    ];
    expect(latestResults(inputs).get('s1')!.inspectionId).toBe('phone-a');
    expect(latestResults([...inputs].reverse()).get('s1')!.inspectionId).toBe('phone-a');
  });

  it('counts sites in scope without an inspection, and ignores inspections of sites out of scope', () => {
    const report = buildRoundReport({
      round,
      sites: [site, { id: 's2', type: 'station', district: '卫东区' }],
      results: [
        result({ score: 80, fullMarks: false, deductions: [{ itemId: 'T01', grade: 'C#' }] }),
        result({ siteId: 'elsewhere' }),
      ],
      itemTitle: titleOf,
    });
    expect(report.byType.station).toEqual({ sites: 2, inspected: 1, fullMarks: 0, toRectify: 1, averageScore: 80 });
    expect(report.byType.center).toEqual({ sites: 0, inspected: 0, fullMarks: 0, toRectify: 0, averageScore: null });
    expect(report.byDistrict).toEqual([
      { district: '新华区', sites: 1, inspected: 1, fullMarks: 0, toRectify: 1, averageScore: 80, rank: 1 },
      { district: '卫东区', sites: 1, inspected: 0, fullMarks: 0, toRectify: 0, averageScore: null, rank: null },
    ]);
  });

  it('gives equal averages the same rank', () => {
    const report = buildRoundReport({
      round,
      sites: [
        site,
        { id: 's2', type: 'station', district: '卫东区' },
        { id: 's3', type: 'station', district: '湛河区' },
      ],
      results: [result({ score: 95 }), result({ siteId: 's2', score: 95 }), result({ siteId: 's3', score: 90 })],
      itemTitle: titleOf,
    });
    expect(report.byDistrict.map((row) => row.rank)).toEqual([1, 1, 3]);
  });
});
