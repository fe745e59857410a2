/**
 * 交办 of citizens' reports to the responsible units, against the real server on both engines:
 * the office hands a report to the units answering for its site, the unit reads it (never the
 * resident's phone) and its photos and answers it idempotently, the office reads the answer and
 * closes the report with its own reply, which the resident reads. Also: 转为抽查 assigns the
 * inspector in the decision's transaction, so a decision that loses a race leaves nobody assigned.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { AuditPage } from '../domain/audit';
import type { CitizenReportStatusView, CitizenReportView, UnitCitizenReportView } from '../domain/citizen-reports';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, jpeg, sha256, site, useApiServer, type Actor, type Team } from './test-support/api-harness';
import { citizenReport, putReportPhoto, reportPhoto, sendReport } from './test-support/citizen';

describeEachEngine(
  "citizens' reports handed to units",
  (engine) => {
    const wide = { perHour: 1000, perDay: 1000, perSiteDay: 1000 };
    const h = useApiServer(engine, {
      limits: { citizenProofBits: 8, citizenLimits: { resident: wide, reporter: wide } },
    });
    let team: Team;
    let otherUnit: Actor;
    let roundId: string;

    beforeAll(async () => {
      team = await h.fx.team();
      otherUnit = await h.fx.createUser(team.admin.token, 'unit');
      const round = await h.fx.setUpRound(team.supervisor.token, {
        sites: [site('station', 'h-1', '卫东区'), site('station', 'h-2', '湛河区'), site('station', 'h-3', '石龙区')],
        assignees: [],
      });
      roundId = round.id;
      // team.unit answers for 卫东区 (h-1); the other unit for the single site h-2.
      const responsibilities = [
        [team.unit.id, { districts: ['卫东区'], siteIds: [] }],
        [otherUnit.id, { districts: [], siteIds: ['h-2'] }],
      ] as const;
      for (const [userId, body] of responsibilities) {
        expectStatus(
          await h.api.put(`/api/users/${userId}/responsibilities`, body, team.supervisor.token),
          200,
          'responsibilities',
        );
      }
    });

    const decide = (id: string, body: unknown) =>
      h.api.post<CitizenReportView>(`/api/citizen-reports/${id}/decisions`, body, team.supervisor.token);
    const unitReports = async (actor: Actor) =>
      expectStatus(await h.api.get<UnitCitizenReportView[]>('/api/unit/citizen-reports', actor.token), 200, 'list')
        .body;
    const answer = (reportId: string, photos: string[] = [], note = '已安排专人每天九点开门') => ({
      id: randomUUID(),
      reportId,
      note,
      photos,
      answeredAt: new Date().toISOString(),
    });
    const received = async (siteId: string, withPhoto = false) => {
      const photo = reportPhoto(`handover ${randomUUID()}`);
      const report = citizenReport(siteId, { phone: '13812345678', photos: withPhoto ? [photo.entry] : [] });
      expectStatus(await sendReport(h.api, report), 201, 'report');
      if (withPhoto) expectStatus(await putReportPhoto(h.api, report.id, photo.bytes), 201, 'report photo');
      return { report, photo: photo.entry.sha256 };
    };

    it('refuses 交办 where no unit answers for the site, and stores nothing', async () => {
      const { report } = await received('h-3');
      const refused = await decide(report.id, { action: 'hand_over' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'action' }] });
      const [view] = (
        await h.api.get<CitizenReportView[]>('/api/citizen-reports?queue=all', team.supervisor.token)
      ).body.filter((each) => each.id === report.id);
      expect(view).toMatchObject({ status: 'new', handover: null, acceptedAt: null });
    });

    it('hands a report to the site’s unit, which reads and answers it; the office closes it with a reply', async () => {
      const { report, photo } = await received('h-1', true);
      const handed = expectStatus(await decide(report.id, { action: 'hand_over' }), 200, 'hand over');
      expect(handed.body).toMatchObject({
        status: 'accepted',
        acceptedAt: expect.any(String) as string,
        handover: { byName: team.supervisor.displayName, units: [team.unit.displayName], answers: [] },
      });
      expect((await decide(report.id, { action: 'hand_over' })).status).toBe(409);

      // The unit of 卫东区 sees it, without the resident's phone; the unit of h-2 does not.
      const [seen] = (await unitReports(team.unit)).filter((each) => each.id === report.id);
      expect(seen).toMatchObject({
        siteId: 'h-1',
        description: report.description,
        receivedPhotos: [photo],
        state: 'handed_over',
      });
      expect(JSON.stringify(seen)).not.toContain('13812345678');
      expect((await unitReports(otherUnit)).map((each) => each.id)).not.toContain(report.id);
      const photoPath = `/api/unit/citizen-reports/${report.id}/photos/${photo}`;
      expect((await h.api.raw({ method: 'GET', path: photoPath, token: team.unit.token })).status).toBe(200);
      expect((await h.api.get(photoPath, otherUnit.token)).status).toBe(404);

      // The answer, with the unit's own photo; idempotent by the device-made id.
      const after = jpeg({ label: 'opened on time' });
      const body = answer(report.id, [sha256(after)]);
      expect((await h.api.put(`/api/unit/citizen-answers/${body.id}`, body, team.unit.token)).status).toBe(422);
      expectStatus(await h.api.putPhoto(after, team.unit.token), 201, 'after photo');
      const created = await h.api.put(`/api/unit/citizen-answers/${body.id}`, body, team.unit.token);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: body.id, reportId: report.id, state: 'answered' });
      expect((await h.api.put(`/api/unit/citizen-answers/${body.id}`, body, team.unit.token)).status).toBe(200);
      const changed = { ...body, note: '另一段话' };
      expect((await h.api.put(`/api/unit/citizen-answers/${body.id}`, changed, team.unit.token)).status).toBe(409);
      expect((await h.api.put(`/api/unit/citizen-answers/${body.id}`, body, otherUnit.token)).status).toBe(403);
      const outside = answer(report.id);
      expect((await h.api.put(`/api/unit/citizen-answers/${outside.id}`, outside, otherUnit.token)).status).toBe(403);
      const unknown = answer(randomUUID());
      expect((await h.api.put(`/api/unit/citizen-answers/${unknown.id}`, unknown, team.unit.token)).status).toBe(400);
      const mismatch = answer(report.id);
      expect((await h.api.put(`/api/unit/citizen-answers/${randomUUID()}`, mismatch, team.unit.token)).status).toBe(
        400,
      );
      expect((await unitReports(team.unit)).find((each) => each.id === report.id)?.state).toBe('answered');

      // The office reads the answer (and its photo), then replies to the resident.
      const [queued] = (
        await h.api.get<CitizenReportView[]>('/api/citizen-reports?queue=open', team.supervisor.token)
      ).body.filter((each) => each.id === report.id);
      expect(queued?.handover?.answers).toEqual([
        {
          id: body.id,
          note: body.note,
          photos: [sha256(after)],
          answeredAt: new Date(body.answeredAt).toISOString(),
          answeredBy: team.unit.displayName,
        },
      ]);
      expect((await h.api.get(`/api/photos/${sha256(after)}`, team.supervisor.token)).status).toBe(200);
      const reply = '已督促站点每天九点开门，感谢您的反馈';
      expectStatus(await decide(report.id, { action: 'close', reply }), 200, 'close');
      const status = await h.api.get<CitizenReportStatusView>(`/api/public/reports/${report.id}`);
      expect(status.body).toMatchObject({ status: 'closed', reply });
      expect((await unitReports(team.unit)).find((each) => each.id === report.id)?.state).toBe('closed');
      const late = answer(report.id);
      expect((await h.api.put(`/api/unit/citizen-answers/${late.id}`, late, team.unit.token)).status).toBe(409);
      // The log: 交办 and 办结 as the office's decisions, the unit's answer; decisions, not the texts.
      const log = await h.api.get<AuditPage>('/api/audit?limit=500', team.admin.token);
      const about = log.body.entries.filter((entry) => entry.subject === report.id);
      expect(about.map((entry) => [entry.action, entry.detail.decision ?? null]).reverse()).toEqual([
        ['citizen_report.decided', 'hand_over'],
        ['citizen_report.unit_answered', null],
        ['citizen_report.decided', 'close'],
      ]);
      expect(JSON.stringify(about)).not.toContain(reply);
    });

    it('shows a report handed over and merged afterwards to no unit', async () => {
      const { report: first } = await received('h-2');
      const { report: duplicate } = await received('h-2');
      expectStatus(await decide(duplicate.id, { action: 'hand_over' }), 200, 'hand over');
      expect((await unitReports(otherUnit)).map((each) => each.id)).toContain(duplicate.id);
      expectStatus(await decide(duplicate.id, { action: 'merge', into: first.id }), 200, 'merge');
      expect((await unitReports(otherUnit)).map((each) => each.id)).not.toContain(duplicate.id);
    });

    it('转为抽查 that loses a race to 办结 leaves the inspector unassigned', async () => {
      const inspectors = await Promise.all(
        Array.from({ length: 6 }, () => h.fx.createUser(team.admin.token, 'inspector')),
      );
      for (const inspector of inspectors) {
        const { report } = await received('h-3');
        const [spot, close] = await Promise.all([
          decide(report.id, { action: 'spot_check', roundId, inspectorId: inspector.id }),
          decide(report.id, { action: 'close', reply: '已处理' }),
        ]);
        // Both may pass (the spot check first, then 办结 from accepted), or one loses with a 409.
        expect([200, 409]).toContain(spot.status);
        expect([200, 409]).toContain(close.status);
        const assigned = await h.server.ctx.db
          .selectFrom('assignments')
          .select('user_id')
          .where('round_id', '=', roundId)
          .where('user_id', '=', inspector.id)
          .execute();
        expect(assigned.length, `spot check answered ${spot.status}`).toBe(spot.status === 200 ? 1 : 0);
      }
    });
  },
  { openStorage: false },
);
