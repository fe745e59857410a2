import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { allow, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { sha256Param } from '../http/validate';
import { canReadPhoto } from '../services/access';
import { recordUpload } from '../services/photo-uploads';
import { PHOTO_MAX_BYTES, PhotoStoreError } from '../storage/photo-store';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

type PhotoParams = { Params: { sha256: string } };

/**
 * Photos, content-addressed: `PUT /api/photos/{sha256}` streams the body into the photo store
 * (hashed while it streams, temp file, fsync, rename) and records it; `GET` serves the bytes to
 * whoever may see them. This plugin accepts only image bodies: its own content-type parsers
 * replace the JSON one, so anything else is a 415.
 */
export const photoRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(IMAGE_TYPES, (_request, payload, done) => done(null, payload));

  app.put<PhotoParams>(
    '/photos/:sha256',
    { preHandler: allow(ctx.db, ctx.now), bodyLimit: PHOTO_MAX_BYTES },
    async (request, reply) => {
      const sha256 = sha256Param(request.params.sha256);
      const user = currentUser(request);
      if (Number(request.headers['content-length'] ?? 0) > PHOTO_MAX_BYTES)
        throw new ApiError('payload_too_large', '照片超过 15 MiB 上限');
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') throw new ApiError('unsupported_media_type');

      const saved = await ctx.photos.savePhoto(sha256, body, { maxBytes: PHOTO_MAX_BYTES }).catch((error: unknown) => {
        if (!(error instanceof PhotoStoreError)) throw error;
        // The client may still be sending: close the connection after answering instead of reading the rest.
        void reply.header('Connection', 'close');
        throw new ApiError(error.code, undefined, error.code === 'hash_mismatch' ? { expected: sha256 } : {});
      });
      const created = await recordUpload(ctx.db, saved, user.id, ctx.now());
      return reply.status(created ? 201 : 200).send({ sha256, bytes: saved.bytes });
    },
  );

  app.get<PhotoParams>('/photos/:sha256', { preHandler: allow(ctx.db, ctx.now) }, async (request, reply) => {
    const sha256 = sha256Param(request.params.sha256);
    if (!(await canReadPhoto(ctx.db, currentUser(request), sha256)))
      throw new ApiError('forbidden', '您无权查看这张照片');
    const photo = await ctx.photos.openPhoto(sha256);
    if (!photo) throw new ApiError('not_found', '找不到这张照片');
    return reply
      .header('Content-Type', photo.contentType)
      .header('Content-Length', photo.bytes)
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .send(photo.stream);
  });
};
