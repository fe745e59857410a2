import type { Kysely } from 'kysely';
import { ApiError } from '../http/api-error';
import { isStorableText } from '../http/validate';
import type { Database } from '../storage/schema';

/** The id of an existing round, or the API's 404 `not_found` (also for an id no round could have). */
export async function existingRoundId(db: Kysely<Database>, roundId: string): Promise<string> {
  const round = isStorableText(roundId)
    ? await db.selectFrom('rounds').select('id').where('id', '=', roundId).executeTakeFirst()
    : undefined;
  if (!round) throw new ApiError('not_found', `找不到测评轮次 ${roundId}`);
  return round.id;
}
