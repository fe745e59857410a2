/**
 * A round's assignments (its scope: which inspector or rechecker visits which site): listed,
 * added and removed, each change audited in its own transaction.
 */
import type { Kysely } from 'kysely';
import type { Assignment } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Database } from '../storage/schema';
import { recordAudit } from './audit';

export async function roundAssignments(db: Kysely<Database>, roundId: string): Promise<Assignment[]> {
  const rows = await db
    .selectFrom('assignments')
    .select(['site_id', 'user_id'])
    .where('round_id', '=', roundId)
    .orderBy('site_id')
    .execute();
  return rows.map((row) => ({ siteId: row.site_id, userId: row.user_id }));
}

/** Adds the pairs (those already there stay); 400 naming each pair with an unknown site or user. */
export async function addAssignments(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: SignedInUser,
  roundId: string,
  pairs: readonly Assignment[],
): Promise<void> {
  await checkAssignable(ctx.db, pairs);
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor,
      action: 'assignments.added',
      at: ctx.now().toISOString(),
      roundId,
      detail: { pairs },
    });
    for (const pair of pairs) {
      await trx
        .insertInto('assignments')
        .values({ round_id: roundId, site_id: pair.siteId, user_id: pair.userId })
        .onConflict((oc) => oc.columns(['round_id', 'site_id', 'user_id']).doNothing())
        .execute();
    }
  });
}

/** Removes the pairs; how many were there. */
export async function removeAssignments(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: SignedInUser,
  roundId: string,
  pairs: readonly Assignment[],
): Promise<number> {
  let removed = 0;
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor,
      action: 'assignments.removed',
      at: ctx.now().toISOString(),
      roundId,
      detail: { pairs },
    });
    for (const pair of pairs) {
      const result = await trx
        .deleteFrom('assignments')
        .where('round_id', '=', roundId)
        .where('site_id', '=', pair.siteId)
        .where('user_id', '=', pair.userId)
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
  });
  return removed;
}

/** Every pair names a known site and an active inspector or rechecker; otherwise 400 with the list. */
async function checkAssignable(db: Kysely<Database>, pairs: readonly Assignment[]): Promise<void> {
  const siteIds = [...new Set(pairs.map((pair) => pair.siteId))];
  const userIds = [...new Set(pairs.map((pair) => pair.userId))];
  const [sites, users] = await Promise.all([
    db.selectFrom('sites').select('id').where('id', 'in', siteIds).execute(),
    db.selectFrom('users').select(['id', 'role', 'disabled']).where('id', 'in', userIds).execute(),
  ]);
  const knownSites = new Set(sites.map((site) => site.id));
  const fieldUsers = new Set(
    users
      .filter((user) => (user.role === 'inspector' || user.role === 'rechecker') && user.disabled === 0)
      .map((user) => user.id),
  );
  const issues = pairs.flatMap((pair, index) => [
    ...(knownSites.has(pair.siteId) ? [] : [{ path: `${index}.siteId`, message: `unknown site ${pair.siteId}` }]),
    ...(fieldUsers.has(pair.userId)
      ? []
      : [{ path: `${index}.userId`, message: `user ${pair.userId} is not an active inspector or rechecker` }]),
  ]);
  if (issues.length > 0) throw new ApiError('invalid_request', `分配有误：${issues[0]!.message}`, { issues });
}
