/**
 * Who may touch what, beyond roles: inspectors and recheckers work only on the sites assigned
 * to them in a round, and read only photos that their own work (or, for recheckers, the
 * rectifications they may see) references. A submission may cite only photos its author could
 * already read, so citing a hash never turns into a way to read someone else's photo.
 */
import type { Kysely } from 'kysely';
import type { SignedInUser } from '../auth/guard';
import type { Database } from '../storage/schema';
import { inUnitScope } from './unit-scope';

export const isOffice = (user: Pick<SignedInUser, 'role'>): boolean =>
  user.role === 'admin' || user.role === 'supervisor';

export async function isAssigned(
  db: Kysely<Database>,
  userId: string,
  roundId: string,
  siteId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('assignments')
    .select('user_id')
    .where('round_id', '=', roundId)
    .where('site_id', '=', siteId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function canReadPhoto(db: Kysely<Database>, user: SignedInUser, sha256: string): Promise<boolean> {
  if (isOffice(user)) return true;
  const own = await db
    .selectFrom('photo_uploads')
    .select('sha256')
    .where('sha256', '=', sha256)
    .where('user_id', '=', user.id)
    .unionAll(
      db
        .selectFrom('inspection_photos')
        .innerJoin('inspections', (join) =>
          join
            .onRef('inspections.id', '=', 'inspection_photos.inspection_id')
            .onRef('inspections.revision', '=', 'inspection_photos.revision'),
        )
        .select('inspection_photos.sha256')
        .where('inspection_photos.sha256', '=', sha256)
        .where('inspections.inspector_id', '=', user.id),
    )
    .unionAll(
      db
        .selectFrom('recheck_photos')
        .innerJoin('rechecks', 'rechecks.id', 'recheck_photos.recheck_id')
        .select('recheck_photos.sha256')
        .where('recheck_photos.sha256', '=', sha256)
        .where('rechecks.checked_by', '=', user.id),
    )
    .limit(1)
    .executeTakeFirst();
  if (own) return true;
  if (user.role === 'unit') return unitMayRead(db, user, sha256);
  if (user.role !== 'rechecker') return false;
  if (await answerPhotoOfAssigned(db, user.id, sha256)) return true;
  // A before-photo: referenced by the source inspection's answer of a rectification the rechecker may see.
  const before = await db
    .selectFrom('rectifications')
    .innerJoin('inspection_photos', (join) =>
      join
        .onRef('inspection_photos.inspection_id', '=', 'rectifications.source_inspection_id')
        .onRef('inspection_photos.revision', '=', 'rectifications.source_revision')
        .onRef('inspection_photos.item_id', '=', 'rectifications.item_id'),
    )
    .innerJoin('assignments', (join) =>
      join
        .onRef('assignments.round_id', '=', 'rectifications.round_id')
        .onRef('assignments.site_id', '=', 'rectifications.site_id'),
    )
    .select('rectifications.id')
    .where('inspection_photos.sha256', '=', sha256)
    .where('assignments.user_id', '=', user.id)
    .limit(1)
    .executeTakeFirst();
  return before !== undefined;
}

/**
 * The cited hashes that the user may not cite, in the order given: for the office, those not
 * on the server; for field users, those they have not uploaded themselves (a recheck may also
 * cite the before-photos of the rectification it checks). The answer says nothing about other
 * users' photos: a guessed hash that exists is as missing as one that does not (docs/API.md).
 */
export async function uncitablePhotos(
  db: Kysely<Database>,
  user: SignedInUser,
  hashes: readonly string[],
  alsoCitable: readonly string[] = [],
): Promise<string[]> {
  const wanted = [...new Set(hashes)].filter((sha) => !alsoCitable.includes(sha));
  if (wanted.length === 0) return [];
  const present = isOffice(user)
    ? await db.selectFrom('photos').select('sha256').where('sha256', 'in', wanted).execute()
    : await db
        .selectFrom('photo_uploads')
        .select('sha256')
        .where('user_id', '=', user.id)
        .where('sha256', 'in', wanted)
        .execute();
  const have = new Set(present.map((row) => row.sha256));
  return wanted.filter((sha) => !have.has(sha));
}

/** A unit (or site link) reads the before-photos of the dispatched items it answers for. */
async function unitMayRead(db: Kysely<Database>, user: SignedInUser, sha256: string): Promise<boolean> {
  const scoped = inUnitScope(db.selectFrom('rectifications').select('rectifications.id'), user);
  const before = await db
    .selectFrom('rectifications')
    .innerJoin('inspection_photos', (join) =>
      join
        .onRef('inspection_photos.inspection_id', '=', 'rectifications.source_inspection_id')
        .onRef('inspection_photos.revision', '=', 'rectifications.source_revision')
        .onRef('inspection_photos.item_id', '=', 'rectifications.item_id'),
    )
    .select('rectifications.id')
    .where('rectifications.id', 'in', scoped)
    .where('inspection_photos.sha256', '=', sha256)
    .limit(1)
    .executeTakeFirst();
  return before !== undefined;
}

/**
 * A unit's after-photo (#17) of a rectification the rechecker may see: the recheck team looks
 * at the unit's answer beside the before-photos. Answers keep their photos as JSON, so the
 * candidates are narrowed with a text match and confirmed by parsing.
 */
async function answerPhotoOfAssigned(db: Kysely<Database>, userId: string, sha256: string): Promise<boolean> {
  const rows = await db
    .selectFrom('unit_answers')
    .innerJoin('rectifications', 'rectifications.id', 'unit_answers.rectification_id')
    .innerJoin('assignments', (join) =>
      join
        .onRef('assignments.round_id', '=', 'rectifications.round_id')
        .onRef('assignments.site_id', '=', 'rectifications.site_id'),
    )
    .select('unit_answers.photos_json')
    .where('assignments.user_id', '=', userId)
    .where('unit_answers.photos_json', 'like', `%${sha256}%`)
    .limit(5)
    .execute();
  return rows.some((row) => (JSON.parse(row.photos_json) as string[]).includes(sha256));
}
