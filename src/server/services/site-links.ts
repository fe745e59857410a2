/**
 * Site links (issue #17): a station head without an account answers their site's dispatched
 * items through an unguessable link, printed as a QR code on the rectification notice.
 *
 * - The token is HMAC-SHA-256(link secret, link id) in base64url (43 characters). The database
 *   keeps only the token's SHA-256 (a copy of it opens nothing) and the link id; the server
 *   derives the token again when the office prints the notice a second time, so a reprint never
 *   invalidates a notice already posted on the station's door.
 * - Each link has its own account (`users.link_only = 1`, disabled: nobody signs in to it): its
 *   photo uploads, answers and requests are recorded under it, with the photo rules every user
 *   has (a link cites only what it uploaded).
 * - A link works while it is not revoked and its site still has an open item in its round: once
 *   the site is closed out (销号) the link is dead, as is a revoked one.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SignedInUser } from '../auth/guard';
import { tokenHash } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Database } from '../storage/schema';
import { lockAuditChain, recordAudit, type AuditActor } from './audit';

export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SiteLinkView {
  siteId: string;
  siteName: string;
  district: string;
  url: string;
  token: string;
  issuedAt: string;
  active: boolean;
}

export function linkToken(secret: Uint8Array, linkId: string): string {
  return createHmac('sha256', secret).update(`unit-link:${linkId}`).digest('base64url');
}

export function linkUrl(publicUrl: string | undefined, token: string): string {
  return `${publicUrl ?? ''}/unit/${token}`;
}

/** The site's active link (not revoked), if any. */
async function activeLink(db: Kysely<Database>, roundId: string, siteId: string) {
  return db
    .selectFrom('site_links')
    .selectAll()
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Issues the site's link unless one is active; returns whether a new one was made. Runs inside
 * the caller's transaction when given one (dispatch issues links with the dispatch). Concurrent
 * callers on PostgreSQL both pass the look-up; the unique index decides, and the loser's
 * link account is removed again.
 */
export async function ensureSiteLink(
  db: Kysely<Database>,
  secret: Uint8Array,
  roundId: string,
  siteId: string,
  issuedBy: string,
  now: Date,
): Promise<boolean> {
  if (await activeLink(db, roundId, siteId)) return false;
  const id = randomUUID();
  const userId = randomUUID();
  const site = await db.selectFrom('sites').select('name').where('id', '=', siteId).executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values({
      id: userId,
      username: `link-${createHash('sha256').update(id).digest('hex').slice(0, 24)}`,
      display_name: `${site.name}（整改链接）`.slice(0, 50),
      role: 'unit',
      password_hash: '!',
      disabled: 1,
      created_at: now.toISOString(),
      link_only: 1,
    })
    .execute();
  // One active link per site (migration 0014): a request issuing it at the same moment waits
  // for this one's commit, then finds the link there and issues none — the idempotent outcome.
  const inserted = await db
    .insertInto('site_links')
    .values({
      id,
      round_id: roundId,
      site_id: siteId,
      user_id: userId,
      token_hash: tokenHash(linkToken(secret, id)),
      issued_at: now.toISOString(),
      issued_by: issuedBy,
      revoked_at: null,
    })
    .onConflict((oc) => oc.columns(['round_id', 'site_id']).where('revoked_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return true;
  await db.deleteFrom('users').where('id', '=', userId).execute();
  return false;
}

/** Revokes the site's active link; false when it has none. */
export async function revokeSiteLink(db: Kysely<Database>, roundId: string, siteId: string, now: Date) {
  const result = await db
    .updateTable('site_links')
    .set({ revoked_at: now.toISOString() })
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The current link of each site of the round that has one, by district then site id. */
export async function currentSiteLinks(
  db: Kysely<Database>,
  secret: Uint8Array,
  publicUrl: string | undefined,
  roundId: string,
  filter: { siteId?: string | undefined; district?: string | undefined },
): Promise<SiteLinkView[]> {
  let query = db
    .selectFrom('site_links')
    .innerJoin('sites', 'sites.id', 'site_links.site_id')
    .select(['site_links.id', 'site_links.site_id', 'site_links.issued_at', 'sites.name', 'sites.district'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('rectifications')
            .select('rectifications.id')
            .whereRef('rectifications.round_id', '=', 'site_links.round_id')
            .whereRef('rectifications.site_id', '=', 'site_links.site_id')
            .where('rectifications.status', '=', 'open')
            .where('rectifications.withdrawn_at', 'is', null),
        )
        .as('has_open'),
    )
    .where('site_links.round_id', '=', roundId)
    .where('site_links.revoked_at', 'is', null);
  if (filter.siteId) query = query.where('site_links.site_id', '=', filter.siteId);
  if (filter.district) query = query.where('sites.district', '=', filter.district);
  const rows = await query.execute();
  const byDistrict = new Intl.Collator('zh-CN');
  rows.sort((a, b) => byDistrict.compare(a.district, b.district) || (a.site_id < b.site_id ? -1 : 1));
  return rows.map((row) => {
    const token = linkToken(secret, row.id);
    return {
      siteId: row.site_id,
      siteName: row.name,
      district: row.district,
      url: linkUrl(publicUrl, token),
      token,
      issuedAt: row.issued_at,
      active: Boolean(row.has_open),
    };
  });
}

/**
 * The link's account for a token, when the link works: not revoked, and its site not closed
 * out in its round. The account is disabled for sign-in; here it acts with the link's scope.
 */
export async function userForLinkToken(db: Kysely<Database>, token: string): Promise<SignedInUser | undefined> {
  if (!LINK_TOKEN.test(token)) return undefined;
  const row = await db
    .selectFrom('site_links')
    .innerJoin('users', 'users.id', 'site_links.user_id')
    .select(['site_links.id as link_id', 'site_links.round_id', 'site_links.site_id', 'users.id', 'users.username'])
    .select(['users.display_name', 'site_links.token_hash'])
    .where('site_links.token_hash', '=', tokenHash(token))
    .where('site_links.revoked_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('rectifications')
          .select('rectifications.id')
          .whereRef('rectifications.round_id', '=', 'site_links.round_id')
          .whereRef('rectifications.site_id', '=', 'site_links.site_id')
          .where('rectifications.status', '=', 'open')
          .where('rectifications.withdrawn_at', 'is', null),
      ),
    )
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: 'unit',
      tokenHash: row.token_hash,
      link: { id: row.link_id, roundId: row.round_id, siteId: row.site_id },
    }
  );
}

/** The office issues a site's link by hand, audited (never the token); false when one is active already. */
export async function issueSiteLink(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: AuditActor,
  secret: Uint8Array,
  roundId: string,
  siteId: string,
): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const created = await ensureSiteLink(trx, secret, roundId, siteId, actor.id, ctx.now());
    if (created) await recordAudit(trx, { actor, action: 'unit_link.issued', roundId, siteId, detail: {} });
    return created;
  });
}

/** The office revokes a site's link, audited; false when the site had none. */
export async function withdrawSiteLink(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: AuditActor,
  roundId: string,
  siteId: string,
): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const revoked = await revokeSiteLink(trx, roundId, siteId, ctx.now());
    if (revoked) await recordAudit(trx, { actor, action: 'unit_link.revoked', roundId, siteId, detail: {} });
    return revoked;
  });
}
