import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import * as z from 'zod/mini';
import { auditCsvLines } from '../../domain/audit';
import { CSV_BOM } from '../../domain/csv';
import { codeSchema, uuidSchema } from '../../domain/wire';
import { OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { AUDIT_ACTIONS, listAudit, recordAuditAlone, verifyAuditChain, type AuditFilter } from '../services/audit';

const filterSchema = z.object({
  roundId: z.optional(codeSchema),
  siteId: z.optional(codeSchema),
  inspectionId: z.optional(uuidSchema),
  actorId: z.optional(codeSchema),
  action: z.optional(z.enum(AUDIT_ACTIONS)),
  before: z.optional(z.pipe(z.string().check(z.regex(/^[1-9]\d{0,14}$/)), z.transform(Number))),
  limit: z.optional(
    z.pipe(z.pipe(z.string().check(z.regex(/^\d{1,3}$/)), z.transform(Number)), z.number().check(z.gte(1), z.lte(500))),
  ),
});

/** Rows per CSV download at most: a download is a page of the log, not a dump of the database. */
const CSV_LIMIT = 50_000;

/**
 * The audit trail (操作记录), issue #18:
 *
 * - `GET /api/audit?roundId=&siteId=&inspectionId=&actorId=&action=&before=&limit=` — newest first.
 *   Admins see the whole log; supervisors only per round, site or inspection (403 without one).
 * - `GET /api/audit.csv?…` — the same filters as a CSV download (itself logged).
 * - `GET /api/audit/verify` — (admin) whether the hash chain is whole and where it breaks.
 */
export const auditRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const filterOf = (request: FastifyRequest<{ Querystring: Record<string, string> }>, limit: number): AuditFilter => {
    const query = parseBody(filterSchema, { ...request.query });
    const scoped = query.roundId ?? query.siteId ?? query.inspectionId;
    if (currentUser(request).role !== 'admin' && scoped === undefined) {
      throw new ApiError('forbidden', '督导只能按轮次、点位或测评查看操作记录');
    }
    return { ...query, limit: query.limit ?? limit };
  };

  app.get<{ Querystring: Record<string, string> }>('/audit', { config: { allow: OFFICE } }, async (request, reply) => {
    const filter = filterOf(request, 100);
    void reply.header('Cache-Control', 'no-store');
    return listAudit(ctx.db, filter);
  });

  app.get<{ Querystring: Record<string, string> }>(
    '/audit.csv',
    { config: { allow: OFFICE } },
    async (request, reply) => {
      const filter = { ...filterOf(request, CSV_LIMIT), limit: CSV_LIMIT };
      const { entries } = await listAudit(ctx.db, filter);
      const { limit: _limit, ...criteria } = filter;
      await recordAuditAlone(ctx.db, {
        actor: currentUser(request),
        action: 'export.downloaded',
        at: ctx.now().toISOString(),
        roundId: filter.roundId ?? null,
        detail: { export: 'audit.csv', rows: entries.length, filter: criteria },
      });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="audit.csv"')
        .header('Cache-Control', 'no-store')
        .send(CSV_BOM + auditCsvLines(entries, true));
    },
  );

  app.get('/audit/verify', { config: { allow: ['admin'] } }, async (_request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    return verifyAuditChain(ctx.db);
  });
};
