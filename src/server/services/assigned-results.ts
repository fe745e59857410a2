/**
 * The current result of each site assigned to a field user, for their bootstrap: the site's
 * latest inspection in the round (the domain's `latestResults`), whoever submitted it. A phone
 * that did not make that inspection (a new phone, a colleague on the same site) can then show
 * the site as inspected instead of inviting a second visit.
 */
import type { Kysely } from 'kysely';
import { latestResults } from '../../domain/report';
import type { AssignedSiteResult } from '../../domain/wire';
import type { Database } from '../storage/schema';
import { resultKeyOf } from './result-rows';

export async function assignedResults(
  db: Kysely<Database>,
  assignments: readonly { round_id: string; site_id: string }[],
): Promise<AssignedSiteResult[]> {
  if (assignments.length === 0) return [];
  const rows = await db
    .selectFrom('inspections')
    .innerJoin('users', 'users.id', 'inspections.inspector_id')
    .select([
      'inspections.id',
      'inspections.revision',
      'inspections.round_id',
      'inspections.site_id',
      'inspections.inspector_id',
      'users.display_name',
      'inspections.submitted_at',
      'inspections.received_at',
      'inspections.score',
    ])
    .where('inspections.round_id', 'in', [...new Set(assignments.map((a) => a.round_id))])
    .where('inspections.site_id', 'in', [...new Set(assignments.map((a) => a.site_id))])
    .execute();
  const assigned = new Set(assignments.map((a) => `${a.round_id}\n${a.site_id}`));
  const byRound = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!assigned.has(`${row.round_id}\n${row.site_id}`)) continue;
    const list = byRound.get(row.round_id) ?? [];
    list.push(row);
    byRound.set(row.round_id, list);
  }
  const results: AssignedSiteResult[] = [];
  for (const [roundId, roundRows] of byRound) {
    const latest = latestResults(roundRows.map(resultKeyOf));
    for (const { row } of latest.values()) {
      results.push({
        roundId,
        siteId: row.site_id,
        inspectionId: row.id,
        inspectorId: row.inspector_id,
        inspectorName: row.display_name,
        submittedAt: row.submitted_at,
        score: row.score,
      });
    }
  }
  return results.sort((a, b) => a.roundId.localeCompare(b.roundId) || a.siteId.localeCompare(b.siteId));
}
