import { objectionOutcomes } from '../services/corrections';
import type { FastifyPluginAsync } from 'fastify';
import { storedFlags } from '../../domain/presence';
import * as z from 'zod/mini';
import { codeSchema, inspectionSchema, siteTypeSchema } from '../../domain/wire';
import { currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody, uuidParam } from '../http/validate';
import { isOffice } from '../services/access';
import { inspectionsVisibleTo, storedRevision } from '../services/inspection-reads';
import { putInspection } from '../services/inspections';
import { deviceOf } from '../services/audit';
import { inspectionSummaryView } from '../services/views';

const listQuerySchema = z.object({
  roundId: z.optional(codeSchema),
  siteId: z.optional(codeSchema),
  district: z.optional(z.string().check(z.maxLength(50))),
  type: z.optional(siteTypeSchema),
});

/** Inspections: idempotent PUT by device-made UUID and revision; listing and reading. */
export const inspectionRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.put<{ Params: { id: string } }>(
    '/inspections/:id',
    { config: { allow: ['inspector', 'supervisor', 'admin'] } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const inspection = parseBody(inspectionSchema, request.body);
      if (inspection.id !== id) {
        const message = '请求体中的 id 与路径中的不一致';
        throw new ApiError('invalid_request', message, { issues: [{ path: 'id', message }] });
      }
      const { created, summary } = await putInspection(
        ctx,
        currentUser(request),
        inspection,
        deviceOf(request.headers),
      );
      return reply.status(created ? 201 : 200).send(summary);
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/inspections',
    { config: { allow: ['inspector', 'supervisor', 'admin'] } },
    async (request) => {
      const filter = parseBody(listQuerySchema, { ...request.query });
      const user = currentUser(request);
      return (await inspectionsVisibleTo(ctx.db, user, filter)).map(inspectionSummaryView);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { revision?: string } }>(
    '/inspections/:id',
    { config: { allow: ['inspector', 'supervisor', 'admin'] } },
    async (request) => {
      const id = uuidParam(request.params.id);
      const user = currentUser(request);
      const revision = request.query.revision === undefined ? undefined : Number(request.query.revision);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 1))
        throw new ApiError('invalid_request', 'revision 必须是 ≥ 1 的整数');
      const row = await storedRevision(ctx.db, id, revision);
      if (!row || (!isOffice(user) && row.inspector_id !== user.id))
        throw new ApiError('not_found', '找不到该测评记录');
      const outcomes = await objectionOutcomes(ctx.db, row.round_id, row.site_id);
      return {
        ...(JSON.parse(row.body_json) as object),
        ...inspectionSummaryView(row),
        flags: storedFlags(row.flags_json),
        timeOnSiteS: row.time_on_site_s,
        ...(outcomes.corrections.length > 0 && { corrections: outcomes.corrections }),
        ...(outcomes.objections.length > 0 && { objections: outcomes.objections }),
      };
    },
  );
};
