import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { codeSchema, recheckFieldsSchema } from '../../domain/wire';
import { currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody, uuidParam } from '../http/validate';
import { listRectifications } from '../services/rectifications';
import { putRecheck } from '../services/rechecks';

const listQuerySchema = z.object({
  roundId: z.optional(codeSchema),
  status: z.optional(z.enum(['open', 'closed'])),
});

/** Rectifications (the problem list) and the recheck verdicts that close them out. */
export const rectificationRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: Record<string, string> }>(
    '/rectifications',
    { config: { allow: ['rechecker', 'supervisor', 'admin'] } },
    async (request) =>
      listRectifications(ctx.db, currentUser(request), parseBody(listQuerySchema, { ...request.query })),
  );

  app.put<{ Params: { id: string } }>(
    '/rechecks/:id',
    { config: { allow: ['rechecker', 'supervisor', 'admin'] } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const recheck = parseBody(recheckFieldsSchema, request.body);
      if (recheck.id !== id) {
        const message = '请求体中的 id 与路径中的不一致';
        throw new ApiError('invalid_request', message, { issues: [{ path: 'id', message }] });
      }
      const { created, summary } = await putRecheck(ctx, currentUser(request), recheck);
      return reply.status(created ? 201 : 200).send(summary);
    },
  );
};
