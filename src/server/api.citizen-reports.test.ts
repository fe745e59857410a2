/**
 * Citizens' reports against the real server, both engines: a resident's report with its proof
 * of work and photos, idempotency by the device-made id, what the resident reads back, the
 * office's queue and decisions (受理, 合并, 不予受理, 转为抽查 onto an inspector's phone, 办结),
 * the rating, a 市民记者's trusted reports, and the district figures moving with it all.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  CitizenReportStatusView,
  CitizenReportView,
  DistrictHandling,
  ReporterRecord,
} from '../domain/citizen-reports';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, sha256, site, useApiServer, type Team } from './test-support/api-harness';
import {
  citizenReport,
  freshProof,
  putReportPhoto,
  reportPhoto,
  sendReport,
  type ChallengeBody,
} from './test-support/citizen';

describeEachEngine(
  "citizens' reports",
  (engine) => {
    // Low bits keep the suite quick (the rule is the same at any difficulty); the limits are the
    // flood suite's (api.citizen-hostile.test.ts), wide here where every report comes from loopback.
    const wide = { perHour: 1000, perDay: 1000, perSiteDay: 1000 };
    const h = useApiServer(engine, {
      limits: { citizenProofBits: 8, citizenLimits: { resident: wide, reporter: wide } },
    });
    let team: Team;
    let roundId: string;

    beforeAll(async () => {
      team = await h.fx.team();
      const round = await h.fx.setUpRound(team.supervisor.token, {
        sites: [site('station', 'c-1', '卫东区'), site('station', 'c-2', '湛河区'), site('station', 'c-3', '卫东区')],
        assignees: [],
      });
      roundId = round.id;
    });

    const queue = async (name = 'open') =>
      expectStatus(
        await h.api.get<CitizenReportView[]>(`/api/citizen-reports?queue=${name}`, team.supervisor.token),
        200,
        'queue',
      ).body;
    const statusOf = async (id: string) =>
      expectStatus(await h.api.get<CitizenReportStatusView>(`/api/public/reports/${id}`), 200, 'status').body;
    const decide = (id: string, body: unknown) =>
      h.api.post<CitizenReportView>(`/api/citizen-reports/${id}/decisions`, body, team.supervisor.token);
    const handling = async () =>
      expectStatus(await h.api.get<{ districts: DistrictHandling[] }>('/api/public/handling'), 200, 'handling').body
        .districts;

    it('takes a resident’s report with its proof, photos after it, once however often it is sent', async () => {
      const photo = reportPhoto('locked door');
      const thumb = jpeg({ label: 'locked door thumb' });
      const report = citizenReport('c-1', {
        phone: '13812345678',
        photos: [{ ...photo.entry, thumbnail: sha256(thumb) }],
      });
      const first = expectStatus(await sendReport(h.api, report), 201, 'report');
      expect(first.body).toMatchObject({
        id: report.id,
        status: 'new',
        code: expect.stringMatching(/^R[0-9A-Z]{7}$/) as string,
      });
      expect(first.headers.get('cache-control')).toBe('no-store');

      // The answer was lost: the same report again is a 200 with the same code, no new proof needed.
      const again = await h.api.post('/api/public/reports', { report });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      // Different content under the same id is a conflict.
      expect((await sendReport(h.api, { ...report, description: '改了' })).status).toBe(409);

      expect((await putReportPhoto(h.api, report.id, photo.bytes)).status).toBe(201);
      expect((await putReportPhoto(h.api, report.id, photo.bytes)).status).toBe(200);
      expect((await putReportPhoto(h.api, report.id, thumb)).status).toBe(201);
      // A photo the report did not name is stored nowhere.
      expect((await putReportPhoto(h.api, report.id, jpeg({ label: 'other' }))).status).toBe(404);
      expect((await putReportPhoto(h.api, randomUUID(), photo.bytes)).status).toBe(404);

      const [queued] = (await queue()).filter((entry) => entry.id === report.id);
      expect(queued).toMatchObject({
        code: first.body.code,
        siteName: expect.stringContaining('c-1') as string,
        district: '卫东区',
        phone: '138****5678',
        trusted: false,
        status: 'new',
        receivedPhotos: expect.arrayContaining([photo.entry.sha256, sha256(thumb)]) as string[],
      });
      const bytes = await h.api.get(`/api/citizen-reports/${report.id}/photos/${photo.entry.sha256}`, team.admin.token);
      expect(bytes.status).toBe(200);
      expect(sha256(bytes.bytes)).toBe(photo.entry.sha256);
      // Office only: a resident's photo is never public, nor readable by field users.
      expect((await h.api.get(`/api/citizen-reports/${report.id}/photos/${photo.entry.sha256}`)).status).toBe(401);
      expect((await h.api.get(`/api/photos/${photo.entry.sha256}`, team.inspector.token)).status).toBe(403);

      expect(await statusOf(report.id)).toMatchObject({ status: 'new', reply: null, category: 'closed_when_open' });
      expect(await statusOf(report.id)).not.toHaveProperty('phone');
    });

    it('refuses a report without a valid proof, and a proof used twice', async () => {
      const report = citizenReport('c-1');
      expect((await sendReport(h.api, report, { proof: false })).body).toMatchObject({ error: 'challenge_failed' });
      const proof = await freshProof(h.api, report.id);
      const tampered = { ...proof, challenge: proof.challenge.replace(/^\d/, '9') };
      expect((await h.api.post('/api/public/reports', { report, proof: tampered })).status).toBe(400);
      // Solved for another report: the proof binds the report's id.
      const other = citizenReport('c-1');
      expect((await h.api.post('/api/public/reports', { report: other, proof })).status).toBe(400);
      expectStatus(await h.api.post('/api/public/reports', { report, proof }), 201, 'with its proof');
      const third = citizenReport('c-1');
      const challenge = (await h.api.get<ChallengeBody>('/api/public/report-challenge')).body;
      expect(challenge.bits).toBe(8);
      // Expired: the clock moves past the challenge's ten minutes.
      const late = { ...(await freshProof(h.api, third.id)) };
      h.clock.advance(11 * 60_000);
      try {
        expect((await h.api.post('/api/public/reports', { report: third, proof: late })).status).toBe(400);
      } finally {
        h.clock.reset();
      }
    });

    it('walks the office’s decisions and the resident sees the reply, rates it, the figures move', async () => {
      const before = (await handling()).find((d) => d.district === '湛河区');
      const original = citizenReport('c-2', { category: 'unclean', description: '地面垃圾无人清理' });
      const duplicate = citizenReport('c-2', { category: 'unclean', description: '很脏' });
      const bogus = citizenReport('c-2', { category: 'other', description: '测试测试' });
      for (const report of [original, duplicate, bogus]) expectStatus(await sendReport(h.api, report), 201, 'report');
      const entry = (await queue('new')).find((e) => e.id === original.id)!;
      expect(entry.acceptDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.closeDueOn).toBeNull();

      // 合并: only into a report of the same site, never into itself.
      expect((await decide(duplicate.id, { action: 'merge', into: duplicate.id })).status).toBe(400);
      const elsewhere = citizenReport('c-3');
      expectStatus(await sendReport(h.api, elsewhere), 201, 'elsewhere');
      expect((await decide(duplicate.id, { action: 'merge', into: elsewhere.id })).status).toBe(400);
      expect((await decide(duplicate.id, { action: 'merge', into: original.id })).body).toMatchObject({
        status: 'merged',
        mergedInto: original.id,
      });
      // 不予受理 with a reason the resident reads.
      expect((await decide(bogus.id, { action: 'reject', reason: '内容与点位无关' })).body).toMatchObject({
        status: 'rejected',
      });
      expect(await statusOf(bogus.id)).toMatchObject({ status: 'rejected', reply: '内容与点位无关' });
      expect((await decide(bogus.id, { action: 'close', reply: '晚了' })).status).toBe(409);

      // 转为抽查: the site lands on the inspector's phone (bootstrap).
      expectStatus(await h.api.put('/api/citizen-reports/settings', { closeDays: 5 }, team.admin.token), 200, 'days');
      const spot = expectStatus(
        await decide(original.id, { action: 'spot_check', roundId, inspectorId: team.inspector.id }),
        200,
        'spot check',
      ).body;
      expect(spot).toMatchObject({
        status: 'accepted',
        spotCheck: { roundId, inspectorId: team.inspector.id },
      });
      expect(spot.closeDueOn).toBeTruthy();
      const boot = await h.api.get<{ assignments: { siteId: string; roundId: string }[] }>(
        '/api/bootstrap',
        team.inspector.token,
      );
      expect(boot.body.assignments).toContainEqual(expect.objectContaining({ siteId: 'c-2', roundId }));
      expect(
        (await decide(original.id, { action: 'spot_check', roundId, inspectorId: team.rechecker.id })).status,
      ).toBe(400);

      expect(await statusOf(original.id)).toMatchObject({ status: 'accepted' });
      // Not closed yet: no rating.
      expect((await h.api.post(`/api/public/reports/${original.id}/rating`, { rating: 5 })).status).toBe(409);
      expectStatus(await decide(original.id, { action: 'close', reply: '已督促站点清洁并建立保洁制度' }), 200, 'close');
      expect(await statusOf(original.id)).toMatchObject({ status: 'closed', reply: '已督促站点清洁并建立保洁制度' });
      // The duplicate's resident reads the handling of the report it joined.
      expect(await statusOf(duplicate.id)).toMatchObject({ status: 'closed', reply: '已督促站点清洁并建立保洁制度' });

      expect((await h.api.post(`/api/public/reports/${original.id}/rating`, { rating: 4 })).status).toBe(201);
      expect((await h.api.post(`/api/public/reports/${original.id}/rating`, { rating: 4 })).status).toBe(200);
      expect((await h.api.post(`/api/public/reports/${original.id}/rating`, { rating: 2 })).status).toBe(409);
      expect((await h.api.post(`/api/public/reports/${original.id}/rating`, { rating: 6 })).status).toBe(400);

      const after = (await handling()).find((d) => d.district === '湛河区')!;
      expect(before).toBeUndefined();
      // Received: original and bogus (the merged duplicate does not count); accepted: original.
      expect(after).toMatchObject({ received: 2, acceptedRate: 0.5, closedRate: 1, satisfaction: 4, rated: 1 });
      expect(after.averageHoursToClose).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(await handling())).not.toContain('c-2');
    });

    describe('市民记者', () => {
      it('reports without a proof, marked trusted, listed once accepted', async () => {
        const report = citizenReport('c-3', { category: 'posters_damaged', description: '宣传栏海报破损' });
        const sent = await sendReport(h.api, report, { token: team.reporter.token, proof: false });
        expectStatus(sent, 201, 'reporter');
        // Another role's token is no reporter: a resident, who needs the proof.
        const other = citizenReport('c-3');
        expect((await sendReport(h.api, other, { token: team.inspector.token, proof: false })).status).toBe(400);

        const entry = (await queue()).find((e) => e.id === report.id)!;
        expect(entry).toMatchObject({ trusted: true, reporterName: team.reporter.displayName });
        let records = (
          await h.api.get<ReporterRecord[]>('/api/citizen-reports/reporters', team.supervisor.token)
        ).body.find((r) => r.userId === team.reporter.id);
        expect(records).toMatchObject({ accepted: 0, reports: [] });
        expectStatus(await decide(report.id, { action: 'accept' }), 200, 'accept');
        records = (
          await h.api.get<ReporterRecord[]>('/api/citizen-reports/reporters', team.supervisor.token)
        ).body.find((r) => r.userId === team.reporter.id);
        expect(records).toMatchObject({ accepted: 1, reports: [{ id: report.id, status: 'accepted' }] });
      });
    });

    it('finds sites for the general link and names one for the poster link', async () => {
      const found = await h.api.get<{ id: string }[]>(`/api/public/sites?q=${encodeURIComponent('卫东区')}`);
      expect(found.body.map((s) => s.id)).toEqual(expect.arrayContaining(['c-1', 'c-3']));
      expect(found.body.map((s) => s.id)).not.toContain('c-2');
      expect((await h.api.get('/api/public/sites/c-2')).body).toMatchObject({ id: 'c-2', district: '湛河区' });
      expect((await h.api.get('/api/public/sites/nowhere')).status).toBe(404);
      expect((await h.api.get('/api/public/sites?q=')).status).toBe(400);
    });
  },
  { openStorage: false },
);
