/**
 * The current result of each site assigned to a field user, for their bootstrap: the site's
 * latest inspection in the round (kept in `site_results` by the rule of the domain's
 * `latestResults`), whoever submitted it. A phone that did not make that inspection (a new
 * phone, a colleague on the same site) can then show the site as inspected instead of inviting
 * a second visit. One indexed join from the user's assignments: its cost follows the user's
 * sites, not the round's inspections.
 */
import type { Kysely } from 'kysely';
import type { AssignedSiteResult } from '../../domain/wire';
import type { Database } from '../storage/schema';

export async function assignedResults(db: Kysely<Database>, userId: string): Promise<AssignedSiteResult[]> {
  const rows = await db
    .selectFrom('assignments')
    .innerJoin('site_results', (join) =>
      join
        .onRef('site_results.round_id', '=', 'assignments.round_id')
        .onRef('site_results.site_id', '=', 'assignments.site_id'),
    )
    .innerJoin('users', 'users.id', 'site_results.inspector_id')
    .where('assignments.user_id', '=', userId)
    .select([
      'site_results.round_id',
      'site_results.site_id',
      'site_results.inspection_id',
      'site_results.inspector_id',
      'users.display_name',
      'site_results.submitted_at',
      'site_results.score',
    ])
    .execute();
  const collator = new Intl.Collator();
  return rows
    .map((row) => ({
      roundId: row.round_id,
      siteId: row.site_id,
      inspectionId: row.inspection_id,
      inspectorId: row.inspector_id,
      inspectorName: row.display_name,
      submittedAt: row.submitted_at,
      score: row.score,
    }))
    .sort((a, b) => collator.compare(a.roundId, b.roundId) || collator.compare(a.siteId, b.siteId));
}
