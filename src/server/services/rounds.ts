/**
 * Rounds as stored: a new round (with the readable id the office reads and types, and its audit
 * entry in the same transaction), and the rounds a user may see.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { roundInputSchema } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/validate';
import { toFlag, type Row } from '../storage/schema';
import { isOffice } from './access';
import { recordAudit } from './audit';
import { reapplyResultRule } from './reviews';
import { isUniqueViolation } from './unique-violation';
import { roundView } from './views';

type ParsedRoundInput = z.output<typeof roundInputSchema>;

/**
 * Fields that decide scores, rectifications, due dates and presence flags: fixed once the first
 * result is in.
 */
const SCORING_FIELDS = ['rubricVersion', 'rectifyBelow', 'rectifyDays', 'presenceRadiusM'] as const;

/** Stores a new round; 400 for a rubric the server does not have, 409 for a given id already taken. */
export async function createRound(
  ctx: Pick<ServerContext, 'db' | 'rubrics' | 'now'>,
  actor: SignedInUser,
  input: ParsedRoundInput,
): Promise<Row<'rounds'>> {
  checkRubric(ctx, input.rubricVersion);
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

/** 400 for a rubric version the server does not have, naming the ones it has. */
function checkRubric(ctx: Pick<ServerContext, 'rubrics'>, version: string): void {
  if (ctx.rubrics.get(version)) return;
  const message = `未知的评分标准版本 ${version}（可用：${ctx.rubrics.versions().join('、')}）`;
  throw new ApiError('invalid_request', message, { issues: [{ path: 'rubricVersion', message }] });
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

/**
 * The office's change to a round (any of its fields, merged into the stored round and checked
 * as a whole), audited. The fields that decide scores are fixed once a result is in (409).
 * Switching which results count chooses every site's kept result again.
 */
export async function changeRound(
  ctx: ServerContext,
  actor: SignedInUser,
  round: Row<'rounds'>,
  patch: Partial<ParsedRoundInput>,
): Promise<Row<'rounds'>> {
  const current = roundView(round);
  const merged = parseBody(roundInputSchema, { ...current, ...patch, id: round.id });
  checkRubric(ctx, merged.rubricVersion);
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
      actor,
      action: 'round.changed',
      at: ctx.now().toISOString(),
      roundId: round.id,
      detail: { before: current, after: roundView(updated) },
    });
    await trx.updateTable('rounds').set(values).where('id', '=', round.id).execute();
    // Which revisions count changed: every site's kept result is chosen again.
    if (updated.approved_only !== round.approved_only) await reapplyResultRule(ctx, trx, updated);
  });
  return updated;
}

/** The units loop's rules of a round (#17): when the 15 days count from, how long objections may come. Audited. */
export async function changeUnitSettings(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  actor: SignedInUser,
  round: Row<'rounds'>,
  settings: { dueFrom?: 'inspection' | 'dispatch' | undefined; objectionDays?: number | undefined },
): Promise<Row<'rounds'>> {
  const values = {
    ...(settings.dueFrom !== undefined && { due_from: settings.dueFrom }),
    ...(settings.objectionDays !== undefined && { objection_days: settings.objectionDays }),
  };
  const updated = { ...round, ...values };
  if (Object.keys(values).length === 0) return updated;
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor,
      action: 'round.changed',
      at: ctx.now().toISOString(),
      roundId: round.id,
      detail: { before: roundView(round), after: roundView(updated) },
    });
    await trx.updateTable('rounds').set(values).where('id', '=', round.id).execute();
  });
  return updated;
}
