import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { passwordSchema, roleSchema, userInputSchema, type UserView } from '../../domain/wire';
import { hashPassword } from '../auth/passwords';
import { currentUser } from '../auth/guard';
import { lockAuditChain, recordAudit } from '../services/audit';
import { createUser, deriveFor, revokeSessionsOf, toUser } from '../auth/users';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { fromFlag, toFlag } from '../storage/schema';
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

  app.get('/users', { config: { allow: ['admin', 'supervisor'] } }, async () => {
    const rows = await ctx.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'role', 'disabled'])
      // A site link's own account (#17) is not a person: never listed, never edited.
      .where('link_only', '=', 0)
      .orderBy('username')
      .execute();
    return rows.map((row) => ({ ...toUser(row), disabled: fromFlag(row.disabled) }) satisfies UserView);
  });

  app.patch<{ Params: { userId: string } }>('/users/:userId', { config: { allow: ['admin'] } }, async (request) => {
    const update = parseBody(userUpdateSchema, request.body);
    const { userId } = request.params;
    if (!isStorableText(userId)) throw new ApiError('not_found', '找不到该用户');
    if (userId === currentUser(request).id && (update.disabled === true || (update.role && update.role !== 'admin'))) {
      throw new ApiError('forbidden', '不能停用自己或取消自己的管理员身份 (you cannot disable or demote yourself)');
    }
    const now = ctx.now();
    // Hashed before the transaction: no write lock is held for the slow hash.
    const passwordHash =
      update.password === undefined ? undefined : await hashPassword(update.password, ctx.passwordCost, deriveFor(ctx));
    const row = await ctx.db.transaction().execute(async (trx) => {
      await lockAuditChain(trx);
      const existing = await trx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .where('link_only', '=', 0)
        .executeTakeFirst();
      if (!existing) throw new ApiError('not_found', '找不到该用户');
      const changes = {
        ...(update.displayName !== undefined && { display_name: update.displayName }),
        ...(update.role !== undefined && { role: update.role }),
        ...(update.disabled !== undefined && { disabled: toFlag(update.disabled) }),
        ...(passwordHash !== undefined && {
          password_hash: passwordHash,
          // Someone else's password set by an admin is a reset: the user chooses a new one first.
          must_change_password: toFlag(userId !== currentUser(request).id),
        }),
      };
      const after = { ...existing, ...changes };
      await recordAudit(trx, {
        actor: currentUser(request),
        action: 'user.changed',
        at: now.toISOString(),
        subject: userId,
        detail: {
          before: { ...toUser(existing), disabled: fromFlag(existing.disabled) },
          after: { ...toUser(after), disabled: fromFlag(after.disabled) },
          passwordReset: passwordHash !== undefined,
        },
      });
      if (Object.keys(changes).length > 0)
        await trx.updateTable('users').set(changes).where('id', '=', userId).execute();
      if (update.password !== undefined || update.disabled === true || update.role !== undefined)
        await revokeSessionsOf(trx, userId, now);
      return { ...existing, ...changes };
    });
    return { ...toUser(row), disabled: fromFlag(row.disabled) } satisfies UserView;
  });
};
