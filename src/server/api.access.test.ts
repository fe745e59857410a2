/**
 * Beyond roles: inspectors touch only the sites assigned to them in that round, and read only
 * the photos their own work references (or that they uploaded); recheckers read the
 * before-photos of the rectifications of their assigned sites; supervisors and admins read
 * everything. Refusals are 403 (404 for another inspector's inspection) and store nothing.
 * Removing an assignment takes the site out of that inspector's scope (its stored inspection stays).
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
  type RoundView,
  type Team,
} from './test-support/api-harness';

describeEachEngine(
  'who may touch which site and photo',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    /** A second inspector and a second rechecker, assigned elsewhere. */
    let inspector2: Actor;
    let rechecker2: Actor;
    let july: RoundView;
    let august: RoundView;
    /** Photos of the inspector's inspection of a-1 (under the threshold: rectifications) and of a-2 (over it). */
    let beforePhoto: string;
    let minorPhoto: string;
    let inspectionId: string;

    beforeAll(async () => {
      team = await h.fx.team();
      [inspector2, rechecker2] = await Promise.all([
        h.fx.createUser(team.admin.token, 'inspector'),
        h.fx.createUser(team.admin.token, 'rechecker'),
      ]);
      const office = team.supervisor.token;
      await h.fx.upsertSites(office, [
        site('station', 'a-1'),
        site('station', 'a-2'),
        site('station', 'b-1', '卫东区'),
        site('station', 'c-1', '湛河区'),
      ]);
      july = await h.fx.createRound(office, { id: 'R-july' });
      august = await h.fx.createRound(office, { id: 'R-august', startsOn: '2021-08-01', endsOn: '2021-08-31' });
      await h.fx.assign(office, july.id, [
        { siteId: 'a-1', userId: team.inspector.id },
        { siteId: 'a-2', userId: team.inspector.id },
        { siteId: 'a-1', userId: team.rechecker.id },
        { siteId: 'a-2', userId: team.rechecker.id },
        { siteId: 'b-1', userId: inspector2.id },
        { siteId: 'b-1', userId: rechecker2.id },
        { siteId: 'c-1', userId: team.rechecker.id },
      ]);
      await h.fx.assign(office, august.id, [{ siteId: 'a-1', userId: inspector2.id }]);

      const poor = await h.fx.submitInspection(team.inspector.token, {
        roundId: july.id,
        siteId: 'a-1',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      expectStatus(poor.response, 201, 'a-1');
      inspectionId = poor.body.id;
      beforePhoto = poor.body.answers.find((answer) => answer.itemId === 'T16')!.photos[0]!;
      const minor = await h.fx.submitInspection(team.inspector.token, {
        roundId: july.id,
        siteId: 'a-2',
        type: 'station',
        grades: { T20: 'C' },
      });
      expectStatus(minor.response, 201, 'a-2');
      minorPhoto = minor.body.answers.find((answer) => answer.itemId === 'T20')!.photos[0]!;
    });

    describe('inspections', () => {
      it.each([
        { what: 'a site assigned to another inspector', roundId: 'R-july', siteId: 'b-1' },
        { what: 'a site assigned only to a rechecker', roundId: 'R-july', siteId: 'c-1' },
        { what: 'a site assigned to them in another round only', roundId: 'R-august', siteId: 'a-2' },
        { what: 'their site, in a round where someone else has it', roundId: 'R-august', siteId: 'a-1' },
      ])('an inspector may not inspect $what (403, nothing stored)', async ({ roundId, siteId }) => {
        const before = await countRows(h.server.ctx);
        const { response } = await h.fx.submitInspection(team.inspector.token, {
          roundId,
          siteId,
          type: 'station',
          grades: { T16: 'C#' },
        });
        expect(response.status).toBe(403);
        expect((response.body as unknown as ErrorBody).error).toBe('forbidden');
        const after = await countRows(h.server.ctx);
        const uploads = { photos: 0, photo_uploads: 0 }; // the photo upload itself is allowed
        expect({ ...after, ...uploads }).toEqual({ ...before, ...uploads });
      });

      it('supervisors and admins may inspect any site of a round, assigned to them or not', async () => {
        for (const who of [team.supervisor, team.admin]) {
          const { response } = await h.fx.submitInspection(who.token, {
            roundId: 'R-august',
            siteId: 'a-1',
            type: 'station',
          });
          expect(response.status).toBe(201);
        }
      });

      it("another inspector cannot replay or overwrite an inspection's id", async () => {
        const stored = await h.api.get<Record<string, unknown>>(
          `/api/inspections/${inspectionId}`,
          team.inspector.token,
        );
        const { score: _s, fullMarks: _f, receivedAt: _r, inspectorId: _i, ...body } = stored.body;
        const replay = await h.api.put<ErrorBody>(`/api/inspections/${inspectionId}`, body, inspector2.token);
        expect(replay.status).toBe(403);
        // Its own retry is fine.
        expect((await h.api.put(`/api/inspections/${inspectionId}`, body, team.inspector.token)).status).toBe(200);
      });

      it("an inspector lists and reads only their own inspections; another's is 404", async () => {
        const own = await h.api.get<{ id: string; inspectorId: string }[]>('/api/inspections', team.inspector.token);
        expect(own.body.length).toBe(2);
        expect(own.body.every((row) => row.inspectorId === team.inspector.id)).toBe(true);
        expect((await h.api.get<unknown[]>('/api/inspections', inspector2.token)).body).toEqual([]);
        const other = await h.api.get<ErrorBody>(`/api/inspections/${inspectionId}`, inspector2.token);
        expect([other.status, other.body.error]).toEqual([404, 'not_found']);
        const all = await h.api.get<unknown[]>('/api/inspections?roundId=R-july', team.supervisor.token);
        expect(all.body.length).toBe(2);
      });
    });

    describe('sites and rounds', () => {
      it('inspectors and recheckers see only their assigned sites and rounds; the office sees all', async () => {
        const ids = async (actor: Actor, query = '') =>
          (await h.api.get<{ id: string }[]>(`/api/sites${query}`, actor.token)).body.map((s) => s.id).sort();
        expect(await ids(team.inspector)).toEqual(['a-1', 'a-2']);
        expect(await ids(inspector2)).toEqual(['a-1', 'b-1']);
        expect(await ids(inspector2, '?roundId=R-july')).toEqual(['b-1']);
        expect(await ids(team.rechecker)).toEqual(['a-1', 'a-2', 'c-1']);
        expect(await ids(team.supervisor)).toEqual(['a-1', 'a-2', 'b-1', 'c-1']);
        expect(await ids(team.supervisor, '?roundId=R-august')).toEqual(['a-1']);

        const rounds = async (actor: Actor) =>
          (await h.api.get<{ id: string }[]>('/api/rounds', actor.token)).body.map((r) => r.id).sort();
        expect(await rounds(team.inspector)).toEqual(['R-july']);
        expect(await rounds(inspector2)).toEqual(['R-august', 'R-july']);
        expect(await rounds(team.admin)).toEqual(['R-august', 'R-july']);
      });
    });

    describe('sites and assignments: what the office gets back, what a removal takes away', () => {
      // A round, sites and an inspector of their own: the other tests' counts stay as they are.
      let inspector3: Actor;
      const pairs = (siteIds: string[], user: { id: string } = inspector3) =>
        siteIds.map((siteId) => ({ siteId, userId: user.id }));
      const assignments = '/api/rounds/R-scope/assignments';

      beforeAll(async () => {
        inspector3 = await h.fx.createUser(team.admin.token, 'inspector');
        await h.fx.upsertSites(
          team.supervisor.token,
          ['e-1', 'e-2', 'e-3'].map((id) => site('station', id)),
        );
        await h.fx.createRound(team.supervisor.token, { id: 'R-scope' });
      });

      it('PUT /api/sites answers {upserted: n} with every site of the list, new or already there', async () => {
        const office = team.supervisor.token;
        const first = await h.api.put('/api/sites', [site('station', 'u-1'), site('station', 'u-2')], office);
        expect([first.status, first.body]).toEqual([200, { upserted: 2 }]);
        const again = await h.api.put(
          '/api/sites',
          [site('station', 'u-1', '卫东区'), site('station', 'u-2'), site('station', 'u-3')],
          office,
        );
        expect([again.status, again.body]).toEqual([200, { upserted: 3 }]);
      });

      it('PUT assignments answers {assigned: n} with the pairs of the body, those already there included', async () => {
        const office = team.supervisor.token;
        const first = await h.api.put(assignments, pairs(['e-1', 'e-2']), office);
        expect([first.status, first.body]).toEqual([200, { assigned: 2 }]);
        const again = await h.api.put(assignments, pairs(['e-1', 'e-3']), office);
        expect([again.status, again.body]).toEqual([200, { assigned: 2 }]);
        expect((await h.api.get(assignments, office)).body).toEqual(pairs(['e-1', 'e-2', 'e-3']));
      });

      it('DELETE assignments answers {removed: n} with the pairs actually removed; the site leaves the inspector’s scope', async () => {
        const office = team.supervisor.token;
        const inspection = await h.fx.submitInspection(inspector3.token, {
          roundId: 'R-scope',
          siteId: 'e-1',
          type: 'station',
        });
        expectStatus(inspection.response, 201, 'inspection of e-1');

        // e-1 was assigned to inspector3, never to inspector2.
        const removal = await h.api.delete(assignments, office, [...pairs(['e-1']), ...pairs(['e-1'], inspector2)]);
        expect([removal.status, removal.body]).toEqual([200, { removed: 1 }]);
        expect((await h.api.get(assignments, office)).body).toEqual(pairs(['e-2', 'e-3']));

        const siteIds = async (path: string, actor: Actor) =>
          (await h.api.get<{ id: string }[]>(path, actor.token)).body.map((s) => s.id);
        expect(await siteIds('/api/sites', inspector3)).toEqual(['e-2', 'e-3']);
        expect(await siteIds('/api/sites?roundId=R-scope', team.supervisor)).toEqual(['e-2', 'e-3']);
        const bootstrap = await h.api.get<{ sites: { id: string }[]; assignments: unknown[] }>(
          '/api/bootstrap',
          inspector3.token,
        );
        expect(bootstrap.body.sites.map((s) => s.id)).toEqual(['e-2', 'e-3']);
        expect(bootstrap.body.assignments).toEqual(
          pairs(['e-2', 'e-3']).map((pair) => ({ roundId: 'R-scope', ...pair })),
        );

        // The stored inspection stays, and its retry is still a 200; a new revision is refused.
        const path = `/api/inspections/${inspection.body.id}`;
        expect((await h.api.get(path, office)).status).toBe(200);
        expect((await h.api.put(path, inspection.body, inspector3.token)).status).toBe(200);
        const revision2 = await h.api.put<ErrorBody>(path, { ...inspection.body, revision: 2 }, inspector3.token);
        expect([revision2.status, revision2.body.error]).toEqual([403, 'forbidden']);

        const nothingLeft = await h.api.delete(assignments, office, pairs(['e-1']));
        expect([nothingLeft.status, nothingLeft.body]).toEqual([200, { removed: 0 }]);
      });
    });

    describe('photos', () => {
      const read = (sha: string, actor: Actor) => h.api.get(`/api/photos/${sha}`, actor.token);

      it('gives the bytes and their type to those who may read them', async () => {
        const response = await read(beforePhoto, team.inspector);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/jpeg');
        expect(sha256(response.bytes)).toBe(beforePhoto);
      });

      it.each([
        ['the inspector whose inspection references it', 'inspector', 200],
        ['another inspector', 'inspector2', 403],
        ['the rechecker of the site (a before-photo of its rectification)', 'rechecker', 200],
        ['a rechecker of another site', 'rechecker2', 403],
        ['a supervisor', 'supervisor', 200],
        ['an admin', 'admin', 200],
      ] as const)('a before-photo: %s → %i', async (_who, actor, status) => {
        expect((await read(beforePhoto, actorOf(actor))).status).toBe(status);
      });

      it('a photo of a site that need not rectify is not a before-photo: its rechecker gets 403', async () => {
        expect((await read(minorPhoto, team.rechecker)).status).toBe(403);
        expect((await read(minorPhoto, team.inspector)).status).toBe(200);
        expect((await read(minorPhoto, team.supervisor)).status).toBe(200);
      });

      it('the uploader reads an unreferenced photo; nobody else in the field does', async () => {
        const bytes = jpeg();
        expect((await h.api.putPhoto(bytes, inspector2.token)).status).toBe(201);
        const sha = sha256(bytes);
        expect((await read(sha, inspector2)).status).toBe(200);
        expect((await read(sha, team.inspector)).status).toBe(403);
        expect((await read(sha, team.rechecker)).status).toBe(403);
        expect((await read(sha, team.supervisor)).status).toBe(200);
      });

      it("a recheck's after-photo is readable by its rechecker and the office, not by the inspector", async () => {
        const [rectification] = await h.fx.rectifications(team.rechecker.token, '?roundId=R-july');
        const after = jpeg({ label: 'after' });
        const [afterSha] = await h.fx.uploadPhotos(team.rechecker.token, [after]);
        const recheck = h.fx.recheck(rectification!.id, { verdict: 'fixed', photos: [afterSha!] });
        expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');
        expect((await read(afterSha!, team.rechecker)).status).toBe(200);
        expect((await read(afterSha!, team.supervisor)).status).toBe(200);
        expect((await read(afterSha!, team.inspector)).status).toBe(403);
        expect((await read(afterSha!, rechecker2)).status).toBe(403);
      });

      it('a photo nobody uploaded: 404 to the office, 403 in the field (nothing to learn)', async () => {
        const sha = sha256(jpeg());
        expect((await read(sha, team.supervisor)).status).toBe(404);
        expect((await read(sha, team.inspector)).status).toBe(403);
      });
    });

    describe('rectifications and rechecks', () => {
      it('recheckers list the rectifications of their assigned sites only', async () => {
        const mine = await h.fx.rectifications(team.rechecker.token);
        expect(mine.map((r) => r.siteId)).toEqual(['a-1', 'a-1']);
        expect(await h.fx.rectifications(rechecker2.token)).toEqual([]);
        expect((await h.fx.rectifications(team.supervisor.token)).length).toBe(2);
      });

      it('a rechecker of another site may not recheck (403, nothing stored)', async () => {
        const [rectification] = await h.fx.rectifications(team.supervisor.token);
        const before = await countRows(h.server.ctx);
        // Refused for the assignment, before the photo (never uploaded) is looked for.
        const recheck = h.fx.recheck(rectification!.id, { photos: [sha256(jpeg())] });
        const response = await h.api.put<ErrorBody>(`/api/rechecks/${recheck.id}`, recheck, rechecker2.token);
        expect([response.status, response.body.error]).toEqual([403, 'forbidden']);
        expect(await countRows(h.server.ctx)).toEqual(before);
      });
    });

    // These run last: they add inspections and rechecks that the counts above do not expect.
    describe('an inspection belongs to the author of its first revision', () => {
      // f-1 is assigned to both inspectors in July: each sees the other's result in the bootstrap.
      beforeAll(async () => {
        await h.fx.upsertSites(team.supervisor.token, [site('station', 'f-1')]);
        await h.fx.assign(team.supervisor.token, july.id, [
          { siteId: 'f-1', userId: team.inspector.id },
          { siteId: 'f-1', userId: inspector2.id },
        ]);
      });

      it('a colleague on the same site cannot take the inspection over with a revision 2 (403, nothing stored)', async () => {
        const first = await h.fx.submitInspection(team.inspector.token, {
          roundId: july.id,
          siteId: 'f-1',
          type: 'station',
          grades: { T20: 'C' },
        });
        expectStatus(first.response, 201, 'first inspector');
        const bootstrap = await h.api.get<{ results: { inspectionId: string }[] }>('/api/bootstrap', inspector2.token);
        expect(bootstrap.body.results.map((result) => result.inspectionId)).toContain(first.body.id);

        const before = await countRows(h.server.ctx);
        const path = `/api/inspections/${first.body.id}`;
        const takeover = await h.api.put<ErrorBody>(path, { ...first.body, revision: 2 }, inspector2.token);
        expect([takeover.status, takeover.body.error]).toEqual([403, 'forbidden']);
        expect(await countRows(h.server.ctx)).toEqual(before);

        // The author still owns it: reads it and amends it.
        expect((await h.api.get(path, team.inspector.token)).status).toBe(200);
        expect((await h.api.put(path, { ...first.body, revision: 2 }, team.inspector.token)).status).toBe(201);
      });
    });

    describe('a submission cites only photos its author could already read', () => {
      const read = (sha: string, actor: Actor) => h.api.get(`/api/photos/${sha}`, actor.token);

      it("citing another inspector's photo by its hash is a 422 naming it, and reads nothing", async () => {
        const built = h.fx.buildInspection({ roundId: july.id, siteId: 'b-1', type: 'station', grades: { T20: 'C' } });
        const answers = built.body.answers.map((answer) =>
          answer.itemId === 'T20' ? { ...answer, photos: [beforePhoto] } : answer,
        );
        const before = await countRows(h.server.ctx);
        const cited = await h.api.put<ErrorBody & { missingPhotos: string[] }>(
          `/api/inspections/${built.body.id}`,
          { ...built.body, answers },
          inspector2.token,
        );
        expect([cited.status, cited.body.error, cited.body.missingPhotos]).toEqual([
          422,
          'missing_photos',
          [beforePhoto],
        ]);
        expect(await countRows(h.server.ctx)).toEqual(before);
        expect((await read(beforePhoto, inspector2)).status).toBe(403);
      });

      it('the 422 says nothing about which guessed hashes exist: another’s photo reads as missing as an unknown one', async () => {
        const unknown = sha256(jpeg({ label: 'never uploaded' }));
        const built = h.fx.buildInspection({ roundId: july.id, siteId: 'b-1', type: 'station', grades: { T20: 'C' } });
        const answers = built.body.answers.map((answer) =>
          answer.itemId === 'T20' ? { ...answer, photos: [unknown, minorPhoto] } : answer,
        );
        const cited = await h.api.put<{ missingPhotos: string[] }>(
          `/api/inspections/${built.body.id}`,
          { ...built.body, answers },
          inspector2.token,
        );
        expect([cited.status, cited.body.missingPhotos]).toEqual([422, [unknown, minorPhoto]]);
      });

      it('a user who uploads the same bytes themselves may cite them (their upload is recorded even as a 200)', async () => {
        const bytes = jpeg({ label: 'same bytes, two phones' });
        expect((await h.api.putPhoto(bytes, team.inspector.token)).status).toBe(201);
        expect((await h.api.putPhoto(bytes, inspector2.token)).status).toBe(200);
        const built = h.fx.buildInspection({
          roundId: july.id,
          siteId: 'b-1',
          type: 'station',
          grades: { T20: 'C' },
          photos: { T20: [bytes] },
        });
        const response = await h.api.put(`/api/inspections/${built.body.id}`, built.body, inspector2.token);
        expect(response.status).toBe(201);
        expect((await read(sha256(bytes), inspector2)).status).toBe(200);
      });

      it("a rechecker cannot cite another rechecker's after-photo; the rectification's before-photos they may", async () => {
        const [rectification] = await h.fx.rectifications(team.rechecker.token, '?roundId=R-july');
        const [othersAfter] = await h.fx.uploadPhotos(rechecker2.token, [jpeg({ label: 'rechecker2 after' })]);
        const foreign = h.fx.recheck(rectification!.id, { verdict: 'not_fixed', photos: [othersAfter!] });
        const refused = await h.api.put<ErrorBody & { missingPhotos: string[] }>(
          `/api/rechecks/${foreign.id}`,
          foreign,
          team.rechecker.token,
        );
        expect([refused.status, refused.body.missingPhotos]).toEqual([422, [othersAfter]]);
        expect((await read(othersAfter!, team.rechecker)).status).toBe(403);

        const [own] = await h.fx.uploadPhotos(team.rechecker.token, [jpeg({ label: 'rechecker after' })]);
        const withBefore = h.fx.recheck(rectification!.id, {
          verdict: 'not_fixed',
          photos: [own!, ...rectification!.beforePhotos],
        });
        expectStatus(
          await h.api.put(`/api/rechecks/${withBefore.id}`, withBefore, team.rechecker.token),
          201,
          'recheck citing its before-photos',
        );
      });
    });

    function actorOf(name: 'inspector' | 'inspector2' | 'rechecker' | 'rechecker2' | 'supervisor' | 'admin'): Actor {
      if (name === 'inspector2') return inspector2;
      if (name === 'rechecker2') return rechecker2;
      return team[name];
    }
  },
  { openStorage: false },
);
