/**
 * How many password guesses the server checks (API.md "Sign-in limits"). Every attempt at a
 * password — signing in, or the current password when changing it — first takes a row in
 * `sign_in_failures` (username, client address, time), counted and recorded in one transaction
 * that no other attempt from the same client or for the same username runs alongside
 * (storage/exclusive.ts: also across server processes sharing a PostgreSQL database), and only
 * then spends the slow password check. A success gives back the rows of that username and
 * client. So guesses sent all at once are counted like guesses sent one by one.
 *
 * Three limits; the first one reached answers 429 with Retry-After:
 * - per username and client: 10 failures in 15 minutes. Guesses from elsewhere do not lock the
 *   owner out of their own phone.
 * - per client: 30 failures in 15 minutes, whatever the usernames (guessing under ever-new
 *   usernames).
 * - per username, from all clients: 30 failures in an hour; past that, only a client with no
 *   failure for the username in that hour may still try (one guess each for a spread-out
 *   attacker, while the owner who has not mistyped passes).
 * Rows older than the longest window are purged, at most once a minute per process.
 */
import type { Kysely } from 'kysely';
import { ApiError } from '../http/api-error';
import type { Storage } from '../storage/database';
import { exclusively } from '../storage/exclusive';
import type { Database } from '../storage/schema';

const MINUTE = 60_000;

export interface Limit {
  max: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS = {
  perUsernameAndClient: { max: 10, windowMs: 15 * MINUTE },
  perClient: { max: 30, windowMs: 15 * MINUTE },
  perUsername: { max: 30, windowMs: 60 * MINUTE },
} as const satisfies Record<string, Limit>;

/** Failure rows older than this count for nothing and are deleted. */
export const FAILURE_RETENTION_MS = Math.max(...Object.values(SIGN_IN_LIMITS).map((limit) => limit.windowMs));
const PURGE_EVERY_MS = MINUTE;
const lastPurge = new WeakMap<object, number>();

type Trx = Kysely<Database>;

/** Failures in the window matching `where`, and the oldest of them. */
async function failuresSince(
  trx: Trx,
  since: string,
  where: { username?: string; client?: string },
): Promise<{ count: number; oldest: string | undefined }> {
  let query = trx
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('failures'), eb.fn.min('at').as('oldest')])
    .where('at', '>', since);
  if (where.username !== undefined) query = query.where('username', '=', where.username);
  if (where.client !== undefined) query = query.where('client', '=', where.client);
  const { failures, oldest } = await query.executeTakeFirstOrThrow();
  return { count: Number(failures), oldest: oldest ?? undefined };
}

function tooMany(oldest: string | undefined, limit: Limit, now: Date): ApiError {
  // Attempts come back as the oldest failure of the window leaves it (at least that long).
  const freedAt = (oldest ? Date.parse(oldest) : now.getTime()) + limit.windowMs;
  const retryAfterSeconds = Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new ApiError('too_many_attempts', `登录失败次数过多，请 ${minutes} 分钟后再试。`, { retryAfterSeconds });
}

/**
 * 429 when a limit is reached; otherwise records this attempt as a failure until it succeeds.
 * `name` is the lower-cased username, `client` the request's address.
 */
export async function takeAttempt(
  storage: Pick<Storage, 'db' | 'engine'>,
  name: string,
  client: string,
  now: Date,
): Promise<void> {
  await purgeOldFailures(storage.db, now);
  const since = (limit: Limit) => new Date(now.getTime() - limit.windowMs).toISOString();
  const { perUsernameAndClient, perClient, perUsername } = SIGN_IN_LIMITS;
  // Client first, then username: every attempt takes the two locks in this order.
  await exclusively(storage, [`sign-in-client:${client}`, `sign-in:${name}`], async (trx) => {
    const pair = await failuresSince(trx, since(perUsernameAndClient), { username: name, client });
    if (pair.count >= perUsernameAndClient.max) throw tooMany(pair.oldest, perUsernameAndClient, now);
    const fromClient = await failuresSince(trx, since(perClient), { client });
    if (fromClient.count >= perClient.max) throw tooMany(fromClient.oldest, perClient, now);
    const forUsername = await failuresSince(trx, since(perUsername), { username: name });
    if (forUsername.count >= perUsername.max) {
      const pairInWindow = await failuresSince(trx, since(perUsername), { username: name, client });
      if (pairInWindow.count > 0) throw tooMany(forUsername.oldest, perUsername, now);
    }
    await trx.insertInto('sign_in_failures').values({ username: name, client, at: now.toISOString() }).execute();
  });
}

/** A right password: this client's failures for the username no longer count. */
export async function clearFailures(trx: Trx, name: string, client: string): Promise<void> {
  await trx.deleteFrom('sign_in_failures').where('username', '=', name).where('client', '=', client).execute();
}

/** Deletes failures older than every window, at most once a minute per database handle. */
export async function purgeOldFailures(db: Trx, now: Date): Promise<void> {
  const last = lastPurge.get(db);
  if (last !== undefined && now.getTime() - last < PURGE_EVERY_MS && now.getTime() >= last) return;
  lastPurge.set(db, now.getTime());
  const cutoff = new Date(now.getTime() - FAILURE_RETENTION_MS).toISOString();
  await db.deleteFrom('sign_in_failures').where('at', '<', cutoff).execute();
}
