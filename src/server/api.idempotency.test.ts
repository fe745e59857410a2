/**
 * Retries, conflicts and revisions against the real server. Photos: 201 then 200, whoever
 * sends the same bytes again, also all at once. Inspections: the same content under an id and
 * revision is a 200 that stores nothing new, different content a 409; a higher revision replaces
 * the site's result; of two inspections of one site (two phones) both stay and the later
 * submission counts, at the same moment the later arrival; a missing photo is a 422 naming
 * exactly the missing hashes, and the same PUT succeeds once they arrive. Rechecks:
 * 201/200/409/422; `fixed` closes, `not_fixed` keeps open, and the status follows the latest
 * verdict by `checkedAt` whatever the arrival order.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import {
  countRows,
  expectStatus,
  jpeg,
  photoFiles,
  sha256,
  site,
  useApiServer,
  type ErrorBody,
  type RoundView,
  type StoredSummary,
  type Team,
} from './test-support/api-harness';

interface ReportTally {
  sites: number;
  inspected: number;
  fullMarks: number;
  toRectify: number;
  averageScore: number | null;
}

describeEachEngine(
  'idempotency, conflicts and revisions',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let round: RoundView;

    beforeAll(async () => {
      team = await h.fx.team();
      round = await h.fx.setUpRound(team.supervisor.token, {
        round: { id: 'R-idem', rectifyBelow: 90 },
        sites: ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'].map((id) => site('station', id)),
        assignees: [team.inspector, team.rechecker],
      });
    });

    const stationReport = async () => {
      const report = await h.api.get<{ byType: { station: ReportTally } }>(
        `/api/rounds/${round.id}/report`,
        team.supervisor.token,
      );
      return expectStatus(report, 200, 'report').body.byType.station;
    };

    describe('photos', () => {
      it('201 with {sha256, bytes}, then 200 for the same bytes, from the uploader or anyone else', async () => {
        const bytes = jpeg();
        const sha = sha256(bytes);
        const first = await h.api.putPhoto(bytes, team.inspector.token);
        expect([first.status, first.body]).toEqual([201, { sha256: sha, bytes: bytes.length }]);
        const again = await h.api.putPhoto(bytes, team.inspector.token);
        expect([again.status, again.body]).toEqual([200, { sha256: sha, bytes: bytes.length }]);
        const other = await h.api.putPhoto(bytes, team.rechecker.token);
        expect([other.status, other.body]).toEqual([200, { sha256: sha, bytes: bytes.length }]);

        const rows = await h.server.ctx.db.selectFrom('photos').selectAll().where('sha256', '=', sha).execute();
        expect(rows.map((row) => [row.uploaded_by, row.bytes, row.content_type])).toEqual([
          [team.inspector.id, bytes.length, 'image/jpeg'],
        ]);
        expect((await photoFiles(h.server.dataDir)).filter((file) => file.endsWith(sha))).toEqual([
          `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`,
        ]);
      });

      it('the same new photo sent 6 times at once: one 201, five 200, one file, one row', async () => {
        const bytes = jpeg({ bytes: 256 * 1024 });
        const sha = sha256(bytes);
        const responses = await Promise.all(
          Array.from({ length: 6 }, () => h.api.putPhoto(bytes, team.inspector.token)),
        );
        expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
        expect((await photoFiles(h.server.dataDir)).filter((file) => file.endsWith(sha))).toHaveLength(1);
        const stored = await h.api.get(`/api/photos/${sha}`, team.inspector.token);
        expect(sha256(stored.bytes)).toBe(sha);
      });

      it('no temp file stays behind', async () => {
        expect((await photoFiles(h.server.dataDir)).filter((file) => file.startsWith('tmp'))).toEqual([]);
      });
    });

    describe('inspections', () => {
      it('the same content again is a 200 with the same result and stores nothing new', async () => {
        const first = await h.fx.submitInspection(team.inspector.token, {
          roundId: round.id,
          siteId: 'p-1',
          type: 'station',
          grades: { T16: 'C#', T18: 'C#' },
        });
        expect([first.response.status, first.response.body]).toEqual([
          201,
          { id: first.body.id, revision: 1, score: 86, fullMarks: false },
        ]);
        const before = await countRows(h.server.ctx);
        const retry = await h.api.put<StoredSummary>(
          `/api/inspections/${first.body.id}`,
          first.body,
          team.inspector.token,
        );
        expect([retry.status, retry.body]).toEqual([200, first.response.body]);
        // Keys in another order are the same content.
        const reordered = Object.fromEntries(Object.entries(first.body).reverse());
        const again = await h.api.put(`/api/inspections/${first.body.id}`, reordered, team.inspector.token);
        expect(again.status).toBe(200);
        expect(await countRows(h.server.ctx)).toEqual(before);
      });

      it('different content under the same id and revision is a 409 and changes nothing', async () => {
        const first = await h.fx.submitInspection(team.inspector.token, {
          roundId: round.id,
          siteId: 'p-2',
          type: 'station',
        });
        expectStatus(first.response, 201, 'first');
        const before = await countRows(h.server.ctx);
        const changed = { ...first.body, submittedAt: '2021-07-05T03:00:00.000Z' };
        const conflict = await h.api.put<ErrorBody>(`/api/inspections/${first.body.id}`, changed, team.inspector.token);
        expect([conflict.status, conflict.body.error]).toEqual([409, 'conflict']);
        expect(await countRows(h.server.ctx)).toEqual(before);
        const stored = await h.api.get<{ submittedAt: string }>(
          `/api/inspections/${first.body.id}`,
          team.supervisor.token,
        );
        expect(stored.body.submittedAt).toBe(first.body.submittedAt);
      });

      it('the same inspection sent 5 times at once: one 201, four 200, one row', async () => {
        const built = h.fx.buildInspection({ roundId: round.id, siteId: 'p-3', type: 'station', grades: { T18: 'C' } });
        await h.fx.uploadPhotos(team.inspector.token, built.photos);
        const responses = await Promise.all(
          Array.from({ length: 5 }, () =>
            h.api.put(`/api/inspections/${built.body.id}`, built.body, team.inspector.token),
          ),
        );
        expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
        const rows = await h.server.ctx.db
          .selectFrom('inspections')
          .select('id')
          .where('id', '=', built.body.id)
          .execute();
        expect(rows).toHaveLength(1);
      });

      it('the server computes the score itself, whatever the client claims', async () => {
        const built = h.fx.buildInspection({
          roundId: round.id,
          siteId: 'p-4',
          type: 'station',
          grades: { T01: 'C#' },
        });
        await h.fx.uploadPhotos(team.inspector.token, built.photos);
        const response = await h.api.put<StoredSummary>(
          `/api/inspections/${built.body.id}`,
          { ...built.body, score: 100, fullMarks: true },
          team.inspector.token,
        );
        expect([response.status, response.body.score, response.body.fullMarks]).toEqual([201, 95, false]);
      });

      it('a higher revision replaces the site result; each revision stays readable', async () => {
        const id = randomUUID();
        const revision1 = await h.fx.submitInspection(team.inspector.token, {
          id,
          roundId: round.id,
          siteId: 'p-5',
          type: 'station',
          grades: { T16: 'C#', T18: 'C#' },
          submittedAt: '2021-07-05T02:00:00.000Z',
        });
        expectStatus(revision1.response, 201, 'revision 1');
        const listed = async () =>
          (await h.api.get<{ revision: number; score: number }[]>(`/api/inspections?siteId=p-5`, team.supervisor.token))
            .body;
        expect((await listed()).map((row) => [row.revision, row.score])).toEqual([[1, 86]]);
        const before = await stationReport();

        const revision2 = await h.fx.submitInspection(team.inspector.token, {
          id,
          revision: 2,
          roundId: round.id,
          siteId: 'p-5',
          type: 'station',
          submittedAt: '2021-07-05T04:00:00.000Z',
        });
        expect([revision2.response.status, revision2.response.body]).toEqual([
          201,
          { id, revision: 2, score: 100, fullMarks: true },
        ]);
        const after = await stationReport();
        expect(after.inspected).toBe(before.inspected);
        expect(after.fullMarks).toBe(before.fullMarks + 1);
        expect(after.toRectify).toBe(before.toRectify - 1);

        const latest = await h.api.get<{ revision: number; score: number }>(
          `/api/inspections/${id}`,
          team.supervisor.token,
        );
        expect([latest.body.revision, latest.body.score]).toEqual([2, 100]);
        const first = await h.api.get<{ revision: number; score: number }>(
          `/api/inspections/${id}?revision=1`,
          team.supervisor.token,
        );
        expect([first.body.revision, first.body.score]).toEqual([1, 86]);
        // A late retry of revision 1 is still a 200 and does not bring its result back.
        expect((await h.api.put(`/api/inspections/${id}`, revision1.body, team.inspector.token)).status).toBe(200);
        expect(await stationReport()).toEqual(after);
      });

      it('a revision naming another site or round than the first is a 409 and changes nothing', async () => {
        const id = randomUUID();
        const first = await h.fx.submitInspection(team.inspector.token, {
          id,
          roundId: round.id,
          siteId: 'p-6',
          type: 'station',
          submittedAt: '2021-07-06T02:00:00.000Z',
        });
        expectStatus(first.response, 201, 'revision 1');
        const other = await h.fx.setUpRound(team.supervisor.token, {
          round: { id: 'R-idem-other', rectifyBelow: 90 },
          sites: [site('station', 'p-6')],
          assignees: [team.inspector],
        });
        for (const moved of [{ siteId: 'p-4' }, { roundId: other.id }]) {
          const before = await countRows(h.server.ctx);
          const revision2 = await h.fx.submitInspection(team.inspector.token, {
            id,
            revision: 2,
            roundId: round.id,
            siteId: 'p-6',
            type: 'station',
            submittedAt: '2021-07-06T03:00:00.000Z',
            ...moved,
          });
          expect([revision2.response.status, revision2.response.body]).toEqual([
            409,
            { error: 'conflict', message: '同一测评编号的各版本必须属于同一轮次和点位' },
          ]);
          expect(await countRows(h.server.ctx)).toEqual(before);
        }
        const latest = await h.api.get<{ revision: number; siteId: string }>(
          `/api/inspections/${id}`,
          team.supervisor.token,
        );
        expect([latest.body.revision, latest.body.siteId]).toEqual([1, 'p-6']);
      });

      it('revision 2 arriving before revision 1: revision 2 stays the result', async () => {
        const id = randomUUID();
        const spec = { id, roundId: round.id, siteId: 'p-6', type: 'station' as const };
        const revision2 = await h.fx.submitInspection(team.inspector.token, {
          ...spec,
          revision: 2,
          grades: { T01: 'C#' },
          submittedAt: '2021-07-06T02:00:00.000Z',
        });
        expectStatus(revision2.response, 201, 'revision 2');
        const revision1 = await h.fx.submitInspection(team.inspector.token, {
          ...spec,
          revision: 1,
          submittedAt: '2021-07-06T01:00:00.000Z',
        });
        expectStatus(revision1.response, 201, 'revision 1');
        const latest = await h.api.get<{ revision: number; score: number }>(
          `/api/inspections/${id}`,
          team.supervisor.token,
        );
        expect([latest.body.revision, latest.body.score]).toEqual([2, 95]);
      });

      it('two phones on one site: both inspections stay; the later submission counts, at the same moment the later arrival', async () => {
        const phone2 = await h.fx.createUser(team.admin.token, 'inspector');
        await h.fx.setUpRound(team.supervisor.token, {
          round: { id: 'R-idem-phones', rectifyBelow: 90 },
          sites: [site('station', 'p-7')],
          assignees: [team.inspector, phone2],
        });
        const spec = { roundId: 'R-idem-phones', siteId: 'p-7', type: 'station' as const };
        // Ids against the arrival order: the last one to arrive has the smallest id.
        const ids = ['f', '8', '0'].map((first) => first + randomUUID().slice(1));
        const inspect = async (actor: { token: string }, submittedAt: string, grades: Record<string, 'C#'> = {}) => {
          h.clock.advance(1000); // each arrives a second after the one before
          const id = ids.shift()!;
          const submitted = await h.fx.submitInspection(actor.token, { ...spec, id, submittedAt, grades });
          return expectStatus(submitted.response, 201, `inspection submitted at ${submittedAt}`).body.id;
        };
        const result = async () => {
          const response = await h.api.get<{ siteId: string; inspectionId: string; score: number }[]>(
            '/api/rounds/R-idem-phones/results',
            team.supervisor.token,
          );
          return expectStatus(response, 200, 'results').body.map(({ siteId, inspectionId, score }) => ({
            siteId,
            inspectionId,
            score,
          }));
        };

        const later = await inspect(team.inspector, '2021-07-05T03:00:00.000Z', { T16: 'C#', T18: 'C#' });
        // Arrives after it, but was submitted an hour before: it does not count.
        const earlier = await inspect(phone2, '2021-07-05T02:00:00.000Z');
        expect(await result()).toEqual([{ siteId: 'p-7', inspectionId: later, score: 86 }]);
        // Submitted at the same moment as `later` (another zone, same instant), arriving last: it counts.
        const tie = await inspect(phone2, '2021-07-05T11:00:00.000+08:00', { T01: 'C#' });
        expect(await result()).toEqual([{ siteId: 'p-7', inspectionId: tie, score: 95 }]);

        const listed = await h.api.get<{ id: string; revision: number }[]>(
          '/api/inspections?siteId=p-7',
          team.supervisor.token,
        );
        expect(listed.body.map(({ id, revision }) => [id, revision])).toEqual([
          [tie, 1],
          [earlier, 1],
          [later, 1],
        ]);
      });

      it('422 missing_photos names exactly the missing hashes; the same PUT succeeds once they arrive', async () => {
        const [present, missing1, missing2] = [jpeg(), jpeg(), jpeg()];
        await h.fx.uploadPhotos(team.inspector.token, [present]);
        const built = h.fx.buildInspection({
          roundId: round.id,
          siteId: 'p-1',
          type: 'station',
          grades: { T16: 'C#', T18: 'C', T19: 'B' },
          // missing1 is referenced twice: it is listed once.
          photos: { T16: [present, missing1], T18: [missing2], T19: [missing1] },
        });
        const put = () => h.api.put<ErrorBody>(`/api/inspections/${built.body.id}`, built.body, team.inspector.token);
        const before = await countRows(h.server.ctx);

        const first = await put();
        expect(first.status).toBe(422);
        expect(first.body.error).toBe('missing_photos');
        expect([...first.body.missingPhotos!].sort()).toEqual([sha256(missing1), sha256(missing2)].sort());
        expect(await countRows(h.server.ctx)).toEqual(before);

        await h.fx.uploadPhotos(team.inspector.token, [missing2]);
        const second = await put();
        expect([second.status, second.body.missingPhotos]).toEqual([422, [sha256(missing1)]]);

        await h.fx.uploadPhotos(team.inspector.token, [missing1]);
        expect((await put()).status).toBe(201);
        expect((await put()).status).toBe(200);
      });
    });

    describe('rechecks', () => {
      let rectificationIds: string[];

      beforeAll(async () => {
        const poor = await h.fx.submitInspection(team.inspector.token, {
          roundId: 'R-idem',
          siteId: 'p-2',
          type: 'station',
          revision: 1,
          grades: { T16: 'C#', T18: 'C#', T01: 'C#' },
          submittedAt: '2021-07-07T02:00:00.000Z',
        });
        expectStatus(poor.response, 201, 'poor p-2');
        rectificationIds = (await h.fx.rectifications(team.supervisor.token, '?status=open'))
          .filter((r) => r.siteId === 'p-2')
          .map((r) => r.id);
        expect(rectificationIds).toHaveLength(3);
      });

      const statusOf = async (id: string) =>
        (await h.fx.rectifications(team.supervisor.token)).find((r) => r.id === id)!;

      it('201 stored, 200 for a retry, 409 for different content under the same id', async () => {
        const [stillDusty] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'still dusty' })]);
        const recheck = h.fx.recheck(rectificationIds[0]!, {
          verdict: 'not_fixed',
          note: '仍未整改',
          photos: [stillDusty!],
        });
        const first = await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token);
        expect([first.status, first.body]).toEqual([
          201,
          { id: recheck.id, rectificationId: rectificationIds[0], verdict: 'not_fixed', rectificationStatus: 'open' },
        ]);
        const before = await countRows(h.server.ctx);
        const retry = await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token);
        expect([retry.status, retry.body]).toEqual([200, first.body]);
        const conflict = await h.api.put<ErrorBody>(
          `/api/rechecks/${recheck.id}`,
          { ...recheck, note: '已整改' },
          team.rechecker.token,
        );
        expect([conflict.status, conflict.body.error]).toEqual([409, 'conflict']);
        expect(await countRows(h.server.ctx)).toEqual(before);
      });

      it('"fixed" needs an after-photo: 400 without one, 422 until it arrives, then 201 and the rectification closes', async () => {
        const id = rectificationIds[1]!;
        const noPhoto = await h.api.put<ErrorBody>(
          `/api/rechecks/${randomUUID()}`,
          {
            ...h.fx.recheck(id, { verdict: 'fixed' }),
          },
          team.rechecker.token,
        );
        expect(noPhoto.status).toBe(400);

        const after = jpeg({ label: 'after' });
        const recheck = h.fx.recheck(id, { verdict: 'fixed', photos: [sha256(after)] });
        const before = await countRows(h.server.ctx);
        const missing = await h.api.put<ErrorBody>(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token);
        expect([missing.status, missing.body.error, missing.body.missingPhotos]).toEqual([
          422,
          'missing_photos',
          [sha256(after)],
        ]);
        expect(await countRows(h.server.ctx)).toEqual(before);
        expect((await statusOf(id)).status).toBe('open');

        await h.fx.uploadPhotos(team.rechecker.token, [after]);
        const stored = await h.api.put<{ rectificationStatus: string }>(
          `/api/rechecks/${recheck.id}`,
          recheck,
          team.rechecker.token,
        );
        expect([stored.status, stored.body.rectificationStatus]).toEqual([201, 'closed']);
        expect(await statusOf(id)).toMatchObject({
          status: 'closed',
          lastVerdict: { id: recheck.id, verdict: 'fixed' },
        });
      });

      it('the status follows the latest verdict by checkedAt, whatever the arrival order; every verdict is kept', async () => {
        const id = rectificationIds[2]!;
        const [afterSha] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'after' })]);
        const put = async (verdict: 'fixed' | 'not_fixed', checkedAt: string) => {
          const recheck = h.fx.recheck(id, { verdict, checkedAt, photos: [afterSha!] });
          const response = await h.api.put<{ rectificationStatus: string }>(
            `/api/rechecks/${recheck.id}`,
            recheck,
            team.rechecker.token,
          );
          expect(response.status).toBe(201);
          return { recheck, status: response.body.rectificationStatus };
        };

        expect((await put('fixed', '2021-08-02T03:00:00.000Z')).status).toBe('closed');
        // An older "not fixed", synced late, does not reopen it.
        expect((await put('not_fixed', '2021-08-01T03:00:00+08:00')).status).toBe('closed');
        expect((await statusOf(id)).lastVerdict).toMatchObject({ verdict: 'fixed' });
        // A newer "not fixed" does.
        const newest = await put('not_fixed', '2021-08-03T09:00:00+08:00');
        expect(newest.status).toBe('open');
        expect(await statusOf(id)).toMatchObject({
          status: 'open',
          lastVerdict: { id: newest.recheck.id, verdict: 'not_fixed' },
        });

        const history = await h.server.ctx.db
          .selectFrom('rechecks')
          .select(['verdict', 'checked_at'])
          .where('rectification_id', '=', id)
          .orderBy('checked_at')
          .execute();
        expect(history).toEqual([
          { verdict: 'not_fixed', checked_at: '2021-07-31T19:00:00.000Z' },
          { verdict: 'fixed', checked_at: '2021-08-02T03:00:00.000Z' },
          { verdict: 'not_fixed', checked_at: '2021-08-03T01:00:00.000Z' },
        ]);
      });

      it("another rechecker cannot replay a recheck's id", async () => {
        const other = await h.fx.createUser(team.admin.token, 'rechecker');
        await h.fx.assign(team.supervisor.token, round.id, [{ siteId: 'p-2', userId: other.id }]);
        const [own] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'own after' })]);
        const recheck = h.fx.recheck(rectificationIds[0]!, { photos: [own!] });
        expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'own');
        expect((await h.api.put(`/api/rechecks/${recheck.id}`, recheck, other.token)).status).toBe(403);
      });
    });
  },
  { openStorage: false },
);
