/**
 * Sites as stored: the office's bulk upsert by its own codes (audited as a digest: an import may
 * hold thousands), and the sites a user may see.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { canonicalJson } from '../../domain/canonical-json';
import type { Site } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText } from '../http/validate';
import type { Database, Row } from '../storage/schema';
import { isOffice } from './access';
import { recordAudit } from './audit';

/**
 * Inserts new sites and updates known ones, in one transaction. Coordinates the office sends are
 * marked as the office's, except coordinates re-sent unchanged, which keep their source (a
 * phone's first-visit position stays marked 手机定位).
 */
export async function upsertSites(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: SignedInUser,
  sites: readonly Site[],
): Promise<void> {
  const updatedAt = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    // A digest: an import may hold thousands of sites; their ids and the body's hash suffice.
    await recordAudit(trx, {
      actor: actor,
      action: 'sites.upserted',
      at: updatedAt,
      detail: {
        count: sites.length,
        ids: sites.slice(0, 50).map((site) => site.id),
        sha256: createHash('sha256').update(canonicalJson(sites)).digest('hex'),
      },
    });
    for (const site of sites) {
      const values = {
        name: site.name,
        type: site.type,
        district: site.district,
        parent_id: site.parentId ?? null,
        address: site.address ?? null,
        lat: site.lat ?? null,
        lng: site.lng ?? null,
        updated_at: updatedAt,
      };
      const located = values.lat !== null && values.lng !== null;
      await trx
        .insertInto('sites')
        .values({ id: site.id, ...values, position_source: located ? 'office' : null })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            ...values,
            // The office re-saving a phone's coordinates unchanged keeps them marked as the phone's.
            position_source: sql<
              'office' | 'phone' | null
            >`case when sites.lat = excluded.lat and sites.lng = excluded.lng then sites.position_source else excluded.position_source end`,
            position_set_by: sql<
              string | null
            >`case when sites.lat = excluded.lat and sites.lng = excluded.lng then sites.position_set_by else null end`,
            position_set_at: sql<
              string | null
            >`case when sites.lat = excluded.lat and sites.lng = excluded.lng then sites.position_set_at else null end`,
          }),
        )
        .execute();
    }
  });
}

/** The office's sites (all, or a round's scope); anyone else's: the sites assigned to them (in the round). */
export async function sitesVisibleTo(
  db: Kysely<Database>,
  user: Pick<SignedInUser, 'id' | 'role'>,
  roundId: string | undefined,
): Promise<Row<'sites'>[]> {
  let query = db.selectFrom('sites').selectAll().orderBy('district').orderBy('id');
  if (!isOffice(user) || roundId !== undefined) {
    let assigned = db.selectFrom('assignments').select('site_id');
    if (!isOffice(user)) assigned = assigned.where('user_id', '=', user.id);
    if (roundId !== undefined) assigned = assigned.where('round_id', '=', roundId);
    query = query.where('id', 'in', assigned);
  }
  return query.execute();
}

/** The id of an existing site, or the API's 404 (also for an id no site could have). */
export async function existingSiteId(db: Kysely<Database>, siteId: string): Promise<string> {
  const site = isStorableText(siteId)
    ? await db.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst()
    : undefined;
  if (!site) throw new ApiError('not_found', `找不到点位 ${siteId}`);
  return site.id;
}
