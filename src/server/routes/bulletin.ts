import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { bulletinDocumentSchema } from '../../domain/bulletin-document';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { existingRoundId } from '../services/round-lookup';
import { parseBody } from '../http/validate';
import { findBulletinDocument, saveBulletinDocument } from '../services/bulletin-documents';

type RoundParams = { Params: { roundId: string } };

/**
 * The round's bulletin document (supervisor or admin), kept with the round so that paragraphs
 * the office edited survive a reload and another office computer:
 *
 * - `GET /api/rounds/{roundId}/bulletin` → the document (defaults, `updatedAt: null`, while
 *   never saved).
 * - `PUT /api/rounds/{roundId}/bulletin` → replaces it whole; the same document again is a 200
 *   that changes nothing.
 */
export const bulletinRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const roundIdOf = (request: FastifyRequest<RoundParams>) => existingRoundId(ctx.db, request.params.roundId);

  app.get<RoundParams>('/rounds/:roundId/bulletin', { config: { allow: OFFICE } }, async (request) =>
    findBulletinDocument(ctx.db, await roundIdOf(request)),
  );

  app.put<RoundParams>('/rounds/:roundId/bulletin', { config: { allow: OFFICE } }, async (request) => {
    const document = parseBody(bulletinDocumentSchema, request.body);
    const roundId = await roundIdOf(request);
    return saveBulletinDocument(ctx.db, roundId, document, currentUser(request).id, ctx.now());
  });
};
