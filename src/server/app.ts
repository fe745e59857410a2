/**
 * The HTTP server: one Fastify instance serving the JSON API under /api and the built app.
 * Its dependencies come in as a `ServerContext`, so tests build it on a temp folder.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ServerContext } from './context';
import { ApiError, installErrorHandler } from './http/api-error';
import { installSecurityHeaders } from './http/security-headers';
import { isAppRoute, serveApp } from './http/static-app';
import { bootstrapRoutes } from './routes/bootstrap';
import { healthRoutes } from './routes/health';
import { inspectionRoutes } from './routes/inspections';
import { photoRoutes } from './routes/photos';
import { rectificationRoutes } from './routes/rectifications';
import { roundRoutes } from './routes/rounds';
import { rubricRoutes } from './routes/rubrics';
import { sessionRoutes } from './routes/session';
import { siteRoutes } from './routes/sites';
import { userRoutes } from './routes/users';

export interface AppOptions {
  ctx: ServerContext;
  /** Folder of the built app; omitted, only the API is served. */
  distDir?: string;
  /** Pino logger options; false in tests that want silence. */
  logger?: boolean | { level: string };
}

export const JSON_BODY_LIMIT = 2 * 1024 * 1024;

export async function buildApp({ ctx, distDir, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: 'info' },
    bodyLimit: JSON_BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  logOneLinePerRequest(app);
  installErrorHandler(app);
  installSecurityHeaders(app);

  const api = { prefix: '/api', ctx };
  await app.register(healthRoutes, api);
  await app.register(sessionRoutes, api);
  await app.register(userRoutes, api);
  await app.register(rubricRoutes, api);
  await app.register(siteRoutes, api);
  await app.register(roundRoutes, api);
  await app.register(bootstrapRoutes, api);
  await app.register(photoRoutes, api);
  await app.register(inspectionRoutes, api);
  await app.register(rectificationRoutes, api);

  if (distDir) await serveApp(app, distDir);
  app.setNotFoundHandler((request, reply) => {
    if (distDir && isAppRoute(request.method, request.url)) {
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    throw new ApiError('not_found');
  });
  return app;
}

/** One structured line per request: method, path (no query), status, ms. Never headers or bodies. */
function logOneLinePerRequest(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}
