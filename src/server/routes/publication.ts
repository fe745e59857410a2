import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { existingRoundId } from '../services/round-lookup';
import { ApiError } from '../http/api-error';
import type { PublicationView } from '../../domain/wire';
import { findPublication, publish, unpublish, type Publication } from '../services/publication';

type RoundParams = { Params: { roundId: string } };

/**
 * Publishing a round's district ranking (supervisor or admin):
 *
 * - `POST /api/rounds/{roundId}/publication` → 201 `{token, url, publishedAt}` on first
 *   publication; 200 with the same token and a new cut-off when already published.
 * - `GET` the same path → 200 the publication, 404 while unpublished.
 * - `DELETE` → 204; the public link is a 404 from then on (404 when nothing was published).
 *
 * `url` is the app's public page: `{PUBLIC_URL}/public/{token}`, or `/public/{token}` when no
 * PUBLIC_URL is configured.
 */
export const publicationRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const roundIdOf = (request: FastifyRequest<RoundParams>) => existingRoundId(ctx.db, request.params.roundId);

  // Never built from the request's Host header, which any client sets (and which would then be
  // printed as a QR code): PUBLIC_URL when configured, else a path the caller's browser
  // completes with the origin it is on.
  const view = (publication: Publication) =>
    ({
      ...publication,
      url: `${ctx.publicUrl ?? ''}/public/${publication.token}`,
    }) satisfies PublicationView;

  app.post<RoundParams>('/rounds/:roundId/publication', { config: { allow: OFFICE } }, async (request, reply) => {
    const { created, publication } = await publish(
      ctx.db,
      ctx.rubrics,
      await roundIdOf(request),
      ctx.now(),
      currentUser(request),
    );
    return reply.status(created ? 201 : 200).send(view(publication));
  });

  app.get<RoundParams>('/rounds/:roundId/publication', { config: { allow: OFFICE } }, async (request) => {
    const publication = await findPublication(ctx.db, await roundIdOf(request));
    if (!publication) throw new ApiError('not_found', '该轮次的排名尚未发布');
    return view(publication);
  });

  app.delete<RoundParams>('/rounds/:roundId/publication', { config: { allow: OFFICE } }, async (request, reply) => {
    if (!(await unpublish(ctx.db, await roundIdOf(request), ctx.now(), currentUser(request))))
      throw new ApiError('not_found', '该轮次的排名尚未发布');
    return reply.status(204).send();
  });
};
