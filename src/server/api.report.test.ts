/**
 * The round report of the seed story (Pingdingshan, July 2021), built entirely through the API
 * of the real server: 6 districts, 6 centers / 43 institutes / 115 stations upserted, one round
 * with rectifyBelow 90, every site assigned to its district's inspector, every inspection PUT
 * with a photo for each deduction. 0 / 32 / 92 sites get full marks and 1 / 11 / 23 must
 * rectify, within 15 days in Shanghai dates. (src/domain/report.test.ts builds the same story in
 * memory; here the rubric only allows real grades, so the small center finding is C06 at C#.)
 */
import { beforeAll, expect, it } from 'vitest';
import { SEED_DISTRICTS, seedStory, type SeedDistrict } from '../domain/test-seed-story';
import type { SiteType } from '../domain/rubric';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  jpeg,
  useApiServer,
  type Actor,
  type RectificationView,
  type Team,
} from './test-support/api-harness';

// The small finding on every center but the poor one: C06 at C# (97).
const CENTER_MINOR = { C06: 'C#' } as const;
const ROUND = 'R2021-07';

/** Runs the tasks with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describeEachEngine(
  'the round report of the seed story, through the API',
  (engine) => {
    const h = useApiServer(engine);
    const plan = seedStory(CENTER_MINOR);
    let team: Team;
    let report: {
      roundId: string;
      byType: Record<SiteType, unknown>;
      byDistrict: Record<string, unknown>[];
      commonProblems: { itemId: string; title: string; sites: number }[];
      rectifications: (Omit<RectificationView, 'roundId' | 'beforePhotos'> & { grade: string })[];
    };

    beforeAll(async () => {
      team = await h.fx.team();
      const office = team.supervisor.token;
      const inspectors = new Map<SeedDistrict, Actor>();
      for (const district of SEED_DISTRICTS)
        inspectors.set(district, await h.fx.createUser(team.admin.token, 'inspector'));

      await h.fx.upsertSites(
        office,
        plan.map((entry) => entry.site),
      );
      await h.fx.createRound(office, { id: ROUND, name: '2021年7月新时代文明实践阵地模拟测评', rectifyBelow: 90 });
      await h.fx.assign(
        office,
        ROUND,
        plan.flatMap(({ site }) => [
          { siteId: site.id, userId: inspectors.get(site.district)!.id },
          { siteId: site.id, userId: team.rechecker.id },
        ]),
      );

      await inParallel(plan, 6, async ({ site, grades, submittedAt }) => {
        const inspector = inspectors.get(site.district)!;
        const { response, photos } = await h.fx.submitInspection(inspector.token, {
          roundId: ROUND,
          siteId: site.id,
          type: site.type,
          grades,
          submittedAt,
        });
        expectStatus(response, 201, `inspection of ${site.id}`);
        expect(photos.length).toBe(Object.keys(grades).length);
      });

      const response = await h.api.get<typeof report>(`/api/rounds/${ROUND}/report`, office);
      report = expectStatus(response, 200, 'report').body;
    }, 60_000);

    it('has the 164 sites of the story in six districts', () => {
      expect(plan.length).toBe(164);
      expect(report.roundId).toBe(ROUND);
    });

    it('counts sites, full marks and sites to rectify per type', () => {
      expect(report.byType).toEqual({
        center: { sites: 6, inspected: 6, fullMarks: 0, toRectify: 1, averageScore: 94 },
        institute: { sites: 43, inspected: 43, fullMarks: 32, toRectify: 11, averageScore: 96.42 },
        station: { sites: 115, inspected: 115, fullMarks: 92, toRectify: 23, averageScore: 97.2 },
      });
    });

    it('ranks the six districts by average score', () => {
      expect(report.byDistrict).toEqual([
        { district: '新华区', rank: 1, sites: 29, inspected: 29, fullMarks: 28, toRectify: 0, averageScore: 99.9 },
        { district: '卫东区', rank: 2, sites: 29, inspected: 29, fullMarks: 25, toRectify: 3, averageScore: 98.45 },
        { district: '湛河区', rank: 3, sites: 27, inspected: 27, fullMarks: 20, toRectify: 6, averageScore: 96.78 },
        { district: '石龙区', rank: 4, sites: 27, inspected: 27, fullMarks: 19, toRectify: 7, averageScore: 96.26 },
        { district: '高新区', rank: 5, sites: 27, inspected: 27, fullMarks: 17, toRectify: 9, averageScore: 95.22 },
        { district: '示范区', rank: 6, sites: 25, inspected: 25, fullMarks: 15, toRectify: 10, averageScore: 94.12 },
      ]);
    });

    it('orders the common problems by the number of sites that lost points on them', () => {
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
      const rubric = h.fx.rubrics.get('2021')!;
      const t16 = rubric.types.station.items.find((item) => item.id === 'T16')!;
      expect(report.commonProblems[0]!.title).toBe(t16.title);
    });

    it('lists one open rectification per deducted item of every site under 90, due 15 Shanghai days later', () => {
      expect(report.rectifications).toHaveLength(3 + 11 * 2 + 23 * 2);
      expect(report.rectifications.filter((r) => r.siteId === 'c6-1')).toEqual([
        { id: `${ROUND}~c6-1~C01`, siteId: 'c6-1', itemId: 'C01', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
        { id: `${ROUND}~c6-1~C09`, siteId: 'c6-1', itemId: 'C09', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
        { id: `${ROUND}~c6-1~C11`, siteId: 'c6-1', itemId: 'C11', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
      ]);
      const others = report.rectifications.filter((r) => r.siteId !== 'c6-1');
      expect(others.every((r) => r.dueOn === '2021-07-20' && r.status === 'open')).toBe(true);
      expect(others.some((r) => r.siteId.startsWith('c'))).toBe(false);
      const perType = { i: 0, s: 0 };
      for (const r of others) perType[r.siteId[0] as 'i' | 's'] += 1;
      expect(perType).toEqual({ i: 22, s: 46 });
    });

    it('stores the same rectifications it reports, and a recheck shows in the report', async () => {
      const stored = await h.fx.rectifications(team.supervisor.token, `?roundId=${ROUND}`);
      const key = (r: { id: string; dueOn: string; status: string }) => `${r.id} ${r.dueOn} ${r.status}`;
      expect(stored.map(key).sort()).toEqual(report.rectifications.map(key).sort());
      expect(stored.every((r) => r.beforePhotos.length === 1)).toBe(true);

      const [after] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'after' })]);
      const recheck = h.fx.recheck(`${ROUND}~c6-1~C09`, { verdict: 'fixed', photos: [after!] });
      expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');
      const again = await h.api.get<typeof report>(`/api/rounds/${ROUND}/report`, team.admin.token);
      expect(again.body.rectifications.find((r) => r.itemId === 'C09')).toMatchObject({ status: 'closed' });
      expect(again.body.byType).toEqual(report.byType);
    });

    it('filters the inspection list by round, district and type', async () => {
      const list = await h.api.get<{ siteId: string; score: number }[]>(
        `/api/inspections?roundId=${ROUND}&district=${encodeURIComponent('示范区')}&type=station`,
        team.supervisor.token,
      );
      expect(list.body).toHaveLength(18);
      expect(list.body.filter((row) => row.score === 86)).toHaveLength(6);
    });
  },
  { openStorage: false },
);
