/**
 * Sign-in limits against the real server (security issue #13, items 5 and 6): guesses are
 * limited per username and client, per client whatever the usernames, and per username from
 * all clients — but a client with no failures still gets in — all counted in the database,
 * concurrent guesses like sequential ones; old failure rows are purged; and the hashing queue
 * is bounded (503 with Retry-After when it is full, before any database work).
 *
 * Clients are told apart by their address: requests go out from 127.0.0.x, each a loopback
 * address of its own (the server listens on 127.0.0.1 and sees the source as `request.ip`).
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ScryptPool, type Reservation } from './auth/scrypt-pool';
import { FAILURE_RETENTION_MS, SIGN_IN_LIMITS } from './auth/sign-in-limits';
import { describeEachEngine } from './storage/test-engines';
import { countRows, useApiServer, type Actor, type ErrorBody, type Team } from './test-support/api-harness';

const MINUTE = 60_000;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: ErrorBody & { token?: string };
}

let nextClient = 10;
/** A loopback address no other test of the file uses. */
const newClient = () => `127.0.0.${nextClient++}`;

describeEachEngine(
  'sign-in limits',
  (engine) => {
    // One worker and room for 40 waiting: the bursts below fit; the 503 test fills it by reserving.
    let pool: ScryptPool;
    const h = useApiServer(engine, { scrypt: () => (pool = new ScryptPool({ workers: 1, maxWaiting: 40 })) });
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
    });
    afterEach(() => h.clock.reset());

    /** `POST /api/session` sent from the loopback address `client`. */
    const signInFrom = (client: string, username: string, password: string) =>
      new Promise<Answer>((resolve, reject) => {
        const url = new URL('/api/session', h.server.baseUrl);
        const body = JSON.stringify({ username, password });
        const req = httpRequest(
          url,
          {
            method: 'POST',
            localAddress: client,
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                retryAfter: res.headers['retry-after'],
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const tally = (answers: Answer[]) =>
      answers.reduce<Record<number, number>>((sum, a) => ({ ...sum, [a.status]: (sum[a.status] ?? 0) + 1 }), {});
    const newUser = (role: 'inspector' | 'admin' = 'inspector'): Promise<Actor> =>
      h.fx.createUser(team.admin.token, role);
    const failureRows = () => h.server.ctx.db.selectFrom('sign_in_failures').selectAll().execute();

    it('sees each loopback address as its own client', async () => {
      const [a, b] = [newClient(), newClient()];
      await signInFrom(a, 'nobody-a', 'wrong-password');
      await signInFrom(b, 'nobody-b', 'wrong-password');
      const rows = await failureRows();
      expect(rows.find((row) => row.username === 'nobody-a')?.client).toBe(a);
      expect(rows.find((row) => row.username === 'nobody-b')?.client).toBe(b);
    });

    it('one client guessing under ever-new usernames gets 429 after 30 failures; other clients do not', async () => {
      const client = newClient();
      const { max } = SIGN_IN_LIMITS.perClient;
      for (let n = 0; n < max; n += 1) {
        expect((await signInFrom(client, `spray-${n}`, 'password1')).status, `guess ${n + 1}`).toBe(401);
      }
      const limited = await signInFrom(client, 'spray-last', 'password1');
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('too_many_attempts');
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      expect(Number(limited.retryAfter)).toBeLessThanOrEqual(15 * 60);
      // Even a real user's right password, from that client…
      expect((await signInFrom(client, team.inspector.username, team.inspector.password)).status).toBe(429);
      // …but the same user from elsewhere is fine.
      expect((await signInFrom(newClient(), team.inspector.username, team.inspector.password)).status).toBe(200);
      h.clock.advance(15 * MINUTE + 5_000);
      expect((await signInFrom(client, team.inspector.username, team.inspector.password)).status).toBe(200);
    });

    it('counts a client’s guesses sent all at once under different usernames like sequential ones', async () => {
      const client = newClient();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, n) => signInFrom(client, `burst-${n}`, 'password1')),
      );
      expect(tally(answers)).toEqual({ 401: SIGN_IN_LIMITS.perClient.max, 429: 40 - SIGN_IN_LIMITS.perClient.max });
    });

    it('ten wrong guesses from one client do not lock the owner out from another — admins included', async () => {
      const admin = await newUser('admin');
      const attacker = newClient();
      const guesses = await Promise.all(
        Array.from({ length: 12 }, (_, n) => signInFrom(attacker, admin.username, `guess-${n}`)),
      );
      expect(tally(guesses)).toEqual({ 401: 10, 429: 2 });
      expect((await signInFrom(attacker, admin.username, admin.password)).status).toBe(429);
      const owner = await signInFrom(newClient(), admin.username, admin.password);
      expect(owner.status).toBe(200);
      expect(owner.body.token).toEqual(expect.any(String));
    });

    it('past 30 failures for a username in an hour, only clients with no failure for it may try', async () => {
      const user = await newUser();
      const attackers = [newClient(), newClient(), newClient()];
      for (const attacker of attackers) {
        for (let n = 0; n < 10; n += 1) expect((await signInFrom(attacker, user.username, `g${n}`)).status).toBe(401);
      }
      // A fourth client: its first guess is still checked (it had no failure), its second is not.
      const fourth = newClient();
      expect((await signInFrom(fourth, user.username, 'fourth-guess-1')).status).toBe(401);
      const limited = await signInFrom(fourth, user.username, user.password);
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(15 * 60);
      expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60 * 60);
      // The owner, who has not mistyped, gets in from their own phone.
      expect((await signInFrom(newClient(), user.username, user.password)).status).toBe(200);
      // An hour later the fourth client may try again.
      h.clock.advance(60 * MINUTE + 5_000);
      expect((await signInFrom(fourth, user.username, user.password)).status).toBe(200);
    });

    it('a right password clears that client’s failures for the username only', async () => {
      const user = await newUser();
      const [mine, theirs] = [newClient(), newClient()];
      for (let n = 0; n < 9; n += 1) {
        await signInFrom(mine, user.username, `typo-${n}`);
        await signInFrom(theirs, user.username, `guess-${n}`);
      }
      expect((await signInFrom(mine, user.username, user.password)).status).toBe(200);
      const rows = (await failureRows()).filter((row) => row.username === user.username);
      expect(rows.map((row) => row.client)).toEqual(Array(9).fill(theirs));
    });

    it('purges failures older than every window (an hour)', async () => {
      const client = newClient();
      const old = new Date(h.clock.now().getTime() - FAILURE_RETENTION_MS - MINUTE).toISOString();
      await h.server.ctx.db
        .insertInto('sign_in_failures')
        .values(Array.from({ length: 5 }, (_, n) => ({ username: `old-${n}`, client, at: old })))
        .execute();
      h.clock.advance(2 * MINUTE); // past the once-a-minute purge of earlier tests
      await signInFrom(client, 'fresh-name', 'password1');
      const rows = (await failureRows()).filter((row) => row.client === client);
      expect(rows.map((row) => row.username)).toEqual(['fresh-name']);
    });

    it('answers 503 with Retry-After, before touching the database, while the hashing queue is full', async () => {
      const held: Reservation[] = [];
      for (let r = pool.reserve(); r; r = pool.reserve()) held.push(r);
      expect(held).toHaveLength(pool.size + pool.maxWaiting);
      try {
        const rowsBefore = await countRows(h.server.ctx);
        const busy = await signInFrom(newClient(), team.supervisor.username, team.supervisor.password);
        expect(busy.status).toBe(503);
        expect(busy.body).toMatchObject({ error: 'unavailable', message: expect.any(String) as string });
        expect(Number(busy.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(await countRows(h.server.ctx)).toEqual(rowsBefore);
        // The rest of the API is not affected.
        expect((await h.api.get('/api/bootstrap', team.supervisor.token)).status).toBe(200);
      } finally {
        for (const reservation of held) reservation.release();
      }
      expect((await signInFrom(newClient(), team.supervisor.username, team.supervisor.password)).status).toBe(200);
    });
  },
  { openStorage: false },
);
