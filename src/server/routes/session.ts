import type { FastifyPluginAsync } from 'fastify';
import { passwordChangeSchema, sessionRequestSchema } from '../../domain/wire';
import { ANY_ROLE, currentUser } from '../auth/guard';
import { changeOwnPassword, signIn, signOut } from '../auth/users';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';

/**
 * `POST /api/session` signs in (open); `DELETE /api/session` signs out the token in use;
 * `PUT /api/session/password` changes the signed-in user's own password. The last two are the
 * only routes a user whose password must be changed may call. Limits: auth/sign-in-limits.ts,
 * keyed on `request.ip` (Fastify's trustProxy decides whether it comes from X-Forwarded-For).
 */
export const sessionRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post('/session', { config: { open: true } }, async (request, reply) => {
    const { username, password } = parseBody(sessionRequestSchema, request.body);
    return reply.status(200).send(await signIn(ctx, username, password, request.ip, ctx.now()));
  });

  app.put('/session/password', { config: { allow: ANY_ROLE, passwordChange: true } }, async (request, reply) => {
    const { currentPassword, newPassword } = parseBody(passwordChangeSchema, request.body);
    if (newPassword === currentPassword) {
      throw new ApiError('invalid_request', '新密码不能与当前密码相同 (the new password must differ)', {
        issues: [{ path: 'newPassword', message: 'must differ from the current password' }],
      });
    }
    const user = currentUser(request);
    if (!(await changeOwnPassword(ctx, user, currentPassword, newPassword, request.ip, ctx.now()))) {
      throw new ApiError('invalid_request', '当前密码不正确 (the current password is wrong)', {
        issues: [{ path: 'currentPassword', message: 'wrong password' }],
      });
    }
    return reply.status(204).send();
  });

  app.delete('/session', { config: { allow: ANY_ROLE, passwordChange: true } }, async (request, reply) => {
    const user = currentUser(request);
    await signOut(ctx.db, user, user.tokenHash, ctx.now());
    return reply.status(204).send();
  });
};
