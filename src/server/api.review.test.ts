/**
 * Review (审核) and the audit trail (操作记录), issue #18, against the real server on both
 * engines: an approved-only round counts nothing until approved; a return needs a comment and
 * reaches the inspector's pull; an amendment waits again; approval counts it and opens its
 * rectifications; the log holds every step, its chain checks whole, and a row edited behind the
 * server's back is named by the check.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, ChainReport } from '../domain/audit';
import type { RoundReport } from '../domain/report';
import type {
  ApproveCleanResult,
  InspectionTrail,
  ReviewDecisionsPage,
  ReviewDecisionView,
  ReviewListPage,
} from '../domain/review';
import { correctGrade } from './services/corrections';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  site,
  useApiServer,
  type ErrorBody,
  type RoundView,
  type Team,
} from './test-support/api-harness';

describeEachEngine(
  'review and audit trail',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let round: RoundView;

    beforeAll(async () => {
      team = await h.fx.team();
      round = await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'R-review', approvedOnly: true },
        sites: [site('station', 'rv-1'), site('station', 'rv-2'), site('station', 'rv-3'), site('station', 'rv-4')],
        assignees: [team.inspector],
      });
    });

    const report = async () =>
      expectStatus(await h.api.get<RoundReport>(`/api/rounds/${round.id}/report`, team.supervisor.token), 200, 'report')
        .body;
    const review = (id: string, body: unknown) =>
      h.api.post<ReviewDecisionView>(`/api/inspections/${id}/reviews`, body, team.supervisor.token);

    describe('one inspection from 待审核 to 已通过', () => {
      let inspectionId: string;

      it('a new round counts approved results only, and says what waits', async () => {
        expect(round).toMatchObject({ approvedOnly: true });
        const submitted = await h.fx.submitInspection(team.inspector.token, {
          roundId: round.id,
          siteId: 'rv-1',
          type: 'station',
          grades: { T16: 'C#', T18: 'C#' },
        });
        expectStatus(submitted.response, 201, 'inspection');
        inspectionId = submitted.body.id;
        const figures = await report();
        expect(figures.awaitingReview).toBe(1);
        expect(figures.byType.station.inspected).toBe(0);
        expect(figures.rectifications).toEqual([]);
        expect(await h.fx.rectifications(team.supervisor.token)).toEqual([]);
      });

      it('退回 needs a comment; a per-item comment must name an item of the inspection', async () => {
        const bare = await review(inspectionId, { revision: 1, decision: 'returned' });
        expect(bare.status).toBe(400);
        expect((bare.body as unknown as ErrorBody).error).toBe('invalid_request');
        const blank = await review(inspectionId, { revision: 1, decision: 'returned', comment: '   ' });
        expect(blank.status).toBe(400);
        const stray = await review(inspectionId, {
          revision: 1,
          decision: 'returned',
          comment: '补拍',
          itemComments: [{ itemId: 'X99', comment: '?' }],
        });
        expect(stray.status).toBe(400);
        expect(
          await h.api.post(
            `/api/inspections/${inspectionId}/reviews`,
            { revision: 2, decision: 'approved' },
            team.supervisor.token,
          ),
        ).toMatchObject({ status: 404 });
        const log = await h.api.get<AuditPage>(`/api/audit?inspectionId=${inspectionId}`, team.admin.token);
        expect(log.body.entries.map((entry) => entry.action)).toEqual(['inspection.received']);
      });

      it('a return reaches the inspector’s pull with its comments, once', async () => {
        const returned = await review(inspectionId, {
          revision: 1,
          decision: 'returned',
          comment: '照片看不清，请补拍',
          itemComments: [{ itemId: 'T16', comment: '宣传栏照片模糊' }],
        });
        expectStatus(returned, 201, 'return');
        const again = await review(inspectionId, {
          revision: 1,
          decision: 'returned',
          comment: '照片看不清，请补拍',
          itemComments: [{ itemId: 'T16', comment: '宣传栏照片模糊' }],
        });
        expect(again.status).toBe(200);
        expect(again.body.seq).toBe(returned.body.seq);

        const pull = await h.api.get<ReviewDecisionsPage>('/api/review-decisions?since=0', team.inspector.token);
        expectStatus(pull, 200, 'pull');
        expect(pull.body.decisions).toEqual([
          expect.objectContaining({
            inspectionId,
            revision: 1,
            siteId: 'rv-1',
            decision: 'returned',
            comment: '照片看不清，请补拍',
            itemComments: [{ itemId: 'T16', comment: '宣传栏照片模糊' }],
            reviewerName: team.supervisor.displayName,
          }),
        ]);
        const next = await h.api.get<ReviewDecisionsPage>(
          `/api/review-decisions?since=${pull.body.cursor}`,
          team.inspector.token,
        );
        expect(next.body).toEqual({ decisions: [], cursor: pull.body.cursor, more: false });
        // Someone else's pull does not see it.
        const other = await h.api.get<ReviewDecisionsPage>('/api/review-decisions?since=0', team.rechecker.token);
        expect(other.body.decisions).toEqual([]);
        expect((await h.api.get('/api/review-decisions?since=-1', team.inspector.token)).status).toBe(400);
      });

      it('the amendment waits again; the old revision can no longer be decided', async () => {
        const amended = await h.fx.submitInspection(team.inspector.token, {
          roundId: round.id,
          siteId: 'rv-1',
          type: 'station',
          id: inspectionId,
          revision: 2,
          grades: { T16: 'C#', T18: 'C#' },
        });
        expectStatus(amended.response, 201, 'amendment');
        expect((await report()).awaitingReview).toBe(1);
        const stale = await review(inspectionId, { revision: 1, decision: 'approved' });
        expect(stale.status).toBe(409);
        const queue = await h.api.get<ReviewListPage>(
          `/api/rounds/${round.id}/reviews?state=pending`,
          team.supervisor.token,
        );
        expect(queue.body.total).toBe(1);
        expect(queue.body.rows[0]).toMatchObject({ inspectionId, revision: 2, reviewState: 'pending' });
        // No position was sent: the presence checks flag it (and it is listed with its flags).
        expect(queue.body.rows[0]!.flags).toContain('no_fix');
      });

      it('approval counts the result and opens its rectifications', async () => {
        expectStatus(await review(inspectionId, { revision: 2, decision: 'approved' }), 201, 'approve');
        const figures = await report();
        expect(figures.awaitingReview).toBe(0);
        expect(figures.byType.station.inspected).toBe(1);
        expect(figures.rectifications.map((entry) => entry.itemId).sort()).toEqual(['T16', 'T18']);
        expect((await h.fx.rectifications(team.supervisor.token)).length).toBe(2);
      });

      it('the trail shows what the score rests on, and the log every step', async () => {
        const trail = await h.api.get<InspectionTrail>(`/api/inspections/${inspectionId}/trail`, team.supervisor.token);
        expectStatus(trail, 200, 'trail');
        expect(trail.body.countedRevision).toBe(2);
        expect(trail.body.revisions.map((entry) => [entry.revision, entry.reviewState])).toEqual([
          [1, 'returned'],
          [2, 'approved'],
        ]);
        expect(trail.body.reviews.map((entry) => entry.decision)).toEqual(['returned', 'approved']);
        expect(trail.body.log.map((entry) => entry.action)).toEqual([
          'inspection.received',
          'review.returned',
          'inspection.received',
          'review.approved',
        ]);
        expect(trail.body.log[1]!.detail).toMatchObject({ before: 'pending', after: 'returned', revision: 1 });
        expect(trail.body.log[0]!.actorName).toBe(team.inspector.displayName);
        expect(trail.body.corrections).toEqual([]);
      });

      it('an office correction of the counted result is in its trail, with its log entry', async () => {
        // What an upheld objection does (services/unit-decisions.ts), through the same service.
        await h.server.ctx.db.transaction().execute((trx) =>
          correctGrade(trx, h.server.ctx.rubrics, {
            roundId: round.id,
            siteId: 'rv-1',
            itemId: 'T16',
            grade: 'A',
            correctedBy: team.supervisor.id,
            reason: '申诉成立：测评时正在施工',
            now: new Date(),
          }),
        );
        const trail = await h.api.get<InspectionTrail>(`/api/inspections/${inspectionId}/trail`, team.supervisor.token);
        expectStatus(trail, 200, 'trail');
        expect(trail.body.corrections).toEqual([
          {
            itemId: 'T16',
            fromGrade: 'C#',
            toGrade: 'A',
            correctedByName: team.supervisor.displayName,
            correctedAt: expect.any(String) as string,
            reason: '申诉成立：测评时正在施工',
            requestId: null,
          },
        ]);
        expect(trail.body.log.at(-1)).toMatchObject({
          action: 'correction.made',
          detail: { itemId: 'T16', before: 'C#', after: 'A' },
        });
        // Another inspection of the same site is not the result: the corrections are not its own.
        const other = await h.fx.submitInspection(team.inspector.token, {
          roundId: round.id,
          siteId: 'rv-1',
          type: 'station',
        });
        expectStatus(other.response, 201, 'second inspection');
        const otherTrail = await h.api.get<InspectionTrail>(
          `/api/inspections/${other.body.id}/trail`,
          team.supervisor.token,
        );
        expect(otherTrail.body).toMatchObject({ countedRevision: null, corrections: [] });
      });
    });

    it('pages the queue past 200: every inspection once across the pages, none twice', async () => {
      const many = await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'R-review-many', approvedOnly: true },
        sites: Array.from({ length: 205 }, (_, index) => site('station', `rm-${String(index).padStart(3, '0')}`)),
        assignees: [team.inspector],
      });
      for (let start = 0; start < 205; start += 25) {
        const batch = Array.from({ length: Math.min(25, 205 - start) }, (_, index) =>
          h.fx.submitInspection(team.inspector.token, {
            roundId: many.id,
            siteId: `rm-${String(start + index).padStart(3, '0')}`,
            type: 'station',
          }),
        );
        for (const submitted of await Promise.all(batch)) expectStatus(submitted.response, 201, 'inspection');
      }
      const page = async (offset: number) =>
        expectStatus(
          await h.api.get<ReviewListPage>(
            `/api/rounds/${many.id}/reviews?state=pending&offset=${offset}&limit=200`,
            team.supervisor.token,
          ),
          200,
          `page at ${offset}`,
        ).body;
      const first = await page(0);
      const second = await page(200);
      expect([first.total, first.rows.length, second.total, second.rows.length]).toEqual([205, 200, 205, 5]);
      const ids = [...first.rows, ...second.rows].map((row) => row.inspectionId);
      expect(new Set(ids).size).toBe(205);
      expect((await page(205)).rows).toEqual([]);
      const over = await h.api.get(`/api/rounds/${many.id}/reviews?limit=201`, team.supervisor.token);
      expect(over.status).toBe(400);
    }, 30_000);

    it('office corrections and inspection PUTs of the same site at once all commit, the chain whole', async () => {
      const busy = await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'R-review-busy' },
        sites: [site('station', 'rb-1')],
        assignees: [team.inspector],
      });
      const deducted = ['T01', 'T03', 'T11', 'T12', 'T16', 'T18'] as const;
      const grades = Object.fromEntries(deducted.map((itemId) => [itemId, 'C#' as const]));
      const spec = { roundId: busy.id, siteId: 'rb-1', type: 'station' as const, grades };
      expectStatus((await h.fx.submitInspection(team.inspector.token, spec)).response, 201, 'first');
      // What an upheld objection's transaction does (services/unit-decisions.ts), six at once,
      // beside six inspections of the site arriving: each takes the chain head, then the result.
      const corrections = deducted.map((itemId) =>
        h.server.ctx.db.transaction().execute((trx) =>
          correctGrade(trx, h.server.ctx.rubrics, {
            roundId: busy.id,
            siteId: 'rb-1',
            itemId,
            grade: 'A',
            correctedBy: team.supervisor.id,
            reason: '申诉成立',
            now: new Date(),
          }),
        ),
      );
      const puts = deducted.map(() => h.fx.submitInspection(team.inspector.token, spec));
      const [corrected, put] = await Promise.all([Promise.all(corrections), Promise.all(puts)]);
      expect(corrected).toHaveLength(6);
      for (const { response } of put) expectStatus(response, 201, 'inspection');
      // Every correction stands on the site's result, whichever inspection it is now.
      const results = expectStatus(
        await h.api.get<{ siteId: string; score: number }[]>(`/api/rounds/${busy.id}/results`, team.supervisor.token),
        200,
        'results',
      ).body;
      expect(results.find((row) => row.siteId === 'rb-1')!.score).toBe(100);
      const verdict = await h.api.get<ChainReport>('/api/audit/verify', team.admin.token);
      expect(verdict.body.whole).toBe(true);
    });

    it('approve all listed clean results at once, skipping what is flagged or no longer pending', async () => {
      const [a, b, c] = await Promise.all(
        ['rv-2', 'rv-3', 'rv-4'].map((siteId) =>
          h.fx.submitInspection(team.inspector.token, { roundId: round.id, siteId, type: 'station' }),
        ),
      );
      // `a` as the presence checks would leave a result they found nothing on; `c` keeps its flags.
      await sql`update inspections set flags_json = '[]' where id = ${a!.body.id}`.execute(h.server.ctx.db);
      expectStatus(await review(b!.body.id, { revision: 1, decision: 'returned', comment: '重测' }), 201, 'return b');
      const result = await h.api.post<ApproveCleanResult>(
        `/api/rounds/${round.id}/reviews/approve-clean`,
        { inspections: [a!.body, b!.body, c!.body].map(({ id, revision }) => ({ id, revision })) },
        team.supervisor.token,
      );
      expectStatus(result, 200, 'approve clean');
      expect(result.body).toEqual({
        approved: [{ id: a!.body.id, revision: 1 }],
        skipped: [
          { id: b!.body.id, revision: 1, reason: 'not_pending' },
          { id: c!.body.id, revision: 1, reason: 'flagged' },
        ],
      });
      expect((await report()).byType.station.inspected).toBe(2);
      const empty = await h.api.post(
        `/api/rounds/${round.id}/reviews/approve-clean`,
        { inspections: [] },
        team.supervisor.token,
      );
      expect(empty.status).toBe(400);
    });

    it('a round created without approvedOnly counts results as they arrive, as the v1 contract says', async () => {
      const plain = await h.fx.createRound(team.supervisor.token, { id: 'R-v1' });
      expect(plain.approvedOnly).toBe(false);
    });

    it('switching a round to approved-only takes its unapproved results out of the figures', async () => {
      const open = await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'R-open', approvedOnly: false },
        sites: [site('station', 'rv-1')],
        assignees: [team.inspector],
      });
      expectStatus(
        (await h.fx.submitInspection(team.inspector.token, { roundId: open.id, siteId: 'rv-1', type: 'station' }))
          .response,
        201,
        'inspection',
      );
      const before = await h.api.get<RoundReport>(`/api/rounds/${open.id}/report`, team.supervisor.token);
      expect(before.body.byType.station.inspected).toBe(1);
      expect(before.body.awaitingReview).toBeUndefined();
      expectStatus(
        await h.api.patch(`/api/rounds/${open.id}`, { approvedOnly: true }, team.supervisor.token),
        200,
        'patch',
      );
      const after = await h.api.get<RoundReport>(`/api/rounds/${open.id}/report`, team.supervisor.token);
      expect(after.body.byType.station.inspected).toBe(0);
      expect(after.body.awaitingReview).toBe(1);
      const log = await h.api.get<AuditPage>(
        `/api/audit?roundId=${open.id}&action=round.changed`,
        team.supervisor.token,
      );
      expect(log.body.entries[0]!.detail).toMatchObject({
        before: { approvedOnly: false },
        after: { approvedOnly: true },
      });
    });

    describe('the audit trail', () => {
      it('records sign-ins, failed ones too', async () => {
        expect(
          (await h.api.post('/api/session', { username: team.inspector.username, password: 'wrong-password' })).status,
        ).toBe(401);
        await h.fx.signIn(team.inspector.username, team.inspector.password);
        const failed = await h.api.get<AuditPage>('/api/audit?action=session.sign_in_failed', team.admin.token);
        expect(failed.body.entries[0]).toMatchObject({ subject: team.inspector.username, actorId: team.inspector.id });
        const signedIn = await h.api.get<AuditPage>('/api/audit?action=session.signed_in&limit=1', team.admin.token);
        expect(signedIn.body.entries[0]).toMatchObject({ actorId: team.inspector.id });
        expect(signedIn.body.next).toBeDefined();
      });

      it('records a sign-out once: signing out again logs nothing more', async () => {
        const session = await h.fx.signIn(team.inspector.username, team.inspector.password);
        expect((await h.api.delete('/api/session', session.token)).status).toBe(204);
        const signedOut = async () =>
          (await h.api.get<AuditPage>('/api/audit?action=session.signed_out', team.admin.token)).body.entries;
        const entries = await signedOut();
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ actorId: team.inspector.id, subject: team.inspector.id });
        expect((await h.api.delete('/api/session', session.token)).status).toBe(401);
        expect(await signedOut()).toHaveLength(1);
      });

      it('supervisors see it per round, site or inspection; admins all of it', async () => {
        expect((await h.api.get('/api/audit', team.supervisor.token)).status).toBe(403);
        expect((await h.api.get(`/api/audit?roundId=${round.id}`, team.supervisor.token)).status).toBe(200);
        expect((await h.api.get('/api/audit?action=nonsense', team.admin.token)).status).toBe(400);
        const all = await h.api.get<AuditPage>('/api/audit?limit=500', team.admin.token);
        const actions = new Set(all.body.entries.map((entry) => entry.action));
        for (const action of [
          'user.created',
          'sites.upserted',
          'round.created',
          'assignments.added',
          'review.approved',
        ])
          expect(actions, action).toContain(action);
      });

      it('exports to CSV, and the export is itself logged', async () => {
        const csv = await h.api.get(`/api/audit.csv?roundId=${round.id}`, team.supervisor.token);
        expectStatus(csv, 200, 'csv');
        expect(csv.headers.get('content-type')).toContain('text/csv');
        const text = csv.bytes.toString('utf8');
        expect(text.startsWith('\uFEFF序号,时间,操作人,操作')).toBe(true);
        expect(text).toContain('review.returned');
        const log = await h.api.get<AuditPage>('/api/audit?action=export.downloaded', team.admin.token);
        expect(log.body.entries[0]!.detail).toMatchObject({ export: 'audit.csv' });
      });

      it('the chain is whole, and a row edited behind the server’s back is named', async () => {
        const whole = await h.api.get<ChainReport>('/api/audit/verify', team.admin.token);
        expect(whole.body).toMatchObject({ whole: true });
        expect(whole.body.entries).toBeGreaterThan(10);
        expect((await h.api.get('/api/audit/verify', team.supervisor.token)).status).toBe(403);

        const { db } = h.server.ctx;
        const victim = await db
          .selectFrom('audit_log')
          .select(['seq', 'detail_json'])
          .where('action', '=', 'review.approved')
          .orderBy('seq')
          .limit(1)
          .executeTakeFirstOrThrow();
        const forged = victim.detail_json.replace('"approved"', '"returned"');
        await sql`update audit_log set detail_json = ${forged} where seq = ${victim.seq}`.execute(db);
        const broken = await h.api.get<ChainReport>('/api/audit/verify', team.admin.token);
        expect(broken.body).toEqual({
          whole: false,
          entries: Number(victim.seq) - 1,
          brokenAt: { seq: Number(victim.seq), problem: 'content_changed' },
        });
        await sql`update audit_log set detail_json = ${victim.detail_json} where seq = ${victim.seq}`.execute(db);
        expect((await h.api.get<ChainReport>('/api/audit/verify', team.admin.token)).body.whole).toBe(true);
      });
    });
  },
  { openStorage: false },
);
