/**
 * Published rankings on the real server: the office publishes a round's district ranking at an
 * unguessable link (256-bit token), anyone reads it without signing in — district figures only,
 * cut off at the moment of publication —, republishing keeps the link and moves the cut-off,
 * unpublishing makes the link a 404 for good. Field users can do none of it.
 */
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, site, useApiServer, type Team } from './test-support/api-harness';

interface PublicationView {
  token: string;
  url: string;
  publishedAt: string;
}

interface PublicRankingView {
  round: { name: string; startsOn: string; endsOn: string };
  publishedAt: string;
  issuer: string | null;
  districts: {
    district: string;
    sites: number;
    inspected: number;
    fullMarks: number;
    toRectify: number;
    averageScore: number | null;
    rank: number | null;
  }[];
}

describeEachEngine(
  'published rankings',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    const SITES = [
      site('station', 'pub-s1', '新华区', { address: '曙光街 12 号' }),
      site('station', 'pub-s2', '新华区'),
      site('station', 'pub-s3', '卫东区'),
    ];

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'PUB', name: '2021年7月模拟测评' },
        sites: SITES,
        assignees: [team.inspector],
      });
      await h.fx.createRound(team.supervisor.token, { id: 'PUB-2' });
      const inspect = (siteId: string, grades: Record<string, 'C#'> = {}) =>
        h.fx.submitInspection(team.inspector.token, { roundId: 'PUB', siteId, type: 'station', grades });
      const notes = h.fx.buildInspection({ roundId: 'PUB', siteId: 'pub-s1', type: 'station', grades: { T18: 'C#' } });
      notes.body.answers.find((answer) => answer.itemId === 'T18')!.note = '活动室积尘，张三负责';
      await h.fx.uploadPhotos(team.inspector.token, notes.photos);
      expectStatus(await h.api.put(`/api/inspections/${notes.body.id}`, notes.body, team.inspector.token), 201, 's1');
      await inspect('pub-s2');
      await inspect('pub-s3', { T16: 'C#' });
    });

    const publicGet = (token: string) => h.api.get<PublicRankingView>(`/api/public/rankings/${token}`);

    describe('publishing', () => {
      let publication: PublicationView;

      it('publishes with a 256-bit random token and the public page URL (201)', async () => {
        const response = await h.api.post<PublicationView>('/api/rounds/PUB/publication', {}, team.supervisor.token);
        expectStatus(response, 201, 'publish');
        publication = response.body;
        expect(publication.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(publication.token, 'base64url')).toHaveLength(32);
        // No PUBLIC_URL in this suite: a path, which the office's browser completes with its origin.
        expect(publication.url).toBe(`/public/${publication.token}`);
        expect(publication.token).not.toContain('PUB');
        const again = await h.api.get<PublicationView>('/api/rounds/PUB/publication', team.admin.token);
        expect(again.body).toEqual(publication);
      });

      it('serves the district ranking to anyone, signed out, with figures only', async () => {
        const response = await publicGet(publication.token);
        expectStatus(response, 200, 'public');
        expect(response.headers.get('cache-control')).toBe('no-cache');
        expect(response.body).toEqual({
          round: { name: '2021年7月模拟测评', startsOn: '2021-07-01', endsOn: '2021-07-31' },
          publishedAt: publication.publishedAt,
          issuer: null,
          districts: [
            { district: '新华区', sites: 2, inspected: 2, fullMarks: 1, toRectify: 0, averageScore: 96.5, rank: 1 },
            { district: '卫东区', sites: 1, inspected: 1, fullMarks: 0, toRectify: 0, averageScore: 93, rank: 2 },
          ],
        });
        const text = response.bytes.toString('utf8');
        for (const secret of [
          'pub-s1',
          '曙光街',
          '实践站',
          '张三',
          '积尘',
          team.inspector.id,
          team.inspector.username,
          team.supervisor.username,
          '测试',
          'PUB"',
        ]) {
          expect(text, secret).not.toContain(secret);
        }
        expect(text).not.toMatch(/[0-9a-f]{64}/);
      });

      it('shows only what was received up to publication; republishing keeps the link and moves the cut-off', async () => {
        h.clock.advance(60_000);
        await h.fx.submitInspection(team.inspector.token, {
          roundId: 'PUB',
          siteId: 'pub-s3',
          type: 'station',
          submittedAt: '2021-07-06T02:00:00.000Z',
        });
        expect((await publicGet(publication.token)).body.districts[1]!.averageScore).toBe(93);

        h.clock.advance(60_000);
        const again = await h.api.post<PublicationView>('/api/rounds/PUB/publication', {}, team.supervisor.token);
        expectStatus(again, 200, 'republish');
        expect(again.body.token).toBe(publication.token);
        expect(again.body.publishedAt > publication.publishedAt).toBe(true);
        const ranking = (await publicGet(publication.token)).body;
        expect(ranking.districts.map((row) => [row.district, row.averageScore, row.rank])).toEqual([
          ['卫东区', 100, 1],
          ['新华区', 96.5, 2],
        ]);
        h.clock.reset();
      });

      it('shows the figures as published: a renamed round or a site added to it changes nothing until republished', async () => {
        const before = (await publicGet(publication.token)).body;
        expectStatus(
          await h.api.patch('/api/rounds/PUB', { name: '2021年7月模拟测评（修订）' }, team.supervisor.token),
          200,
          'rename',
        );
        expectStatus(
          await h.api.put('/api/sites', [site('station', 'pub-s4', '新华区')], team.supervisor.token),
          200,
          'site',
        );
        expectStatus(
          await h.api.put(
            '/api/rounds/PUB/assignments',
            [{ siteId: 'pub-s4', userId: team.inspector.id }],
            team.supervisor.token,
          ),
          200,
          'assign',
        );
        expect((await publicGet(publication.token)).body).toEqual(before);

        h.clock.advance(60_000);
        expectStatus(await h.api.post('/api/rounds/PUB/publication', {}, team.supervisor.token), 200, 'republish');
        const after = (await publicGet(publication.token)).body;
        expect(after.round.name).toBe('2021年7月模拟测评（修订）');
        expect(after.districts.find((row) => row.district === '新华区')).toMatchObject({ sites: 3, inspected: 2 });
        h.clock.reset();
      });

      it('builds and keeps the figures of a link published before they were stored (migration 0003)', async () => {
        const expected = (await publicGet(publication.token)).body;
        const { db } = h.server.ctx;
        await db.updateTable('published_rankings').set({ ranking_json: null }).where('round_id', '=', 'PUB').execute();
        expect((await publicGet(publication.token)).body).toEqual(expected);
        const stored = await db
          .selectFrom('published_rankings')
          .select('ranking_json')
          .where('round_id', '=', 'PUB')
          .executeTakeFirstOrThrow();
        // The figures are kept; the issuer is read with each visit (the bulletin's, as saved now).
        const { issuer: _issuer, ...figures } = expected;
        expect(JSON.parse(stored.ranking_json!)).toEqual(figures);
      });

      it('unpublishes: the link is a 404 from then on, and publishing again makes a new link', async () => {
        expect((await h.api.delete('/api/rounds/PUB/publication', team.supervisor.token)).status).toBe(204);
        expect((await publicGet(publication.token)).status).toBe(404);
        expect((await h.api.get('/api/rounds/PUB/publication', team.supervisor.token)).status).toBe(404);
        expect((await h.api.delete('/api/rounds/PUB/publication', team.supervisor.token)).status).toBe(404);

        const fresh = await h.api.post<PublicationView>('/api/rounds/PUB/publication', {}, team.admin.token);
        expectStatus(fresh, 201, 'publish again');
        expect(fresh.body.token).not.toBe(publication.token);
        expect((await publicGet(publication.token)).status).toBe(404);
        expect((await publicGet(fresh.body.token)).status).toBe(200);
      });
    });

    it('gives every round its own token; a round with no inspection ranks nobody', async () => {
      const other = await h.api.post<PublicationView>('/api/rounds/PUB-2/publication', {}, team.supervisor.token);
      expectStatus(other, 201, 'publish PUB-2');
      const current = await h.api.get<PublicationView>('/api/rounds/PUB/publication', team.supervisor.token);
      expect(other.body.token).not.toBe(current.body.token);
      expect((await publicGet(other.body.token)).body.districts).toEqual([]);
    });

    it('answers 404 for malformed, unknown and near-miss tokens', async () => {
      const { token } = (await h.api.get<PublicationView>('/api/rounds/PUB/publication', team.supervisor.token)).body;
      const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [nearMiss, 'x', 'PUB', token.slice(1), `${token}A`, '%00', '..%2F..%2Fetc']) {
        expect((await publicGet(bad)).status, bad).toBe(404);
      }
    });

    it('lets only the office publish, read or withdraw a publication', async () => {
      for (const actor of [team.inspector, team.rechecker]) {
        expect((await h.api.post('/api/rounds/PUB/publication', {}, actor.token)).status).toBe(403);
        expect((await h.api.get('/api/rounds/PUB/publication', actor.token)).status).toBe(403);
        expect((await h.api.delete('/api/rounds/PUB/publication', actor.token)).status).toBe(403);
      }
      expect((await h.api.post('/api/rounds/PUB/publication', {})).status).toBe(401);
      expect((await h.api.post('/api/rounds/nope/publication', {}, team.supervisor.token)).status).toBe(404);
      expect((await h.api.get('/api/rounds/PUB/publication', team.supervisor.token)).status).toBe(200);
    });
  },
  { openStorage: false },
);
