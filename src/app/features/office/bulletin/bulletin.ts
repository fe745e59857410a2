/**
 * The wording of the bulletin (通报), generated from the round report the way city
 * civilization offices write them: an opening with the dates, 一、总体情况 (coverage by site
 * type, full marks, averages, who must rectify within how many days), 二、排名情况, 三、存在的主要
 * 问题, 四、整改要求, the issuer and date, and an attachment listing the sites that must rectify
 * with their due dates.
 *
 * Pure: every figure comes from the report (`buildRoundReport`'s output, as the server sends it)
 * and the sites' scores; nothing is recomputed. Always Chinese: it is an official document.
 */
import { SITE_TYPE_ORDER, SITE_TYPE_SHORT } from '../../../../domain/item-sheet';
import type { CommonProblem, RoundReport } from '../../../../domain/report';
import { SITE_TYPES, type SiteType } from '../../../../domain/rubric';
import type { Round, Site } from '../../../../domain/wire';

export const TYPE_SHORT = SITE_TYPE_SHORT;
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Column heads of the bulletin's tables (part of the document, so always Chinese). */
export const RANKING_HEADER = ['排名', '县（市、区）', '点位数', '已测评', '满分', '须整改', '平均分'] as const;
export const ATTACHMENT_HEADER = ['序号', '县（市、区）', '点位名称', '类型', '得分', '失分项目', '整改期限'] as const;

export interface BulletinInput {
  round: Pick<Round, 'name' | 'startsOn' | 'endsOn' | 'rectifyBelow' | 'rectifyDays'>;
  report: RoundReport;
  sites: ReadonlyMap<string, Pick<Site, 'name' | 'type' | 'district'>>;
  /** Each inspected site's score (its result's). */
  scores: ReadonlyMap<string, number>;
  itemTitle: (itemId: string) => string;
  /** `YYYY-MM-DD`, the bulletin's date. */
  issuedOn: string;
  issuer?: string;
  /** How many common problems section 三 names. */
  problemCount?: number;
}

export interface BulletinRankingRow {
  rank: string;
  district: string;
  sites: number;
  inspected: number;
  fullMarks: number;
  toRectify: number;
  averageScore: string;
}

export interface BulletinRectifySite {
  index: number;
  district: string;
  name: string;
  type: string;
  score: string;
  problems: string;
  dueOn: string;
}

export interface BulletinSection {
  heading: string;
  paragraphs: string[];
}

export interface Bulletin {
  title: string;
  salutation: string;
  opening: string;
  overview: BulletinSection;
  ranking: BulletinSection & { rows: BulletinRankingRow[] };
  problems: BulletinSection & { items: string[] };
  requirements: BulletinSection;
  issuer: string;
  issuedOn: string;
  attachment: { heading: string; rows: BulletinRectifySite[] };
}

/** `2021年7月15日`. */
export function chineseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

/** `2021年7月15日至31日`, `2021年7月15日至8月2日`, `2021年12月28日至2022年1月5日`. */
export function chineseDateRange(startsOn: string, endsOn: string): string {
  if (startsOn === endsOn) return chineseDate(startsOn);
  const [y1, m1] = startsOn.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = endsOn.split('-').map(Number) as [number, number, number];
  const end = y1 !== y2 ? chineseDate(endsOn) : m1 !== m2 ? `${m2}月${d2}日` : `${d2}日`;
  return `${chineseDate(startsOn)}至${end}`;
}

/** `93.41分`. */
export function points(score: number): string {
  return `${score}分`;
}

/** `6个中心、43个所、115个站` for the types with a non-zero count. */
export function countByType(counts: Partial<Record<SiteType, number>>): string {
  return SITE_TYPES.filter((type) => (counts[type] ?? 0) > 0)
    .map((type) => `${counts[type]}个${TYPE_SHORT[type]}`)
    .join('、');
}

/** 一, 二, … 十, 十一, … for a 0-based index. */
export function chineseOrdinal(index: number): string {
  const n = index + 1;
  if (n <= 10) return NUMERALS[n - 1]!;
  if (n < 20) return `十${NUMERALS[n - 11]!}`;
  if (n < 100) return `${NUMERALS[Math.floor(n / 10) - 1]!}十${n % 10 === 0 ? '' : NUMERALS[(n % 10) - 1]!}`;
  return String(n);
}

export function buildBulletin(input: BulletinInput): Bulletin {
  const { round, report } = input;
  const issuer = input.issuer ?? '市创文办';
  const types = SITE_TYPES.filter((type) => report.byType[type].sites > 0);
  const total = (key: 'sites' | 'inspected' | 'fullMarks' | 'toRectify') =>
    types.reduce((sum, type) => sum + report.byType[type][key], 0);
  const districtCount = report.byDistrict.length;
  const complete = total('inspected') === total('sites') && total('sites') > 0;

  const opening =
    `${chineseDateRange(round.startsOn, round.endsOn)}，${issuer}组织对全市新时代文明实践中心（所、站）` +
    `开展了${complete ? '全覆盖' : ''}模拟测评（${round.name}）。现将测评情况通报如下：`;

  // 一、总体情况
  const overview: string[] = [];
  const coverage = countByType(Object.fromEntries(types.map((type) => [type, report.byType[type].sites])));
  overview.push(
    total('sites') === 0
      ? '本次模拟测评尚未确定测评点位。'
      : `本次模拟测评共覆盖${districtCount}个县（市、区）的${coverage}，` +
          `${complete ? '已全部完成测评' : `已测评${total('inspected')}个点位`}（满分100分）。`,
  );
  const inspectedTypes = types.filter((type) => report.byType[type].inspected > 0);
  if (inspectedTypes.length > 0) {
    const full = countByType(Object.fromEntries(inspectedTypes.map((type) => [type, report.byType[type].fullMarks])));
    const none = inspectedTypes.filter((type) => report.byType[type].fullMarks === 0).map((type) => TYPE_SHORT[type]);
    const fullSentence =
      full === '' ? '无点位获得满分' : `${full}获得满分${none.length > 0 ? `，${none.join('、')}无一满分` : ''}`;
    const averages = inspectedTypes.map((type) => points(report.byType[type].averageScore ?? 0));
    const averageSentence =
      inspectedTypes.length === 1
        ? `${TYPE_SHORT[inspectedTypes[0]!]}的平均得分为${averages[0]}`
        : `${inspectedTypes.map((type) => TYPE_SHORT[type]).join('、')}的平均得分分别为${averages.join('、')}`;
    overview.push(`从测评结果看，${fullSentence}；${averageSentence}。`);
  }
  const missing = total('sites') - total('inspected');
  if (missing > 0 && total('inspected') > 0) overview.push(`另有${missing}个点位尚未测评，完成后另行通报。`);
  if (total('inspected') > 0) {
    const rule =
      round.rectifyBelow >= 100 ? '“存在失分项即须限期整改”' : `“测评得分低于${round.rectifyBelow}分须限期整改”`;
    const toRectify = countByType(Object.fromEntries(types.map((type) => [type, report.byType[type].toRectify])));
    overview.push(
      toRectify === ''
        ? `按照${rule}的要求，本次测评无须限期整改的点位。`
        : `按照${rule}的要求，${toRectify}须限期${round.rectifyDays}天整改（自测评之日起计算），` +
            '具体名单及整改期限见附件。',
    );
  }

  // 二、排名情况
  const ranked = report.byDistrict.filter((row) => row.rank !== null);
  const unranked = report.byDistrict.filter((row) => row.rank === null).map((row) => row.district);
  const rankingText: string[] = [];
  if (ranked.length > 0) {
    rankingText.push(
      `按点位平均得分，各县（市、区）排名依次为：${ranked
        .map((row) => `${row.district}（${points(row.averageScore!)}）`)
        .join('、')}。`,
    );
  }
  if (unranked.length > 0) rankingText.push(`${unranked.join('、')}尚无测评结果，暂不排名。`);
  const rows = report.byDistrict.map((row) => ({
    rank: row.rank === null ? '—' : String(row.rank),
    district: row.district,
    sites: row.sites,
    inspected: row.inspected,
    fullMarks: row.fullMarks,
    toRectify: row.toRectify,
    averageScore: row.averageScore === null ? '—' : String(row.averageScore),
  }));

  // 三、存在的主要问题
  const problems = problemsByRequirement(report.commonProblems).slice(0, input.problemCount ?? 8);
  const problemItems = problems.map(
    (problem, index) => `（${chineseOrdinal(index)}）${problem.title}：${problem.sites}个点位在该项失分。`,
  );
  const problemIntro =
    problems.length === 0 ? ['本次测评未发现失分问题。'] : [`测评发现的问题主要集中在以下${problems.length}个方面：`];

  // 四、整改要求
  const requirements = [
    `各县（市、区）要对照问题清单，举一反三，逐项整改、逐一销号，确保在整改期限内（自测评之日起${round.rectifyDays}天内）` +
      `整改到位，并将整改情况报${issuer}。${issuer}将组织复查组对整改情况逐一复查，对整改不到位的予以通报批评。`,
  ];

  return {
    title: `关于${round.name}情况的通报`,
    salutation: '各县（市、区）创文办：',
    opening,
    overview: { heading: '一、总体情况', paragraphs: overview },
    ranking: { heading: '二、排名情况', paragraphs: rankingText, rows },
    problems: { heading: '三、存在的主要问题', paragraphs: problemIntro, items: problemItems },
    requirements: { heading: '四、整改要求', paragraphs: requirements },
    issuer,
    issuedOn: chineseDate(input.issuedOn),
    attachment: { heading: '附件：限期整改点位名单', rows: rectifySites(input) },
  };
}

/**
 * Section 三 names problems, not rubric items: the same requirement on centers, institutes and
 * stations (C18, I17 and T16 are all 公益广告完好; T18 室内卫生（无积尘） is I19 室内卫生 with
 * its qualifier) is one problem, its sites added up (a site has one type: none counts twice).
 * The title is the requirement without a trailing qualifier in （）; ties keep the report's order.
 */
export function problemsByRequirement(problems: readonly CommonProblem[]): { title: string; sites: number }[] {
  const sitesByTitle = new Map<string, number>();
  for (const problem of problems) {
    const title = problem.title.replace(/（[^（）]*）$/, '');
    sitesByTitle.set(title, (sitesByTitle.get(title) ?? 0) + problem.sites);
  }
  return [...sitesByTitle].map(([title, sites]) => ({ title, sites })).sort((a, b) => b.sites - a.sites);
}

function rectifySites(input: BulletinInput): BulletinRectifySite[] {
  const bySite = new Map<string, { items: string[]; dueOn: string }>();
  for (const rectification of input.report.rectifications) {
    const entry = bySite.get(rectification.siteId) ?? { items: [], dueOn: rectification.dueOn };
    entry.items.push(input.itemTitle(rectification.itemId));
    if (rectification.dueOn < entry.dueOn) entry.dueOn = rectification.dueOn;
    bySite.set(rectification.siteId, entry);
  }
  return [...bySite]
    .map(([siteId, entry]) => ({ siteId, site: input.sites.get(siteId), ...entry }))
    .sort(
      (a, b) =>
        (a.site?.district ?? '').localeCompare(b.site?.district ?? '', 'zh-CN') ||
        (a.site ? SITE_TYPE_ORDER[a.site.type] : 9) - (b.site ? SITE_TYPE_ORDER[b.site.type] : 9) ||
        a.siteId.localeCompare(b.siteId),
    )
    .map((entry, index) => {
      const score = input.scores.get(entry.siteId);
      return {
        index: index + 1,
        district: entry.site?.district ?? '',
        name: entry.site?.name ?? entry.siteId,
        type: entry.site ? TYPE_SHORT[entry.site.type] : '',
        score: score === undefined ? '—' : String(score),
        // '；' between items: some titles hold a '、' themselves (宣传内容准确、时效).
        problems: entry.items.join('；'),
        dueOn: chineseDate(entry.dueOn),
      };
    });
}
