import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { publicRanking } from '../services/publication';

/**
 * `GET /api/public/rankings/{token}` — open, no sign-in: a published round's district ranking
 * (figures only: no sites, people, photos or notes). 404 for a token that is malformed, never
 * issued, or unpublished. Not indexed by search engines, revalidated on every load.
 */
export const publicRankingRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get<{ Params: { token: string } }>(
    '/public/rankings/:token',
    { config: { open: true } },
    async (request, reply) => {
      const ranking = await publicRanking(ctx.db, ctx.rubrics, request.params.token);
      if (!ranking) throw new ApiError('not_found', '该排名不存在或已撤回');
      void reply.header('Cache-Control', 'no-cache').header('X-Robots-Tag', 'noindex');
      return ranking;
    },
  );
};
