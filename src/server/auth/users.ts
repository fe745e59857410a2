/**
 * Users and sessions in storage: creating users, signing in and out (within the limits of
 * sign-in-limits.ts), changing one's own password, and the first admin on a fresh database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role, User, UserInput, UserView } from '../../domain/wire';
import { ApiError } from '../http/api-error';
import { lockAuditChain, recordAudit, type AuditActor } from '../services/audit';
import type { ServerContext } from '../context';
import { fromFlag, toFlag, type Database, type Row } from '../storage/schema';
import {
  deriveOnThreadpool,
  hashPassword,
  isWeakerThan,
  SCRYPT_COST,
  verifyPassword,
  type DeriveKey,
  type ScryptCost,
} from './passwords';
import { clearFailures, takeAttempt } from './sign-in-limits';
import { newToken, TOKEN_LIFETIME_DAYS, tokenHash } from './tokens';

export function toUser(row: Pick<Row<'users'>, 'id' | 'username' | 'display_name' | 'role'>): User {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role };
}

export async function createUser(
  db: Kysely<Database>,
  input: UserInput,
  now: Date,
  passwordCost?: ScryptCost,
  options: { derive?: DeriveKey; mustChangePassword?: boolean; actor?: AuditActor | null } = {},
): Promise<User> {
  const username = input.username.toLowerCase();
  const row = {
    id: randomUUID(),
    username,
    display_name: input.displayName,
    role: input.role,
    password_hash: await hashPassword(input.password, passwordCost, options.derive),
    disabled: 0 as const,
    created_at: now.toISOString(),
    must_change_password: toFlag(options.mustChangePassword ?? false),
  };
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor: options.actor ?? null,
      action: 'user.created',
      at: row.created_at,
      subject: row.id,
      detail: { after: toUser(row) },
    });
    const inserted = await trx
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    // Thrown inside: the entry goes with the user it records, or not at all.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
      throw new ApiError('username_taken', `用户名 ${username} 已被使用`);
  });
  return toUser(row);
}

export interface SignInResult {
  token: string;
  user: User;
  /** Present (true) while the password is a generated or reset one: change it first. */
  mustChangePassword?: true;
}

/** What signing in and changing passwords need of the server's context. */
export type PasswordContext = Pick<ServerContext, 'db' | 'engine' | 'passwordCost' | 'scrypt'>;

const dummyHashes = new Map<string, Promise<string>>();

/** A hash of a random password at `cost`: unknown usernames spend the same time as known ones. */
function dummyHash(cost: ScryptCost): Promise<string> {
  const key = `${cost.N}$${cost.r}$${cost.p}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), cost);
    dummyHashes.set(key, hash);
  }
  return hash;
}

/** Node's threadpool unless the context has a ScryptPool (the server always has). */
export function deriveFor(ctx: Pick<ServerContext, 'scrypt'>): DeriveKey {
  const pool = ctx.scrypt;
  return pool ? (password, salt, length, cost) => pool.derive(password, salt, length, cost) : deriveOnThreadpool;
}

/**
 * Checks a password guess within the limits: a place in the hashing queue first (503 when the
 * server is busy hashing), then an attempt (sign-in-limits.ts: 429, recorded as a failure until
 * the caller clears it), then the slow check. True only for a known user's right password.
 */
async function checkGuess(
  ctx: PasswordContext,
  name: string,
  client: string,
  password: string,
  storedHash: string | undefined,
  now: Date,
): Promise<boolean> {
  const reservation = ctx.scrypt?.reserve();
  if (ctx.scrypt && !reservation) {
    throw new ApiError('unavailable', '服务器正忙，请稍后再试。', {
      retryAfterSeconds: ctx.scrypt.retryAfterSeconds(),
    });
  }
  try {
    await takeAttempt(ctx, name, client, now);
    // Spend the same time on an unknown username as on a wrong password.
    const stored = storedHash ?? (await dummyHash(ctx.passwordCost ?? SCRYPT_COST));
    const valid = await verifyPassword(password, stored, reservation?.derive ?? deriveOnThreadpool);
    return valid && storedHash !== undefined;
  } finally {
    reservation?.release();
  }
}

/** A stored hash weaker than today's cost is replaced, unless the password changed meanwhile. */
async function rehashIfWeak(ctx: PasswordContext, userId: string, stored: string, password: string): Promise<void> {
  const cost = ctx.passwordCost ?? SCRYPT_COST;
  if (!isWeakerThan(stored, cost)) return;
  const rehashed = await hashPassword(password, cost, deriveFor(ctx));
  await ctx.db
    .updateTable('users')
    .set({ password_hash: rehashed })
    .where('id', '=', userId)
    .where('password_hash', '=', stored)
    .execute();
}

/**
 * Signs in from `client` (the request's address) within the sign-in limits
 * (sign-in-limits.ts). A success clears this client's failures for the username, opens a
 * session, and rehashes a password stored at a lower cost than today's.
 */
export async function signIn(
  ctx: PasswordContext,
  username: string,
  password: string,
  client: string,
  now: Date,
): Promise<SignInResult> {
  const { db } = ctx;
  const name = username.toLowerCase();
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', name)
    .where('disabled', '=', 0)
    .executeTakeFirst();
  const valid = await checkGuess(ctx, name, client, password, row?.password_hash, now);
  if (!row || !valid) {
    await db.transaction().execute((trx) =>
      recordAudit(trx, {
        actor: row ? toUser(row) : null,
        action: 'session.sign_in_failed',
        at: now.toISOString(),
        subject: name,
        detail: { client },
      }),
    );
    throw new ApiError('invalid_credentials');
  }
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor: toUser(row),
      action: 'session.signed_in',
      at: now.toISOString(),
      subject: row.id,
      detail: { client },
    });
    await clearFailures(trx, name, client);
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
  await rehashIfWeak(ctx, row.id, row.password_hash, password);
  return { token, user: toUser(row), ...(fromFlag(row.must_change_password) && { mustChangePassword: true as const }) };
}

/**
 * A signed-in user changes their own password: the current one is checked within the sign-in
 * limits (a stolen token cannot guess it faster than signing in could); the new one is stored,
 * the must-change flag cleared, and every other session of the user revoked.
 * Returns false for a wrong current password (recorded as a failure).
 */
export async function changeOwnPassword(
  ctx: PasswordContext,
  user: { id: string; username: string; tokenHash: string },
  currentPassword: string,
  newPassword: string,
  client: string,
  now: Date,
): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  if (!(await checkGuess(ctx, user.username, client, currentPassword, row.password_hash, now))) return false;
  const passwordHash = await hashPassword(newPassword, ctx.passwordCost ?? SCRYPT_COST, deriveFor(ctx));
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor: user,
      action: 'session.password_changed',
      at: now.toISOString(),
      subject: user.id,
      detail: { client, otherSessionsRevoked: true },
    });
    await clearFailures(trx, user.username, client);
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: 0 })
      .where('id', '=', user.id)
      .execute();
    await trx
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString() })
      .where('user_id', '=', user.id)
      .where('token_hash', '!=', user.tokenHash)
      .where('revoked_at', 'is', null)
      .execute();
  });
  return true;
}

/** Ends the session, and logs it (操作记录) when it was still open: a repeated sign-out logs nothing. */
export async function signOut(db: Kysely<Database>, user: User, hash: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const ended = await trx
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString() })
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) === 0) return;
    await recordAudit(trx, {
      actor: user,
      action: 'session.signed_out',
      at: now.toISOString(),
      subject: user.id,
      detail: {},
    });
  });
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
 * returned so the caller prints it once; a generated password must be changed at the first
 * sign-in. Returns undefined when users already exist.
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
  try {
    await createUser(db, { username: 'admin', password, displayName: '系统管理员', role: 'admin' }, now, passwordCost, {
      mustChangePassword: adminPassword === undefined,
    });
  } catch (error) {
    // Another server process starting on the same fresh database made the admin first.
    if (error instanceof ApiError && error.code === 'username_taken') return undefined;
    throw error;
  }
  return { password, generated: adminPassword === undefined };
}

/** Every person's account, by username (a site link's own account, #17, is not a person: left out). */
export async function listUsers(db: Kysely<Database>): Promise<UserView[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'disabled'])
    .where('link_only', '=', 0)
    .orderBy('username')
    .execute();
  return rows.map((row) => ({ ...toUser(row), disabled: fromFlag(row.disabled) }));
}

export interface UserUpdate {
  displayName?: string | undefined;
  role?: Role | undefined;
  password?: string | undefined;
  disabled?: boolean | undefined;
}

/**
 * An admin's change to an account, audited: disabling, a new role or a new password ends the
 * user's sessions; someone else's password set by an admin must be changed at the next sign-in.
 * 404 for a user that does not exist (or a link's account).
 */
export async function updateUser(
  ctx: Pick<ServerContext, 'db' | 'now' | 'passwordCost' | 'scrypt'>,
  actor: AuditActor,
  userId: string,
  update: UserUpdate,
): Promise<UserView> {
  const now = ctx.now();
  // Hashed before the transaction: no write lock is held for the slow hash.
  const passwordHash =
    update.password === undefined ? undefined : await hashPassword(update.password, ctx.passwordCost, deriveFor(ctx));
  const row = await ctx.db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const existing = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .where('link_only', '=', 0)
      .executeTakeFirst();
    if (!existing) throw new ApiError('not_found', '找不到该用户');
    const changes = {
      ...(update.displayName !== undefined && { display_name: update.displayName }),
      ...(update.role !== undefined && { role: update.role }),
      ...(update.disabled !== undefined && { disabled: toFlag(update.disabled) }),
      ...(passwordHash !== undefined && {
        password_hash: passwordHash,
        // Someone else's password set by an admin is a reset: the user chooses a new one first.
        must_change_password: toFlag(userId !== actor.id),
      }),
    };
    const after = { ...existing, ...changes };
    await recordAudit(trx, {
      actor: actor,
      action: 'user.changed',
      at: now.toISOString(),
      subject: userId,
      detail: {
        before: { ...toUser(existing), disabled: fromFlag(existing.disabled) },
        after: { ...toUser(after), disabled: fromFlag(after.disabled) },
        passwordReset: passwordHash !== undefined,
      },
    });
    if (Object.keys(changes).length > 0) await trx.updateTable('users').set(changes).where('id', '=', userId).execute();
    if (update.password !== undefined || update.disabled === true || update.role !== undefined)
      await revokeSessionsOf(trx, userId, now);
    return { ...existing, ...changes };
  });
  return { ...toUser(row), disabled: fromFlag(row.disabled) };
}
