import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { approveCleanSchema, REVIEW_STATES, reviewInputSchema } from '../../domain/review';
import { ANY_ROLE, OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody, uuidParam } from '../http/validate';
import { existingRound } from '../services/round-lookup';
import { approveClean, decisionsSince, reviewInspection, reviewList } from '../services/reviews';
import { inspectionTrail } from '../services/trail';

type RoundParams = { Params: { roundId: string } };
type InspectionParams = { Params: { id: string } };

/** A whole number in a query string, up to `digits` digits. */
const countParam = (digits: number) =>
  z.optional(z.pipe(z.string().check(z.regex(new RegExp(`^\\d{1,${digits}}$`))), z.transform(Number)));
const listQuerySchema = z.object({
  state: z.optional(z.enum(REVIEW_STATES)),
  offset: countParam(7),
  limit: z.optional(
    z.pipe(z.pipe(z.string().check(z.regex(/^\d{1,3}$/)), z.transform(Number)), z.number().check(z.gte(1), z.lte(200))),
  ),
});
const sinceQuerySchema = z.object({ since: countParam(15) });

/**
 * Review (审核), issue #18:
 *
 * - `POST /api/inspections/{id}/reviews` — approve or return (with a comment) one revision.
 * - `POST /api/rounds/{roundId}/reviews/approve-clean` — approve the listed clean pending revisions.
 * - `GET /api/rounds/{roundId}/reviews?state=&offset=&limit=` — the review queue.
 * - `GET /api/review-decisions?since=` — the signed-in user's decisions after a cursor (the phone's pull).
 * - `GET /api/inspections/{id}/trail` — what a score rests on: revisions, reviews, corrections, log.
 */
export const reviewRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post<InspectionParams>('/inspections/:id/reviews', { config: { allow: OFFICE } }, async (request, reply) => {
    const id = uuidParam(request.params.id);
    const input = parseBody(reviewInputSchema, request.body);
    const { created, review } = await reviewInspection(ctx, currentUser(request), id, input);
    return reply.status(created ? 201 : 200).send(review);
  });

  app.post<RoundParams>('/rounds/:roundId/reviews/approve-clean', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const { inspections } = parseBody(approveCleanSchema, request.body);
    return approveClean(ctx, currentUser(request), round.id, inspections);
  });

  app.get<RoundParams & { Querystring: Record<string, string> }>(
    '/rounds/:roundId/reviews',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const query = parseBody(listQuerySchema, { ...request.query });
      const round = await existingRound(ctx.db, request.params.roundId);
      void reply.header('Cache-Control', 'no-store');
      return reviewList(ctx.db, round.id, { state: query.state, offset: query.offset ?? 0, limit: query.limit ?? 50 });
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/review-decisions',
    { config: { allow: ANY_ROLE } },
    async (request, reply) => {
      const { since } = parseBody(sinceQuerySchema, { ...request.query });
      void reply.header('Cache-Control', 'no-store');
      return decisionsSince(ctx.db, currentUser(request).id, since ?? 0);
    },
  );

  app.get<InspectionParams>('/inspections/:id/trail', { config: { allow: OFFICE } }, async (request) => {
    const trail = await inspectionTrail(ctx.db, uuidParam(request.params.id));
    if (!trail) throw new ApiError('not_found', '找不到该测评记录');
    return trail;
  });
};
