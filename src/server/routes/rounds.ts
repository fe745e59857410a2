import type { FastifyPluginAsync } from 'fastify';
import { assignmentsSchema, roundInputSchema } from '../../domain/wire';
import { ANY_ROLE, currentUser, OFFICE } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText, parseBody } from '../http/validate';
import { addAssignments, removeAssignments, roundAssignments } from '../services/assignments';
import { roundReport } from '../services/reports';
import { existingRound } from '../services/round-lookup';
import { createRound, roundsVisibleTo } from '../services/rounds';
import { roundView } from '../services/views';

type RoundParams = { Params: { roundId: string } };

/** Rounds, their assignments (the round's scope) and the round report. */
export const roundRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post('/rounds', { config: { allow: OFFICE } }, async (request, reply) => {
    const round = await createRound(ctx, currentUser(request), parseBody(roundInputSchema, request.body));
    return reply.status(201).send(roundView(round));
  });

  app.get('/rounds', { config: { allow: ANY_ROLE } }, async (request) =>
    (await roundsVisibleTo(ctx, currentUser(request))).map(roundView),
  );

  app.get<RoundParams>('/rounds/:roundId', { config: { allow: OFFICE } }, async (request) =>
    roundView(await existingRound(ctx.db, request.params.roundId)),
  );

  app.get<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    return roundAssignments(ctx.db, round.id);
  });

  app.put<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const pairs = parseBody(assignmentsSchema, request.body);
    await addAssignments(ctx, currentUser(request), round.id, pairs);
    return { assigned: pairs.length };
  });

  app.delete<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const pairs = parseBody(assignmentsSchema, request.body);
    return { removed: await removeAssignments(ctx, currentUser(request), round.id, pairs) };
  });

  app.get<RoundParams>('/rounds/:roundId/report', { config: { allow: OFFICE } }, async (request) => {
    const { roundId } = request.params;
    const report = isStorableText(roundId) ? await roundReport(ctx.db, ctx.rubrics, roundId) : undefined;
    if (!report) throw new ApiError('not_found', `找不到测评轮次 ${request.params.roundId}`);
    return report;
  });
};
