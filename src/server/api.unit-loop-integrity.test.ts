/**
 * The units' loop (#17) stays consistent with what counts, on both engines: a site whose kept
 * result goes away (its only approved result returned, or the round switched to approved-only)
 * leaves no live rectification, dispatch or link behind; an upheld objection may only correct to
 * a grade the item's rubric gives.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoundResult } from '../domain/report';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, site, useApiServer, type Actor, type Team } from './test-support/api-harness';
import type { SiteLinkView } from './services/site-links';
import { DUPLICATE_REQUEST_REASON, up } from './storage/migrations/0014-unit-loop-constraints';
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

  describe('requests at the same moment (PostgreSQL races)', () => {
    const siteIds = ['i-c1', 'i-c2', 'i-c3'];
    const activeLinks = () =>
      engine
        .storage()
        .db.selectFrom('site_links')
        .select(['site_id'])
        .where('round_id', '=', 'I-4')
        .where('revoked_at', 'is', null)
        .execute();

    beforeAll(async () => {
      await h.fx.setUpRound(office(), {
        round: { id: 'I-4', rectifyBelow: 90 },
        sites: siteIds.map((id) => site('station', id, '新华区')),
        assignees: [team.inspector],
      });
      for (const siteId of siteIds) await inspect('I-4', siteId);
    });

    it('dispatches each item once and issues one link per site, however many dispatches run at once', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          h.api.post<{ dispatched: number; rectificationIds: string[]; linksIssued: number }>(
            '/api/rounds/I-4/dispatch',
            {},
            office(),
          ),
        ),
      );
      expect(answers.map((each) => each.status)).toEqual(Array(6).fill(200));
      const dispatched = answers.flatMap((each) => each.body.rectificationIds);
      expect(dispatched).toHaveLength(9);
      expect(new Set(dispatched).size).toBe(9);
      expect(answers.reduce((sum, each) => sum + each.body.linksIssued, 0)).toBe(3);
      expect((await activeLinks()).map((row) => row.site_id).sort()).toEqual(siteIds);
    });

    it('issues one link when the office asks for it several times at once; the others get that link', async () => {
      expect((await h.api.delete('/api/rounds/I-4/sites/i-c1/unit-link', office())).status).toBe(204);
      const linkAccounts = async () =>
        (await engine.storage().db.selectFrom('users').select('id').where('link_only', '=', 1).execute()).length;
      const accountsBefore = await linkAccounts();
      const issued = await Promise.all(
        Array.from({ length: 6 }, () => h.api.post<SiteLinkView>('/api/rounds/I-4/sites/i-c1/unit-link', {}, office())),
      );
      expect(issued.map((each) => each.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(issued.map((each) => each.body.token)).size).toBe(1);
      expect((await activeLinks()).filter((row) => row.site_id === 'i-c1')).toHaveLength(1);
      expect(await linkAccounts()).toBe(accountsBefore + 1);
    });

    it('keeps one pending request per item and kind: the others at the same moment get 409', async () => {
      const asks = Array.from({ length: 6 }, (_, n) => ({
        id: randomUUID(),
        rectificationId: 'I-4~i-c2~T16',
        kind: 'extension',
        reason: `材料未到货 ${n}`,
        dueOn: '2099-01-01',
        requestedAt: new Date().toISOString(),
      }));
      const answers = await Promise.all(
        asks.map((ask) => h.api.put(`/api/unit/requests/${ask.id}`, ask, liaison.token)),
      );
      expect(answers.map((each) => each.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const refused of answers.filter((each) => each.status === 409)) {
        expect(refused.body).toMatchObject({ error: 'conflict' });
      }
      const pending = await engine
        .storage()
        .db.selectFrom('unit_requests')
        .select('id')
        .where('rectification_id', '=', 'I-4~i-c2~T16')
        .execute();
      expect(pending).toHaveLength(1);
    });
  });

  describe('migration 0014 on a database an earlier race left behind', () => {
    it('keeps the newest active link and the oldest pending request, then holds them unique', async () => {
      const { db } = engine.storage();
      const raw = db as unknown as Kysely<unknown>;
      await sql`drop index site_links_active_uq`.execute(raw);
      await sql`drop index unit_requests_pending_uq`.execute(raw);
      const kept = await db
        .selectFrom('site_links')
        .selectAll()
        .where('round_id', '=', 'I-4')
        .where('site_id', '=', 'i-c3')
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      const older = { ...kept, id: randomUUID(), token_hash: 'f'.repeat(64), issued_at: '2000-01-01T00:00:00.000Z' };
      await db.insertInto('site_links').values(older).execute();
      const pending = await db
        .selectFrom('unit_requests')
        .selectAll()
        .where('rectification_id', '=', 'I-4~i-c2~T16')
        .executeTakeFirstOrThrow();
      const later = { ...pending, id: randomUUID(), received_at: '2999-01-01T00:00:00.000Z' };
      await db.insertInto('unit_requests').values(later).execute();

      await up(raw);

      const active = await db
        .selectFrom('site_links')
        .select('id')
        .where('round_id', '=', 'I-4')
        .where('site_id', '=', 'i-c3')
        .where('revoked_at', 'is', null)
        .execute();
      expect(active).toEqual([{ id: kept.id }]);
      const requests = await db
        .selectFrom('unit_requests')
        .select(['id', 'status', 'decision_reason'])
        .where('rectification_id', '=', 'I-4~i-c2~T16')
        .execute();
      expect(requests).toEqual(
        expect.arrayContaining([
          { id: pending.id, status: 'pending', decision_reason: null },
          { id: later.id, status: 'refused', decision_reason: DUPLICATE_REQUEST_REASON },
        ]),
      );
      await expect(
        db
          .insertInto('site_links')
          .values({ ...older, id: randomUUID(), token_hash: 'e'.repeat(64), revoked_at: null })
          .execute(),
      ).rejects.toThrow();
    });
  });
});
