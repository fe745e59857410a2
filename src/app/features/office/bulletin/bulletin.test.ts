/**
 * The bulletin's wording for the round of the seed story (Pingdingshan, July 2021: 6 centers,
 * 43 institutes, 115 stations in six districts; 32 institutes and 92 stations with full marks,
 * no center; 1 center, 11 institutes and 23 stations to rectify within 15 days), built from the
 * domain's report, and for the edge cases (nothing inspected, nobody to rectify, a partial round).
 */
import { describe, expect, it } from 'vitest';
import { buildRoundReport, type InspectionResult, type ReportSite } from '../../../../domain/report';
import type { SiteType } from '../../../../domain/rubric';
import { scoreInspection } from '../../../../domain/scoring';
import { answersFor, RUBRIC_2021 } from '../../../../domain/test-fixtures';
import { seedStory } from '../../../../domain/test-seed-story';
import {
  buildBulletin,
  chineseDateRange,
  chineseOrdinal,
  countByType,
  problemsByRequirement,
  type BulletinInput,
} from './bulletin';

const TITLES = new Map(
  Object.values(RUBRIC_2021)
    .flatMap((file) => file.items)
    .map((item) => [item.id, item.title]),
);
const titleOf = (itemId: string) => TITLES.get(itemId) ?? itemId;
const ROUND = {
  name: '2021年7月新时代文明实践阵地模拟测评',
  startsOn: '2021-07-05',
  endsOn: '2021-07-19',
  rectifyBelow: 90,
  rectifyDays: 15,
};

function story(options: { skip?: (site: ReportSite) => boolean } = {}): BulletinInput {
  const sites: ReportSite[] = [];
  const names = new Map<string, { name: string; type: SiteType; district: string }>();
  const results: InspectionResult[] = [];
  for (const { site: planned, grades, submittedAt } of seedStory({ C06: 'B' })) {
    const site: ReportSite = { id: planned.id, type: planned.type, district: planned.district };
    sites.push(site);
    names.set(site.id, { name: `${site.district}${site.id}`, type: site.type, district: site.district });
    if (options.skip?.(site)) continue;
    const scored = scoreInspection(RUBRIC_2021[site.type].items, answersFor(site.type, grades));
    results.push({ inspectionId: `i-${site.id}`, revision: 1, siteId: site.id, submittedAt, ...scored });
  }
  const report = buildRoundReport({ round: { id: 'R', ...ROUND }, sites, results, itemTitle: titleOf });
  return {
    round: ROUND,
    report,
    sites: names,
    scores: new Map(results.map((result) => [result.siteId, result.score])),
    itemTitle: titleOf,
    issuedOn: '2021-07-21',
  };
}

describe('bulletin wording', () => {
  const bulletin = buildBulletin(story());

  it('titles the bulletin and opens with the dates and the coverage', () => {
    expect(bulletin.title).toBe('关于2021年7月新时代文明实践阵地模拟测评情况的通报');
    expect(bulletin.opening).toBe(
      '2021年7月5日至19日，市创文办组织对全市新时代文明实践中心（所、站）开展了全覆盖模拟测评' +
        '（2021年7月新时代文明实践阵地模拟测评）。现将测评情况通报如下：',
    );
    expect(bulletin.overview.heading).toBe('一、总体情况');
    expect(bulletin.overview.paragraphs[0]).toBe(
      '本次模拟测评共覆盖6个县（市、区）的6个中心、43个所、115个站，已全部完成测评（满分100分）。',
    );
  });

  it('states full marks per type, “no center”, and the averages from the report', () => {
    const { center, institute, station } = story().report.byType;
    expect(bulletin.overview.paragraphs[1]).toBe(
      `从测评结果看，32个所、92个站获得满分，中心无一满分；中心、所、站的平均得分分别为` +
        `${center.averageScore}分、${institute.averageScore}分、${station.averageScore}分。`,
    );
  });

  it('names who must rectify within how many days', () => {
    expect(bulletin.overview.paragraphs[2]).toBe(
      '按照“测评得分低于90分须限期整改”的要求，1个中心、11个所、23个站须限期15天整改（自测评之日起计算），' +
        '具体名单及整改期限见附件。',
    );
    expect(bulletin.requirements.paragraphs[0]).toContain('自测评之日起15天内');
  });

  it('ranks the districts with their averages, in the report’s order', () => {
    const { byDistrict } = story().report;
    expect(bulletin.ranking.paragraphs[0]).toBe(
      `按点位平均得分，各县（市、区）排名依次为：${byDistrict
        .map((row) => `${row.district}（${row.averageScore}分）`)
        .join('、')}。`,
    );
    expect(bulletin.ranking.rows[0]).toMatchObject({ rank: '1', district: '新华区', sites: 29, fullMarks: 28 });
    expect(bulletin.ranking.rows.map((row) => row.district)).toEqual(byDistrict.map((row) => row.district));
  });

  it('lists the common problems by requirement, the same requirement on each type counted once', () => {
    expect(bulletin.problems.paragraphs).toEqual(['测评发现的问题主要集中在以下7个方面：']);
    expect(bulletin.problems.items).toEqual([
      '（一）公益广告完好：23个点位在该项失分。',
      '（二）室内卫生：23个点位在该项失分。', // T18 室内卫生（无积尘）
      '（三）设立志愿服务站：12个点位在该项失分。', // I09 at 11 institutes, C09 设立志愿服务站（岗） at 1 center
      '（四）场所未被挤占挪用：11个点位在该项失分。',
      '（五）组织架构上墙：5个点位在该项失分。',
      '（六）独立阵地：1个点位在该项失分。',
      '（七）志愿者在岗：1个点位在该项失分。',
    ]);
  });

  it('adds up the sites of one requirement across site types, and drops the qualifier in （）', () => {
    const problem = (itemId: string, sites: number) => ({ itemId, title: titleOf(itemId), sites });
    expect(
      problemsByRequirement([
        problem('T16', 7),
        problem('T18', 7),
        problem('I17', 4),
        problem('I19', 4),
        problem('T20', 9),
      ]),
    ).toEqual([
      { title: '公益广告完好', sites: 11 },
      { title: '室内卫生', sites: 11 },
      { title: '垃圾分类、禁烟与消防', sites: 9 },
    ]);
  });

  it('attaches the 35 sites to rectify, by district, with their problems and due dates', () => {
    const rows = bulletin.attachment.rows;
    expect(bulletin.attachment.heading).toBe('附件：限期整改点位名单');
    expect(rows).toHaveLength(1 + 11 + 23);
    const center = rows.find((row) => row.type === '中心')!;
    // Submitted at 01:30 on 19 July in Shanghai: due 3 August.
    expect(center).toMatchObject({ district: '示范区', score: '79', dueOn: '2021年8月3日' });
    expect(center.problems).toBe([titleOf('C01'), titleOf('C09'), titleOf('C11')].join('；'));
    const station = rows.find((row) => row.type === '站')!;
    expect(station).toMatchObject({ score: '86', dueOn: '2021年7月20日' });
    expect(rows.map((row) => row.index)).toEqual(rows.map((_, index) => index + 1));
    expect(bulletin.issuedOn).toBe('2021年7月21日');
    expect(bulletin.issuer).toBe('市创文办');
  });

  it('says so when a round is partly inspected and names districts without results', () => {
    const partial = buildBulletin(story({ skip: (site) => site.district === '高新区' }));
    expect(partial.opening).toContain('开展了模拟测评（');
    expect(partial.overview.paragraphs[0]).toContain('已测评137个点位');
    expect(partial.overview.paragraphs).toContain('另有27个点位尚未测评，完成后另行通报。');
    expect(partial.ranking.paragraphs[1]).toBe('高新区尚无测评结果，暂不排名。');
    expect(partial.ranking.rows.find((row) => row.district === '高新区')).toMatchObject({
      rank: '—',
      averageScore: '—',
    });
  });

  it('handles a round with nobody to rectify and one where every deduction counts', () => {
    const base = story();
    const clean = buildBulletin({
      ...base,
      report: {
        ...base.report,
        byType: {
          center: { ...base.report.byType.center, toRectify: 0 },
          institute: { ...base.report.byType.institute, toRectify: 0 },
          station: { ...base.report.byType.station, toRectify: 0 },
        },
        rectifications: [],
      },
    });
    expect(clean.overview.paragraphs[2]).toBe('按照“测评得分低于90分须限期整改”的要求，本次测评无须限期整改的点位。');
    expect(clean.attachment.rows).toEqual([]);
    const strict = buildBulletin({ ...base, round: { ...ROUND, rectifyBelow: 100, rectifyDays: 10 } });
    expect(strict.overview.paragraphs[2]).toMatch(/^按照“存在失分项即须限期整改”的要求，.*须限期10天整改/);
  });

  it('says nothing was found when a round has no result yet', () => {
    const empty = buildBulletin(story({ skip: () => true }));
    expect(empty.overview.paragraphs).toEqual([
      '本次模拟测评共覆盖6个县（市、区）的6个中心、43个所、115个站，已测评0个点位（满分100分）。',
    ]);
    expect(empty.problems.paragraphs).toEqual(['本次测评未发现失分问题。']);
    // In the report's order (pinyin).
    expect(empty.ranking.paragraphs).toEqual([
      '高新区、石龙区、示范区、卫东区、新华区、湛河区尚无测评结果，暂不排名。',
    ]);
  });
});

describe('bulletin helpers', () => {
  it('writes date ranges the Chinese way', () => {
    expect(chineseDateRange('2021-07-15', '2021-07-31')).toBe('2021年7月15日至31日');
    expect(chineseDateRange('2021-07-15', '2021-08-02')).toBe('2021年7月15日至8月2日');
    expect(chineseDateRange('2021-12-28', '2022-01-05')).toBe('2021年12月28日至2022年1月5日');
    expect(chineseDateRange('2021-07-15', '2021-07-15')).toBe('2021年7月15日');
  });

  it('counts by type and numbers sections', () => {
    expect(countByType({ center: 1, institute: 0, station: 23 })).toBe('1个中心、23个站');
    expect(countByType({})).toBe('');
    expect([0, 1, 9, 10, 11, 19].map(chineseOrdinal)).toEqual(['一', '二', '十', '十一', '十二', '二十']);
  });
});
