/**
 * The role × route matrix against the real server: every route of API.md and every other route
 * in routes/ called with no token, with each role's token, with a signed-out (revoked) token, an
 * expired one (a session row whose expires_at has passed) and an unknown one. Signed-in routes
 * answer 401 to the last four; each role gets either the route's success status or 403; open
 * routes answer everyone alike. The matrix is checked against Fastify's route table: a new route
 * without a row here fails this suite.
 */
import { randomBytes } from 'node:crypto';
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

const BAD_CALLERS = ['no token', 'signed out', 'expired', 'unknown'] as const;
type Caller = Role | (typeof BAD_CALLERS)[number];
const CALLERS: readonly Caller[] = [...BAD_CALLERS, ...ROLES];

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
  call: (token: string | undefined, caller: Caller) => Promise<ApiResponse>;
}

describeEachEngine(
  'role × route matrix',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let round: RoundView;
    const tokens = {} as Record<Caller, string | undefined>;
    let inspectionId: string;
    let referencedPhoto: string;
    let strayPhoto: string;
    let rectificationId: string;
    let afterPhoto: string;

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
      { route: 'PUT /api/photos/:sha256', roles: anyRole(201), call: (t) => h.api.putPhoto(jpeg(), t) },
      {
        route: 'GET /api/photos/:sha256 (referenced by the inspector and a rectification)',
        roles: anyRole(200),
        call: (t) => h.api.get(`/api/photos/${referencedPhoto}`, t),
      },
      {
        route: 'GET /api/photos/:sha256 (referenced by nothing)',
        roles: office(200),
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
        route: 'PUT /api/rechecks/:id',
        roles: only(201, 'admin', 'supervisor', 'rechecker'),
        call: (t) => {
          const recheck = h.fx.recheck(rectificationId, { photos: [afterPhoto] });
          return h.api.put(`/api/rechecks/${recheck.id}`, recheck, t);
        },
      },
    ];

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
      referencedPhoto = submitted.body.answers.find((answer) => answer.itemId === 'T16')!.photos[0]!;
      const stray = jpeg();
      expectStatus(await h.api.putPhoto(stray, supervisor), 201, 'stray photo');
      strayPhoto = sha256(stray);
      rectificationId = (await h.fx.rectifications(supervisor))[0]!.id;
      const after = jpeg({ label: 'after' });
      expectStatus(await h.api.putPhoto(after, supervisor), 201, 'after photo');
      // A field user cites only photos they uploaded themselves: the rechecker sends the bytes too.
      expectStatus(await h.api.putPhoto(after, team.rechecker.token), 200, 'after photo, rechecker');
      afterPhoto = sha256(after);
      await publish();

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
        expected[caller] = entry.open ?? (isRole(caller) ? entry.roles![caller] : 401);
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
