import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import * as z from 'zod/mini';
import { instantSchema, roundInputSchema, roundPatchSchema } from '../../domain/wire';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { existingRound } from '../services/round-lookup';
import { recordAudit, recordAuditAlone } from '../services/audit';
import { itemExport } from '../services/item-export';
import { reapplyResultRule } from '../services/reviews';
import { resultExport } from '../services/result-export';
import { resultListPage, resultListQuerySchema } from '../services/result-list';
import { roundResults } from '../services/round-results';
import { inspectionSummaryView, roundView } from '../services/views';
import { storedFlags } from '../../domain/presence';
import { toFlag } from '../storage/schema';

type RoundParams = { Params: { roundId: string } };

const feedQuerySchema = z.object({ since: z.optional(instantSchema) });

/**
 * Fields that decide scores, rectifications, due dates and presence flags: fixed once the first
 * result is in.
 */
const SCORING_FIELDS = ['rubricVersion', 'rectifyBelow', 'rectifyDays', 'presenceRadiusM'] as const;

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
    const current = roundView(round);
    const merged = parseBody(roundInputSchema, { ...current, ...patch, id: round.id });
    if (!ctx.rubrics.get(merged.rubricVersion)) {
      const message = `未知的评分标准版本 ${merged.rubricVersion}（可用：${ctx.rubrics.versions().join('、')}）`;
      throw new ApiError('invalid_request', message, { issues: [{ path: 'rubricVersion', message }] });
    }
    const changesScoring = SCORING_FIELDS.some((field) => merged[field] !== current[field]);
    if (changesScoring) {
      const inspected = await ctx.db
        .selectFrom('inspections')
        .select('id')
        .where('round_id', '=', round.id)
        .limit(1)
        .executeTakeFirst();
      if (inspected) {
        throw new ApiError(
          'conflict',
          '本轮已收到测评结果，评分标准版本、整改分数线、整改天数和到场核验半径不能再修改（已生成的整改清单和核验提示依据原设置）',
        );
      }
    }
    const values = {
      name: merged.name,
      rubric_version: merged.rubricVersion,
      rectify_below: merged.rectifyBelow,
      rectify_days: merged.rectifyDays,
      starts_on: merged.startsOn,
      ends_on: merged.endsOn,
      approved_only: toFlag(merged.approvedOnly),
      presence_radius_m: merged.presenceRadiusM,
    };
    const updated = { ...round, ...values };
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: currentUser(request),
        action: 'round.changed',
        at: ctx.now().toISOString(),
        roundId: round.id,
        detail: { before: current, after: roundView(updated) },
      });
      await trx.updateTable('rounds').set(values).where('id', '=', round.id).execute();
      // Which revisions count changed: every site's kept result is chosen again.
      if (updated.approved_only !== round.approved_only) await reapplyResultRule(ctx, trx, updated);
    });
    return roundView(updated);
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
      const rows = await ctx.db
        .selectFrom('inspections')
        .select([
          'id',
          'revision',
          'round_id',
          'site_id',
          'inspector_id',
          'submitted_at',
          'received_at',
          'score',
          'full_marks',
          'flags_json',
        ])
        .where('round_id', '=', round.id)
        // Inclusive: two arrivals in the same millisecond are never split across polls (the client dedupes).
        .$if(since !== undefined, (query) => query.where('received_at', '>=', new Date(since!).toISOString()))
        .orderBy('received_at', 'desc')
        .execute();
      void reply.header('Cache-Control', 'no-store');
      return rows.map((row) => ({ ...inspectionSummaryView(row), flags: storedFlags(row.flags_json) }));
    },
  );
};
