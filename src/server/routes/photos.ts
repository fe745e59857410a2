import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { ANY_ROLE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { sha256Param } from '../http/validate';
import { canReadPhoto } from '../services/access';
import { recordUpload } from '../services/photo-uploads';
import { groupCommit } from '../storage/group-commit';
import type { ByteBudget } from '../http/limits';
import { PHOTO_MAX_BYTES, PhotoHashMismatch, PhotoImageTooLarge, PhotoStoreError } from '../storage/photo-store';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../storage/image-size';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

type PhotoParams = { Params: { sha256: string } };

const UPLOAD_RETRY_AFTER_SECONDS = 5;

/** What an error body adds: the hash expected, or the size declared and the limits. */
function photoErrorDetails(error: PhotoStoreError, sha256: string): Record<string, unknown> {
  if (error instanceof PhotoHashMismatch) return { expected: sha256 };
  if (error instanceof PhotoImageTooLarge)
    return { ...error.size, maxSide: MAX_IMAGE_SIDE, maxPixels: MAX_IMAGE_PIXELS };
  return {};
}

/**
 * Photos, content-addressed: `PUT /api/photos/{sha256}` streams the body into the photo store
 * (hashed while it streams, temp file, fsync, rename) and records it; `GET` serves the bytes to
 * whoever may see them. This plugin accepts only image bodies: its own content-type parsers
 * replace the JSON one, so anything else is a 415.
 */
export const photoRoutes: FastifyPluginAsync<{ ctx: ServerContext; uploads: ByteBudget }> = async (
  app,
  { ctx, uploads },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(IMAGE_TYPES, (_request, payload, done) => done(null, payload));

  app.put<PhotoParams>(
    '/photos/:sha256',
    { config: { allow: ANY_ROLE, links: true }, bodyLimit: PHOTO_MAX_BYTES },
    async (request, reply) => {
      const sha256 = sha256Param(request.params.sha256);
      const user = currentUser(request);
      if (Number(request.headers['content-length'] ?? 0) > PHOTO_MAX_BYTES)
        throw new ApiError('payload_too_large', '照片超过 15 MiB 上限');
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') throw new ApiError('unsupported_media_type');

      // Bytes arriving at once are bounded: an upload reserves what it declares (or the most a
      // photo may be) and gives it back however it ends; beyond the budget, come back later.
      const reserved = Math.min(
        Number(request.headers['content-length'] ?? PHOTO_MAX_BYTES) || PHOTO_MAX_BYTES,
        PHOTO_MAX_BYTES,
      );
      if (!uploads.take(reserved)) {
        void reply.header('Connection', 'close');
        throw new ApiError('unavailable', '服务器正在接收大量照片，请稍后重试', {
          retryAfterSeconds: UPLOAD_RETRY_AFTER_SECONDS,
        });
      }
      const saved = await ctx.photos
        .savePhoto(sha256, body, { maxBytes: PHOTO_MAX_BYTES })
        .catch((error: unknown) => {
          if (!(error instanceof PhotoStoreError)) throw error;
          // The client may still be sending: close the connection after answering instead of reading the rest.
          void reply.header('Connection', 'close');
          throw new ApiError(error.code, undefined, photoErrorDetails(error, sha256));
        })
        .finally(() => uploads.give(reserved));
      const created = await recordUpload(groupCommit(ctx), saved, user.id, ctx.now());
      if (created) ctx.metrics?.photoStored(saved.bytes);
      return reply.status(created ? 201 : 200).send({ sha256, bytes: saved.bytes });
    },
  );

  app.get<PhotoParams>('/photos/:sha256', { config: { allow: ANY_ROLE, links: true } }, async (request, reply) => {
    const sha256 = sha256Param(request.params.sha256);
    if (!(await canReadPhoto(ctx.db, currentUser(request), sha256)))
      throw new ApiError('forbidden', '您无权查看这张照片');
    const photo = await ctx.photos.openPhoto(sha256);
    if (!photo) throw new ApiError('not_found', '找不到这张照片');
    return reply
      .header('Content-Type', photo.contentType)
      .header('Content-Length', photo.bytes)
      .header('Cache-Control', 'no-store')
      .send(photo.stream);
  });
};
