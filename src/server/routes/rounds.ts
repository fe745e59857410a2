import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { assignmentsSchema, roundInputSchema, type Assignment } from '../../domain/wire';
import { ANY_ROLE, OFFICE, currentUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { isStorableText, parseBody } from '../http/validate';
import { existingRound } from '../services/round-lookup';
import { isOffice } from '../services/access';
import { recordAudit } from '../services/audit';
import { roundReport } from '../services/reports';
import { isUniqueViolation } from '../services/unique-violation';
import { roundView } from '../services/views';
import { toFlag, type Database } from '../storage/schema';

type RoundParams = { Params: { roundId: string } };

/** Rounds, their assignments (the round's scope) and the round report. */
export const roundRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post('/rounds', { config: { allow: OFFICE } }, async (request, reply) => {
    const input = parseBody(roundInputSchema, request.body);
    if (!ctx.rubrics.get(input.rubricVersion)) {
      const message = `未知的评分标准版本 ${input.rubricVersion}（可用：${ctx.rubrics.versions().join('、')}）`;
      throw new ApiError('invalid_request', message, { issues: [{ path: 'rubricVersion', message }] });
    }
    const fields = {
      name: input.name,
      rubric_version: input.rubricVersion,
      rectify_below: input.rectifyBelow,
      rectify_days: input.rectifyDays,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      presence_radius_m: input.presenceRadiusM,
      created_at: ctx.now().toISOString(),
      approved_only: toFlag(input.approvedOnly),
      due_from: 'inspection' as const,
      objection_days: 3,
    };
    for (const id of input.id === undefined ? roundIdsFor(input.startsOn) : [input.id]) {
      const row = { id, ...fields };
      try {
        await ctx.db.transaction().execute(async (trx) => {
          await recordAudit(trx, {
            actor: currentUser(request),
            action: 'round.created',
            at: row.created_at,
            roundId: id,
            detail: { after: roundView(row) },
          });
          await trx.insertInto('rounds').values(row).execute();
        });
        return reply.status(201).send(roundView(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (input.id !== undefined) throw new ApiError('conflict', `轮次编号 ${row.id} 已存在`);
      }
    }
    throw new Error('no free round id'); // unreachable: the last candidate is a fresh UUID
  });

  app.get('/rounds', { config: { allow: ANY_ROLE } }, async (request) => {
    const user = currentUser(request);
    let query = ctx.db.selectFrom('rounds').selectAll().orderBy('starts_on', 'desc');
    if (!isOffice(user))
      query = query.where(
        'id',
        'in',
        ctx.db.selectFrom('assignments').select('round_id').where('user_id', '=', user.id),
      );
    return (await query.execute()).map(roundView);
  });

  app.get<RoundParams>('/rounds/:roundId', { config: { allow: OFFICE } }, async (request) =>
    roundView(await existingRound(ctx.db, request.params.roundId)),
  );

  app.get<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const rows = await ctx.db
      .selectFrom('assignments')
      .select(['site_id', 'user_id'])
      .where('round_id', '=', round.id)
      .orderBy('site_id')
      .execute();
    return rows.map((row) => ({ siteId: row.site_id, userId: row.user_id }));
  });

  app.put<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const pairs = parseBody(assignmentsSchema, request.body);
    await checkAssignable(ctx.db, pairs);
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: currentUser(request),
        action: 'assignments.added',
        at: ctx.now().toISOString(),
        roundId: round.id,
        detail: { pairs },
      });
      for (const pair of pairs) {
        await trx
          .insertInto('assignments')
          .values({ round_id: round.id, site_id: pair.siteId, user_id: pair.userId })
          .onConflict((oc) => oc.columns(['round_id', 'site_id', 'user_id']).doNothing())
          .execute();
      }
    });
    return { assigned: pairs.length };
  });

  app.delete<RoundParams>('/rounds/:roundId/assignments', { config: { allow: OFFICE } }, async (request) => {
    const round = await existingRound(ctx.db, request.params.roundId);
    const pairs = parseBody(assignmentsSchema, request.body);
    let removed = 0;
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: currentUser(request),
        action: 'assignments.removed',
        at: ctx.now().toISOString(),
        roundId: round.id,
        detail: { pairs },
      });
      for (const pair of pairs) {
        const result = await trx
          .deleteFrom('assignments')
          .where('round_id', '=', round.id)
          .where('site_id', '=', pair.siteId)
          .where('user_id', '=', pair.userId)
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
    });
    return { removed };
  });

  app.get<RoundParams>('/rounds/:roundId/report', { config: { allow: OFFICE } }, async (request) => {
    const { roundId } = request.params;
    const report = isStorableText(roundId) ? await roundReport(ctx.db, ctx.rubrics, roundId) : undefined;
    if (!report) throw new ApiError('not_found', `找不到测评轮次 ${request.params.roundId}`);
    return report;
  });
};

/** Every pair names a known site and an active inspector or rechecker; otherwise 400 with the list. */
async function checkAssignable(db: Kysely<Database>, pairs: readonly Assignment[]): Promise<void> {
  const siteIds = [...new Set(pairs.map((pair) => pair.siteId))];
  const userIds = [...new Set(pairs.map((pair) => pair.userId))];
  const [sites, users] = await Promise.all([
    db.selectFrom('sites').select('id').where('id', 'in', siteIds).execute(),
    db.selectFrom('users').select(['id', 'role', 'disabled']).where('id', 'in', userIds).execute(),
  ]);
  const knownSites = new Set(sites.map((site) => site.id));
  const fieldUsers = new Set(
    users
      .filter((user) => (user.role === 'inspector' || user.role === 'rechecker') && user.disabled === 0)
      .map((user) => user.id),
  );
  const issues = pairs.flatMap((pair, index) => [
    ...(knownSites.has(pair.siteId) ? [] : [{ path: `${index}.siteId`, message: `unknown site ${pair.siteId}` }]),
    ...(fieldUsers.has(pair.userId)
      ? []
      : [{ path: `${index}.userId`, message: `user ${pair.userId} is not an active inspector or rechecker` }]),
  ]);
  if (issues.length > 0) throw new ApiError('invalid_request', `分配有误：${issues[0]!.message}`, { issues });
}

/**
 * Ids to try, in order, for a round the office gave no id: R and its start month (R2021-07), then
 * numbered (R2021-07-2 …), then a UUID. People read and type round ids (exports, links), so a
 * readable one beats a UUID whenever it is free.
 */
function roundIdsFor(startsOn: string): string[] {
  const month = `R${startsOn.slice(0, 7)}`;
  return [month, ...Array.from({ length: 19 }, (_, n) => `${month}-${n + 2}`), randomUUID()];
}
