/**
 * Recheck visits (issue 7) against the real server, on both engines: verdict validation (a bad
 * verdict is a 400 that stores nothing), roles and assignments, retries (a retry after a 422,
 * concurrent retries, a retry after a restart, a retry after a newer verdict), conflicts (409,
 * nothing changes); the inspector's note on the rectification; the history of verdicts
 * (`GET /api/rectifications/{id}/rechecks`); close-out per site and the progress per round and
 * district (`GET /api/rounds/{id}/rectification-progress`), also after a later inspection that
 * no longer deducts an item (only a recheck closes one); and the CSV export of the results.
 */
import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import { beforeAll, describe, expect, it } from 'vitest';
import { cityDate } from '../domain/dates';
import { RECHECK_EXPORT_HEADER } from '../domain/recheck-export';
import type { RectificationProgress } from '../domain/rectification-progress';
import { describeEachEngine } from './storage/test-engines';
import {
  countRows,
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type Actor,
  type ErrorBody,
  type InspectionSpec,
  type RecheckBody,
  type Team,
} from './test-support/api-harness';

interface Summary {
  id: string;
  rectificationId: string;
  verdict: string;
  rectificationStatus: 'open' | 'closed';
}

interface HistoryEntry {
  id: string;
  verdict: string;
  note: string | null;
  photos: string[];
  checkedAt: string;
  checkedBy: string;
  checkedByName: string;
}

describeEachEngine(
  'recheck visits: verdicts, close-out, progress and export',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let otherRechecker: Actor;
    /** Rectification ids by `${siteId}/${itemId}`. */
    const ids: Record<string, string> = {};
    let afterPhoto: string;
    let otherAfterPhoto: string;

    const inspect = async (spec: InspectionSpec, notes: Record<string, string> = {}) => {
      const built = h.fx.buildInspection(spec);
      for (const answer of built.body.answers) if (notes[answer.itemId]) answer.note = notes[answer.itemId];
      await h.fx.uploadPhotos(team.inspector.token, built.photos);
      const response = await h.api.put(`/api/inspections/${built.body.id}`, built.body, team.inspector.token);
      expectStatus(response, 201, `inspection of ${spec.siteId}`);
      return built;
    };
    const put = (body: unknown, actor: Actor = team.rechecker, id = (body as RecheckBody).id) =>
      h.api.put<Summary & ErrorBody>(`/api/rechecks/${id}`, body, actor.token);
    const progress = async (roundId = 'RV', actor: Actor = team.supervisor) =>
      expectStatus(
        await h.api.get<RectificationProgress>(`/api/rounds/${roundId}/rectification-progress`, actor.token),
        200,
        'progress',
      ).body;
    const statusOf = async (id: string) =>
      (await h.fx.rectifications(team.supervisor.token, '?roundId=RV')).find((r) => r.id === id)!.status;

    beforeAll(async () => {
      team = await h.fx.team();
      otherRechecker = await h.fx.createUser(team.admin.token, 'rechecker');
      const office = team.supervisor.token;
      await h.fx.upsertSites(office, [
        site('station', 'v-s1', '新华区'),
        site('station', 'v-s2', '新华区'),
        site('institute', 'v-i1', '卫东区'),
        site('station', 'v-s3', '卫东区'),
        site('station', 'v-other', '湛河区'),
      ]);
      await h.fx.createRound(office, { id: 'RV', rectifyBelow: 100 });
      await h.fx.assign(
        office,
        'RV',
        ['v-s1', 'v-s2', 'v-i1', 'v-s3'].flatMap((siteId) => [
          { siteId, userId: team.inspector.id },
          { siteId, userId: team.rechecker.id },
        ]),
      );
      await h.fx.assign(office, 'RV', [
        { siteId: 'v-other', userId: team.inspector.id },
        { siteId: 'v-other', userId: otherRechecker.id },
      ]);
      // v-s1: two findings long past due, with a note on one; v-s2: one; v-i1: one due in the future.
      await inspect(
        { roundId: 'RV', siteId: 'v-s1', type: 'station', grades: { T16: 'C#', T18: 'C' } },
        { T16: '宣传栏公益广告破损，已褪色' },
      );
      await inspect({ roundId: 'RV', siteId: 'v-s2', type: 'station', grades: { T16: 'C#' } });
      await inspect({
        roundId: 'RV',
        siteId: 'v-i1',
        type: 'institute',
        grades: { I09: 'C#' },
        submittedAt: h.clock.now().toISOString(),
      });
      await inspect({ roundId: 'RV', siteId: 'v-s3', type: 'station', grades: { T20: 'B', T01: 'C#' } });
      await inspect({ roundId: 'RV', siteId: 'v-other', type: 'station', grades: { T20: 'B' } });
      for (const r of await h.fx.rectifications(office, '?roundId=RV')) ids[`${r.siteId}/${r.itemId}`] = r.id;
      expect(Object.keys(ids).sort()).toEqual([
        'v-i1/I09',
        'v-other/T20',
        'v-s1/T16',
        'v-s1/T18',
        'v-s2/T16',
        'v-s3/T01',
        'v-s3/T20',
      ]);
      [afterPhoto, otherAfterPhoto] = (await h.fx.uploadPhotos(team.rechecker.token, [
        jpeg({ label: 'after' }),
        jpeg({ label: 'after, another' }),
      ])) as [string, string];
    });

    describe('the original finding', () => {
      it("carries the inspector's note on the item; none when there was none", async () => {
        const list = await h.fx.rectifications(team.rechecker.token, '?roundId=RV');
        const t16 = list.find((r) => r.id === ids['v-s1/T16']) as unknown as { note?: string; grade: string };
        expect(t16).toMatchObject({ grade: 'C#', note: '宣传栏公益广告破损，已褪色' });
        expect(list.find((r) => r.id === ids['v-s1/T18'])).not.toHaveProperty('note');
        const bootstrap = await h.api.get<{ rectifications: { id: string; note?: string }[] }>(
          '/api/bootstrap',
          team.rechecker.token,
        );
        expect(bootstrap.body.rectifications.find((r) => r.id === ids['v-s1/T16'])?.note).toBe(
          '宣传栏公益广告破损，已褪色',
        );
      });
    });

    describe('verdict validation: 400, nothing stored', () => {
      const cases: [string, (body: RecheckBody) => unknown][] = [
        ['"fixed" without an after-photo', (b) => ({ ...b, verdict: 'fixed', photos: [] })],
        ['"not_fixed" without an after-photo', (b) => ({ ...b, verdict: 'not_fixed', photos: [] })],
        ['an unknown verdict', (b) => ({ ...b, verdict: 'partly' })],
        ['no verdict', ({ verdict: _verdict, ...rest }) => rest],
        ['a photo that is not a sha256', (b) => ({ ...b, photos: ['ABC'] })],
        ['21 photos', (b) => ({ ...b, photos: Array.from({ length: 21 }, () => afterPhoto) })],
        ['a note over 2,000 characters', (b) => ({ ...b, note: '尘'.repeat(2001) })],
        ['checkedAt without an offset', (b) => ({ ...b, checkedAt: '2021-08-02T10:00:00' })],
        ['no checkedAt', ({ checkedAt: _checkedAt, ...rest }) => rest],
        ['an unknown rectification', (b) => ({ ...b, rectificationId: 'RV~v-s1~T99' })],
        ['an empty rectification id', (b) => ({ ...b, rectificationId: '' })],
        ['photos not an array', (b) => ({ ...b, photos: afterPhoto })],
      ];
      it.each(cases)('%s', async (_name, change) => {
        const before = await countRows(h.server.ctx);
        const body = change(h.fx.recheck(ids['v-s2/T16']!, { verdict: 'fixed', photos: [afterPhoto] }));
        const response = await put(body, team.rechecker, (body as { id: string }).id);
        expect([response.status, response.body.error]).toEqual([400, 'invalid_request']);
        expect(response.body.issues?.length).toBeGreaterThan(0);
        expect(await countRows(h.server.ctx)).toEqual(before);
      });

      it('a photo-less "not_fixed" stored before the photo rule is still a 200 when its phone retries it', async () => {
        // As the server stored it before the rule: the service itself, with the rule's check skipped.
        const old = h.fx.recheck(ids['v-s2/T16']!, { verdict: 'not_fixed', photos: [] });
        const before = await countRows(h.server.ctx);
        await h.server.ctx.db
          .insertInto('rechecks')
          .values({
            id: old.id,
            rectification_id: old.rectificationId,
            checked_by: team.rechecker.id,
            verdict: 'not_fixed',
            note: null,
            photos_json: '[]',
            checked_at: old.checkedAt,
            received_at: old.checkedAt,
            body_json: canonicalJson(old),
          })
          .execute();
        const retry = await put(old, team.rechecker, old.id);
        expect(retry.status).toBe(200);
        const fresh = await put({ ...old, id: randomUUID() }, team.rechecker, undefined);
        expect([fresh.status, fresh.body.error]).toEqual([400, 'invalid_request']);
        expect((await countRows(h.server.ctx)).rechecks).toBe(before.rechecks + 1);
      });

      it('a path id that is not a UUID is invalid_id; a body id differing from the path is 400', async () => {
        const body = h.fx.recheck(ids['v-s2/T16']!, { photos: [afterPhoto] });
        const notUuid = await put(body, team.rechecker, 'not-a-uuid');
        expect([notUuid.status, notUuid.body.error]).toEqual([400, 'invalid_id']);
        const other = await put(body, team.rechecker, randomUUID());
        expect([other.status, other.body.error]).toEqual([400, 'invalid_request']);
        expect(await statusOf(ids['v-s2/T16']!)).toBe('open');
      });

      it('"not fixed" may come with after-photos and a note', async () => {
        const body = h.fx.recheck(ids['v-s3/T20']!, { verdict: 'not_fixed', photos: [afterPhoto], note: '仍未整改' });
        const response = await put(body);
        expect([response.status, response.body.rectificationStatus]).toEqual([201, 'open']);
      });
    });

    describe('roles and assignments', () => {
      it('an inspector may not recheck, even on a site assigned to them (403, nothing stored)', async () => {
        const before = await countRows(h.server.ctx);
        const response = await put(h.fx.recheck(ids['v-s2/T16']!, { photos: [afterPhoto] }), team.inspector);
        expect([response.status, response.body.error]).toEqual([403, 'forbidden']);
        expect(await countRows(h.server.ctx)).toEqual(before);
      });

      it('a rechecker not assigned to the site gets 403; the one assigned gets 201', async () => {
        const body = h.fx.recheck(ids['v-other/T20']!, { verdict: 'fixed', photos: [afterPhoto] });
        expect((await put(body, team.rechecker)).status).toBe(403);
        expect(await statusOf(ids['v-other/T20']!)).toBe('open');
        const [own] = await h.fx.uploadPhotos(otherRechecker.token, [jpeg({ label: 'other after' })]);
        const mine = { ...body, id: randomUUID(), photos: [own!] };
        expect((await put(mine, otherRechecker)).status).toBe(201);
        expect(await statusOf(ids['v-other/T20']!)).toBe('closed');
      });

      it('the office may recheck any site without an assignment', async () => {
        const body = h.fx.recheck(ids['v-s3/T01']!, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-01T01:00:00Z',
          photos: [afterPhoto],
        });
        expect((await put(body, team.supervisor)).status).toBe(201);
      });

      it('progress, history and export are for the office only; 401 without a valid token', async () => {
        const paths = [
          '/api/rounds/RV/rectification-progress',
          '/api/rounds/RV/recheck-results.csv',
          `/api/rectifications/${encodeURIComponent(ids['v-s1/T16']!)}/rechecks`,
        ];
        for (const path of paths) {
          const statuses = [];
          for (const actor of [team.admin, team.supervisor, team.inspector, team.rechecker])
            statuses.push((await h.api.get(path, actor.token)).status);
          statuses.push((await h.api.get(path)).status, (await h.api.get(path, 'x'.repeat(43))).status);
          expect(statuses, path).toEqual([200, 200, 403, 403, 401, 401]);
        }
      });

      it('404 for a round or rectification that does not exist', async () => {
        const office = team.supervisor.token;
        expect((await h.api.get('/api/rounds/NOPE/rectification-progress', office)).status).toBe(404);
        expect((await h.api.get('/api/rounds/NOPE/recheck-results.csv', office)).status).toBe(404);
        expect((await h.api.get('/api/rectifications/RV~v-s1~T99/rechecks', office)).status).toBe(404);
        expect((await h.api.get('/api/rectifications/%00/rechecks', office)).status).toBeLessThan(500);
      });
    });

    describe('retries and conflicts', () => {
      it('a retry after a 422 stores once the photo is there; a second retry is a 200 with the same answer', async () => {
        const after = jpeg({ label: 'late after' });
        const body = h.fx.recheck(ids['v-s2/T16']!, { verdict: 'fixed', photos: [sha256(after)] });
        const missing = await put(body);
        expect([missing.status, missing.body.missingPhotos]).toEqual([422, [sha256(after)]]);
        await h.fx.uploadPhotos(team.rechecker.token, [after]);
        const stored = await put(body);
        expect([stored.status, stored.body.rectificationStatus]).toEqual([201, 'closed']);
        const retry = await put(body);
        expect([retry.status, retry.body]).toEqual([200, stored.body]);
      });

      it('concurrent retries of one recheck store it once', async () => {
        const body = h.fx.recheck(ids['v-s1/T18']!, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-01T02:00:00Z',
          photos: [afterPhoto],
        });
        const before = await countRows(h.server.ctx);
        const responses = await Promise.all(Array.from({ length: 6 }, () => put(body)));
        expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
        expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
        const after = await countRows(h.server.ctx);
        expect(after.rechecks).toBe(before.rechecks + 1);
      });

      it('a retry after a newer verdict answers 200 with the current status, and changes nothing', async () => {
        const id = ids['v-s1/T16']!;
        const older = h.fx.recheck(id, { verdict: 'fixed', photos: [afterPhoto], checkedAt: '2021-08-01T02:00:00Z' });
        expect((await put(older)).body.rectificationStatus).toBe('closed');
        const newer = h.fx.recheck(id, {
          verdict: 'not_fixed',
          photos: [afterPhoto],
          checkedAt: '2021-08-02T02:00:00Z',
          note: '海报又被遮挡',
        });
        expect((await put(newer)).body.rectificationStatus).toBe('open');
        const retry = await put(older);
        expect([retry.status, retry.body.rectificationStatus]).toEqual([200, 'open']);
        expect(await statusOf(id)).toBe('open');
      });

      it('409 for different content under the same id — verdict, rectification or photos — and nothing changes', async () => {
        const id = ids['v-s3/T20']!;
        const body = h.fx.recheck(id, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-03T02:00:00Z',
          photos: [afterPhoto],
        });
        expect((await put(body)).status).toBe(201);
        const before = await countRows(h.server.ctx);
        for (const changed of [
          { ...body, verdict: 'fixed' },
          { ...body, rectificationId: ids['v-s3/T01']! },
          { ...body, photos: [otherAfterPhoto] },
          { ...body, checkedAt: '2021-08-03T02:00:01Z' },
        ]) {
          const response = await put(changed);
          expect([response.status, response.body.error]).toEqual([409, 'conflict']);
        }
        expect(await countRows(h.server.ctx)).toEqual(before);
        expect(await statusOf(id)).toBe('open');
      });

      it('the body is compared as sent: the same instant written with another offset is a conflict', async () => {
        const body = h.fx.recheck(ids['v-s3/T20']!, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-04T10:00:00+08:00',
          photos: [afterPhoto],
        });
        expect((await put(body)).status).toBe(201);
        expect((await put({ ...body, checkedAt: '2021-08-04T02:00:00Z' })).status).toBe(409);
      });

      it('a retry after the server restarted is still a 200', async () => {
        const body = h.fx.recheck(ids['v-s3/T01']!, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-05T01:00:00Z',
          photos: [afterPhoto],
        });
        const first = await put(body);
        expect(first.status).toBe(201);
        await h.restart(); // same DATA_DIR and database; tokens are stored, so they still work
        const retry = await put(body);
        expect([retry.status, retry.body]).toEqual([200, first.body]);
      });
    });

    describe('history of verdicts', () => {
      it('keeps every verdict, oldest checkedAt first, with who checked', async () => {
        const id = ids['v-s1/T16']!;
        const response = await h.api.get<HistoryEntry[]>(
          `/api/rectifications/${encodeURIComponent(id)}/rechecks`,
          team.supervisor.token,
        );
        const history = expectStatus(response, 200, 'history').body;
        expect(history.map((entry) => [entry.verdict, entry.checkedAt, entry.note])).toEqual([
          ['fixed', '2021-08-01T02:00:00.000Z', null],
          ['not_fixed', '2021-08-02T02:00:00.000Z', '海报又被遮挡'],
        ]);
        expect(history[0]).toMatchObject({
          photos: [afterPhoto],
          checkedBy: team.rechecker.id,
          checkedByName: '测试rechecker',
        });
        const none = await h.api.get<HistoryEntry[]>(
          `/api/rectifications/${encodeURIComponent(ids['v-i1/I09']!)}/rechecks`,
          team.admin.token,
        );
        expect([none.status, none.body]).toEqual([200, []]);
      });
    });

    describe('close-out (销号) and progress', () => {
      it('a site is closed out when all its rectifications are closed, and reopens with a newer "not fixed"', async () => {
        // So far: v-s2 (one item) closed; v-other closed; v-s1 T16 reopened, T18 not fixed.
        let current = await progress();
        const bySite = (p: RectificationProgress) => Object.fromEntries(p.sites.map((s) => [s.siteId, s]));
        expect(bySite(current)['v-s2']).toMatchObject({ closed: 1, open: 0, closedOut: true });
        expect(bySite(current)['v-s1']).toMatchObject({ closed: 0, open: 2, closedOut: false });

        const t16 = h.fx.recheck(ids['v-s1/T16']!, {
          verdict: 'fixed',
          photos: [afterPhoto],
          checkedAt: '2021-08-06T02:00:00Z',
        });
        const t18 = h.fx.recheck(ids['v-s1/T18']!, {
          verdict: 'fixed',
          photos: [afterPhoto],
          checkedAt: '2021-08-06T03:00:00Z',
        });
        expect((await put(t16)).body.rectificationStatus).toBe('closed');
        expect(bySite(await progress())['v-s1']).toMatchObject({ closed: 1, open: 1, closedOut: false });
        expect((await put(t18)).body.rectificationStatus).toBe('closed');
        current = await progress();
        expect(bySite(current)['v-s1']).toMatchObject({
          closed: 2,
          open: 0,
          closedOut: true,
          closedOutOn: '2021-08-06',
        });

        const reopen = h.fx.recheck(ids['v-s1/T18']!, {
          verdict: 'not_fixed',
          checkedAt: '2021-08-07T03:00:00Z',
          photos: [afterPhoto],
        });
        expect((await put(reopen)).body.rectificationStatus).toBe('open');
        expect(bySite(await progress())['v-s1']).toMatchObject({ closed: 1, open: 1, closedOut: false });
      });

      it('per round and district: closed, open and overdue (open past the Shanghai due date)', async () => {
        const current = await progress();
        expect(current.roundId).toBe('RV');
        expect(current.asOf).toBe(cityDate(h.clock.now()));
        // Closed: v-s1/T16, v-s2/T16, v-other/T20. Open: v-s1/T18, v-s3/T01, v-s3/T20 (due 2021), v-i1/I09 (due later).
        expect(current.totals).toMatchObject({
          rectifications: 7,
          closed: 3,
          open: 4,
          overdue: 3,
          sites: 5,
          sitesClosedOut: 2,
        });
        expect(current.byDistrict.map((d) => [d.district, d.rectifications, d.closed, d.open, d.overdue])).toEqual([
          ['卫东区', 3, 0, 3, 2],
          ['新华区', 3, 2, 1, 1],
          ['湛河区', 1, 1, 0, 0],
        ]);
        expect(current.byType.institute).toMatchObject({ rectifications: 1, open: 1, overdue: 0 });

        // 16 days later the institute's item is overdue too.
        h.clock.advance(16 * 24 * 60 * 60 * 1000);
        try {
          expect((await progress()).totals.overdue).toBe(4);
        } finally {
          h.clock.reset();
        }
      });

      it('a later inspection with full marks closes nothing: progress and close-out stay as they were', async () => {
        const before = await progress();
        await inspect({
          roundId: 'RV',
          siteId: 'v-s3',
          type: 'station',
          revision: 1,
          submittedAt: '2021-08-10T02:00:00Z',
        });
        const after = await progress();
        expect(after.totals).toEqual(before.totals);
        expect(after.sites.find((s) => s.siteId === 'v-s3')).toMatchObject({ open: 2, closedOut: false });
      });

      it('the round report agrees with the stored statuses', async () => {
        const report = await h.api.get<{ rectifications: { id: string; status: string }[] }>(
          '/api/rounds/RV/report',
          team.supervisor.token,
        );
        const closed = new Set(report.body.rectifications.filter((r) => r.status === 'closed').map((r) => r.id));
        expect(closed.has(ids['v-s2/T16']!)).toBe(true);
        expect(closed.has(ids['v-s1/T18']!)).toBe(false);
      });
    });

    describe('export', () => {
      it('CSV, UTF-8 with BOM, one row per rectification with its latest verdict', async () => {
        const response = await h.api.get('/api/rounds/RV/recheck-results.csv', team.supervisor.token);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(response.headers.get('content-disposition')).toBe('attachment; filename="rechecks-RV.csv"');
        expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const lines = response.bytes.toString('utf8').slice(1).split('\r\n');
        expect(lines[0]).toBe(RECHECK_EXPORT_HEADER.join(','));
        expect(lines.at(-1)).toBe('');
        const rows = lines.slice(1, -1).map((line) => line.split(','));
        expect(rows).toHaveLength(7);
        const byId = new Map(rows.map((row) => [row[0]!, row]));
        const s1t16 = byId.get(ids['v-s1/T16']!)!;
        expect(s1t16.slice(2, 13)).toEqual([
          '新华区',
          'v-s1',
          '新华区v-s1新时代文明实践站',
          '站',
          'T16',
          '公益广告完好',
          'C#',
          '宣传栏公益广告破损，已褪色',
          '2021-07-20',
          '已销号',
          '否',
        ]);
        expect(s1t16.slice(15, 21)).toEqual(['3', '已整改', '', '2021-08-06 10:00', '测试rechecker', '1']);
        expect(byId.get(ids['v-i1/I09']!)!.slice(11, 17)).toEqual(['未销号', '否', '否', '1', '0', '未复查']);
        expect(byId.get(ids['v-s2/T16']!)![13]).toBe('是'); // site closed out
        // Districts in Chinese collation: 卫东区, 新华区, 湛河区.
        expect(rows.map((row) => row[2])).toEqual([
          '卫东区',
          '卫东区',
          '卫东区',
          '新华区',
          '新华区',
          '新华区',
          '湛河区',
        ]);
      });
    });
  },
  { openStorage: false },
);
