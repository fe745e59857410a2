import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { codeSchema, sitesUpsertSchema } from '../../domain/wire';
import { ANY_ROLE, OFFICE, currentUser } from '../auth/guard';
import { canonicalJson } from '../../domain/canonical-json';
import { recordAudit } from '../services/audit';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { isOffice } from '../services/access';
import { siteView } from '../services/views';

/** Sites: bulk upsert by the caller's codes (office), listing (inspectors see their assigned sites). */
export const siteRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.put('/sites', { config: { allow: OFFICE } }, async (request) => {
    const sites = parseBody(sitesUpsertSchema, request.body);
    const seen = new Set<string>();
    const issues = sites.flatMap((site, index) => {
      const duplicate = seen.has(site.id);
      seen.add(site.id);
      return duplicate ? [{ path: `${index}.id`, message: `site ${site.id} appears twice in the list` }] : [];
    });
    if (issues.length > 0) throw new ApiError('invalid_request', '点位编号重复', { issues });
    const updatedAt = ctx.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      // A digest: an import may hold thousands of sites; their ids and the body's hash suffice.
      await recordAudit(trx, {
        actor: currentUser(request),
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
    return { upserted: sites.length };
  });

  app.get<{ Querystring: { roundId?: string } }>('/sites', { config: { allow: ANY_ROLE } }, async (request) => {
    const user = currentUser(request);
    const roundId = request.query.roundId;
    if (roundId !== undefined && !codeSchema.safeParse(roundId).success) throw new ApiError('invalid_id');
    let query = ctx.db.selectFrom('sites').selectAll().orderBy('district').orderBy('id');
    if (!isOffice(user) || roundId !== undefined) {
      let assigned = ctx.db.selectFrom('assignments').select('site_id');
      if (!isOffice(user)) assigned = assigned.where('user_id', '=', user.id);
      if (roundId !== undefined) assigned = assigned.where('round_id', '=', roundId);
      query = query.where('id', 'in', assigned);
    }
    return (await query.execute()).map(siteView);
  });
};
