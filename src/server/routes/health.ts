import type { FastifyPluginAsync } from 'fastify';

/** `GET /api/health` → `{ok: true}`: open to everyone, for monitors and the app's online check. */
export const healthRoutes: FastifyPluginAsync<{ ctx: unknown }> = async (app) => {
  app.get('/health', async (_request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    return { ok: true };
  });
};
