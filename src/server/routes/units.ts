import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import * as z from 'zod/mini';
import { toCsv } from '../../domain/csv';
import { unitFiguresRows } from '../../domain/unit-figures';
import {
  codeSchema,
  dispatchSchema,
  responsibilitiesSchema,
  unitAnswerSchema,
  unitDecisionSchema,
  unitRequestSchema,
  unitSettingsSchema,
} from '../../domain/wire';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText, parseBody, uuidParam } from '../http/validate';
import { existingRound } from '../services/round-lookup';
import { changeUnitSettings } from '../services/rounds';
import { existingSiteId } from '../services/sites';
import { existingPersonId } from '../auth/users';
import { dispatchRectifications } from '../services/dispatch';
import { currentSiteLinks, issueSiteLink, withdrawSiteLink } from '../services/site-links';
import { decideUnitRequest, roundRequests } from '../services/unit-decisions';
import { roundUnitFigures } from '../services/unit-figures';
import { responsibilitiesOf, setResponsibilities } from '../services/unit-scope';
import { listRoundItems, listUnitItems, putUnitAnswer, putUnitRequest, requestView } from '../services/unit-work';
import { roundView } from '../services/views';

type RoundParams = { Params: { roundId: string } };
type SiteParams = { Params: { roundId: string; siteId: string } };

const linkQuerySchema = z.object({ siteId: z.optional(codeSchema), district: z.optional(z.string()) });
const requestQuerySchema = z.object({ status: z.optional(z.enum(['pending', 'approved', 'refused'])) });
const unitItemsQuerySchema = z.object({ roundId: z.optional(codeSchema) });

/**
 * Responsible units close the loop (issue #17). Office (supervisor, admin): who answers for
 * what, the round's unit settings, 交办, the items with their state and escalation, the units'
 * requests and their decisions, site links. Units — a `unit` account or a site link's bearer
 * token — list their dispatched items and send answers and requests (idempotent PUTs from the
 * phone's outbox). SQL lives in the services named below.
 */
export const unitRoutes: FastifyPluginAsync<{ ctx: ServerContext; linkSecret: Uint8Array }> = async (
  app,
  { ctx, linkSecret },
) => {
  const roundOf = (request: FastifyRequest<RoundParams>) => existingRound(ctx.db, request.params.roundId);
  const siteOf = (siteId: string) => existingSiteId(ctx.db, siteId);

  app.get<{ Params: { userId: string } }>(
    '/users/:userId/responsibilities',
    { config: { allow: OFFICE } },
    async (request) => {
      return responsibilitiesOf(ctx.db, await existingPersonId(ctx.db, request.params.userId));
    },
  );

  app.put<{ Params: { userId: string } }>(
    '/users/:userId/responsibilities',
    { config: { allow: OFFICE } },
    async (request) => {
      const input = parseBody(responsibilitiesSchema, request.body);
      if (!isStorableText(request.params.userId)) throw new ApiError('not_found', '找不到该用户');
      return setResponsibilities(ctx.db, request.params.userId, input);
    },
  );

  app.patch<RoundParams>('/rounds/:roundId/unit-settings', { config: { allow: OFFICE } }, async (request) => {
    const settings = parseBody(unitSettingsSchema, request.body);
    const round = await roundOf(request);
    return roundView(await changeUnitSettings(ctx, currentUser(request), round, settings));
  });

  app.post<RoundParams>('/rounds/:roundId/dispatch', { config: { allow: OFFICE } }, async (request) => {
    const input = parseBody(dispatchSchema, request.body);
    return dispatchRectifications(ctx, linkSecret, await roundOf(request), input, currentUser(request).id);
  });

  app.get<RoundParams>('/rounds/:roundId/unit-figures', { config: { allow: OFFICE } }, async (request) =>
    roundUnitFigures(ctx.db, (await roundOf(request)).id),
  );

  // The same figures as a sheet for Excel/WPS (UTF-8 with BOM): what the office files with the bulletin.
  app.get<RoundParams>(
    '/rounds/:roundId/exports/unit-figures.csv',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const round = await roundOf(request);
      const rows = unitFiguresRows(await roundUnitFigures(ctx.db, round.id));
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="unit-figures-${round.id}.csv"`)
        .header('Cache-Control', 'no-store')
        .header('X-Row-Count', String(rows.length - 1))
        .send(toCsv(rows));
    },
  );

  app.get<RoundParams>('/rounds/:roundId/unit-items', { config: { allow: OFFICE } }, async (request) =>
    listRoundItems(ctx, (await roundOf(request)).id),
  );

  app.get<RoundParams & { Querystring: Record<string, string> }>(
    '/rounds/:roundId/unit-requests',
    { config: { allow: OFFICE } },
    async (request) => {
      const { status } = parseBody(requestQuerySchema, { ...request.query });
      const round = await roundOf(request);
      return (await roundRequests(ctx.db, round.id, status)).map(requestView);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/unit-requests/:id/decision',
    { config: { allow: OFFICE } },
    async (request) => {
      const id = uuidParam(request.params.id);
      const decision = parseBody(unitDecisionSchema, request.body);
      return decideUnitRequest(ctx, currentUser(request), id, decision);
    },
  );

  app.get<RoundParams & { Querystring: Record<string, string> }>(
    '/rounds/:roundId/unit-links',
    { config: { allow: OFFICE } },
    async (request) => {
      const filter = parseBody(linkQuerySchema, { ...request.query });
      return currentSiteLinks(ctx.db, linkSecret, ctx.publicUrl, (await roundOf(request)).id, filter);
    },
  );

  app.post<SiteParams>(
    '/rounds/:roundId/sites/:siteId/unit-link',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const round = await roundOf(request);
      const siteId = await siteOf(request.params.siteId);
      const created = await issueSiteLink(ctx, currentUser(request), linkSecret, round.id, siteId);
      const [link] = await currentSiteLinks(ctx.db, linkSecret, ctx.publicUrl, round.id, { siteId });
      return reply.status(created ? 201 : 200).send(link);
    },
  );

  app.delete<SiteParams>(
    '/rounds/:roundId/sites/:siteId/unit-link',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const round = await roundOf(request);
      const siteId = await siteOf(request.params.siteId);
      if (!(await withdrawSiteLink(ctx, currentUser(request), round.id, siteId)))
        throw new ApiError('not_found', '该点位没有有效的整改链接');
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/unit/items',
    { config: { allow: ['unit'], links: true } },
    async (request) => listUnitItems(ctx, currentUser(request), parseBody(unitItemsQuerySchema, { ...request.query })),
  );

  app.put<{ Params: { id: string } }>(
    '/unit/answers/:id',
    { config: { allow: ['unit'], links: true } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const answer = parseBody(unitAnswerSchema, request.body);
      if (answer.id !== id) throw idMismatch();
      const { created, summary } = await putUnitAnswer(ctx, currentUser(request), answer);
      return reply.status(created ? 201 : 200).send(summary);
    },
  );

  app.put<{ Params: { id: string } }>(
    '/unit/requests/:id',
    { config: { allow: ['unit'], links: true } },
    async (request, reply) => {
      const id = uuidParam(request.params.id);
      const body = parseBody(unitRequestSchema, request.body);
      if (body.id !== id) throw idMismatch();
      const { created, view } = await putUnitRequest(ctx, currentUser(request), body);
      return reply.status(created ? 201 : 200).send(view);
    },
  );
};

function idMismatch(): ApiError {
  const message = '请求体中的 id 与路径中的不一致';
  return new ApiError('invalid_request', message, { issues: [{ path: 'id', message }] });
}
