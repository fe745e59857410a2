/**
 * The HTTP server: one Fastify instance serving the JSON API under /api and the built app.
 * Its dependencies come in as a `ServerContext`, so tests build it on a temp folder.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERRORS, type ErrorCode } from '../domain/errors';
import { guardRoutes } from './auth/guard';
import { ScryptPool } from './auth/scrypt-pool';
import type { TrustProxy } from './config';
import type { ServerContext } from './context';
import { ApiError, installErrorHandler } from './http/api-error';
import { Metrics, observeRequests } from './http/metrics';
import { ByteBudget, DEFAULT_LIMITS, limitConnectionsPerClient, type ServerLimits } from './http/limits';
import { loggedPath } from './http/logged-path';
import { installSecurityHeaders, SECURITY_HEADERS } from './http/security-headers';
import { isAppRoute, serveApp } from './http/static-app';
import { rejectUnstorableText } from './http/validate';
import { auditRoutes } from './routes/audit';
import { bootstrapRoutes } from './routes/bootstrap';
import { bulletinRoutes } from './routes/bulletin';
import { citizenPhotoRoutes, citizenReportRoutes } from './routes/citizen-reports';
import { healthRoutes, type MetricsAccess } from './routes/health';
import { inspectionRoutes } from './routes/inspections';
import { officeRoutes } from './routes/office';
import { photoRoutes } from './routes/photos';
import { publicationRoutes } from './routes/publication';
import { publicRankingRoutes } from './routes/public-ranking';
import { recheckProgressRoutes } from './routes/recheck-progress';
import { rectificationRoutes } from './routes/rectifications';
import { reviewRoutes } from './routes/reviews';
import { roundRoutes } from './routes/rounds';
import { rubricRoutes } from './routes/rubrics';
import { sessionRoutes } from './routes/session';
import { siteRoutes } from './routes/sites';
import { unitRoutes } from './routes/units';
import { userRoutes } from './routes/users';

export interface AppOptions {
  ctx: ServerContext;
  /** Folder of the built app; omitted, only the API is served. */
  distDir?: string;
  /** Pino logger options; false in tests that want silence. */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Smaller limits for tests; production uses DEFAULT_LIMITS. */
  limits?: Partial<ServerLimits>;
  /** Proxies whose X-Forwarded-* headers are believed (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** Who may read /api/metrics (METRICS_TOKEN, METRICS_ALLOW); loopback only by default. */
  metricsAccess?: MetricsAccess;
  /** TLS_CERT/TLS_KEY: serve HTTPS directly. */
  tls?: { cert: Buffer; key: Buffer };
}

export const JSON_BODY_LIMIT = 2 * 1024 * 1024;
/** Longer path parameters are answered by `frameworkErrors` (404) without reaching a route. */
const MAX_PARAM_LENGTH = 1024;

export async function buildApp({
  ctx,
  distDir,
  logger,
  limits,
  trustProxy = false,
  metricsAccess,
  tls,
}: AppOptions): Promise<FastifyInstance> {
  const limit = { ...DEFAULT_LIMITS, ...limits };
  const app = Fastify({
    logger: logger ?? { level: 'info' },
    bodyLimit: JSON_BODY_LIMIT,
    // A body that never finishes, or a connection that goes quiet, must not hold a socket forever.
    requestTimeout: limit.requestTimeoutMs,
    connectionTimeout: limit.idleTimeoutMs,
    keepAliveTimeout: limit.keepAliveTimeoutMs,
    http: { headersTimeout: limit.headersTimeoutMs, connectionsCheckingInterval: limit.timeoutCheckIntervalMs },
    ...(tls && {
      https: {
        ...tls,
        headersTimeout: limit.headersTimeoutMs,
        connectionsCheckingInterval: limit.timeoutCheckIntervalMs,
      },
    }),
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // URLs the router rejects before any route runs, answered in the {error, message} form
    // (with the security headers: no hook runs for these): bad percent-encoding (`%ED%A0%80`) is
    // a 400; a parameter too long to be any id names nothing.
    frameworkErrors: (error, _request, reply) => {
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'not_found' : 'invalid_request';
      void (reply as FastifyReply)
        .headers(SECURITY_HEADERS)
        .status(ERRORS[code].status)
        .send({ error: code, message: ERRORS[code].zh });
    },
    // Requests Node's HTTP parser rejects (a bad header, a body that never finished arriving)
    // never reach Fastify's router: answer them in the {error, message} form too.
    clientErrorHandler: answerClientError,
  });
  app.server.maxConnections = limit.maxConnections;
  // Behind a trusted proxy every connection comes from the proxy: no per-address cap there.
  if (trustProxy === false) limitConnectionsPerClient(app.server, limit.connectionsPerClient, limit.capsAddress);
  logOneLinePerRequest(app);
  endConnectionsWhenClosing(app);
  installErrorHandler(app);
  installSecurityHeaders(app);
  // JSON routes take JSON only: text/plain is a 415 like any other type, not a string body.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => rejectUnstorableText(request));

  // Passwords are hashed on the pool's worker threads, never on libuv's (auth/scrypt-pool.ts).
  const scrypt = ctx.scrypt ?? new ScryptPool();
  app.addHook('onClose', async () => scrypt.close());
  const metrics = ctx.metrics ?? new Metrics();
  observeRequests(app, metrics);
  // Every /api route declares who may call it (auth/guard.ts): checked here, before any is registered.
  guardRoutes(app, ctx.db, ctx.now);
  const api = { prefix: '/api', ctx: { ...ctx, scrypt, metrics } };
  await app.register(healthRoutes, { ...api, metricsAccess: metricsAccess ?? {} });
  await app.register(sessionRoutes, api);
  await app.register(userRoutes, api);
  await app.register(rubricRoutes, api);
  await app.register(siteRoutes, api);
  await app.register(roundRoutes, api);
  await app.register(bootstrapRoutes, api);
  // Residents' photos draw on the same byte budget as the field's.
  const uploads = new ByteBudget(limit.uploadBytesInFlight);
  await app.register(photoRoutes, { ...api, uploads });
  await app.register(inspectionRoutes, api);
  await app.register(rectificationRoutes, api);
  await app.register(recheckProgressRoutes, api);
  await app.register(officeRoutes, api);
  await app.register(publicationRoutes, api);
  await app.register(bulletinRoutes, api);
  await app.register(publicRankingRoutes, api);
  await app.register(reviewRoutes, api);
  await app.register(auditRoutes, api);
  await app.register(unitRoutes, { ...api, linkSecret: ctx.unitLinkSecret ?? randomBytes(32) });
  await app.register(citizenReportRoutes, { ...api, limits: limit });
  await app.register(citizenPhotoRoutes, { ...api, uploads });

  if (distDir) await serveApp(app, distDir);
  app.setNotFoundHandler((request, reply) => {
    if (distDir && isAppRoute(request.method, request.url)) {
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    throw new ApiError('not_found');
  });
  return app;
}

/**
 * Graceful shutdown: `close()` lets in-flight requests finish, but Node closes only the
 * keep-alive connections that are idle at that moment; a connection whose response was still
 * going out (a photo download) would then stay open until the client drops it — up to the
 * 72 s keep-alive — and `close()` with it. Such connections end once their response is out.
 */
function endConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onResponse', async (request) => {
    if (closing) request.raw.socket?.end();
  });
}

/** One structured line per request: method, path (no query), status, ms. Never headers or bodies. */
function logOneLinePerRequest(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: loggedPath(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}

/** Fastify's `clientErrorHandler`, with the API's error body instead of Fastify's own. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'invalid_request';
  const { status, zh } = ERRORS[code];
  const body = JSON.stringify({ error: code, message: zh });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
