/**
 * The units' loop (#17) stays consistent with what counts, on both engines: a site whose kept
 * result goes away (its only approved result returned, or the round switched to approved-only)
 * leaves no live rectification, dispatch or link behind; an upheld objection may only correct to
 * a grade the item's rubric gives.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoundResult } from '../domain/report';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, site, useApiServer, type Actor, type Team } from './test-support/api-harness';
import type { SiteLinkView } from './services/site-links';
import type { UnitItemView } from './services/unit-work';

describeEachEngine('units loop integrity', (engine) => {
  const h = useApiServer(engine);
  let team: Team;
  let liaison: Actor;
  const office = () => team.supervisor.token;

  const unitItems = async (token: string) =>
    expectStatus(await h.api.get<UnitItemView[]>('/api/unit/items', token), 200, 'unit items').body;
  const linkOf = async (roundId: string, siteId: string) =>
    expectStatus(
      await h.api.get<SiteLinkView[]>(`/api/rounds/${roundId}/unit-links`, office()),
      200,
      'links',
    ).body.find((link) => link.siteId === siteId);
  const openIds = async (roundId: string) =>
    (await h.fx.rectifications(office(), `?roundId=${roundId}&status=open`)).map((each) => each.id).sort();
  const review = async (inspectionId: string, decision: 'approved' | 'returned') =>
    expectStatus(
      await h.api.post(
        `/api/inspections/${inspectionId}/reviews`,
        { revision: 1, decision, ...(decision === 'returned' && { comment: '照片不清，请重测' }) },
        office(),
      ),
      201,
      `review ${decision}`,
    );
  const inspect = async (roundId: string, siteId: string) => {
    const { response, body } = await h.fx.submitInspection(team.inspector.token, {
      roundId,
      siteId,
      type: 'station',
      grades: { T01: 'C#', T16: 'C#', T18: 'C#' },
    });
    expectStatus(response, 201, `inspect ${siteId}`);
    return body.id;
  };

  beforeAll(async () => {
    team = await h.fx.team();
    liaison = await h.fx.createUser(team.admin.token, 'unit');
    expectStatus(
      await h.api.put(`/api/users/${liaison.id}/responsibilities`, { districts: ['新华区'], siteIds: [] }, office()),
      200,
      'liaison',
    );
  });

  describe('a site whose kept result goes away', () => {
    it('a returned approved result withdraws what it opened: units, link and list let go; approving again reopens', async () => {
      await h.fx.setUpRound(office(), {
        round: { id: 'I-1', rectifyBelow: 90, approvedOnly: true },
        sites: [site('station', 'i-s1', '新华区')],
        assignees: [team.inspector, team.rechecker],
      });
      const inspectionId = await inspect('I-1', 'i-s1');
      await review(inspectionId, 'approved');
      expect(await openIds('I-1')).toHaveLength(3);
      expectStatus(await h.api.post('/api/rounds/I-1/dispatch', {}, office()), 200, 'dispatch');
      const link = (await linkOf('I-1', 'i-s1'))!;
      expect(await unitItems(link.token)).toHaveLength(3);

      await review(inspectionId, 'returned');
      expect(await openIds('I-1')).toEqual([]);
      expect(await unitItems(liaison.token)).toEqual([]);
      expect((await h.api.get('/api/unit/items', link.token)).status).toBe(401);
      expect((await linkOf('I-1', 'i-s1'))!.active).toBe(false);
      const results = await h.api.get<RoundResult[]>('/api/rounds/I-1/results', office());
      expect(results.body.some((row) => row.siteId === 'i-s1')).toBe(false);

      await review(inspectionId, 'approved');
      expect(await openIds('I-1')).toHaveLength(3);
      expect(await unitItems(link.token)).toHaveLength(3);
    });

    it('a round switched to approved-only withdraws the unreviewed sites’ items, but not one a rechecker judged', async () => {
      await h.fx.setUpRound(office(), {
        round: { id: 'I-2', rectifyBelow: 90 },
        sites: [site('station', 'i-s2', '新华区')],
        assignees: [team.inspector, team.rechecker],
      });
      await inspect('I-2', 'i-s2');
      expectStatus(await h.api.post('/api/rounds/I-2/dispatch', {}, office()), 200, 'dispatch');
      const judged = `I-2~i-s2~T16`;
      const [photo] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'recheck T16' })]);
      const recheck = h.fx.recheck(judged, { photos: [photo!], checkedAt: new Date().toISOString() });
      expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');
      const link = (await linkOf('I-2', 'i-s2'))!;
      expect(await unitItems(link.token)).toHaveLength(3);

      expectStatus(await h.api.patch('/api/rounds/I-2', { approvedOnly: true }, office()), 200, 'approved-only');
      expect(await openIds('I-2')).toEqual([judged]);
      expect((await unitItems(link.token)).map((item) => item.id)).toEqual([judged]);

      expectStatus(await h.api.patch('/api/rounds/I-2', { approvedOnly: false }, office()), 200, 'all results');
      expect(await openIds('I-2')).toHaveLength(3);
    });
  });

  describe('an upheld objection', () => {
    it('refuses a grade the item’s rubric does not give (T01 is A or C#), changing nothing', async () => {
      await h.fx.setUpRound(office(), {
        round: { id: 'I-3', rectifyBelow: 90 },
        sites: [site('station', 'i-s3', '新华区')],
        assignees: [team.inspector],
      });
      await inspect('I-3', 'i-s3');
      expectStatus(await h.api.post('/api/rounds/I-3/dispatch', {}, office()), 200, 'dispatch');
      const [evidence] = await h.fx.uploadPhotos(liaison.token, [jpeg({ label: 'objection evidence' })]);
      const objection = {
        id: randomUUID(),
        rectificationId: 'I-3~i-s3~T01',
        kind: 'objection',
        reason: '测评时正在施工',
        photos: [evidence],
        requestedAt: new Date().toISOString(),
      };
      expectStatus(await h.api.put(`/api/unit/requests/${objection.id}`, objection, liaison.token), 201, 'objection');
      const before = (await h.api.get<RoundResult[]>('/api/rounds/I-3/results', office())).body[0]!;

      const decision = `/api/unit-requests/${objection.id}/decision`;
      const wrong = await h.api.post(decision, { decision: 'approve', reason: '部分成立', grade: 'B' }, office());
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'grade' }] });
      expect((await h.api.get<RoundResult[]>('/api/rounds/I-3/results', office())).body[0]!.score).toBe(before.score);
      expect(await engine.storage().db.selectFrom('grade_corrections').selectAll().execute()).toEqual([]);

      const upheld = await h.api.post(decision, { decision: 'approve', reason: '申诉成立', grade: 'A' }, office());
      expect(upheld.status).toBe(200);
      const after = (await h.api.get<RoundResult[]>('/api/rounds/I-3/results', office())).body[0]!;
      expect(after.grades.T01).toBe('A');
    });
  });
});
