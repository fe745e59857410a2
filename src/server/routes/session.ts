import type { FastifyPluginAsync } from 'fastify';
import { sessionRequestSchema } from '../../domain/wire';
import { allow, currentUser } from '../auth/guard';
import { signIn, signOut } from '../auth/users';
import type { ServerContext } from '../context';
import { parseBody } from '../http/validate';

/** `POST /api/session` signs in (open); `DELETE /api/session` signs out the token in use. */
export const sessionRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post('/session', async (request, reply) => {
    const { username, password } = parseBody(sessionRequestSchema, request.body);
    return reply.status(200).send(await signIn(ctx, username, password, ctx.now()));
  });

  app.delete('/session', { preHandler: allow(ctx.db, ctx.now) }, async (request, reply) => {
    await signOut(ctx.db, currentUser(request).tokenHash, ctx.now());
    return reply.status(204).send();
  });
};
