/**
 * The round of the seed story (Pingdingshan, July 2021): 6 centers, 43 institutes and 115
 * stations in six districts; 32 institutes and 92 stations with full marks, no center; with a
 * threshold of 90, 1 center, 11 institutes and 23 stations must rectify within 15 days.
 * Every inspection is scored by the real rubric, then the report is built and checked.
 */
import { describe, expect, it } from 'vitest';
import type { AnswerGrade } from './grades';
import { buildRoundReport, latestResults, type InspectionResult, type ReportSite } from './report';
import type { SiteType } from './rubric';
import { scoreInspection } from './scoring';
import { answersFor, RUBRIC_2021 } from './test-fixtures';

const DISTRICTS = ['新华区', '卫东区', '湛河区', '石龙区', '高新区', '示范区'] as const;
// Per district: [institutes, of them not full], [stations, of them not full].
const LAYOUT: Record<(typeof DISTRICTS)[number], { institutes: [number, number]; stations: [number, number] }> = {
  新华区: { institutes: [8, 0], stations: [20, 0] },
  卫东区: { institutes: [8, 1], stations: [20, 2] },
  湛河区: { institutes: [7, 2], stations: [19, 4] },
  石龙区: { institutes: [7, 2], stations: [19, 5] },
  高新区: { institutes: [7, 3], stations: [19, 6] },
  示范区: { institutes: [6, 3], stations: [18, 6] },
};
// Findings: a small one on every center (98.98), a poor center (79), and institutes and
// stations that lose 14 points on two items (86).
const CENTER_MINOR = { C06: 'B' } as const;
const CENTER_POOR = { C01: 'C#', C09: 'C#', C11: 'C#' } as const;
const INSTITUTE_POOR = { I04: 'C#', I09: 'C#' } as const;
const STATION_POOR = { T16: 'C#', T18: 'C#' } as const;

const SUBMITTED = '2021-07-05T02:00:00Z'; // 10:00 in Shanghai, 5 July
const SUBMITTED_AFTER_MIDNIGHT = '2021-07-18T17:30:00Z'; // 01:30 in Shanghai, 19 July

function seedRound() {
  const sites: ReportSite[] = [];
  const results: InspectionResult[] = [];
  const inspect = (site: ReportSite, overrides: Record<string, AnswerGrade>, submittedAt = SUBMITTED) => {
    sites.push(site);
    const { score, fullMarks, deductions } = scoreInspection(
      RUBRIC_2021[site.type].items,
      answersFor(site.type, overrides),
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
  };
  DISTRICTS.forEach((district, d) => {
    const site = (type: SiteType, n: number): ReportSite => ({ id: `${type[0]}${d + 1}-${n}`, type, district });
    const poorCenter = district === '示范区';
    inspect(
      site('center', 1),
      poorCenter ? CENTER_POOR : CENTER_MINOR,
      poorCenter ? SUBMITTED_AFTER_MIDNIGHT : SUBMITTED,
    );
    const { institutes, stations } = LAYOUT[district];
    for (let n = 1; n <= institutes[0]; n++) inspect(site('institute', n), n <= institutes[1] ? INSTITUTE_POOR : {});
    for (let n = 1; n <= stations[0]; n++) inspect(site('station', n), n <= stations[1] ? STATION_POOR : {});
  });
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
    submittedAt: SUBMITTED,
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

  it('of two devices, the later submission counts and both stay', () => {
    const inputs = [
      result({ inspectionId: 'phone-a', submittedAt: '2021-07-05T03:00:00Z', score: 70 }),
      result({ inspectionId: 'phone-b', submittedAt: '2021-07-05T02:00:00Z', score: 95 }),
    ];
    expect(latestResults(inputs).get('s1')!.inspectionId).toBe('phone-a');
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
