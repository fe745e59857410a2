/**
 * Passwords that must be changed, changing one's own password, and the hashing cost (security
 * issue #13, items 12 and 13), against the real server:
 * - a password an admin resets for someone else, or the generated first admin password, must
 *   be changed at the next sign-in: `mustChangePassword: true`, and every route but
 *   `PUT /api/session/password` and `DELETE /api/session` answers 403 `password_change_required`;
 * - `PUT /api/session/password` checks the current password (within the sign-in limits), stores
 *   the new one and revokes the user's other sessions;
 * - new hashes use OWASP's scrypt minimum, and a weaker stored hash is replaced at the next
 *   successful sign-in.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, isWeakerThan, SCRYPT_COST, storedCost, verifyPassword } from './auth/passwords';
import { ensureAdmin, signIn } from './auth/users';
import { describeEachEngine } from './storage/test-engines';
import {
  countRows,
  expectStatus,
  TEST_PASSWORD_COST,
  useApiServer,
  type Actor,
  type ErrorBody,
  type Team,
} from './test-support/api-harness';

interface SessionBody {
  token: string;
  user: { id: string; username: string };
  mustChangePassword?: boolean;
}

describe('password hashing cost', () => {
  it('new hashes use scrypt N=2^17, r=8, p=1 (OWASP minimum)', () => {
    expect(SCRYPT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('a hash is weaker when any parameter is lower, or its form unknown', () => {
    const at = (N: number, r = 8, p = 1) => `scrypt$${N}$${r}$${p}$c2FsdA==$aGFzaA==`;
    expect(isWeakerThan(at(2 ** 15), SCRYPT_COST)).toBe(true);
    expect(isWeakerThan(at(2 ** 17, 4), SCRYPT_COST)).toBe(true);
    expect(isWeakerThan(at(2 ** 17), SCRYPT_COST)).toBe(false);
    expect(isWeakerThan(at(2 ** 18), SCRYPT_COST)).toBe(false);
    expect(isWeakerThan('bcrypt$whatever', SCRYPT_COST)).toBe(true);
    expect(storedCost(at(2 ** 17))).toEqual(SCRYPT_COST);
  });
});

describeEachEngine(
  'password changes',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
    });
    afterEach(() => h.clock.reset());

    const signInAs = (username: string, password: string) =>
      h.api.post<SessionBody & ErrorBody>('/api/session', { username, password });
    const changePassword = (token: string, currentPassword: string, newPassword: string) =>
      h.api.put<ErrorBody>('/api/session/password', { currentPassword, newPassword }, token);
    /** An inspector whose password the admin has just reset, signed in with it. */
    const resetInspector = async () => {
      const user = await h.fx.createUser(team.admin.token, 'inspector');
      const password = 'reset-by-admin-1';
      expectStatus(await h.api.patch(`/api/users/${user.id}`, { password }, team.admin.token), 200, 'reset');
      const session = expectStatus(await signInAs(user.username, password), 200, 'sign in after reset');
      return { ...user, password, token: session.body.token, session: session.body };
    };

    it('a password reset by an admin must be changed: sign-in says so, and every other route is 403', async () => {
      const user = await resetInspector();
      expect(user.session).toEqual({
        token: expect.any(String) as string,
        user: { id: user.id, username: user.username, displayName: user.displayName, role: 'inspector' },
        mustChangePassword: true,
      });
      const refused = await Promise.all([
        h.api.get<ErrorBody>('/api/bootstrap', user.token),
        h.api.get<ErrorBody>('/api/rounds', user.token),
        h.api.get<ErrorBody>('/api/sites', user.token),
        h.api.get<ErrorBody>('/api/rubrics/2021', user.token),
        h.api.get<ErrorBody>('/api/inspections', user.token),
        h.api.get<ErrorBody>(`/api/photos/${'a'.repeat(64)}`, user.token),
      ]);
      for (const response of refused) {
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ error: 'password_change_required', message: expect.any(String) as string });
      }
    });

    it('an admin who must change the password cannot use the admin routes either', async () => {
      const admin = await h.fx.createUser(team.admin.token, 'admin');
      expectStatus(
        await h.api.patch(`/api/users/${admin.id}`, { password: 'reset-admin-1' }, team.admin.token),
        200,
        '',
      );
      const { token } = expectStatus(await signInAs(admin.username, 'reset-admin-1'), 200, 'sign in').body;
      const before = await countRows(h.server.ctx);
      const responses = await Promise.all([
        h.api.get<ErrorBody>('/api/users', token),
        h.api.patch<ErrorBody>(`/api/users/${team.inspector.id}`, { disabled: true }, token),
        h.api.post<ErrorBody>(
          '/api/users',
          { username: 'sneaky', password: 'sneaky-pass-1', displayName: 'x', role: 'admin' },
          token,
        ),
      ]);
      expect(responses.map((r) => [r.status, r.body.error])).toEqual(Array(3).fill([403, 'password_change_required']));
      expect(await countRows(h.server.ctx)).toEqual(before);
    });

    it('changing it (204) lifts the restriction, keeps this session and revokes the others', async () => {
      const user = await resetInspector();
      const other = expectStatus(await signInAs(user.username, user.password), 200, 'second device').body.token;
      expect((await changePassword(user.token, user.password, 'my-own-password-1')).status).toBe(204);
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(200);
      expect((await h.api.get('/api/bootstrap', other)).status).toBe(401);
      expect((await signInAs(user.username, user.password)).status).toBe(401);
      const fresh = await signInAs(user.username, 'my-own-password-1');
      expect(fresh.status).toBe(200);
      expect(fresh.body).not.toHaveProperty('mustChangePassword');
    });

    it('refuses a wrong current password, the same password, a short one; all count nothing but the guess', async () => {
      const user = await resetInspector();
      const wrong = await changePassword(user.token, 'not-the-password', 'my-own-password-1');
      expect([wrong.status, wrong.body.error, wrong.body.issues?.[0]?.path]).toEqual([
        400,
        'invalid_request',
        'currentPassword',
      ]);
      const same = await changePassword(user.token, user.password, user.password);
      expect([same.status, same.body.issues?.[0]?.path]).toEqual([400, 'newPassword']);
      const short = await changePassword(user.token, user.password, 'short');
      expect([short.status, short.body.issues?.[0]?.path]).toEqual([400, 'newPassword']);
      // Still restricted, still the reset password.
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(403);
      expect((await signInAs(user.username, user.password)).body.mustChangePassword).toBe(true);
    });

    it('guessing the current password with a session is limited like signing in (429)', async () => {
      const user = await resetInspector();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, n) => changePassword(user.token, `guess-${n}`, 'my-own-password-1')),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([...Array<number>(10).fill(400), 429, 429]);
      const limited = answers.find((a) => a.status === 429)!;
      expect(limited.body.error).toBe('too_many_attempts');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('signing out is allowed while the password must be changed', async () => {
      const user = await resetInspector();
      expect((await h.api.delete('/api/session', user.token)).status).toBe(204);
      expect((await changePassword(user.token, user.password, 'my-own-password-1')).status).toBe(401);
    });

    it('any signed-in user may change their own password', async () => {
      const user = await h.fx.createUser(team.admin.token, 'rechecker');
      const other = await h.fx.signIn(user.username, user.password);
      expect((await changePassword(user.token, user.password, 'rechecker-new-1')).status).toBe(204);
      expect((await h.api.get('/api/bootstrap', user.token)).status).toBe(200);
      expect((await h.api.get('/api/bootstrap', other.token)).status).toBe(401);
      expect((await signInAs(user.username, 'rechecker-new-1')).status).toBe(200);
    });

    it('an admin setting their own password through the users API need not change it again', async () => {
      const admin = await h.fx.createUser(team.admin.token, 'admin');
      expectStatus(await h.api.patch(`/api/users/${admin.id}`, { password: 'admin-own-1' }, admin.token), 200, '');
      const session = await signInAs(admin.username, 'admin-own-1');
      expect(session.status).toBe(200);
      expect(session.body).not.toHaveProperty('mustChangePassword');
    });

    it('new users and ADMIN_PASSWORD admins sign in without the flag', async () => {
      const user: Actor = await h.fx.createUser(team.admin.token, 'supervisor');
      expect((await signInAs(user.username, user.password)).body).not.toHaveProperty('mustChangePassword');
      expect((await signInAs('admin', team.admin.password)).body).not.toHaveProperty('mustChangePassword');
    });

    it('a weaker stored hash is replaced at the next successful sign-in, not at a failed one', async () => {
      const user = await h.fx.createUser(team.admin.token, 'inspector');
      const weak = 'scrypt$512$8$1$';
      const stored = await hashPassword(user.password, { N: 512, r: 8, p: 1 });
      expect(stored.startsWith(weak)).toBe(true);
      await h.server.ctx.db.updateTable('users').set({ password_hash: stored }).where('id', '=', user.id).execute();
      const hashOf = async () =>
        (
          await h.server.ctx.db
            .selectFrom('users')
            .select('password_hash')
            .where('id', '=', user.id)
            .executeTakeFirstOrThrow()
        ).password_hash;

      expect((await signInAs(user.username, 'wrong-password')).status).toBe(401);
      expect(await hashOf()).toBe(stored);
      expect((await signInAs(user.username, user.password)).status).toBe(200);
      const rehashed = await hashOf();
      expect(storedCost(rehashed)).toEqual(TEST_PASSWORD_COST);
      expect(await verifyPassword(user.password, rehashed)).toBe(true);
      expect((await signInAs(user.username, user.password)).status).toBe(200);
      expect(await hashOf()).toBe(rehashed); // not again
    });
  },
  { openStorage: false },
);

describeEachEngine('the first admin', (engine) => {
  it('a generated password must be changed at the first sign-in; ADMIN_PASSWORD need not', async () => {
    const { db } = engine.storage();
    const created = await ensureAdmin(db, undefined, new Date(), TEST_PASSWORD_COST);
    expect(created?.generated).toBe(true);
    const session = await signIn(
      { ...engine.storage(), passwordCost: TEST_PASSWORD_COST },
      'admin',
      created!.password,
      '127.0.0.1',
      new Date(),
    );
    expect(session.mustChangePassword).toBe(true);
    const row = await db.selectFrom('users').select('must_change_password').executeTakeFirstOrThrow();
    expect(row.must_change_password).toBe(1);
  });
});
