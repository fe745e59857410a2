/**
 * Rounds as stored: a new round (with the readable id the office reads and types, and its audit
 * entry in the same transaction), and the rounds a user may see.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { roundInputSchema } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { toFlag, type Row } from '../storage/schema';
import { isOffice } from './access';
import { recordAudit } from './audit';
import { isUniqueViolation } from './unique-violation';
import { roundView } from './views';

type ParsedRoundInput = z.output<typeof roundInputSchema>;

/** Stores a new round; 400 for a rubric the server does not have, 409 for a given id already taken. */
export async function createRound(
  ctx: Pick<ServerContext, 'db' | 'rubrics' | 'now'>,
  actor: SignedInUser,
  input: ParsedRoundInput,
): Promise<Row<'rounds'>> {
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
          actor,
          action: 'round.created',
          at: row.created_at,
          roundId: id,
          detail: { after: roundView(row) },
        });
        await trx.insertInto('rounds').values(row).execute();
      });
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.id !== undefined) throw new ApiError('conflict', `轮次编号 ${row.id} 已存在`);
    }
  }
  throw new Error('no free round id'); // unreachable: the last candidate is a fresh UUID
}

/** Every round for the office; for anyone else, the rounds they are assigned in. Newest first. */
export async function roundsVisibleTo(
  ctx: Pick<ServerContext, 'db'>,
  user: Pick<SignedInUser, 'id' | 'role'>,
): Promise<Row<'rounds'>[]> {
  let query = ctx.db.selectFrom('rounds').selectAll().orderBy('starts_on', 'desc');
  if (!isOffice(user))
    query = query.where('id', 'in', ctx.db.selectFrom('assignments').select('round_id').where('user_id', '=', user.id));
  return query.execute();
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
