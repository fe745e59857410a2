/**
 * Who is asking: resolves the bearer token to a signed-in user (unexpired, not revoked, not
 * disabled) and checks the role a route allows. Routes declare their roles with
 * `{ config: { allow: OFFICE } }` (`guardRoutes`, below); an /api route without a check must say
 * `{ config: { open: true } }`, as the ones API.md names as open do, or the server does not start. A user whose password must be changed (generated or reset) gets
 * 403 `password_change_required` everywhere except the two routes guarded by
 * `allowPasswordChange`: changing the password and signing out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role, User } from '../../domain/wire';
import { ApiError } from '../http/api-error';
import { fromFlag, type Database } from '../storage/schema';
import { userForLinkToken } from '../services/site-links';
import { LinkThrottle } from './link-throttle';
import { bearerToken, tokenHash } from './tokens';

export interface SignedInUser extends User {
  tokenHash: string;
  /** The password is a generated or reset one: only changing it or signing out is allowed. */
  mustChangePassword?: boolean;
  /** Set when the caller holds a site link (#17) instead of a session: it acts for that site only. */
  link?: { id: string; roundId: string; siteId: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: SignedInUser;
  }
}

export async function userForToken(db: Kysely<Database>, token: string, now: Date): Promise<SignedInUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.must_change_password',
      'sessions.token_hash',
    ])
    .where('sessions.token_hash', '=', tokenHash(token))
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now.toISOString())
    .where('users.disabled', '=', 0)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      tokenHash: row.token_hash,
      mustChangePassword: fromFlag(row.must_change_password),
    }
  );
}

/** A preHandler that lets in signed-in users of the given roles (any role when none is given). */
export function allow(db: Kysely<Database>, now: () => Date, ...roles: Role[]): preHandlerAsyncHookHandler {
  return async function checkRole(request: FastifyRequest, _reply: FastifyReply) {
    const user = await signedIn(db, now, request);
    if (user.mustChangePassword) throw new ApiError('password_change_required');
    if (roles.length > 0 && !roles.includes(user.role)) throw new ApiError('forbidden');
    request.user = user;
  };
}

/**
 * A preHandler for the routes a site link may call as well as signed-in users of the given
 * roles: the unit's work and photos. The bearer token is tried as a session first, then as a
 * link. Look-ups of tokens never issued are counted per client address and answered 429 past the limit
 * (`LINK_FAILURE_LIMIT` in `LINK_FAILURE_WINDOW_MS`), so nobody walks the token space.
 */
export function allowWithLinks(db: Kysely<Database>, now: () => Date, ...roles: Role[]): preHandlerAsyncHookHandler {
  return async function checkRoleOrLink(request: FastifyRequest, _reply: FastifyReply) {
    const token = bearerToken(request.headers.authorization);
    const throttle = throttleFor(db);
    const at = now().getTime();
    const wait = throttle.retryAfterSeconds(request.ip, at);
    if (wait > 0) throw new ApiError('too_many_attempts', undefined, { retryAfterSeconds: wait });
    const user = token ? ((await userForToken(db, token, now())) ?? (await userForLinkToken(db, token))) : undefined;
    if (!user) {
      if (token && !(await isKnownToken(db, token))) throttle.fail(request.ip, at);
      throw new ApiError('unauthorized');
    }
    if (user.mustChangePassword) throw new ApiError('password_change_required');
    if (!user.link && roles.length > 0 && !roles.includes(user.role)) throw new ApiError('forbidden');
    request.user = user;
  };
}

/**
 * A token the server once issued (an expired or revoked session, a revoked or closed-out link):
 * not a guess. Only guesses count towards the throttle, so a phone behind an office's NAT with
 * an expired session does not lock out the station heads on the same address.
 */
async function isKnownToken(db: Kysely<Database>, token: string): Promise<boolean> {
  const hash = tokenHash(token);
  const known = await db
    .selectFrom('sessions')
    .select('token_hash')
    .where('token_hash', '=', hash)
    .unionAll(db.selectFrom('site_links').select('token_hash').where('token_hash', '=', hash))
    .limit(1)
    .executeTakeFirst();
  return known !== undefined;
}

export { LINK_FAILURE_LIMIT, LINK_FAILURE_WINDOW_MS } from './link-throttle';

const throttles = new WeakMap<object, LinkThrottle>();
function throttleFor(db: object): LinkThrottle {
  let throttle = throttles.get(db);
  if (!throttle) throttles.set(db, (throttle = new LinkThrottle()));
  return throttle;
}

/**
 * A preHandler for the two routes a user whose password must be changed may still call
 * (`PUT /api/session/password`, `DELETE /api/session`): any signed-in user.
 */
export function allowPasswordChange(db: Kysely<Database>, now: () => Date): preHandlerAsyncHookHandler {
  return async function checkSignedIn(request: FastifyRequest, _reply: FastifyReply) {
    request.user = await signedIn(db, now, request);
  };
}

async function signedIn(db: Kysely<Database>, now: () => Date, request: FastifyRequest): Promise<SignedInUser> {
  const token = bearerToken(request.headers.authorization);
  const user = token ? await userForToken(db, token, now()) : undefined;
  if (!user) throw new ApiError('unauthorized');
  return user;
}

/** The user a guarded route runs for (the guard has run: absent only by a programming error). */
export function currentUser(request: FastifyRequest): SignedInUser {
  if (!request.user) throw new ApiError('unauthorized');
  return request.user;
}

// ---------------------------------------------------------------------------------------------
// Who may call a route, declared in its options and checked for every /api route at start.

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The roles of signed-in users the route lets in; `ANY_ROLE` for every signed-in user.
     * `guardRoutes` puts the check in front of the route's own preHandlers.
     */
    allow?: readonly Role[];
    /** Site links (#17) may call it too, acting for their site only (`allowWithLinks`). */
    links?: boolean;
    /** A user who must change their password may still call it (`allowPasswordChange`). */
    passwordChange?: boolean;
    /** Open to anyone, as API.md (or docs/API.md) names it: health, sign-in, the public pages. */
    open?: boolean;
  }
}

/** The office: who sets up rounds, reads results and publishes. */
export const OFFICE: readonly Role[] = ['supervisor', 'admin'];
/** Every signed-in user, whatever the role (each route then scopes what they see). */
export const ANY_ROLE: readonly Role[] = [];

/**
 * Adds each route's declared check (`config.allow`) as its first preHandler, and refuses to start
 * with an /api route that declares neither a check nor `open`: a route cannot be left open by
 * forgetting its guard. Called before the routes are registered.
 */
export function guardRoutes(app: FastifyInstance, db: Kysely<Database>, now: () => Date): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const config = route.config ?? {};
    if (config.allow === undefined) {
      if (config.open) return;
      throw new Error(`${route.method.toString()} ${route.url}: no config.allow and not config.open`);
    }
    const check = config.passwordChange
      ? allowPasswordChange(db, now)
      : config.links
        ? allowWithLinks(db, now, ...config.allow)
        : allow(db, now, ...config.allow);
    const own = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [check, ...own];
  });
}
