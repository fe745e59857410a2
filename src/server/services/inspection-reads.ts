/**
 * Reading stored inspections: the office's feed of a round (what arrived since the last poll),
 * the inspections a user may list, and one stored revision.
 */
import type { Kysely } from 'kysely';
import { storedFlags } from '../../domain/presence';
import type { SiteType } from '../../domain/rubric';
import type { InspectionSummary } from '../../domain/wire';
import type { SignedInUser } from '../auth/guard';
import type { Database, Row } from '../storage/schema';
import { isOffice } from './access';
import { inspectionSummaryView } from './views';

/** The round's inspection summaries received at or after `since` (every one without it), newest first. */
export async function inspectionFeed(
  db: Kysely<Database>,
  roundId: string,
  since: string | undefined,
): Promise<InspectionSummary[]> {
  const rows = await db
    .selectFrom('inspections')
    .select([
      'id',
      'revision',
      'round_id',
      'site_id',
      'inspector_id',
      'submitted_at',
      'received_at',
      'score',
      'full_marks',
      'flags_json',
    ])
    .where('round_id', '=', roundId)
    // Inclusive: two arrivals in the same millisecond are never split across polls (the client dedupes).
    .$if(since !== undefined, (query) => query.where('received_at', '>=', new Date(since!).toISOString()))
    .orderBy('received_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...inspectionSummaryView(row), flags: storedFlags(row.flags_json) }));
}

export interface InspectionFilter {
  roundId?: string | undefined;
  siteId?: string | undefined;
  district?: string | undefined;
  type?: SiteType | undefined;
}

/** The office's inspections (all), anyone else's: their own; filtered, newest arrival first. */
export async function inspectionsVisibleTo(
  db: Kysely<Database>,
  user: Pick<SignedInUser, 'id' | 'role'>,
  filter: InspectionFilter,
) {
  let query = db
    .selectFrom('inspections')
    .innerJoin('sites', 'sites.id', 'inspections.site_id')
    .select([
      'inspections.id',
      'inspections.revision',
      'inspections.round_id',
      'inspections.site_id',
      'inspections.inspector_id',
      'inspections.submitted_at',
      'inspections.received_at',
      'inspections.score',
      'inspections.full_marks',
    ])
    .orderBy('inspections.received_at', 'desc');
  if (!isOffice(user)) query = query.where('inspections.inspector_id', '=', user.id);
  if (filter.roundId) query = query.where('inspections.round_id', '=', filter.roundId);
  if (filter.siteId) query = query.where('inspections.site_id', '=', filter.siteId);
  if (filter.district) query = query.where('sites.district', '=', filter.district);
  if (filter.type) query = query.where('sites.type', '=', filter.type);
  return query.execute();
}

/** One stored revision of an inspection (the latest without `revision`), or undefined. */
export async function storedRevision(
  db: Kysely<Database>,
  id: string,
  revision: number | undefined,
): Promise<Row<'inspections'> | undefined> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('id', '=', id)
    .$if(revision !== undefined, (query) => query.where('revision', '=', revision!))
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
}
