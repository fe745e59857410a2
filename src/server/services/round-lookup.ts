import type { Kysely } from 'kysely';
import { ApiError } from '../http/api-error';
import { isStorableText } from '../http/validate';
import type { Database, Row } from '../storage/schema';

/**
 * The round, or the API's 404 `not_found` — also for an id no round could have (a NUL would make
 * PostgreSQL fail the query instead of finding nothing). Every route that names a round starts here.
 */
export async function existingRound(db: Kysely<Database>, roundId: string): Promise<Row<'rounds'>> {
  const round = isStorableText(roundId)
    ? await db.selectFrom('rounds').selectAll().where('id', '=', roundId).executeTakeFirst()
    : undefined;
  if (!round) throw new ApiError('not_found', `找不到测评轮次 ${roundId}`);
  return round;
}

/** The id of an existing round, or the 404 of `existingRound`. */
export async function existingRoundId(db: Kysely<Database>, roundId: string): Promise<string> {
  return (await existingRound(db, roundId)).id;
}
