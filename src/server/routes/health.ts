import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { bearerToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isLoopback } from '../http/limits';
import { openRectificationCount } from '../services/rectifications';

/** Who may read the metrics: a bearer token, listed client addresses; with neither, loopback only. */
export interface MetricsAccess {
  token?: string;
  allow?: readonly string[];
}

/**
 * What monitors ask, all open to everyone but the metrics:
 * - `GET /api/health` → `{ok: true}`: liveness (the process answers), and the app's online check.
 * - `GET /api/ready` → 200 when the database answers and the photo store takes a file, else 503
 *   naming which check failed: a load balancer sends users only to a ready process.
 * - `GET /api/metrics` → Prometheus text, to a configured token or address only (404 to others).
 */
export const healthRoutes: FastifyPluginAsync<{ ctx: ServerContext; metricsAccess: MetricsAccess }> = async (
  app,
  { ctx, metricsAccess },
) => {
  app.get('/health', { config: { open: true } }, async (_request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    return { ok: true };
  });

  app.get('/ready', { config: { open: true } }, async (_request, reply) => {
    const checks = {
      database: await check(() => sql`select 1`.execute(ctx.db)),
      photos: await check(() => ctx.photos.probe()),
    };
    const ready = checks.database === 'ok' && checks.photos === 'ok';
    if (!ready) {
      void reply.header('Retry-After', '5');
      return reply.status(503).send({ error: 'unavailable', message: '服务尚未就绪', checks });
    }
    return { ok: true, checks };
  });

  app.get('/metrics', { config: { open: true } }, async (request, reply) => {
    if (!mayReadMetrics(request, metricsAccess)) throw new ApiError('not_found');
    return reply
      .header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
      .send(ctx.metrics!.render({ openRectifications: await openRectificationCount(ctx.db) }));
  });
};

/** 'ok', or what went wrong in one line (never a stack). */
async function check(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function mayReadMetrics(request: FastifyRequest, access: MetricsAccess): boolean {
  const token = bearerToken(request.headers.authorization);
  if (access.token && token && sameText(token, access.token)) return true;
  if (access.allow) return access.allow.includes(request.ip);
  return !access.token && isLoopback(request.ip);
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
