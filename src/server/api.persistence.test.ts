/**
 * Restart persistence: the server is closed and a new one started on the same DATA_DIR and
 * database. Everything written before is there after — users, sites, rounds, assignments,
 * photos, inspections, rectifications, rechecks, the report — sign-in tokens still work (and
 * signed-out ones stay out), retries of earlier writes are still recognised, and a restart
 * with another ADMIN_PASSWORD changes no account.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import {
  ADMIN_PASSWORD,
  countRows,
  expectStatus,
  jpeg,
  photoFiles,
  sha256,
  site,
  useApiServer,
  type Actor,
  type BuiltInspection,
  type Team,
} from './test-support/api-harness';

describeEachEngine(
  'restart persistence',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let signedOut: Actor;
    let inspection: BuiltInspection;
    let recheckBody: object;
    let recheckId: string;
    let afterPhoto: Buffer;
    /** What the API shows before the restart, read again after it. */
    const reads = () => [
      ['/api/bootstrap', team.supervisor.token],
      ['/api/bootstrap', team.inspector.token],
      ['/api/bootstrap', team.rechecker.token],
      ['/api/users', team.admin.token],
      ['/api/rounds/R-keep', team.supervisor.token],
      ['/api/rounds/R-keep/assignments', team.supervisor.token],
      ['/api/rounds/R-keep/report', team.supervisor.token],
      ['/api/rectifications', team.supervisor.token],
      [`/api/inspections?roundId=R-keep`, team.supervisor.token],
      [`/api/inspections/${inspection.body.id}`, team.inspector.token],
    ];
    const snapshot = async () =>
      Promise.all(reads().map(async ([path, token]) => [path, (await h.api.get(path!, token)).body]));
    let before: Awaited<ReturnType<typeof snapshot>>;
    let rowsBefore: Awaited<ReturnType<typeof countRows>>;
    let filesBefore: string[];

    beforeAll(async () => {
      team = await h.fx.team();
      const office = team.supervisor.token;
      await h.fx.setUpRound(office, {
        round: { id: 'R-keep' },
        sites: [
          site('center', 'k-c1'),
          site('station', 'k-s1', '卫东区', { parentId: 'k-c1', lat: 33.73, lng: 113.19 }),
        ],
        assignees: [team.inspector, team.rechecker],
      });
      const submitted = await h.fx.submitInspection(team.inspector.token, {
        roundId: 'R-keep',
        siteId: 'k-s1',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
        location: { lat: 33.7312, lng: 113.1923, accuracy: 12 },
      });
      expectStatus(submitted.response, 201, 'inspection');
      inspection = submitted;
      const [rectification] = await h.fx.rectifications(office);
      afterPhoto = jpeg({ label: 'after' });
      await h.fx.uploadPhotos(team.rechecker.token, [afterPhoto]);
      const recheck = h.fx.recheck(rectification!.id, {
        verdict: 'fixed',
        photos: [sha256(afterPhoto)],
        note: '已整改',
      });
      expectStatus(await h.api.put(`/api/rechecks/${recheck.id}`, recheck, team.rechecker.token), 201, 'recheck');
      recheckBody = recheck;
      recheckId = recheck.id;
      signedOut = await h.fx.signIn(team.inspector.username, team.inspector.password);
      expectStatus(await h.api.delete('/api/session', signedOut.token), 204, 'sign out');

      before = await snapshot();
      rowsBefore = await countRows(h.server.ctx);
      filesBefore = await photoFiles(h.server.dataDir);
      await h.restart({ adminPassword: 'another-admin-password' });
    });

    it('serves the same data after the restart, to the tokens issued before it', async () => {
      expect(await snapshot()).toEqual(before);
      expect(await countRows(h.server.ctx)).toEqual(rowsBefore);
      expect(await photoFiles(h.server.dataDir)).toEqual(filesBefore);
    });

    it('keeps the photo bytes', async () => {
      for (const bytes of [...inspection.photos, afterPhoto]) {
        const response = await h.api.get(`/api/photos/${sha256(bytes)}`, team.supervisor.token);
        expect(response.status).toBe(200);
        expect(Buffer.compare(response.bytes, bytes)).toBe(0);
      }
    });

    it('still recognises retries of writes made before the restart', async () => {
      const again = await h.api.put(`/api/inspections/${inspection.body.id}`, inspection.body, team.inspector.token);
      expect(again.status).toBe(200);
      expect((await h.api.put(`/api/rechecks/${recheckId}`, recheckBody, team.rechecker.token)).status).toBe(200);
      expect((await h.api.putPhoto(afterPhoto, team.rechecker.token)).status).toBe(200);
      expect(await countRows(h.server.ctx)).toEqual(rowsBefore);
    });

    it('keeps signed-out tokens out, and the admin password as it was', async () => {
      expect((await h.api.get('/api/bootstrap', signedOut.token)).status).toBe(401);
      expect((await h.api.post('/api/session', { username: 'admin', password: 'another-admin-password' })).status).toBe(
        401,
      );
      expect((await h.api.post('/api/session', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    });
  },
  { openStorage: false },
);
