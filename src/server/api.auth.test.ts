/**
 * Sign-in, sessions and what the server keeps of passwords and tokens, against the real server:
 * wrong passwords, the 10-failures-in-15-minutes lock (429 with Retry-After, even for the right
 * password, even for guesses sent all at once), disabled users, token size and lifetime,
 * sign-out, and that the database holds neither tokens nor passwords in clear.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from './storage/test-engines';
import {
  expectStatus,
  sha256,
  tableNames,
  useApiServer,
  type Actor,
  type ApiResponse,
  type ApiServerHandle,
  type ErrorBody,
  type Team,
} from './test-support/api-harness';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describeEachEngine(
  'sign-in and sessions',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
    });
    afterEach(() => h.clock.reset());

    const signIn = (username: string, password: string) =>
      h.api.post<ErrorBody & { token: string }>('/api/session', { username, password });
    const newInspector = () => h.fx.createUser(team.admin.token, 'inspector');
    const statuses = (responses: ApiResponse[]) => responses.map((response) => response.status);
    /** `count` wrong passwords for the user, sent all at once. */
    const guesses = (user: Actor, count: number) =>
      Promise.all(Array.from({ length: count }, (_, n) => signIn(user.username, `wrong-guess-${n}`)));

    it('a wrong password and an unknown user both get 401 invalid_credentials', async () => {
      const wrong = await signIn(team.inspector.username, 'not-the-password');
      const unknown = await signIn('nobody-here', 'not-the-password');
      for (const response of [wrong, unknown]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ error: 'invalid_credentials', message: expect.any(String) as string });
      }
    });

    it('signs in whatever the case of the username', async () => {
      const response = await signIn(team.supervisor.username.toUpperCase(), team.supervisor.password);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ user: { id: team.supervisor.id, role: 'supervisor' } });
    });

    it('after 10 failed sign-ins in 15 minutes answers 429 with Retry-After, even to the right password', async () => {
      const user = await newInspector();
      expect(statuses(await guesses(user, 10))).toEqual(Array(10).fill(401));

      const locked = await signIn(user.username, user.password);
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ error: 'too_many_attempts', message: expect.any(String) as string });
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect((await signIn(user.username.toUpperCase(), user.password)).status).toBe(429);
      // Another username is not affected.
      expect((await signIn(team.rechecker.username, team.rechecker.password)).status).toBe(200);

      h.clock.advance(10 * MINUTE);
      const later = await signIn(user.username, user.password);
      expect(later.status).toBe(429);
      expect(Number(later.headers.get('retry-after'))).toBeLessThanOrEqual(5 * 60);
      h.clock.advance(5 * MINUTE + 5_000);
      expect((await signIn(user.username, user.password)).status).toBe(200);
    });

    it('counts guesses sent all at once: no more than 10 are checked', async () => {
      const user = await newInspector();
      const counts = statuses(await guesses(user, 16)).reduce<Record<number, number>>(
        (tally, status) => ({ ...tally, [status]: (tally[status] ?? 0) + 1 }),
        {},
      );
      expect(counts).toEqual({ 401: 10, 429: 6 });
      expect((await signIn(user.username, user.password)).status).toBe(429);
    });

    it('a successful sign-in clears the failure count', async () => {
      const user = await newInspector();
      expect(statuses(await guesses(user, 9))).toEqual(Array(9).fill(401));
      expect((await signIn(user.username, user.password)).status).toBe(200);
      // Without the reset these would be failures 10 and 11.
      expect((await signIn(user.username, 'one-more-guess')).status).toBe(401);
      expect((await signIn(user.username, user.password)).status).toBe(200);
    });

    it('a disabled user cannot sign in and their tokens stop working; enabled again, they can', async () => {
      const user = await newInspector();
      const disable = await h.api.patch(`/api/users/${user.id}`, { disabled: true }, team.admin.token);
      expect(disable.status).toBe(200);
      expect(disable.body).toMatchObject({ id: user.id, disabled: true });
      expect((await signIn(user.username, user.password)).status).toBe(401);
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(401);

      expectStatus(await h.api.patch(`/api/users/${user.id}`, { disabled: false }, team.admin.token), 200, 'enable');
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(401); // revoked for good
      expect((await signIn(user.username, user.password)).status).toBe(200);
    });

    it('an admin cannot disable or demote themselves', async () => {
      const disable = await h.api.patch(`/api/users/${team.admin.id}`, { disabled: true }, team.admin.token);
      const demote = await h.api.patch(`/api/users/${team.admin.id}`, { role: 'inspector' }, team.admin.token);
      expect(statuses([disable, demote])).toEqual([403, 403]);
    });

    it('a new password ends the old sessions and the old password', async () => {
      const user = await newInspector();
      const newPassword = 'a-brand-new-password';
      expectStatus(
        await h.api.patch(`/api/users/${user.id}`, { password: newPassword }, team.admin.token),
        200,
        'reset',
      );
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(401);
      expect((await signIn(user.username, user.password)).status).toBe(401);
      expect((await signIn(user.username, newPassword)).status).toBe(200);
    });

    it('tokens are at least 32 random bytes, new on every sign-in, and stored only as their SHA-256', async () => {
      const user = await newInspector();
      const second = await h.fx.signIn(user.username, user.password);
      for (const token of [user.token, second.token]) {
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
      }
      expect(second.token).not.toBe(user.token);

      const sessions = await h.server.ctx.db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      expect(sessions.map((row) => row.token_hash).sort()).toEqual([sha256(user.token), sha256(second.token)].sort());
      const everything = await dumpDatabase(h);
      for (const token of [user.token, second.token]) expect(everything).not.toContain(token);
    });

    it('passwords are stored as scrypt hashes, never in clear', async () => {
      const user = await newInspector();
      const row = await h.server.ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      const everything = await dumpDatabase(h);
      for (const actor of [user, ...Object.values(team)] as Actor[]) expect(everything).not.toContain(actor.password);
      // Two users with the same password get different hashes (a salt each).
      const twin = await h.fx.createUser(team.admin.token, 'inspector', { password: user.password });
      const hashes = await h.server.ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', 'in', [user.id, twin.id])
        .execute();
      expect(new Set(hashes.map((hash) => hash.password_hash)).size).toBe(2);
    });

    it('a token lasts 30 days', async () => {
      const user = await newInspector();
      h.clock.advance(30 * DAY - MINUTE);
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(200);
      h.clock.advance(2 * MINUTE);
      const expired = await h.api.get<ErrorBody>('/api/bootstrap', user.token);
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('unauthorized');
    });

    it('signing out revokes that token only', async () => {
      const user = await newInspector();
      const other = await h.fx.signIn(user.username, user.password);
      expect((await h.api.delete('/api/session', user.token)).status).toBe(204);
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(401);
      expect((await h.api.delete('/api/session', user.token)).status).toBe(401);
      expect((await h.api.get('/api/bootstrap', other.token)).status).toBe(200);
    });

    it('rejects tokens in any other form than "Bearer <token>"', async () => {
      const token = team.inspector.token;
      const forms = [
        `Basic ${token}`,
        token,
        `Bearer  ${token}`,
        `Bearer ${token}x`,
        `Bearer ${randomBytes(32).toString('hex')}`,
      ];
      const responses = await Promise.all(
        forms.map((authorization) => h.api.raw({ method: 'GET', path: '/api/bootstrap', headers: { authorization } })),
      );
      expect(statuses(responses)).toEqual(forms.map(() => 401));
      expect((await h.api.get('/api/bootstrap', token)).status).toBe(200);
    });
  },
  { openStorage: false },
);

/** Every row of every table as one string: what a stolen copy of the database would show. */
async function dumpDatabase(h: ApiServerHandle) {
  const parts: string[] = [];
  for (const table of await tableNames(h.server.ctx.db)) {
    const { rows } = await sql`select * from ${sql.table(table)}`.execute(h.server.ctx.db);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}
