import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { instantSchema, roundPatchSchema } from '../../domain/wire';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { existingRound } from '../services/round-lookup';
import { recordAuditAlone } from '../services/audit';
import { itemExport } from '../services/item-export';
import { inspectionFeed } from '../services/inspection-reads';
import { resultExport } from '../services/result-export';
import { resultListPage, resultListQuerySchema } from '../services/result-list';
import { roundResults } from '../services/round-results';
import { roundView } from '../services/views';
import { changeRound } from '../services/rounds';

type RoundParams = { Params: { roundId: string } };

const feedQuerySchema = z.object({ since: z.optional(instantSchema) });

/**
 * What the office workspace needs beyond the contract (supervisor or admin):
 *
 * - `PATCH /api/rounds/{roundId}` — edit a round. The body is any of its fields; merged into
 *   the stored round, the result is checked with the domain's `roundInputSchema`. Rubric
 *   version, threshold and days change only while the round has no inspection (409 after):
 *   the rectifications already opened were computed with them.
 * - `GET /api/rounds/{roundId}/results` — each in-scope site's result with its grades per item
 *   (exports).
 * - `GET /api/rounds/{roundId}/exports/items.csv` — the per-item score sheet as a CSV stream.
 * - `GET /api/rounds/{roundId}/exports/results.csv` — the results sheet as a CSV stream.
 * - `GET /api/rounds/{roundId}/result-list?offset=&limit=&sort=&direction=&…filters` — the
 *   results list a page at a time, filtered, sorted and counted where the data is.
 * - `GET /api/rounds/{roundId}/inspections?since=` — the round's inspection summaries received
 *   at or after `since` (all without it): the live results list polls this instead of the whole list.
 */
export const officeRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.patch<RoundParams>('/rounds/:roundId', { config: { allow: OFFICE } }, async (request) => {
    const patch = parseBody(roundPatchSchema, request.body);
    const round = await existingRound(ctx.db, request.params.roundId);
    return roundView(await changeRound(ctx, currentUser(request), round, patch));
  });

  app.get<RoundParams>('/rounds/:roundId/results', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    return roundResults(ctx.db, round.id);
  });

  app.get<RoundParams>('/rounds/:roundId/exports/items.csv', { config: { allow: OFFICE } }, async (request, reply) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const rubric = ctx.rubrics.get(round.rubric_version);
    if (!rubric) throw new ApiError('not_found', `找不到评分标准 ${round.rubric_version}`);
    const { rows, chunks } = await itemExport(ctx.db, rubric, round.id);
    await recordAuditAlone(ctx.db, {
      actor: currentUser(request),
      action: 'export.downloaded',
      at: ctx.now().toISOString(),
      roundId: round.id,
      detail: { export: 'items.csv', rows },
    });
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="items-${round.id}.csv"`)
      .header('Cache-Control', 'no-store')
      .header('X-Row-Count', String(rows))
      .send(Readable.from(chunks));
  });

  app.get<RoundParams>(
    '/rounds/:roundId/exports/results.csv',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const round = await existingRound(ctx.db, request.params.roundId);
      const { rows, chunks } = await resultExport(ctx.db, round);
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="results-${round.id}.csv"`)
        .header('Cache-Control', 'no-store')
        .header('X-Row-Count', String(rows))
        .send(Readable.from(chunks));
    },
  );

  app.get<RoundParams & { Querystring: Record<string, string> }>(
    '/rounds/:roundId/result-list',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const query = parseBody(resultListQuerySchema, { ...request.query });
      const round = await existingRound(ctx.db, request.params.roundId);
      void reply.header('Cache-Control', 'no-store');
      return resultListPage(ctx.db, round, query);
    },
  );

  app.get<RoundParams & { Querystring: Record<string, string> }>(
    '/rounds/:roundId/inspections',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const { since } = parseBody(feedQuerySchema, { ...request.query });
      const round = await existingRound(ctx.db, request.params.roundId);
      void reply.header('Cache-Control', 'no-store');
      return inspectionFeed(ctx.db, round.id, since);
    },
  );
};
