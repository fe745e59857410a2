import type { FastifyPluginAsync } from 'fastify';
import { codeSchema, sitesUpsertSchema } from '../../domain/wire';
import { ANY_ROLE, OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { sitesVisibleTo, upsertSites } from '../services/sites';
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
    await upsertSites(ctx, currentUser(request), sites);
    return { upserted: sites.length };
  });

  app.get<{ Querystring: { roundId?: string } }>('/sites', { config: { allow: ANY_ROLE } }, async (request) => {
    const user = currentUser(request);
    const roundId = request.query.roundId;
    if (roundId !== undefined && !codeSchema.safeParse(roundId).success) throw new ApiError('invalid_id');
    return (await sitesVisibleTo(ctx.db, user, roundId)).map(siteView);
  });
};
