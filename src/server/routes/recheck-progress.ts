import type { FastifyPluginAsync } from 'fastify';
import { cityDate } from '../../domain/dates';
import { recheckResultsCsv } from '../../domain/recheck-export';
import { OFFICE, currentUser } from '../auth/guard';
import { existingRound } from '../services/round-lookup';
import { recordAuditAlone } from '../services/audit';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { recheckExportRows, recheckHistory, rectificationProgress } from '../services/recheck-progress';

type RoundParams = { Params: { roundId: string } };

/**
 * The office's view of the recheck visits (supervisor or admin):
 *
 *   GET /api/rounds/{roundId}/rectification-progress   closed / open / overdue per type, district
 *                                                       and site, and which sites are closed out
 *   GET /api/rounds/{roundId}/recheck-results.csv      the recheck results, UTF-8 CSV with BOM
 *   GET /api/rectifications/{id}/rechecks              every verdict on one rectification
 *
 * 404 for a round or rectification that does not exist.
 */
export const recheckProgressRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get<RoundParams>('/rounds/:roundId/rectification-progress', { config: { allow: OFFICE } }, async (request) =>
    rectificationProgress(ctx, await existingRound(ctx.db, request.params.roundId)),
  );

  app.get<RoundParams>(
    '/rounds/:roundId/recheck-results.csv',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const round = await existingRound(ctx.db, request.params.roundId);
      const rows = await recheckExportRows(ctx, round);
      const csv = recheckResultsCsv(rows, cityDate(ctx.now()));
      await recordAuditAlone(ctx.db, {
        actor: currentUser(request),
        action: 'export.downloaded',
        at: ctx.now().toISOString(),
        roundId: round.id,
        detail: { export: 'recheck-results.csv', rows: rows.length },
      });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="rechecks-${round.id}.csv"`)
        .header('Cache-Control', 'no-store')
        .send(csv);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/rectifications/:id/rechecks',
    { config: { allow: OFFICE } },
    async (request) => {
      const history = await recheckHistory(ctx.db, request.params.id);
      if (!history) throw new ApiError('not_found', `找不到整改项 ${request.params.id}`);
      return history;
    },
  );
};
