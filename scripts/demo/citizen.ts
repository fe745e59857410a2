/**
 * The demo's citizens' reports, one story per state (issue #20): new (one of them overdue),
 * accepted, turned into a spot check, closed and rated, closed awaiting a rating, not accepted,
 * merged into another. Received and decided through the server's own services at fixed times
 * (as the routes call them); the proof of work is solved at zero bits, since no phone sends these.
 */
import { DEMO_ROUND, type DemoSite } from './sample';
import type { CitizenDecision, CitizenReport } from '../../src/domain/citizen-reports';
import type { SignedInUser } from '../../src/server/auth/guard';
import type { ServerContext } from '../../src/server/context';
import { citizenSecret, issueChallenge } from '../../src/server/services/citizen-proof';
import { rateReport, receiveReport } from '../../src/server/services/citizen-reports';
import { decide } from '../../src/server/services/citizen-triage';

interface DemoReport {
  key: string;
  site: number;
  category: CitizenReport['category'];
  description: string;
  receivedAt: string;
  decisions?: ((ids: Map<string, string>) => CitizenDecision)[];
  rating?: number;
}

const WIDE = { perHour: 1000, perDay: 1000, perSiteDay: 1000 };

function demoReports(spotInspector: string): DemoReport[] {
  return [
    {
      key: 'new-1',
      site: 0,
      category: 'closed_when_open',
      description: '周六上午十点仍大门紧锁，公示开放时间为9:00',
      receivedAt: '2021-08-09T02:10:00Z',
    },
    {
      key: 'new-2',
      site: 3,
      category: 'posters_damaged',
      description: '门口公益广告被雨水泡坏，字看不清',
      receivedAt: '2021-08-02T08:40:00Z',
    },
    {
      key: 'accepted',
      site: 5,
      category: 'unclean',
      description: '活动室地面有垃圾，卫生间无人打扫',
      receivedAt: '2021-08-04T03:00:00Z',
      decisions: [() => ({ action: 'accept' })],
    },
    {
      key: 'spot',
      site: 7,
      category: 'unattended',
      description: '工作日下午两点无人值守，电话也无人接听',
      receivedAt: '2021-08-05T06:30:00Z',
      decisions: [() => ({ action: 'spot_check', roundId: DEMO_ROUND.id, inspectorId: spotInspector })],
    },
    {
      key: 'closed-rated',
      site: 9,
      category: 'facility_damaged',
      description: '阅览室两把椅子断腿，有安全隐患',
      receivedAt: '2021-08-02T01:20:00Z',
      decisions: [() => ({ action: 'close', reply: '已责成站点更换损坏座椅，8月5日复核到位' })],
      rating: 5,
    },
    {
      key: 'closed',
      site: 11,
      category: 'closed_when_open',
      description: '晚上七点前就关门了',
      receivedAt: '2021-08-06T12:15:00Z',
      decisions: [() => ({ action: 'close', reply: '经核实，该站夏季开放至19:00，已在门口补充公示' })],
    },
    {
      key: 'rejected',
      site: 2,
      category: 'other',
      description: '附近小区停车难',
      receivedAt: '2021-08-03T09:00:00Z',
      decisions: [() => ({ action: 'reject', reason: '不属于新时代文明实践阵地的问题，建议通过12345反映' })],
    },
    {
      key: 'merged',
      site: 9,
      category: 'facility_damaged',
      description: '椅子坏了',
      receivedAt: '2021-08-02T03:45:00Z',
      decisions: [(ids) => ({ action: 'merge', into: ids.get('closed-rated')! })],
    },
  ];
}

/** Loads the demo reports; how many were created by this run and how many were there already. */
export async function loadCitizenReports(
  contextAt: (at: string) => ServerContext,
  sites: readonly DemoSite[],
  supervisor: SignedInUser,
  spotInspector: string,
  stableUuid: (name: string) => string,
): Promise<{ created: number; existing: number }> {
  const counts = { created: 0, existing: 0 };
  const ids = new Map<string, string>();
  for (const spec of demoReports(spotInspector)) {
    const site = sites[spec.site % sites.length]!;
    const ctx = contextAt(spec.receivedAt);
    const report: CitizenReport = {
      id: stableUuid(`citizen/${spec.key}`),
      siteId: site.id,
      category: spec.category,
      description: spec.description,
      photos: [],
      createdAt: spec.receivedAt,
    };
    ids.set(spec.key, report.id);
    const { challenge } = issueChallenge(await citizenSecret(ctx.db), ctx.now(), 0);
    const { created } = await receiveReport(
      ctx,
      { address: `demo-${spec.key}` },
      report,
      { challenge, nonce: '0' },
      { proofBits: 0, limits: { resident: WIDE, reporter: WIDE } },
    );
    counts[created ? 'created' : 'existing']++;
    if (!created) continue;
    // Decided a few hours later, rated the next day.
    const later = (hours: number) => new Date(Date.parse(spec.receivedAt) + hours * 3_600_000).toISOString();
    for (const [n, decision] of (spec.decisions ?? []).entries())
      await decide(contextAt(later(5 + n)), supervisor, report.id, decision(ids));
    if (spec.rating) await rateReport(contextAt(later(30)), report.id, spec.rating);
  }
  return counts;
}
