import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../http/api-error';
import { ANY_ROLE } from '../auth/guard';
import type { ServerContext } from '../context';

/** `GET /api/rubrics/{version}` (any signed-in user) → the rubric as stored in `rubric/`, all three site types. */
export const rubricRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get<{ Params: { version: string } }>('/rubrics/:version', { config: { allow: ANY_ROLE } }, async (request) => {
    const rubric = ctx.rubrics.get(request.params.version);
    if (!rubric) throw new ApiError('not_found', `没有版本为 ${request.params.version} 的评分标准`);
    return rubric;
  });
};
