/**
 * The role × route matrix against the real server: every route of API.md and every other route
 * in routes/ called with no token, with each role's token, with a signed-out (revoked) token, an
 * expired one (a session row whose expires_at has passed) and an unknown one. Signed-in routes
 * answer 401 to the last four; each role gets either the route's success status or 403; open
 * routes answer everyone alike. The matrix is checked against Fastify's route table: a new route
 * without a row here fails this suite.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { ROLES, type Role } from '../domain/wire';
import { tokenHash } from './auth/tokens';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type ApiResponse,
  type ErrorBody,
  type RoundView,
  type Team,
} from './test-support/api-harness';
import { citizenReport, putReportPhoto, reportPhoto, sendReport } from './test-support/citizen';

const BAD_CALLERS = ['no token', 'signed out', 'expired', 'unknown'] as const;
/** A site link's bearer token (#17): the unit routes and photos of its site, 401 everywhere else. */
const LINK = 'site link';
type Caller = Role | (typeof BAD_CALLERS)[number] | typeof LINK;
const CALLERS: readonly Caller[] = [...BAD_CALLERS, ...ROLES, LINK];

/** The route's success status for the listed roles, 403 for the others. */
function only(status: number, ...roles: Role[]): Record<Role, number> {
  return Object.fromEntries(ROLES.map((role) => [role, roles.includes(role) ? status : 403])) as Record<Role, number>;
}
const anyRole = (status: number) => only(status, ...ROLES);
const office = (status: number) => only(status, 'admin', 'supervisor');

interface RouteCase {
  route: string;
  /** Open routes answer every caller alike. */
  open?: number;
  roles?: Record<Role, number>;
  /** What a site link gets (401 when absent: the route is not the link's). */
  link?: number;
  call: (token: string | undefined, caller: Caller) => Promise<ApiResponse>;
}

describeEachEngine(
  'role × route matrix',
  (engine) => {
    // Every report here comes from loopback: the flood suite holds the real limits.
    const wide = { perHour: 1000, perDay: 1000, perSiteDay: 1000 };
    const h = useApiServer(engine, {
      limits: { citizenProofBits: 8, citizenLimits: { resident: wide, reporter: wide } },
    });
    let team: Team;
    let round: RoundView;
    const tokens = {} as Record<Caller, string | undefined>;
    let inspectionId: string;
    let referencedPhoto: string;
    let strayPhoto: string;
    let rectificationId: string;
    let afterPhoto: string;
    let secondItemId: string;
    let reportId: string;
    let reportPhotoHash: string;

    const ROUTES: RouteCase[] = [
      { route: 'GET /api/health', open: 200, call: (t) => h.api.get('/api/health', t) },
      { route: 'GET /api/ready', open: 200, call: (t) => h.api.get('/api/ready', t) },
      // For configured readers (a metrics token or address), whatever the session; loopback by default.
      { route: 'GET /api/metrics', open: 200, call: (t) => h.api.get('/api/metrics', t) },
      {
        route: 'POST /api/session',
        open: 200,
        call: (t) =>
          h.api.post('/api/session', { username: team.inspector.username, password: team.inspector.password }, t),
      },
      {
        route: 'DELETE /api/session',
        roles: anyRole(204),
        // Each role signs out a session of its own made for this call, so the matrix keeps its tokens.
        call: async (t, caller) => {
          const token = isRole(caller) ? (await h.fx.signIn(team[caller].username, team[caller].password)).token : t;
          return h.api.delete('/api/session', token);
        },
      },
      {
        route: 'PUT /api/session/password',
        // A wrong current password: every signed-in role gets past the guard to the check (400),
        // and the matrix's tokens and passwords stay as they are.
        roles: anyRole(400),
        call: (t) =>
          h.api.put('/api/session/password', { currentPassword: 'not-the-password', newPassword: 'never-set-1' }, t),
      },
      {
        route: 'POST /api/users',
        roles: only(201, 'admin'),
        call: (t) =>
          h.api.post(
            '/api/users',
            {
              username: `u-${randomBytes(4).toString('hex')}`,
              password: 'password-123',
              displayName: '新人',
              role: 'inspector',
            },
            t,
          ),
      },
      { route: 'GET /api/users', roles: only(200, 'admin', 'supervisor'), call: (t) => h.api.get('/api/users', t) },
      {
        route: 'PATCH /api/users/:userId',
        roles: only(200, 'admin'),
        call: (t) => h.api.patch(`/api/users/${team.rechecker.id}`, { displayName: '复查员甲' }, t),
      },
      { route: 'GET /api/rubrics/:version', roles: anyRole(200), call: (t) => h.api.get('/api/rubrics/2021', t) },
      {
        route: 'PUT /api/sites',
        roles: office(200),
        call: (t) => h.api.put('/api/sites', [site('station', 'm-upserted', '卫东区')], t),
      },
      { route: 'GET /api/sites', roles: anyRole(200), call: (t) => h.api.get('/api/sites', t) },
      {
        route: 'GET /api/sites?roundId=',
        roles: anyRole(200),
        call: (t) => h.api.get(`/api/sites?roundId=${round.id}`, t),
      },
      {
        route: 'POST /api/rounds',
        roles: office(201),
        call: (t) =>
          h.api.post(
            '/api/rounds',
            { name: '复查轮', rubricVersion: '2021', rectifyBelow: 90, startsOn: '2021-08-01', endsOn: '2021-08-10' },
            t,
          ),
      },
      { route: 'GET /api/rounds', roles: anyRole(200), call: (t) => h.api.get('/api/rounds', t) },
      { route: 'GET /api/rounds/:roundId', roles: office(200), call: (t) => h.api.get(`/api/rounds/${round.id}`, t) },
      {
        route: 'GET /api/rounds/:roundId/assignments',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/assignments`, t),
      },
      {
        route: 'PUT /api/rounds/:roundId/assignments',
        roles: office(200),
        call: (t) =>
          h.api.put(`/api/rounds/${round.id}/assignments`, [{ siteId: 'm-extra', userId: team.inspector.id }], t),
      },
      {
        route: 'DELETE /api/rounds/:roundId/assignments',
        roles: office(200),
        call: (t) =>
          h.api.delete(`/api/rounds/${round.id}/assignments`, t, [{ siteId: 'm-extra', userId: team.inspector.id }]),
      },
      {
        route: 'PATCH /api/rounds/:roundId',
        roles: office(200),
        call: (t) => h.api.patch(`/api/rounds/${round.id}`, { name: '2021年7月模拟测评（修订）' }, t),
      },
      {
        route: 'GET /api/rounds/:roundId/results',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/results`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/result-list',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/result-list?limit=10`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/exports/items.csv',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/exports/items.csv`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/exports/results.csv',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/exports/results.csv`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/inspections',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/inspections`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/rectification-progress',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/rectification-progress`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/recheck-results.csv',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/recheck-results.csv`, t),
      },
      {
        route: 'GET /api/rectifications/:id/rechecks',
        roles: office(200),
        call: (t) => h.api.get(`/api/rectifications/${encodeURIComponent(rectificationId)}/rechecks`, t),
      },
      {
        route: 'POST /api/rounds/:roundId/publication',
        roles: office(200), // published in beforeAll: each call refreshes it
        call: (t) => h.api.post(`/api/rounds/${round.id}/publication`, {}, t),
      },
      {
        route: 'GET /api/rounds/:roundId/publication',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/publication`, t),
      },
      {
        route: 'GET /api/public/rankings/:token',
        open: 200,
        call: async (t) => h.api.get(`/api/public/rankings/${await publish()}`, t),
      },
      {
        route: 'DELETE /api/rounds/:roundId/publication',
        roles: office(204),
        // Published again before each call, so a refusal is about the caller, not a missing publication.
        call: async (t) => {
          await publish();
          return h.api.delete(`/api/rounds/${round.id}/publication`, t);
        },
      },
      {
        route: 'GET /api/rounds/:roundId/bulletin',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/bulletin`, t),
      },
      {
        route: 'PUT /api/rounds/:roundId/bulletin',
        roles: office(200),
        call: (t) =>
          h.api.put(
            `/api/rounds/${round.id}/bulletin`,
            {
              documentNumber: '锦创文办〔2021〕3号',
              issuer: '市创文办',
              issuedOn: null,
              text: null,
              attachmentOrder: 'ranking',
              districtOrder: [],
            },
            t,
          ),
      },
      {
        route: 'GET /api/rounds/:roundId/report',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/report`, t),
      },
      { route: 'GET /api/bootstrap', roles: anyRole(200), call: (t) => h.api.get('/api/bootstrap', t) },
      { route: 'PUT /api/photos/:sha256', roles: anyRole(201), link: 201, call: (t) => h.api.putPhoto(jpeg(), t) },
      {
        route: 'GET /api/photos/:sha256 (referenced by the inspector and a rectification)',
        // A 市民记者 does no field work: nothing of an inspection is theirs to read.
        roles: only(200, 'admin', 'supervisor', 'inspector', 'rechecker', 'unit'),
        link: 200,
        call: (t) => h.api.get(`/api/photos/${referencedPhoto}`, t),
      },
      {
        route: 'GET /api/photos/:sha256 (referenced by nothing)',
        roles: office(200),
        link: 403,
        call: (t) => h.api.get(`/api/photos/${strayPhoto}`, t),
      },
      {
        route: 'PUT /api/inspections/:id',
        roles: only(201, 'admin', 'supervisor', 'inspector'),
        call: (t) => {
          const { body } = h.fx.buildInspection({ roundId: round.id, siteId: 'm-2', type: 'station' });
          return h.api.put(`/api/inspections/${body.id}`, body, t);
        },
      },
      {
        route: 'GET /api/inspections',
        roles: only(200, 'admin', 'supervisor', 'inspector'),
        call: (t) => h.api.get(`/api/inspections?roundId=${round.id}`, t),
      },
      {
        route: 'GET /api/inspections/:id',
        roles: only(200, 'admin', 'supervisor', 'inspector'),
        call: (t) => h.api.get(`/api/inspections/${inspectionId}`, t),
      },
      {
        route: 'GET /api/rectifications',
        roles: only(200, 'admin', 'supervisor', 'rechecker'),
        call: (t) => h.api.get('/api/rectifications?status=open', t),
      },
      {
        route: 'GET /api/public/report-challenge',
        open: 200,
        call: (t) => h.api.get('/api/public/report-challenge', t),
      },
      { route: 'GET /api/public/sites', open: 200, call: (t) => h.api.get('/api/public/sites?q=m-1', t) },
      { route: 'GET /api/public/sites/:siteId', open: 200, call: (t) => h.api.get('/api/public/sites/m-1', t) },
      {
        route: 'POST /api/public/reports',
        // A 市民记者's token makes the report trusted; anyone else is a resident: all send it.
        open: 201,
        call: (t) => sendReport(h.api, citizenReport('m-1'), { token: t }),
      },
      {
        route: 'PUT /api/public/reports/:id/photos/:sha256',
        open: 201,
        call: async (t) => {
          const photo = reportPhoto('matrix');
          const report = citizenReport('m-1', { photos: [photo.entry] });
          expectStatus(await sendReport(h.api, report), 201, 'report');
          return h.api.raw({
            method: 'PUT',
            path: `/api/public/reports/${report.id}/photos/${photo.entry.sha256}`,
            headers: { 'content-type': 'image/jpeg' },
            body: photo.bytes,
            token: t,
          });
        },
      },
      { route: 'GET /api/public/reports/:id', open: 200, call: (t) => h.api.get(`/api/public/reports/${reportId}`, t) },
      {
        route: 'POST /api/public/reports/:id/rating',
        open: 201,
        call: async (t) => {
          const report = citizenReport('m-1');
          expectStatus(await sendReport(h.api, report), 201, 'report');
          const closing = { action: 'close', reply: '已处理' };
          expectStatus(
            await h.api.post(`/api/citizen-reports/${report.id}/decisions`, closing, team.supervisor.token),
            200,
            'close',
          );
          return h.api.post(`/api/public/reports/${report.id}/rating`, { rating: 5 }, t);
        },
      },
      { route: 'GET /api/public/handling', open: 200, call: (t) => h.api.get('/api/public/handling', t) },
      { route: 'GET /api/citizen-reports', roles: office(200), call: (t) => h.api.get('/api/citizen-reports', t) },
      {
        route: 'POST /api/citizen-reports/:id/decisions',
        roles: office(200),
        call: async (t) => {
          const report = citizenReport('m-1');
          expectStatus(await sendReport(h.api, report), 201, 'report');
          return h.api.post(`/api/citizen-reports/${report.id}/decisions`, { action: 'accept' }, t);
        },
      },
      {
        route: 'GET /api/citizen-reports/:id/photos/:sha256',
        roles: office(200),
        call: (t) => h.api.get(`/api/citizen-reports/${reportId}/photos/${reportPhotoHash}`, t),
      },
      {
        route: 'GET /api/citizen-reports/settings',
        roles: office(200),
        call: (t) => h.api.get('/api/citizen-reports/settings', t),
      },
      {
        route: 'PUT /api/citizen-reports/settings',
        roles: office(200),
        call: (t) => h.api.put('/api/citizen-reports/settings', { closeDays: 7 }, t),
      },
      {
        route: 'GET /api/citizen-reports/reporters',
        roles: office(200),
        call: (t) => h.api.get('/api/citizen-reports/reporters', t),
      },
      {
        route: 'PUT /api/rechecks/:id',
        roles: only(201, 'admin', 'supervisor', 'rechecker'),
        call: (t) => {
          const recheck = h.fx.recheck(rectificationId, { photos: [afterPhoto] });
          return h.api.put(`/api/rechecks/${recheck.id}`, recheck, t);
        },
      },
      {
        route: 'POST /api/inspections/:id/reviews',
        roles: office(200), // returned in beforeAll with the same comment: each call repeats it
        call: (t) =>
          h.api.post(
            `/api/inspections/${inspectionId}/reviews`,
            { revision: 1, decision: 'returned', comment: '补拍' },
            t,
          ),
      },
      {
        route: 'POST /api/rounds/:roundId/reviews/approve-clean',
        roles: office(200),
        call: (t) =>
          h.api.post(
            `/api/rounds/${round.id}/reviews/approve-clean`,
            { inspections: [{ id: inspectionId, revision: 1 }] },
            t,
          ),
      },
      {
        route: 'GET /api/rounds/:roundId/reviews',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/reviews?state=pending`, t),
      },
      {
        route: 'GET /api/review-decisions',
        roles: anyRole(200),
        call: (t) => h.api.get('/api/review-decisions?since=0', t),
      },
      {
        route: 'GET /api/inspections/:id/trail',
        roles: office(200),
        call: (t) => h.api.get(`/api/inspections/${inspectionId}/trail`, t),
      },
      // Supervisors read the log per round, site or inspection; the whole log is the admin's.
      { route: 'GET /api/audit', roles: office(200), call: (t) => h.api.get(`/api/audit?roundId=${round.id}`, t) },
      {
        route: 'GET /api/audit (whole log)',
        roles: only(200, 'admin'),
        call: (t) => h.api.get('/api/audit', t),
      },
      {
        route: 'GET /api/audit.csv',
        roles: office(200),
        call: (t) => h.api.get(`/api/audit.csv?roundId=${round.id}`, t),
      },
      { route: 'GET /api/audit/verify', roles: only(200, 'admin'), call: (t) => h.api.get('/api/audit/verify', t) },
      {
        route: 'GET /api/users/:userId/responsibilities',
        roles: office(200),
        call: (t) => h.api.get(`/api/users/${team.unit.id}/responsibilities`, t),
      },
      {
        route: 'PUT /api/users/:userId/responsibilities',
        roles: office(200),
        call: (t) =>
          h.api.put(`/api/users/${team.unit.id}/responsibilities`, { districts: ['新华区'], siteIds: [] }, t),
      },
      {
        route: 'PATCH /api/rounds/:roundId/unit-settings',
        roles: office(200),
        call: (t) => h.api.patch(`/api/rounds/${round.id}/unit-settings`, { objectionDays: 3 }, t),
      },
      {
        route: 'POST /api/rounds/:roundId/dispatch',
        roles: office(200),
        call: (t) => h.api.post(`/api/rounds/${round.id}/dispatch`, {}, t),
      },
      {
        route: 'GET /api/rounds/:roundId/unit-figures',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/unit-figures`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/exports/unit-figures.csv',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/exports/unit-figures.csv`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/unit-items',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/unit-items`, t),
      },
      {
        route: 'GET /api/rounds/:roundId/unit-requests',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/unit-requests?status=pending`, t),
      },
      {
        route: 'POST /api/unit-requests/:id/decision',
        roles: office(200),
        // A fresh pending return each time (the previous caller's, if refused by the role check, is cleared first).
        call: async (t) => {
          await clearPendingRequests();
          const ask = unitRequest(rectificationId, 'return');
          expectStatus(await h.api.put(`/api/unit/requests/${ask.id}`, ask, team.unit.token), 201, 'return request');
          return h.api.post(`/api/unit-requests/${ask.id}/decision`, { decision: 'refuse', reason: '属于本站' }, t);
        },
      },
      {
        route: 'GET /api/rounds/:roundId/unit-links',
        roles: office(200),
        call: (t) => h.api.get(`/api/rounds/${round.id}/unit-links`, t),
      },
      {
        route: 'POST /api/rounds/:roundId/sites/:siteId/unit-link',
        roles: office(200), // issued at dispatch: the current link again
        call: (t) => h.api.post(`/api/rounds/${round.id}/sites/m-1/unit-link`, {}, t),
      },
      {
        route: 'DELETE /api/rounds/:roundId/sites/:siteId/unit-link',
        roles: office(204),
        // A link of its own each time (another site's), so the matrix's link stays valid.
        call: async (t) => {
          await h.api.post(`/api/rounds/${round.id}/sites/m-extra/unit-link`, {}, team.supervisor.token);
          return h.api.delete(`/api/rounds/${round.id}/sites/m-extra/unit-link`, t);
        },
      },
      {
        route: 'GET /api/unit/items',
        roles: only(200, 'unit'),
        link: 200,
        call: (t) => h.api.get('/api/unit/items', t),
      },
      {
        route: 'PUT /api/unit/answers/:id',
        roles: only(201, 'unit'),
        link: 201,
        call: async (t) => {
          const photo = jpeg({ label: 'unit after' });
          await h.api.putPhoto(photo, t);
          const answer = {
            id: randomUUID(),
            rectificationId,
            action: '已修复',
            photos: [sha256(photo)],
            answeredAt: new Date().toISOString(),
          };
          return h.api.put(`/api/unit/answers/${answer.id}`, answer, t);
        },
      },
      {
        route: 'PUT /api/unit/requests/:id',
        roles: only(201, 'unit'),
        link: 201,
        // The unit and the link each ask once, about different items (one pending extension per item).
        call: (t, caller) => {
          const ask = unitRequest(caller === LINK ? secondItemId : rectificationId, 'extension', {
            dueOn: '2031-01-01',
          });
          return h.api.put(`/api/unit/requests/${ask.id}`, ask, t);
        },
      },
      {
        route: 'GET /api/unit/citizen-reports',
        roles: only(200, 'unit'),
        link: 200,
        call: (t) => h.api.get('/api/unit/citizen-reports', t),
      },
      {
        route: 'GET /api/unit/citizen-reports/:id/photos/:sha256',
        roles: only(200, 'unit'),
        link: 200,
        call: (t) => h.api.get(`/api/unit/citizen-reports/${reportId}/photos/${reportPhotoHash}`, t),
      },
      {
        route: 'PUT /api/unit/citizen-answers/:id',
        roles: only(201, 'unit'),
        link: 201,
        call: (t) => {
          const answer = {
            id: randomUUID(),
            reportId,
            note: '已处理',
            photos: [],
            answeredAt: new Date().toISOString(),
          };
          return h.api.put(`/api/unit/citizen-answers/${answer.id}`, answer, t);
        },
      },
    ];

    const unitRequest = (id: string, kind: string, over: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      rectificationId: id,
      kind,
      reason: '不属于本站',
      requestedAt: new Date().toISOString(),
      ...over,
    });
    const clearPendingRequests = async () => {
      const pending = await h.api.get<{ id: string; kind: string }[]>(
        `/api/rounds/${round.id}/unit-requests?status=pending`,
        team.supervisor.token,
      );
      for (const request of pending.body.filter((each) => each.kind === 'return')) {
        await h.api.post(
          `/api/unit-requests/${request.id}/decision`,
          { decision: 'refuse', reason: '清理' },
          team.supervisor.token,
        );
      }
    };

    /** Publishes the round's ranking (as the supervisor); its public token. */
    const publish = async () => {
      const response = await h.api.post<{ token: string }>(
        `/api/rounds/${round.id}/publication`,
        {},
        team.supervisor.token,
      );
      if (response.status !== 200 && response.status !== 201) expectStatus(response, 201, 'publish');
      return response.body.token;
    };

    beforeAll(async () => {
      team = await h.fx.team();
      const supervisor = team.supervisor.token;
      round = await h.fx.setUpRound(supervisor, {
        sites: [site('station', 'm-1'), site('station', 'm-2'), site('station', 'm-extra')],
        assignees: [team.inspector, team.rechecker],
      });
      const submitted = await h.fx.submitInspection(team.inspector.token, {
        roundId: round.id,
        siteId: 'm-1',
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      expectStatus(submitted.response, 201, 'inspection');
      inspectionId = submitted.body.id;
      expectStatus(
        await h.api.post(
          `/api/inspections/${inspectionId}/reviews`,
          { revision: 1, decision: 'returned', comment: '补拍' },
          supervisor,
        ),
        201,
        'return',
      );
      referencedPhoto = submitted.body.answers.find((answer) => answer.itemId === 'T16')!.photos[0]!;
      const stray = jpeg();
      expectStatus(await h.api.putPhoto(stray, supervisor), 201, 'stray photo');
      strayPhoto = sha256(stray);
      [rectificationId, secondItemId] = (await h.fx.rectifications(supervisor)).map((each) => each.id) as [
        string,
        string,
      ];
      // The unit answers for the round's district; the dispatch issues m-1's site link.
      expectStatus(
        await h.api.put(
          `/api/users/${team.unit.id}/responsibilities`,
          { districts: ['新华区'], siteIds: [] },
          supervisor,
        ),
        200,
        'responsibilities',
      );
      expectStatus(await h.api.post(`/api/rounds/${round.id}/dispatch`, {}, supervisor), 200, 'dispatch');
      const links = await h.api.get<{ siteId: string; token: string }[]>(
        `/api/rounds/${round.id}/unit-links`,
        supervisor,
      );
      tokens[LINK] = links.body.find((link) => link.siteId === 'm-1')!.token;
      const after = jpeg({ label: 'after' });
      expectStatus(await h.api.putPhoto(after, supervisor), 201, 'after photo');
      // A field user cites only photos they uploaded themselves: the rechecker sends the bytes too.
      expectStatus(await h.api.putPhoto(after, team.rechecker.token), 200, 'after photo, rechecker');
      afterPhoto = sha256(after);
      await publish();
      const photo = reportPhoto('matrix report');
      const report = citizenReport('m-1', { photos: [photo.entry] });
      expectStatus(await sendReport(h.api, report), 201, 'citizen report');
      expectStatus(await putReportPhoto(h.api, report.id, photo.bytes), 201, 'citizen photo');
      reportId = report.id;
      reportPhotoHash = photo.entry.sha256;
      // 交办 to the unit answering for 新华区 (and to m-1's link).
      expectStatus(
        await h.api.post(`/api/citizen-reports/${report.id}/decisions`, { action: 'hand_over' }, supervisor),
        200,
        'hand over',
      );

      for (const role of ROLES) tokens[role] = team[role].token;
      tokens['no token'] = undefined;
      tokens.unknown = randomBytes(32).toString('base64url');
      const signedOut = await h.fx.signIn(team.inspector.username, team.inspector.password);
      expectStatus(await h.api.delete('/api/session', signedOut.token), 204, 'sign out');
      tokens['signed out'] = signedOut.token;
      const expired = randomBytes(32).toString('base64url');
      await h.server.ctx.db
        .insertInto('sessions')
        .values({
          token_hash: tokenHash(expired),
          user_id: team.admin.id,
          created_at: '2021-01-01T00:00:00.000Z',
          expires_at: new Date(Date.now() - 1000).toISOString(),
          revoked_at: null,
        })
        .execute();
      tokens.expired = expired;
    });

    it('covers every route the server registers', () => {
      const inMatrix = new Set(ROUTES.map((entry) => entry.route.split(' (')[0]!.replace(/\?.*$/, '')));
      const registered = registeredRoutes(h.server.app.printRoutes({ commonPrefix: false }));
      expect(registered.length).toBeGreaterThanOrEqual(25);
      expect(registered.filter((route) => !inMatrix.has(route))).toEqual([]);
    });

    it('every answer carries the security headers, errors included', async () => {
      const responses = await Promise.all([
        h.api.get('/api/health'),
        h.api.get('/api/bootstrap'),
        h.api.get('/api/bootstrap', tokens.inspector),
        h.api.get('/api/rounds/nowhere/report', tokens.admin),
        h.api.get('/api/rounds/%ED%A0%80', tokens.admin),
        h.api.put('/api/sites', '{', tokens.admin),
      ]);
      for (const response of responses) {
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
      }
      expect(responses.map((response) => response.status)).toEqual([200, 401, 200, 404, 400, 400]);
    });

    it.each(ROUTES)('$route', async (entry) => {
      const actual: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const caller of CALLERS) {
        const response = await entry.call(tokens[caller], caller);
        actual[caller] = response.status;
        expected[caller] =
          entry.open ?? (isRole(caller) ? entry.roles![caller] : caller === LINK ? (entry.link ?? 401) : 401);
        if (response.status === 401 || response.status === 403) {
          expect(response.body, `${entry.route} as ${caller}`).toMatchObject({
            error: response.status === 401 ? 'unauthorized' : 'forbidden',
            message: expect.any(String) as string,
          } satisfies Partial<ErrorBody>);
        }
      }
      expect(actual).toEqual(expected);
    });
  },
  { openStorage: false },
);

function isRole(caller: Caller): caller is Role {
  return (ROLES as readonly string[]).includes(caller);
}

/**
 * `METHOD /path` of every route in Fastify's route tree (`printRoutes({commonPrefix: false})`:
 * one node per line, four columns per level, methods in parentheses); the HEAD routes Fastify
 * adds for each GET are left out.
 */
function registeredRoutes(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.search(/[├└]── /);
    const node = /^(\S+)(?: \(([^)]*)\))?$/.exec(line.slice(at + 4));
    if (at < 0 || !node) continue;
    const depth = at / 4;
    prefixes.length = depth;
    prefixes.push(node[1]!);
    for (const method of (node[2] ?? '').split(', ').filter((m) => m && m !== 'HEAD')) {
      routes.push(`${method} ${prefixes.join('')}`);
    }
  }
  return routes;
}
