/**
 * What a responsible unit may see (issue #17): the dispatched, not withdrawn rectifications of
 * the sites it answers for — every site of a district it is responsible for, and each site it
 * is responsible for by name. A site link sees its own site in its own round only.
 */
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type { SignedInUser } from '../auth/guard';
import type { Responsibilities } from '../../domain/wire';
import type { Database } from '../storage/schema';
import { ApiError } from '../http/api-error';

type RectificationQuery<O> = SelectQueryBuilder<Database, 'rectifications', O>;

/** Narrows a query over `rectifications` to what the unit (or link) may see. */
export function inUnitScope<O>(query: RectificationQuery<O>, user: SignedInUser): RectificationQuery<O> {
  const visible = query
    .where('rectifications.dispatched_at', 'is not', null)
    .where('rectifications.withdrawn_at', 'is', null);
  if (user.link) {
    return visible
      .where('rectifications.round_id', '=', user.link.roundId)
      .where('rectifications.site_id', '=', user.link.siteId);
  }
  return visible.where((eb) => responsibleFor(eb, user.id));
}

function responsibleFor(eb: ExpressionBuilder<Database, 'rectifications'>, userId: string) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('unit_responsibilities')
        .select('unit_responsibilities.user_id')
        .where('unit_responsibilities.user_id', '=', userId)
        .where('unit_responsibilities.kind', '=', 'site')
        .whereRef('unit_responsibilities.target', '=', 'rectifications.site_id'),
    ),
    eb.exists(
      eb
        .selectFrom('unit_responsibilities')
        .innerJoin('sites', 'sites.district', 'unit_responsibilities.target')
        .select('unit_responsibilities.user_id')
        .where('unit_responsibilities.user_id', '=', userId)
        .where('unit_responsibilities.kind', '=', 'district')
        .whereRef('sites.id', '=', 'rectifications.site_id'),
    ),
  ]);
}

/** The rectification when the unit may act on it; 403 when it exists outside the scope, 400 when unknown. */
export async function rectificationInScope(db: Kysely<Database>, user: SignedInUser, rectificationId: string) {
  const row = await inUnitScope(db.selectFrom('rectifications').selectAll('rectifications'), user)
    .where('rectifications.id', '=', rectificationId)
    .executeTakeFirst();
  if (row) return row;
  const exists = await db
    .selectFrom('rectifications')
    .select('id')
    .where('id', '=', rectificationId)
    .executeTakeFirst();
  if (!exists) {
    const message = `未知的整改项 ${rectificationId}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'rectificationId', message }] });
  }
  throw new ApiError('forbidden', '该整改项不属于您负责的点位，或尚未交办');
}

/** Replaces what a unit answers for (office). 404 unknown user, 400 not a unit or unknown sites. */
export async function setResponsibilities(db: Kysely<Database>, userId: string, input: Responsibilities) {
  const user = await db
    .selectFrom('users')
    .select(['role'])
    .where('id', '=', userId)
    .where('link_only', '=', 0)
    .executeTakeFirst();
  if (!user) throw new ApiError('not_found', '找不到该用户');
  if (user.role !== 'unit') {
    const message = '只有责任单位账号可以设置负责的区县和点位';
    throw new ApiError('invalid_request', message, { issues: [{ path: 'role', message }] });
  }
  const siteIds = [...new Set(input.siteIds)];
  const known = siteIds.length
    ? new Set((await db.selectFrom('sites').select('id').where('id', 'in', siteIds).execute()).map((row) => row.id))
    : new Set<string>();
  const unknown = siteIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const message = `未知的点位：${unknown.slice(0, 10).join('、')}`;
    throw new ApiError('invalid_request', message, { issues: [{ path: 'siteIds', message }] });
  }
  const rows = [
    ...[...new Set(input.districts)].map((target) => ({ user_id: userId, kind: 'district' as const, target })),
    ...siteIds.map((target) => ({ user_id: userId, kind: 'site' as const, target })),
  ];
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('unit_responsibilities').where('user_id', '=', userId).execute();
    if (rows.length > 0) await trx.insertInto('unit_responsibilities').values(rows).execute();
  });
  return responsibilitiesOf(db, userId);
}

export async function responsibilitiesOf(db: Kysely<Database>, userId: string) {
  const rows = await db
    .selectFrom('unit_responsibilities')
    .select(['kind', 'target'])
    .where('user_id', '=', userId)
    .orderBy('kind')
    .orderBy('target')
    .execute();
  return {
    userId,
    districts: rows.filter((row) => row.kind === 'district').map((row) => row.target),
    siteIds: rows.filter((row) => row.kind === 'site').map((row) => row.target),
  };
}
