/**
 * Rectifications through the API: opened for each deducted item of a site that scores under
 * the round's `rectifyBelow`, due `rectifyDays` after the Shanghai date of submission; not
 * closed by a later inspection (only a recheck closes one); listed per role and filtered by
 * round and status; and what `GET /api/bootstrap` gives each role to work offline.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AssignedSiteResult } from '../domain/wire';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type Actor,
  type InspectionSpec,
  type RectificationView,
  type Team,
} from './test-support/api-harness';

const brief = (list: RectificationView[]) =>
  list.map(({ siteId, itemId, grade, dueOn, status }) => ({ siteId, itemId, grade, dueOn, status }));

describeEachEngine(
  'rectifications and bootstrap',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let inspector2: Actor;
    let rechecker2: Actor;

    const inspect = async (spec: InspectionSpec, actor: Actor = team.inspector) => {
      const submitted = await h.fx.submitInspection(actor.token, spec);
      expectStatus(submitted.response, 201, `inspection of ${spec.siteId}`);
      return submitted;
    };
    const ofRound = async (roundId: string, query = '') =>
      brief(await h.fx.rectifications(team.supervisor.token, `?roundId=${roundId}${query}`));

    beforeAll(async () => {
      team = await h.fx.team();
      [inspector2, rechecker2] = await Promise.all([
        h.fx.createUser(team.admin.token, 'inspector'),
        h.fx.createUser(team.admin.token, 'rechecker'),
      ]);
      const office = team.supervisor.token;
      await h.fx.upsertSites(office, [
        site('center', 'x-c1'),
        site('institute', 'x-i1', '卫东区', { parentId: 'x-c1' }),
        ...['x-s1', 'x-s2', 'x-s3', 'x-s4', 'x-s5'].map((id) => site('station', id, '湛河区', { parentId: 'x-i1' })),
      ]);
      await h.fx.createRound(office, { id: 'R-90', rectifyBelow: 90 });
      await h.fx.createRound(office, { id: 'R-7d', rectifyBelow: 90, rectifyDays: 7 });
      await h.fx.createRound(office, { id: 'R-100', rectifyBelow: 100 });
      const everyone = (roundId: string, siteIds: string[], users: Actor[]) =>
        h.fx.assign(
          office,
          roundId,
          siteIds.flatMap((siteId) => users.map((user) => ({ siteId, userId: user.id }))),
        );
      await everyone('R-90', ['x-c1', 'x-i1', 'x-s1', 'x-s2', 'x-s3'], [team.inspector, team.rechecker]);
      await everyone('R-7d', ['x-s4'], [inspector2, rechecker2]);
      await everyone('R-100', ['x-s5'], [inspector2]);
    });

    describe('opening', () => {
      it('opens one per deducted item of a site under rectifyBelow, due 15 days after the Shanghai date', async () => {
        // 86 points, submitted at 01:30 on 19 July in Shanghai (17:30 on the 18th in UTC).
        const poor = await inspect({
          roundId: 'R-90',
          siteId: 'x-s1',
          type: 'station',
          grades: { T16: 'C#', T18: 'C#' },
          submittedAt: '2021-07-19T01:30:00+08:00',
        });
        expect(poor.response.body.score).toBe(86);
        // 95 points: over the threshold, nothing to rectify.
        await inspect({ roundId: 'R-90', siteId: 'x-s2', type: 'station', grades: { T01: 'C#' } });
        // A center at 79.
        await inspect({
          roundId: 'R-90',
          siteId: 'x-c1',
          type: 'center',
          grades: { C01: 'C#', C09: 'C#', C11: 'C#' },
          submittedAt: '2021-07-05T23:59:59+08:00',
        });

        expect(await ofRound('R-90')).toEqual([
          { siteId: 'x-c1', itemId: 'C01', grade: 'C#', dueOn: '2021-07-20', status: 'open' },
          { siteId: 'x-c1', itemId: 'C09', grade: 'C#', dueOn: '2021-07-20', status: 'open' },
          { siteId: 'x-c1', itemId: 'C11', grade: 'C#', dueOn: '2021-07-20', status: 'open' },
          { siteId: 'x-s1', itemId: 'T16', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
          { siteId: 'x-s1', itemId: 'T18', grade: 'C#', dueOn: '2021-08-03', status: 'open' },
        ]);
        const t16 = (await h.fx.rectifications(team.supervisor.token)).find((r) => r.itemId === 'T16')!;
        expect(t16.id).toBe('R-90~x-s1~T16');
        expect(t16.beforePhotos).toEqual(poor.body.answers.find((a) => a.itemId === 'T16')!.photos);
        expect(t16.lastVerdict).toBeUndefined();
      });

      it("uses the round's rectifyDays", async () => {
        await inspect(
          {
            roundId: 'R-7d',
            siteId: 'x-s4',
            type: 'station',
            grades: { T09: 'C', T16: 'C#' },
            submittedAt: '2021-07-18T17:30:00Z',
          },
          inspector2,
        );
        expect(await ofRound('R-7d')).toEqual([
          { siteId: 'x-s4', itemId: 'T09', grade: 'C', dueOn: '2021-07-26', status: 'open' },
          { siteId: 'x-s4', itemId: 'T16', grade: 'C#', dueOn: '2021-07-26', status: 'open' },
        ]);
      });

      it('with rectifyBelow 100 every deduction must be rectified', async () => {
        const { response } = await inspect(
          { roundId: 'R-100', siteId: 'x-s5', type: 'station', grades: { T20: 'B' } },
          inspector2,
        );
        expect(response.body.score).toBe(98.98);
        expect(await ofRound('R-100')).toEqual([
          { siteId: 'x-s5', itemId: 'T20', grade: 'B', dueOn: '2021-07-20', status: 'open' },
        ]);
      });

      it('a score exactly at rectifyBelow does not rectify', async () => {
        // I09 (8 points) and I21 (2 points) at C#: 90 exactly.
        await inspect({ roundId: 'R-90', siteId: 'x-i1', type: 'institute', grades: { I09: 'C#', I21: 'C#' } });
        expect((await ofRound('R-90')).filter((r) => r.siteId === 'x-i1')).toEqual([]);
      });
    });

    describe('later inspections', () => {
      it('a later inspection that no longer deducts an item does not close it; it opens new ones', async () => {
        // x-s3: T16 and T18 at C# (86), then a later visit: T18 fixed, T01 now C# (81).
        const first = await inspect({
          roundId: 'R-90',
          siteId: 'x-s3',
          type: 'station',
          grades: { T16: 'C#', T18: 'C#' },
          submittedAt: '2021-07-05T02:00:00Z',
        });
        await inspect({
          id: first.body.id,
          revision: 2,
          roundId: 'R-90',
          siteId: 'x-s3',
          type: 'station',
          grades: { T16: 'C#', T01: 'C#', T03: 'C' },
          submittedAt: '2021-07-10T02:00:00Z',
        });
        // Items still deducted follow the latest finding (grade, due date); T18 stays as it was.
        expect((await ofRound('R-90')).filter((r) => r.siteId === 'x-s3')).toEqual([
          { siteId: 'x-s3', itemId: 'T18', grade: 'C#', dueOn: '2021-07-20', status: 'open' },
          { siteId: 'x-s3', itemId: 'T01', grade: 'C#', dueOn: '2021-07-25', status: 'open' },
          { siteId: 'x-s3', itemId: 'T03', grade: 'C', dueOn: '2021-07-25', status: 'open' },
          { siteId: 'x-s3', itemId: 'T16', grade: 'C#', dueOn: '2021-07-25', status: 'open' },
        ]);

        // Full marks later still closes nothing: only a recheck does.
        await inspect({
          id: first.body.id,
          revision: 3,
          roundId: 'R-90',
          siteId: 'x-s3',
          type: 'station',
          submittedAt: '2021-07-12T02:00:00Z',
        });
        const open = (await ofRound('R-90', '&status=open')).filter((r) => r.siteId === 'x-s3');
        expect(open.map((r) => r.itemId)).toEqual(['T18', 'T01', 'T03', 'T16']);
      });
    });

    describe('listing', () => {
      it('filters by round and by status', async () => {
        const all = await h.fx.rectifications(team.supervisor.token);
        expect(all.length).toBe(9 + 2 + 1);
        const [t16] = all.filter((r) => r.id === 'R-90~x-s1~T16');
        const [after] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'after' })]);
        const recheck = h.fx.recheck(t16!.id, { verdict: 'fixed', photos: [after!] });
        expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');

        const closed = await h.fx.rectifications(team.supervisor.token, '?status=closed');
        expect(closed.map((r) => r.id)).toEqual(['R-90~x-s1~T16']);
        expect(closed[0]).toMatchObject({ status: 'closed', lastVerdict: { id: recheck.id, verdict: 'fixed' } });
        expect((await h.fx.rectifications(team.supervisor.token, '?status=open')).length).toBe(all.length - 1);
        expect((await h.fx.rectifications(team.admin.token, '?roundId=R-7d&status=open')).map((r) => r.id)).toEqual([
          'R-7d~x-s4~T09',
          'R-7d~x-s4~T16',
        ]);
        expect(await h.fx.rectifications(team.supervisor.token, '?roundId=R-none')).toEqual([]);
      });

      it('a later inspection that still deducts a closed item leaves it closed and as it was', async () => {
        const closed = (await h.fx.rectifications(team.supervisor.token)).find((r) => r.id === 'R-90~x-s1~T16')!;
        expect(closed.status).toBe('closed');
        // Another visit still finds T16 wanting (now C, another due date, new photos) and T18 too: 88.31.
        const later = await inspect({
          roundId: 'R-90',
          siteId: 'x-s1',
          type: 'station',
          grades: { T16: 'C', T18: 'C#' },
          submittedAt: '2021-08-05T02:00:00Z',
        });
        expect(later.response.body.score).toBe(88.31);
        const after = await h.fx.rectifications(team.supervisor.token);
        expect(after.find((r) => r.id === 'R-90~x-s1~T16')).toEqual(closed);
        expect(after.find((r) => r.id === 'R-90~x-s1~T18')).toMatchObject({ status: 'open', dueOn: '2021-08-20' });
      });

      it('recheckers see only those of the sites assigned to them in that round; inspectors may not list', async () => {
        const mine = await h.fx.rectifications(team.rechecker.token);
        expect(new Set(mine.map((r) => r.roundId))).toEqual(new Set(['R-90']));
        expect(mine.length).toBe(9);
        expect((await h.fx.rectifications(rechecker2.token)).map((r) => r.id)).toEqual([
          'R-7d~x-s4~T09',
          'R-7d~x-s4~T16',
        ]);
        expect((await h.api.get('/api/rectifications', team.inspector.token)).status).toBe(403);
      });
    });

    describe('bootstrap', () => {
      interface Bootstrap {
        user: { id: string; role: string };
        rounds: { id: string }[];
        sites: { id: string }[];
        assignments: { roundId: string; siteId: string; userId: string }[];
        rubrics: Record<string, { version: string; types: Record<string, { items: unknown[] }> }>;
        rectifications: { id: string }[];
        results: AssignedSiteResult[];
      }
      const bootstrap = async (actor: Actor) => {
        const response = await h.api.get<Bootstrap>('/api/bootstrap', actor.token);
        return expectStatus(response, 200, 'bootstrap').body;
      };
      const ids = (list: { id: string }[]) => list.map((entry) => entry.id).sort();

      it('an inspector gets exactly their assigned sites, their assignments, those rounds and the rubric', async () => {
        const data = await bootstrap(team.inspector);
        expect(data.user).toMatchObject({ id: team.inspector.id, role: 'inspector' });
        expect(ids(data.sites)).toEqual(['x-c1', 'x-i1', 'x-s1', 'x-s2', 'x-s3']);
        expect(ids(data.rounds)).toEqual(['R-90']);
        expect(data.assignments.every((a) => a.userId === team.inspector.id)).toBe(true);
        expect(data.assignments).toHaveLength(5);
        expect(Object.keys(data.rubrics)).toEqual(['2021']);
        expect(Object.keys(data.rubrics['2021']!.types).sort()).toEqual(['center', 'institute', 'station']);
      });

      it('another inspector gets theirs only', async () => {
        const data = await bootstrap(inspector2);
        expect(ids(data.sites)).toEqual(['x-s4', 'x-s5']);
        expect(ids(data.rounds)).toEqual(['R-100', 'R-7d']);
      });

      it('a rechecker gets their sites and the rectifications of those sites', async () => {
        const data = await bootstrap(rechecker2);
        expect(ids(data.sites)).toEqual(['x-s4']);
        expect(ids(data.rectifications)).toEqual(['R-7d~x-s4~T09', 'R-7d~x-s4~T16']);
        const first = await bootstrap(team.rechecker);
        expect(first.rectifications).toHaveLength(9);
      });

      it('supervisors and admins get every site, round, assignment and rectification', async () => {
        for (const actor of [team.supervisor, team.admin]) {
          const data = await bootstrap(actor);
          expect(ids(data.sites)).toEqual(['x-c1', 'x-i1', 'x-s1', 'x-s2', 'x-s3', 'x-s4', 'x-s5']);
          expect(ids(data.rounds)).toEqual(['R-100', 'R-7d', 'R-90']);
          expect(data.assignments).toHaveLength(10 + 2 + 1);
          expect(data.rectifications).toHaveLength(12);
        }
      });

      it('a rechecker can fetch every before-photo of the rectifications in their bootstrap', async () => {
        const data = await bootstrap(team.rechecker);
        const list = await h.fx.rectifications(team.rechecker.token);
        expect(ids(data.rectifications)).toEqual(ids(list));
        const photos = list.flatMap((r) => r.beforePhotos);
        expect(photos.length).toBeGreaterThan(0);
        for (const sha of photos) {
          const response = await h.api.get(`/api/photos/${sha}`, team.rechecker.token);
          expect([response.status, sha256(response.bytes)]).toEqual([200, sha]);
        }
      });

      // Last: it adds sites and a round that the counts above do not expect.
      it("gives field users the current result of each assigned site, whoever's inspection it is", async () => {
        const office = team.supervisor.token;
        const [me, colleague] = await Promise.all([
          h.fx.createUser(team.admin.token, 'inspector'),
          h.fx.createUser(team.admin.token, 'inspector'),
        ]);
        await h.fx.upsertSites(office, [site('station', 'b-s1'), site('station', 'b-s2'), site('station', 'b-s3')]);
        await h.fx.createRound(office, { id: 'R-b', rectifyBelow: 90 });
        await h.fx.assign(office, 'R-b', [
          { siteId: 'b-s1', userId: me.id },
          { siteId: 'b-s1', userId: colleague.id },
          { siteId: 'b-s2', userId: me.id },
          { siteId: 'b-s3', userId: colleague.id },
        ]);
        expect((await bootstrap(me)).results).toEqual([]);

        // The colleague inspects b-s1 twice (the amendment counts) and b-s3 (not assigned to me).
        const first = await inspect({ roundId: 'R-b', siteId: 'b-s1', type: 'station' }, colleague);
        const amended = await inspect(
          { roundId: 'R-b', siteId: 'b-s1', type: 'station', id: first.body.id, revision: 2, grades: { T16: 'B' } },
          colleague,
        );
        await inspect({ roundId: 'R-b', siteId: 'b-s3', type: 'station' }, colleague);

        expect((await bootstrap(me)).results).toEqual([
          {
            roundId: 'R-b',
            siteId: 'b-s1',
            inspectionId: first.body.id,
            inspectorId: colleague.id,
            inspectorName: colleague.displayName,
            submittedAt: new Date(amended.body.submittedAt).toISOString(),
            score: amended.response.body.score,
          },
        ]);
        expect(amended.response.body.score).toBeLessThan(100);
        expect((await bootstrap(colleague)).results.map((r) => r.siteId)).toEqual(['b-s1', 'b-s3']);
        expect((await bootstrap(team.supervisor)).results).toEqual([]);
      });
    });
  },
  { openStorage: false },
);
