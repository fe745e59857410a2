import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import {
  CITIZEN_PHOTO_MAX_BYTES,
  citizenDecisionSchema,
  citizenReportRequestSchema,
  citizenSettingsSchema,
  citizenUnitAnswerSchema,
  ratingSchema,
} from '../../domain/citizen-reports';
import { OFFICE, currentUser, userForToken } from '../auth/guard';
import { bearerToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { ByteBudget, ServerLimits } from '../http/limits';
import { isStorableText, parseBody, sha256Param, uuidParam } from '../http/validate';
import { citizenSecret, issueChallenge } from '../services/citizen-proof';
import { rateReport, receiveReport, receiveReportPhoto, reportStatus, searchSites } from '../services/citizen-reports';
import {
  closeDays,
  decide,
  districtHandling,
  listReports,
  pageStart,
  QUEUE_NAMES,
  reporterRecords,
  setCloseDays,
} from '../services/citizen-triage';
import {
  isReportPhoto,
  listUnitReports,
  putCitizenUnitAnswer,
  unitMayReadReportPhoto,
} from '../services/citizen-handover';
import { PhotoStoreError } from '../storage/photo-store';

type CitizenOptions = { ctx: ServerContext; limits: Pick<ServerLimits, 'citizenProofBits' | 'citizenLimits'> };
type IdParams = { Params: { id: string } };

/** Nothing a resident sends or reads here is for a cache or a search engine. */
const privately = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex');

/**
 * Citizens' reports (docs/API.md "Citizens' reports"). Open routes under `/public/`: the
 * challenge, the site lookup, sending a report, reading one's own report back by its id and
 * rating it, the handling figures per district. The office's routes under `/citizen-reports`
 * (supervisor, admin): the queue, decisions, photos, the days to 办结, the 市民记者's records.
 * The responsible units' routes under `/unit/` (a `unit` account or a site link): the reports
 * handed to them (交办), their photos, and the units' answers.
 */
export const citizenReportRoutes: FastifyPluginAsync<CitizenOptions> = async (app, { ctx, limits }) => {
  app.get('/public/report-challenge', { config: { open: true } }, async (_request, reply) => {
    privately(reply);
    return issueChallenge(await citizenSecret(ctx.db), ctx.now(), limits.citizenProofBits);
  });

  app.get<{ Querystring: { q?: string } }>('/public/sites', { config: { open: true } }, async (request, reply) => {
    const words = String(request.query.q ?? '').trim();
    if (words.length < 1 || words.length > 30) {
      const message = 'q: 1–30 characters';
      throw new ApiError('invalid_request', '请输入 1–30 个字的点位名称', { issues: [{ path: 'q', message }] });
    }
    privately(reply);
    return searchSites(ctx.db, words);
  });

  app.get<{ Params: { siteId: string } }>(
    '/public/sites/:siteId',
    { config: { open: true } },
    async (request, reply) => {
      const { siteId } = request.params;
      const site = isStorableText(siteId)
        ? await ctx.db
            .selectFrom('sites')
            .select(['id', 'name', 'district', 'type'])
            .where('id', '=', siteId)
            .executeTakeFirst()
        : undefined;
      if (!site) throw new ApiError('not_found', '找不到该点位');
      privately(reply);
      return site;
    },
  );

  app.post('/public/reports', { config: { open: true } }, async (request, reply) => {
    const { report, proof } = parseBody(citizenReportRequestSchema, request.body);
    const { created, receipt } = await receiveReport(
      ctx,
      { reporter: await reporterOf(ctx, request), address: request.ip },
      report,
      proof,
      { proofBits: limits.citizenProofBits, limits: limits.citizenLimits },
    );
    return privately(reply)
      .status(created ? 201 : 200)
      .send(receipt);
  });

  app.get<IdParams>('/public/reports/:id', { config: { open: true } }, async (request, reply) => {
    const status = await reportStatus(ctx.db, uuidParam(request.params.id));
    if (!status) throw new ApiError('not_found', '找不到该反馈');
    privately(reply);
    return status;
  });

  app.post<IdParams>('/public/reports/:id/rating', { config: { open: true } }, async (request, reply) => {
    const id = uuidParam(request.params.id);
    const { rating } = parseBody(ratingSchema, request.body);
    const created = await rateReport(ctx, id, rating);
    return privately(reply)
      .status(created ? 201 : 200)
      .send({ id, rating });
  });

  app.get('/public/handling', { config: { open: true } }, async (_request, reply) => {
    void reply.header('Cache-Control', 'no-cache');
    return { districts: await districtHandling(ctx.db), at: ctx.now().toISOString() };
  });

  app.get<{ Querystring: { queue?: string; after?: string } }>(
    '/citizen-reports',
    { config: { allow: OFFICE } },
    async (request) => {
      const queue = request.query.queue ?? 'open';
      if (!QUEUE_NAMES.includes(queue)) {
        const message = `queue: one of ${QUEUE_NAMES.join(', ')}`;
        throw new ApiError('invalid_request', message, { issues: [{ path: 'queue', message }] });
      }
      const { after } = request.query;
      const start = after === undefined ? undefined : await pageStart(ctx.db, afterParam(after));
      return listReports(ctx.db, queue, undefined, start);
    },
  );

  app.post<IdParams>('/citizen-reports/:id/decisions', { config: { allow: OFFICE } }, async (request) => {
    const id = uuidParam(request.params.id);
    return decide(ctx, currentUser(request), id, parseBody(citizenDecisionSchema, request.body));
  });

  app.get<{ Params: { id: string; sha256: string } }>(
    '/citizen-reports/:id/photos/:sha256',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const sha256 = sha256Param(request.params.sha256);
      const photo = (await isReportPhoto(ctx.db, id, sha256)) ? await ctx.photos.openPhoto(sha256) : null;
      if (!photo) throw new ApiError('not_found', '找不到这张照片');
      return sendPhoto(reply, photo);
    },
  );

  app.get('/citizen-reports/settings', { config: { allow: OFFICE } }, async () => ({
    closeDays: await closeDays(ctx.db),
  }));

  app.put('/citizen-reports/settings', { config: { allow: OFFICE } }, async (request) => {
    const settings = parseBody(citizenSettingsSchema, request.body);
    await setCloseDays(ctx.db, settings.closeDays);
    return settings;
  });

  app.get('/citizen-reports/reporters', { config: { allow: OFFICE } }, async () => reporterRecords(ctx.db));

  app.get('/unit/citizen-reports', { config: { allow: ['unit'], links: true } }, async (request) =>
    listUnitReports(ctx, currentUser(request)),
  );

  app.get<{ Params: { id: string; sha256: string } }>(
    '/unit/citizen-reports/:id/photos/:sha256',
    { config: { allow: ['unit'], links: true } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const sha256 = sha256Param(request.params.sha256);
      const photo = (await unitMayReadReportPhoto(ctx.db, currentUser(request), id, sha256))
        ? await ctx.photos.openPhoto(sha256)
        : null;
      if (!photo) throw new ApiError('not_found', '找不到这张照片');
      return sendPhoto(reply, photo);
    },
  );

  app.put<IdParams>(
    '/unit/citizen-answers/:id',
    { config: { allow: ['unit'], links: true } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const answer = parseBody(citizenUnitAnswerSchema, request.body);
      if (answer.id !== id) {
        const message = '请求体中的 id 与路径中的不一致';
        throw new ApiError('invalid_request', message, { issues: [{ path: 'id', message }] });
      }
      const { created, summary } = await putCitizenUnitAnswer(ctx, currentUser(request), answer);
      return reply.status(created ? 201 : 200).send(summary);
    },
  );
};

type OpenedPhoto = NonNullable<Awaited<ReturnType<ServerContext['photos']['openPhoto']>>>;

/** A report's photo to the office or a unit: private, kept a day (the bytes never change). */
function sendPhoto(reply: FastifyReply, photo: OpenedPhoto) {
  return reply
    .header('Content-Type', photo.contentType)
    .header('Content-Length', photo.bytes)
    .header('Cache-Control', 'private, max-age=86400, immutable')
    .send(photo.stream);
}

function afterParam(value: unknown): string {
  if (typeof value === 'string' && UUID.test(value)) return value;
  const message = 'after: the id (UUID) of the last report of the previous page';
  throw new ApiError('invalid_request', message, { issues: [{ path: 'after', message }] });
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 市民记者 behind the request's token; anyone else (or no valid token) sends as a resident. */
async function reporterOf(ctx: ServerContext, request: FastifyRequest) {
  const token = bearerToken(request.headers.authorization);
  const user = token ? await userForToken(ctx.db, token, ctx.now()) : undefined;
  return user?.role === 'reporter' && !user.mustChangePassword ? user : undefined;
}

/**
 * `PUT /api/public/reports/{id}/photos/{sha256}`: a photo (or thumbnail) the stored report
 * names, JPEG/PNG/WebP up to 3 MiB, hashed and checked as it streams into the photo store.
 * Any other hash is a 404: the route stores nothing a report did not announce.
 */
export const citizenPhotoRoutes: FastifyPluginAsync<{ ctx: ServerContext; uploads: ByteBudget }> = async (
  app,
  { ctx, uploads },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['image/jpeg', 'image/png', 'image/webp'], (_request, payload, done) => done(null, payload));

  app.put<{ Params: { id: string; sha256: string } }>(
    '/public/reports/:id/photos/:sha256',
    { config: { open: true }, bodyLimit: CITIZEN_PHOTO_MAX_BYTES },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const sha256 = sha256Param(request.params.sha256);
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > CITIZEN_PHOTO_MAX_BYTES) throw new ApiError('payload_too_large', '照片超过 3 MiB 上限');
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') throw new ApiError('unsupported_media_type');
      const reserved = Math.min(declared || CITIZEN_PHOTO_MAX_BYTES, CITIZEN_PHOTO_MAX_BYTES);
      if (!uploads.take(reserved)) {
        void reply.header('Connection', 'close');
        throw new ApiError('unavailable', '服务器正在接收大量照片，请稍后重试', { retryAfterSeconds: 5 });
      }
      const created = await receiveReportPhoto(ctx, id, sha256, body, CITIZEN_PHOTO_MAX_BYTES)
        .catch((error: unknown) => {
          if (!(error instanceof PhotoStoreError)) throw error;
          void reply.header('Connection', 'close');
          throw new ApiError(error.code);
        })
        .finally(() => uploads.give(reserved));
      return privately(reply)
        .status(created ? 201 : 200)
        .send({ sha256 });
    },
  );
};
