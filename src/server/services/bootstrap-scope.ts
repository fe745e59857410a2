/**
 * What a user's bootstrap covers: the office gets every round and site and assignment; a field
 * user gets their assignments and only the rounds and sites those name.
 */
import type { Kysely } from 'kysely';
import type { SignedInUser } from '../auth/guard';
import type { Database } from '../storage/schema';
import { isOffice } from './access';

export async function bootstrapScope(db: Kysely<Database>, user: Pick<SignedInUser, 'id' | 'role'>) {
  const office = isOffice(user);
  let assignmentsQuery = db
    .selectFrom('assignments')
    .select(['round_id', 'site_id', 'user_id'])
    .orderBy('round_id')
    .orderBy('site_id');
  if (!office) assignmentsQuery = assignmentsQuery.where('user_id', '=', user.id);
  const assignments = await assignmentsQuery.execute();

  const roundIds = [...new Set(assignments.map((a) => a.round_id))];
  const siteIds = [...new Set(assignments.map((a) => a.site_id))];
  const roundsQuery = db.selectFrom('rounds').selectAll().orderBy('starts_on', 'desc');
  const sitesQuery = db.selectFrom('sites').selectAll().orderBy('id');
  const [rounds, sites] = await Promise.all([
    office ? roundsQuery.execute() : roundIds.length > 0 ? roundsQuery.where('id', 'in', roundIds).execute() : [],
    office ? sitesQuery.execute() : siteIds.length > 0 ? sitesQuery.where('id', 'in', siteIds).execute() : [],
  ]);
  return { assignments, rounds, sites };
}
