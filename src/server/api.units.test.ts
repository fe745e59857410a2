/**
 * Responsible units close the loop (#17) through the real server on both engines: who answers
 * for what, 交办, the site link as a credential (scope, revoke, close-out, throttling, the log),
 * the unit's answers and requests (idempotent PUTs), the office's decisions, the office's grade
 * correction following into the score, report and exports, and the escalation level.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, ChainReport } from '../domain/audit';
import type { RoundReport, RoundResult } from '../domain/report';
import { LINK_FAILURE_LIMIT } from './auth/guard';
import { loggedPath } from './http/logged-path';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, site, useApiServer, type Actor, type Team } from './test-support/api-harness';
import type { SiteLinkView } from './services/site-links';
import type { UnitItemView, UnitRequestView } from './services/unit-work';

const DAY = 86_400_000;

describeEachEngine('responsible units', (engine) => {
  const h = useApiServer(engine);
  let team: Team;
  let liaison: Actor; // 区创文办: every site of 湛河区
  let head: Actor; // 站长 of u-s3 alone (卫东区)
  const office = () => team.supervisor.token;
  const rid = (siteId: string, itemId: string) => `U-1~${siteId}~${itemId}`;

  const unitItems = async (token: string) =>
    expectStatus(await h.api.get<UnitItemView[]>('/api/unit/items', token), 200, 'unit items').body;
  const answer = (rectificationId: string, photos: string[], over: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    rectificationId,
    action: '已更换破损的宣传栏',
    photos,
    answeredAt: new Date().toISOString(),
    ...over,
  });
  const askFor = (rectificationId: string, kind: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    rectificationId,
    kind,
    reason: '原因说明',
    requestedAt: new Date().toISOString(),
    ...over,
  });
  const links = async () =>
    expectStatus(await h.api.get<SiteLinkView[]>('/api/rounds/U-1/unit-links', office()), 200, 'links').body;
  const linkOf = async (siteId: string) => (await links()).find((link) => link.siteId === siteId)!;

  beforeAll(async () => {
    team = await h.fx.team();
    [liaison, head] = await Promise.all([
      h.fx.createUser(team.admin.token, 'unit'),
      h.fx.createUser(team.admin.token, 'unit'),
    ]);
    await h.fx.setUpRound(office(), {
      round: { id: 'U-1', rectifyBelow: 90 },
      sites: [site('station', 'u-s1', '湛河区'), site('station', 'u-s2', '湛河区'), site('station', 'u-s3', '卫东区')],
      assignees: [team.inspector, team.rechecker],
    });
    for (const siteId of ['u-s1', 'u-s2', 'u-s3']) {
      const { response } = await h.fx.submitInspection(team.inspector.token, {
        roundId: 'U-1',
        siteId,
        type: 'station',
        grades: { T16: 'C#', T18: 'C#', T01: 'C#' },
      });
      expectStatus(response, 201, `inspect ${siteId}`);
    }
    expectStatus(
      await h.api.put(`/api/users/${liaison.id}/responsibilities`, { districts: ['湛河区'], siteIds: [] }, office()),
      200,
      'liaison',
    );
    expectStatus(
      await h.api.put(`/api/users/${head.id}/responsibilities`, { districts: [], siteIds: ['u-s3'] }, office()),
      200,
      'head',
    );
  });

  describe('responsibilities', () => {
    it('are set one unit at a time and read back', async () => {
      const read = await h.api.get(`/api/users/${liaison.id}/responsibilities`, office());
      expect(read.body).toEqual({ userId: liaison.id, districts: ['湛河区'], siteIds: [] });
    });

    it('refuse a user who is not a unit, unknown sites and unknown users, storing nothing', async () => {
      const notUnit = await h.api.put(
        `/api/users/${team.inspector.id}/responsibilities`,
        { districts: ['湛河区'], siteIds: [] },
        office(),
      );
      expect(notUnit.status).toBe(400);
      const unknownSite = await h.api.put(
        `/api/users/${head.id}/responsibilities`,
        { districts: [], siteIds: ['u-s3', 'nowhere'] },
        office(),
      );
      expect(unknownSite.status).toBe(400);
      expect((await h.api.get(`/api/users/${head.id}/responsibilities`, office())).body).toMatchObject({
        siteIds: ['u-s3'],
      });
      expect(
        (await h.api.put(`/api/users/nobody/responsibilities`, { districts: [], siteIds: [] }, office())).status,
      ).toBe(404);
    });
  });

  describe('dispatch (交办)', () => {
    it('shows units nothing before dispatch, then only what was dispatched to their scope', async () => {
      expect(await unitItems(liaison.token)).toEqual([]);
      const byDistrict = await h.api.post<{ dispatched: number; linksIssued: number }>(
        '/api/rounds/U-1/dispatch',
        { district: '湛河区' },
        office(),
      );
      expect(byDistrict.body).toMatchObject({ dispatched: 6, linksIssued: 2 });
      const seen = await unitItems(liaison.token);
      expect(seen.map((item) => item.id)).toEqual(
        [
          rid('u-s1', 'T01'),
          rid('u-s1', 'T16'),
          rid('u-s1', 'T18'),
          rid('u-s2', 'T01'),
          rid('u-s2', 'T16'),
          rid('u-s2', 'T18'),
        ].sort(),
      );
      expect(seen[0]).toMatchObject({ state: 'dispatched', status: 'open', district: '湛河区' });
      expect(await unitItems(head.token)).toEqual([]);
    });

    it('refuses unknown ids with nothing dispatched, and dispatching again changes nothing', async () => {
      const bad = await h.api.post(
        '/api/rounds/U-1/dispatch',
        { rectificationIds: [rid('u-s3', 'T01'), 'U-1~x~T01'] },
        office(),
      );
      expect(bad.status).toBe(400);
      expect(await unitItems(head.token)).toEqual([]);
      const one = await h.api.post('/api/rounds/U-1/dispatch', { rectificationIds: [rid('u-s3', 'T01')] }, office());
      expect(one.body).toMatchObject({ dispatched: 1, linksIssued: 1 });
      const again = await h.api.post('/api/rounds/U-1/dispatch', {}, office());
      expect(again.body).toMatchObject({ dispatched: 2, linksIssued: 0 });
      expect((await unitItems(head.token)).map((item) => item.itemId)).toEqual(['T01', 'T16', 'T18']);
    });

    it('counts the period from dispatch when the round says so', async () => {
      await h.fx.upsertSites(office(), [site('station', 'u-d1', '湛河区')]);
      await h.fx.createRound(office(), { id: 'U-D', rectifyBelow: 90, rectifyDays: 10 });
      await h.fx.assign(office(), 'U-D', [{ siteId: 'u-d1', userId: team.inspector.id }]);
      const settings = await h.api.patch(
        '/api/rounds/U-D/unit-settings',
        { dueFrom: 'dispatch', objectionDays: 5 },
        office(),
      );
      expect(settings.body).toMatchObject({ dueFrom: 'dispatch', objectionDays: 5 });
      await h.fx.submitInspection(team.inspector.token, {
        roundId: 'U-D',
        siteId: 'u-d1',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      await h.api.post('/api/rounds/U-D/dispatch', {}, office());
      const item = (await unitItems(liaison.token)).find((each) => each.roundId === 'U-D')!;
      const today = new Date(h.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const expected = new Date(Date.parse(`${today}T00:00:00Z`) + 10 * DAY).toISOString().slice(0, 10);
      expect(item.dueOn).toBe(expected);
      expect(item.objectionUntil).toBe(new Date(Date.parse(`${today}T00:00:00Z`) + 5 * DAY).toISOString().slice(0, 10));
    });
  });

  describe('site link', () => {
    it('is listed for the office with its app URL, and the same token when read again', async () => {
      const link = await linkOf('u-s1');
      expect(link.url).toBe(`/unit/${link.token}`);
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(link.active).toBe(true);
      expect((await linkOf('u-s1')).token).toBe(link.token);
      const issued = await h.api.post<SiteLinkView>('/api/rounds/U-1/sites/u-s1/unit-link', {}, office());
      expect(issued.status).toBe(200);
      expect(issued.body.token).toBe(link.token);
      // The link's own account is no person: not listed, not editable into a real account.
      const linkUsers = await engine.storage().db.selectFrom('users').select('id').where('link_only', '=', 1).execute();
      expect(linkUsers.length).toBeGreaterThan(0);
      const listed = await h.api.get<{ id: string }[]>('/api/users', team.admin.token);
      expect(listed.body.some((user) => linkUsers.some((link) => link.id === user.id))).toBe(false);
      const edit = await h.api.patch(
        `/api/users/${linkUsers[0]!.id}`,
        { password: 'now-a-person-1', disabled: false },
        team.admin.token,
      );
      expect(edit.status).toBe(404);
      const stored = await engine.storage().db.selectFrom('site_links').select('token_hash').execute();
      expect(JSON.stringify(stored)).not.toContain(link.token);
    });

    it("sees its own site's open items and nothing else", async () => {
      const { token } = await linkOf('u-s1');
      const items = await unitItems(token);
      expect(new Set(items.map((item) => item.siteId))).toEqual(new Set(['u-s1']));
      expect((await h.api.get('/api/bootstrap', token)).status).toBe(401);
      expect((await h.api.get('/api/rectifications', token)).status).toBe(401);
      const elsewhere = await h.api.put(`/api/unit/answers/${randomUUID()}`, answer(rid('u-s2', 'T01'), []), token);
      expect(elsewhere.status).toBe(400); // no photo: the schema first
      const [photo] = await h.fx.uploadPhotos(token, [jpeg({ label: 'link after' })]);
      const other = answer(rid('u-s2', 'T01'), [photo!]);
      expect((await h.api.put(`/api/unit/answers/${other.id}`, other, token)).status).toBe(403);
      const response = await h.api.get(`/api/photos/${items[0]!.beforePhotos[0]!}`, token);
      expect(response.status).toBe(items[0]!.beforePhotos.length > 0 ? 200 : 404);
    });

    it('answers an item: 201, the same again 200, different content 409, photos it did not upload 422', async () => {
      const { token } = await linkOf('u-s1');
      const [after] = await h.fx.uploadPhotos(token, [jpeg({ label: 'after T16' })]);
      const body = answer(rid('u-s1', 'T16'), [after!], { note: '周六完成' });
      const first = await h.api.put(`/api/unit/answers/${body.id}`, body, token);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ id: body.id, rectificationId: rid('u-s1', 'T16'), state: 'answered' });
      expect((await h.api.put(`/api/unit/answers/${body.id}`, body, token)).status).toBe(200);
      expect((await h.api.put(`/api/unit/answers/${body.id}`, { ...body, note: '改了' }, token)).status).toBe(409);
      const stranger = answer(rid('u-s1', 'T18'), ['a'.repeat(64)]);
      const missing = await h.api.put(`/api/unit/answers/${stranger.id}`, stranger, token);
      expect(missing.status).toBe(422);
      expect(missing.body).toMatchObject({ error: 'missing_photos', missingPhotos: ['a'.repeat(64)] });
      const item = (await unitItems(token)).find((each) => each.itemId === 'T16')!;
      expect(item.state).toBe('answered');
      expect(item.answers).toEqual([
        { id: body.id, action: body.action, note: '周六完成', photos: [after], answeredAt: body.answeredAt },
      ]);
      // The liaison sees the same answer; the rechecker may read its after-photo.
      expect((await unitItems(liaison.token)).find((each) => each.id === item.id)!.state).toBe('answered');
      expect((await h.api.get(`/api/photos/${after!}`, team.rechecker.token)).status).toBe(200);
      const forRecheck = (await h.fx.rectifications(team.rechecker.token, '?roundId=U-1')).find(
        (each) => each.id === item.id,
      ) as unknown as { unitAnswer: unknown };
      expect(forRecheck.unitAnswer).toEqual({
        id: body.id,
        action: body.action,
        note: '周六完成',
        photos: [after],
        answeredAt: body.answeredAt,
      });
    });

    it('is dead once revoked, and a new link has a new token', async () => {
      const old = await linkOf('u-s2');
      expect((await h.api.delete('/api/rounds/U-1/sites/u-s2/unit-link', office())).status).toBe(204);
      expect((await h.api.get('/api/unit/items', old.token)).status).toBe(401);
      expect((await h.api.delete('/api/rounds/U-1/sites/u-s2/unit-link', office())).status).toBe(404);
      const renewed = await h.api.post<SiteLinkView>('/api/rounds/U-1/sites/u-s2/unit-link', {}, office());
      expect(renewed.status).toBe(201);
      expect(renewed.body.token).not.toBe(old.token);
      expect((await h.api.get('/api/unit/items', renewed.body.token)).status).toBe(200);
    });

    it('is never written to the request log', () => {
      expect(loggedPath('/unit/abcDEF123_-xyz?x=1')).toBe('/unit/[redacted]');
      expect(loggedPath('/api/unit/items?roundId=U-1')).toBe('/api/unit/items');
    });
  });

  describe('requests and decisions', () => {
    it('an approved extension moves the due date and keeps the one before', async () => {
      const item = (await unitItems(head.token)).find((each) => each.itemId === 'T16')!;
      const late = await h.api.put<UnitRequestView>(
        `/api/unit/requests/${randomUUID()}`,
        askFor(item.id, 'extension', { dueOn: '2000-01-01' }),
        head.token,
      );
      expect(late.status).toBe(400);
      const ask = askFor(item.id, 'extension', { dueOn: '2031-01-10', reason: '材料未到' });
      const sent = await h.api.put<UnitRequestView>(`/api/unit/requests/${ask.id}`, ask, head.token);
      expect(sent.status).toBe(201);
      expect((await h.api.put(`/api/unit/requests/${ask.id}`, ask, head.token)).status).toBe(200);
      const second = askFor(item.id, 'extension', { dueOn: '2031-02-10' });
      expect((await h.api.put(`/api/unit/requests/${second.id}`, second, head.token)).status).toBe(409);
      const decided = await h.api.post<UnitRequestView>(
        `/api/unit-requests/${ask.id}/decision`,
        { decision: 'approve', reason: '同意延期' },
        office(),
      );
      expect(decided.body).toMatchObject({ status: 'approved', previousDueOn: item.dueOn, dueOn: '2031-01-10' });
      expect(
        (await h.api.post(`/api/unit-requests/${ask.id}/decision`, { decision: 'refuse', reason: 'x' }, office()))
          .status,
      ).toBe(409);
      const after = (await unitItems(head.token)).find((each) => each.id === item.id)!;
      expect(after.dueOn).toBe('2031-01-10');
      expect(after.escalation).toBeNull();
      expect(after.requests.map((request) => request.status)).toEqual(['approved']);
    });

    it('a refusal needs a reason and changes nothing else', async () => {
      const item = (await unitItems(head.token)).find((each) => each.itemId === 'T18')!;
      const ask = askFor(item.id, 'extension', { dueOn: '2031-03-01' });
      await h.api.put(`/api/unit/requests/${ask.id}`, ask, head.token);
      expect((await h.api.post(`/api/unit-requests/${ask.id}/decision`, { decision: 'refuse' }, office())).status).toBe(
        400,
      );
      const refused = await h.api.post(
        `/api/unit-requests/${ask.id}/decision`,
        { decision: 'refuse', reason: '理由不足' },
        office(),
      );
      expect(refused.body).toMatchObject({ status: 'refused', decisionReason: '理由不足' });
      expect((await unitItems(head.token)).find((each) => each.id === item.id)!.dueOn).toBe(item.dueOn);
    });

    it('an approved return takes the item back from the units', async () => {
      const ask = askFor(rid('u-s2', 'T01'), 'return', { reason: '不是本站的设施' });
      expect((await h.api.put(`/api/unit/requests/${ask.id}`, ask, liaison.token)).status).toBe(201);
      await h.api.post(`/api/unit-requests/${ask.id}/decision`, { decision: 'approve', reason: '核实属实' }, office());
      expect((await unitItems(liaison.token)).some((item) => item.id === rid('u-s2', 'T01'))).toBe(false);
      const pending = await h.api.get<UnitRequestView[]>('/api/rounds/U-1/unit-requests?status=pending', office());
      expect(pending.body.some((request) => request.id === ask.id)).toBe(false);
    });

    it('an upheld objection corrects the grade as the office: score, report and exports follow', async () => {
      const results = async () =>
        (await h.api.get<RoundResult[]>('/api/rounds/U-1/results', office())).body.find(
          (row) => row.siteId === 'u-s3',
        )!;
      const before = await results();
      const [evidence] = await h.fx.uploadPhotos(head.token, [jpeg({ label: 'evidence' })]);
      const noPhoto = askFor(rid('u-s3', 'T01'), 'objection');
      expect((await h.api.put(`/api/unit/requests/${noPhoto.id}`, noPhoto, head.token)).status).toBe(400);
      const objection = askFor(rid('u-s3', 'T01'), 'objection', { photos: [evidence], reason: '测评时正在施工' });
      expect((await h.api.put(`/api/unit/requests/${objection.id}`, objection, head.token)).status).toBe(201);
      const upheld = await h.api.post(
        `/api/unit-requests/${objection.id}/decision`,
        { decision: 'approve', reason: '申诉成立' },
        office(),
      );
      expect(upheld.body).toMatchObject({ status: 'approved' });

      const after = await results();
      expect(after.score).toBeGreaterThan(before.score);
      expect(after.grades.T01).toBe('A');
      // The inspector's inspection is untouched: still their grade and score.
      const inspection = await h.api.get<{
        score: number;
        answers: { itemId: string; grade: string }[];
        corrections: unknown[];
        objections: unknown[];
      }>(`/api/inspections/${after.inspectionId}`, team.inspector.token);
      expect(inspection.body.score).toBe(before.score);
      expect(inspection.body.answers.find((each) => each.itemId === 'T01')!.grade).toBe('C#');
      // …and the inspector sees the outcome beside it, as the office's act.
      expect(inspection.body.corrections).toEqual([
        expect.objectContaining({
          itemId: 'T01',
          fromGrade: 'C#',
          toGrade: 'A',
          reason: '申诉成立',
          correctedBy: team.supervisor.id,
        }),
      ]);
      expect(inspection.body.objections).toEqual([
        expect.objectContaining({
          itemId: 'T01',
          reason: '测评时正在施工',
          status: 'approved',
          decisionReason: '申诉成立',
        }),
      ]);
      const report = (await h.api.get<RoundReport>('/api/rounds/U-1/report', office())).body;
      expect(report.rectifications.some((each) => each.siteId === 'u-s3' && each.itemId === 'T01')).toBe(false);
      const csv = await h.api.raw({ method: 'GET', path: '/api/rounds/U-1/exports/items.csv', token: office() });
      const line = csv.bytes
        .toString('utf8')
        .split('\r\n')
        .find((row) => row.includes('u-s3') && row.includes(',T01,'))!;
      expect(line).toContain(',A,');
      expect((await unitItems(head.token)).some((item) => item.itemId === 'T01')).toBe(false);
      // Nothing left to recheck or count as open.
      const forRecheckers = await h.fx.rectifications(team.supervisor.token, '?roundId=U-1');
      expect(forRecheckers.some((each) => each.id === rid('u-s3', 'T01'))).toBe(false);
      const progress = await h.api.get<{ sites: { siteId: string; rectifications: number }[] }>(
        '/api/rounds/U-1/rectification-progress',
        office(),
      );
      expect(progress.body.sites.find((row) => row.siteId === 'u-s3')!.rectifications).toBe(2);
      const corrections = await engine.storage().db.selectFrom('grade_corrections').selectAll().execute();
      expect(corrections).toEqual([
        expect.objectContaining({
          site_id: 'u-s3',
          item_id: 'T01',
          from_grade: 'C#',
          to_grade: 'A',
          corrected_by: team.supervisor.id,
          reason: '申诉成立',
        }),
      ]);
    });

    it('an objection after the round’s days is refused, nothing stored', async () => {
      const [evidence] = await h.fx.uploadPhotos(head.token, [jpeg({ label: 'late evidence' })]);
      h.clock.advance(4 * DAY);
      try {
        const late = askFor(rid('u-s3', 'T18'), 'objection', { photos: [evidence] });
        const response = await h.api.put(`/api/unit/requests/${late.id}`, late, head.token);
        expect(response.status).toBe(400);
        expect(
          await engine.storage().db.selectFrom('unit_requests').select('id').where('id', '=', late.id).execute(),
        ).toEqual([]);
      } finally {
        h.clock.reset();
      }
    });
  });

  describe('recheck and escalation', () => {
    it('sent back twice is red, and a closed-out site’s link stops working', async () => {
      const { token } = await linkOf('u-s1');
      const [photo] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'still broken' })]);
      for (const offset of [1, 2]) {
        const recheck = h.fx.recheck(rid('u-s1', 'T18'), {
          photos: [photo!],
          checkedAt: new Date(Date.now() - (10 - offset) * 60_000).toISOString(),
        });
        expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');
      }
      const item = (await unitItems(token)).find((each) => each.itemId === 'T18')!;
      expect(item).toMatchObject({ state: 'sent_back', sentBack: 2, escalation: 'red' });

      for (const itemId of ['T01', 'T16', 'T18']) {
        const fixed = h.fx.recheck(rid('u-s1', itemId), {
          verdict: 'fixed',
          photos: [photo!],
          checkedAt: new Date().toISOString(),
        });
        expectStatus(await h.api.put(`/api/rechecks/${fixed.id}`, fixed, team.rechecker.token), 201, 'close');
      }
      expect((await h.api.get('/api/unit/items', token)).status).toBe(401);
      expect((await linkOf('u-s1')).active).toBe(false);
      const closed = (await unitItems(liaison.token)).filter((each) => each.siteId === 'u-s1');
      expect(closed.every((each) => each.state === 'closed' && each.escalation === null)).toBe(true);
    });
  });

  describe('figures', () => {
    it('per district and per unit match a hand count', async () => {
      // The extended item closed before its new due date: on time.
      const [photo] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'fixed in time' })]);
      const fixed = h.fx.recheck(rid('u-s3', 'T16'), {
        verdict: 'fixed',
        photos: [photo!],
        checkedAt: new Date().toISOString(),
      });
      expectStatus(await h.api.put(`/api/rechecks/${fixed.id}`, fixed, team.rechecker.token), 201, 'close');
      const figures = (
        await h.api.get<{
          totals: Record<string, number | null>;
          byDistrict: Record<string, unknown>[];
          byUnit: Record<string, unknown>[];
        }>('/api/rounds/U-1/unit-figures', office())
      ).body;
      // Dispatched: u-s1 ×3, u-s2 ×2 (its T01 returned), u-s3 ×3 (its T01 withdrawn by the upheld objection).
      expect(figures.totals).toEqual({
        dispatched: 8,
        toRectify: 7,
        closedOnTime: 1, // u-s3 T16 (u-s1's three closed long after 2021's due dates)
        sentBack: 1, // u-s1 T18
        extended: 1, // u-s3 T16
        objected: 1,
        objectionsDecided: 1,
        objectionsUpheld: 1,
        onTimeRate: 0.1429,
        sentBackRate: 0.1429,
        extensionRate: 0.1429,
        objectionRate: 0.125,
        upheldRate: 1,
      });
      const brief = figures.byDistrict.map((row) => [
        row.district,
        row.dispatched,
        row.toRectify,
        row.sentBack,
        row.objected,
      ]);
      expect(brief).toEqual([
        ['卫东区', 3, 2, 0, 1],
        ['湛河区', 5, 5, 1, 0],
      ]);
      const byUnit = new Map(figures.byUnit.map((row) => [row.userId, row]));
      expect(byUnit.get(liaison.id)).toMatchObject({ dispatched: 5, sentBackRate: 0.2, onTimeRate: 0 });
      expect(byUnit.get(head.id)).toMatchObject({ dispatched: 3, onTimeRate: 0.5, extensionRate: 0.5, upheldRate: 1 });
      expect(byUnit.get(team.unit.id)).toMatchObject({ dispatched: 0, onTimeRate: null });
    });

    it('download as a sheet: totals, districts, units, the same counts and the rates as percentages', async () => {
      const sheet = await h.api.raw({
        method: 'GET',
        path: '/api/rounds/U-1/exports/unit-figures.csv',
        token: office(),
      });
      expect(sheet.status).toBe(200);
      expect(sheet.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(sheet.headers.get('cache-control')).toBe('no-store');
      const lines = sheet.bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      expect(lines[0]).toBe(
        '范围,名称,交办数,应整改数,按期整改数,按期整改率,返工数,返工率,延期数,延期率,申诉数,申诉率,已决申诉数,改判数,申诉改判率',
      );
      expect(lines[1]).toBe('合计,全部,8,7,1,14.3%,1,14.3%,1,14.3%,1,12.5%,1,1,100.0%');
      expect(lines[2]).toBe('区,卫东区,3,2,1,50.0%,0,0.0%,1,50.0%,1,33.3%,1,1,100.0%');
      expect(lines[3]).toMatch(/^区,湛河区,5,5,0,0\.0%,1,20\.0%,/);
      expect(lines.filter((line) => line.startsWith('责任单位,'))).toHaveLength(
        Number(sheet.headers.get('x-row-count')) - 3,
      );
      expect((await h.api.get('/api/rounds/nope/exports/unit-figures.csv', office())).status).toBe(404);
    });
  });

  describe('the audit trail', () => {
    it('holds every step of the loop: dispatch, links, answers, requests and decisions, never a token', async () => {
      const page = await h.api.get<AuditPage>('/api/audit?roundId=U-1&limit=500', team.admin.token);
      expectStatus(page, 200, 'audit');
      const actions = new Set(page.body.entries.map((entry) => entry.action));
      for (const action of [
        'rectifications.dispatched',
        'unit_link.issued',
        'unit_link.revoked',
        'unit.answered',
        'unit.requested',
        'unit_request.decided',
        'correction.made',
      ])
        expect(actions, action).toContain(action);
      const decided = page.body.entries.filter((entry) => entry.action === 'unit_request.decided');
      expect(decided.map((entry) => entry.detail.after)).toEqual(expect.arrayContaining(['approved', 'refused']));
      const text = JSON.stringify(page.body.entries);
      for (const link of await links()) expect(text).not.toContain(new URL(link.url, 'http://x').pathname.slice(6));
      const chain = await h.api.get<ChainReport>('/api/audit/verify', team.admin.token);
      expect(chain.body.whole).toBe(true);
    });
  });
});

describeEachEngine('site link throttling', (engine) => {
  const h = useApiServer(engine);

  it(`answers 429 after ${LINK_FAILURE_LIMIT} failed look-ups from one address, even for a good token`, async () => {
    const team = await h.fx.team();
    for (let n = 0; n < LINK_FAILURE_LIMIT; n++) {
      const guess = Buffer.from(randomUUID() + randomUUID())
        .toString('base64url')
        .slice(0, 43);
      expect((await h.api.get('/api/unit/items', guess)).status).toBe(401);
    }
    const blocked = await h.api.get('/api/unit/items', team.unit.token);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advance(16 * 60_000);
    expect((await h.api.get('/api/unit/items', team.unit.token)).status).toBe(200);
    h.clock.reset();
  });
});
