/**
 * Users and sessions in storage: creating users, signing in and out, the failed-sign-in
 * counter, and the first admin on a fresh database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { User, UserInput } from '../../domain/wire';
import { ApiError } from '../http/api-error';
import type { Storage } from '../storage/database';
import { exclusively } from '../storage/exclusive';
import type { Database, Row } from '../storage/schema';
import { hashPassword, verifyPassword, type ScryptCost } from './passwords';
import { newToken, TOKEN_LIFETIME_DAYS, tokenHash } from './tokens';

export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export function toUser(row: Pick<Row<'users'>, 'id' | 'username' | 'display_name' | 'role'>): User {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role };
}

export async function createUser(
  db: Kysely<Database>,
  input: UserInput,
  now: Date,
  passwordCost?: ScryptCost,
): Promise<User> {
  const username = input.username.toLowerCase();
  const row = {
    id: randomUUID(),
    username,
    display_name: input.displayName,
    role: input.role,
    password_hash: await hashPassword(input.password, passwordCost),
    disabled: 0 as const,
    created_at: now.toISOString(),
  };
  const inserted = await db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('username').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
    throw new ApiError('username_taken', `用户名 ${username} 已被使用`);
  return toUser(row);
}

export interface SignInResult {
  token: string;
  user: User;
}

let dummyHash: Promise<string> | undefined;

/**
 * Signs in. Every attempt first takes one of the username's 10 attempts per 15 minutes (a row
 * in `sign_in_failures`), counted and recorded in one transaction that no other attempt for the
 * username runs alongside (storage/exclusive.ts: also across server processes sharing a
 * PostgreSQL database), and only then spends the slow password check; a success gives the row
 * back and clears the count. So guesses sent all at once are counted like guesses sent one by
 * one: the 11th gets 429 without a password check.
 */
export async function signIn(
  storage: Pick<Storage, 'db' | 'engine'>,
  username: string,
  password: string,
  now: Date,
): Promise<SignInResult> {
  const { db } = storage;
  const name = username.toLowerCase();
  await takeAttempt(storage, name, now);

  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', name)
    .where('disabled', '=', 0)
    .executeTakeFirst();
  // Spend the same time on an unknown username as on a wrong password.
  const valid = row
    ? await verifyPassword(password, row.password_hash)
    : await verifyPassword(password, await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  if (!row || !valid) throw new ApiError('invalid_credentials');
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sign_in_failures').where('username', '=', name).execute();
    await trx
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: row.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + TOKEN_LIFETIME_DAYS * 86_400_000).toISOString(),
        revoked_at: null,
      })
      .execute();
  });
  return { token, user: toUser(row) };
}

/** 429 when the username has used its attempts; otherwise records this one as a failure until it succeeds. */
async function takeAttempt(storage: Pick<Storage, 'db' | 'engine'>, name: string, now: Date): Promise<void> {
  await exclusively(storage, `sign-in:${name}`, async (trx) => {
    const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    const { failures, oldest } = await trx
      .selectFrom('sign_in_failures')
      .select((eb) => [eb.fn.countAll<number>().as('failures'), eb.fn.min('at').as('oldest')])
      .where('username', '=', name)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(failures) >= MAX_FAILURES) {
      // Attempts come back as the oldest failure of the window leaves it.
      const freedAt = Date.parse(oldest ?? since) + FAILURE_WINDOW_MS;
      const retryAfterSeconds = Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000));
      throw new ApiError('too_many_attempts', undefined, { retryAfterSeconds });
    }
    await trx.insertInto('sign_in_failures').values({ username: name, at: now.toISOString() }).execute();
  });
}

export async function signOut(db: Kysely<Database>, hash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('token_hash', '=', hash).execute();
}

/** Revokes every session of a user (password reset, disabling). */
export async function revokeSessionsOf(db: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * On a fresh database, creates `admin` with ADMIN_PASSWORD, or with a random password that is
 * returned so the caller prints it once. Returns undefined when users already exist.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  adminPassword: string | undefined,
  now: Date,
  passwordCost?: ScryptCost,
): Promise<{ password: string; generated: boolean } | undefined> {
  const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const password = adminPassword ?? randomBytes(12).toString('base64url');
  await createUser(db, { username: 'admin', password, displayName: '系统管理员', role: 'admin' }, now, passwordCost);
  return { password, generated: adminPassword === undefined };
}
