/**
 * 交办 (dispatch, issue #17): the office hands a round's open rectifications to the units — all
 * at once, a district's, or the listed ones — after looking at them. Only dispatched items are
 * visible to units. When the round counts the period from dispatch, the due date becomes the
 * Shanghai date of dispatch + the round's days. Each site with a newly dispatched item gets its
 * site link (services/site-links.ts) in the same transaction. Dispatching again is harmless:
 * what is already dispatched keeps its date.
 */
import { addDays, cityDate } from '../../domain/dates';
import type { DispatchInput } from '../../domain/wire';
import { ApiError } from '../http/api-error';
import type { ServerContext } from '../context';
import type { Row } from '../storage/schema';
import { lockAuditChain, recordAudit } from './audit';
import { ensureSiteLink } from './site-links';

export interface DispatchResult {
  dispatched: number;
  rectificationIds: string[];
  linksIssued: number;
}

export async function dispatchRectifications(
  ctx: ServerContext,
  secret: Uint8Array,
  round: Row<'rounds'>,
  input: DispatchInput,
  by: string,
): Promise<DispatchResult> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    // The audit chain's head first (services/audit.ts), the entry written once the outcome is known.
    await lockAuditChain(trx);
    let query = trx
      .selectFrom('rectifications')
      .innerJoin('sites', 'sites.id', 'rectifications.site_id')
      .select(['rectifications.id', 'rectifications.site_id', 'rectifications.dispatched_at'])
      .where('rectifications.round_id', '=', round.id)
      .where('rectifications.status', '=', 'open')
      .where('rectifications.withdrawn_at', 'is', null);
    if (input.district !== undefined) query = query.where('sites.district', '=', input.district);
    if (input.rectificationIds !== undefined) {
      const wanted = [...new Set(input.rectificationIds)];
      if (wanted.length === 0) return { dispatched: 0, rectificationIds: [], linksIssued: 0 };
      query = query.where('rectifications.id', 'in', wanted);
      const found = await query.execute();
      const known = new Set(found.map((row) => row.id));
      const unknown = wanted.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        const message = `本轮没有这些待整改项：${unknown.slice(0, 10).join('、')}`;
        throw new ApiError('invalid_request', message, { issues: [{ path: 'rectificationIds', message }] });
      }
    }
    const candidates = (await query.execute()).filter((row) => row.dispatched_at === null).map((row) => row.id);
    const at = now.toISOString();
    const pending: { id: string; site_id: string }[] = [];
    for (let start = 0; start < candidates.length; start += 1000) {
      // `dispatched_at is null` again in the update: a dispatch committing meanwhile (PostgreSQL,
      // read committed) has taken those rows, and they keep its date and count as its own.
      const taken = await trx
        .updateTable('rectifications')
        .set({
          dispatched_at: at,
          dispatched_by: by,
          ...(round.due_from === 'dispatch' && { due_on: addDays(cityDate(now), round.rectify_days) }),
        })
        .where('id', 'in', candidates.slice(start, start + 1000))
        .where('dispatched_at', 'is', null)
        .returning(['id', 'site_id'])
        .execute();
      pending.push(...taken);
    }
    const ids = pending.map((row) => row.id).sort();
    let linksIssued = 0;
    for (const siteId of [...new Set(pending.map((row) => row.site_id))].sort()) {
      if (await ensureSiteLink(trx, secret, round.id, siteId, by, now)) linksIssued += 1;
    }
    if (ids.length > 0) {
      await recordAudit(trx, {
        actor: { id: by },
        action: 'rectifications.dispatched',
        at,
        roundId: round.id,
        detail: {
          count: ids.length,
          rectificationIds: ids.slice(0, 50),
          district: input.district ?? null,
          linksIssued,
        },
      });
    }
    return { dispatched: ids.length, rectificationIds: ids, linksIssued };
  });
}
