import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { passwordSchema, roleSchema, userInputSchema } from '../../domain/wire';
import { currentUser } from '../auth/guard';
import { createUser, deriveFor, listUsers, updateUser } from '../auth/users';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText, parseBody } from '../http/validate';

const userUpdateSchema = z.object({
  displayName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))),
  role: z.optional(roleSchema),
  password: z.optional(passwordSchema),
  disabled: z.optional(z.boolean()),
});

/**
 * Users: admins create, change and disable them; supervisors may list them to assign sites.
 * Disabling a user or resetting a password ends that user's sessions; a password an admin sets
 * for someone else must be changed at that user's next sign-in.
 */
export const userRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post('/users', { config: { allow: ['admin'] } }, async (request, reply) => {
    const input = parseBody(userInputSchema, request.body);
    return reply.status(201).send(
      await createUser(ctx.db, input, ctx.now(), ctx.passwordCost, {
        derive: deriveFor(ctx),
        actor: currentUser(request),
      }),
    );
  });

  app.get('/users', { config: { allow: ['admin', 'supervisor'] } }, async () => listUsers(ctx.db));

  app.patch<{ Params: { userId: string } }>('/users/:userId', { config: { allow: ['admin'] } }, async (request) => {
    const update = parseBody(userUpdateSchema, request.body);
    const { userId } = request.params;
    if (!isStorableText(userId)) throw new ApiError('not_found', '找不到该用户');
    if (userId === currentUser(request).id && (update.disabled === true || (update.role && update.role !== 'admin'))) {
      throw new ApiError('forbidden', '不能停用自己或取消自己的管理员身份 (you cannot disable or demote yourself)');
    }
    return updateUser(ctx, currentUser(request), userId, update);
  });
};
