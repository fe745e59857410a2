/**
 * Proof of presence on the server (docs/API.md "Proof of presence"): inside the transaction that
 * stores an inspection, takes the phone's position for a site without one (`sitePosition`),
 * gathers the facts the domain's `presenceFlags` needs — the site's position, the round's radius
 * and dates, every fix, each photo's metadata and its uses at other sites or in other rounds —
 * and returns the flags to store with the inspection.
 */
import type { Transaction } from 'kysely';
import { presenceFlags, type PhotoUse, type PositionFix, type PresenceResult } from '../../domain/presence';
import type { Inspection } from '../../domain/wire';
import type { Database, Row } from '../storage/schema';

/** A photo cited by earlier inspections is listed with at most this many of its uses. */
const USES_PER_PHOTO = 5;

export async function checkPresence(
  trx: Transaction<Database>,
  round: Pick<Row<'rounds'>, 'id' | 'presence_radius_m' | 'starts_on' | 'ends_on'>,
  site: Pick<Row<'sites'>, 'id' | 'lat' | 'lng'>,
  inspection: Inspection,
  userId: string,
  now: string,
): Promise<PresenceResult> {
  const fromPhone = await takeSitePosition(trx, site, inspection, userId, now);
  const position = fromPhone ?? { lat: site.lat, lng: site.lng };
  const photos = photoHashes(inspection);
  const uses = await usesElsewhere(trx, round.id, site.id, photos);
  return presenceFlags({
    site: position,
    sitePositionFromPhone: fromPhone !== undefined,
    round: { radiusM: round.presence_radius_m, startsOn: round.starts_on, endsOn: round.ends_on },
    fixes: fixesOf(inspection),
    photos: photos.map(({ sha256, source }) => {
      const meta = inspection.photoMeta?.[sha256];
      const used = uses.filter((use) => use.keys.has(sha256) || (source !== undefined && use.keys.has(source)));
      return {
        sha256,
        capturedAt: meta?.capturedAt,
        exifAt: meta?.exifAt,
        source: meta?.source,
        usedElsewhere: dedupe(used.map((use) => use.use)).slice(0, USES_PER_PHOTO),
      };
    }),
  });
}

/** The photos of the answers, once each, with the untouched file's hash when the phone sent it. */
export function photoHashes(inspection: Inspection): { sha256: string; source: string | undefined }[] {
  const hashes = [...new Set(inspection.answers.flatMap((answer) => answer.photos))];
  return hashes.map((sha256) => ({ sha256, source: inspection.photoMeta?.[sha256]?.sourceSha256 }));
}

/**
 * Sets the site's coordinates from the phone when it has none — checked again in this
 * transaction, so two first visits at once do not both set it — and returns them; else undefined.
 */
async function takeSitePosition(
  trx: Transaction<Database>,
  site: Pick<Row<'sites'>, 'id' | 'lat' | 'lng'>,
  inspection: Inspection,
  userId: string,
  now: string,
): Promise<{ lat: number; lng: number } | undefined> {
  const proposed = inspection.sitePosition;
  if (!proposed || (site.lat !== null && site.lng !== null)) return undefined;
  const result = await trx
    .updateTable('sites')
    .set({
      lat: proposed.lat,
      lng: proposed.lng,
      position_source: 'phone',
      position_set_by: userId,
      position_set_at: now,
      updated_at: now,
    })
    .where('id', '=', site.id)
    .where((eb) => eb.or([eb('lat', 'is', null), eb('lng', 'is', null)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? { lat: proposed.lat, lng: proposed.lng } : undefined;
}

/** Every position the phone recorded: its fixes, the older single `location`, and each photo's. */
function fixesOf(inspection: Inspection): PositionFix[] {
  const fixes: PositionFix[] = [...(inspection.fixes ?? [])];
  if (inspection.location) fixes.push({ ...inspection.location });
  for (const meta of Object.values(inspection.photoMeta ?? {})) {
    if (meta.lat !== undefined && meta.lng !== undefined) {
      fixes.push({ lat: meta.lat, lng: meta.lng, accuracy: meta.accuracy, at: meta.capturedAt, stage: 'photo' });
    }
  }
  return fixes;
}

interface FoundUse {
  /** The hashes this earlier citation is known by (its JPEG's and its untouched file's). */
  keys: Set<string>;
  use: PhotoUse;
}

/** Earlier citations, by any inspection of another site or round, of these photos or their files. */
async function usesElsewhere(
  trx: Transaction<Database>,
  roundId: string,
  siteId: string,
  photos: { sha256: string; source: string | undefined }[],
): Promise<FoundUse[]> {
  const keys = [...new Set(photos.flatMap(({ sha256, source }) => (source ? [sha256, source] : [sha256])))];
  if (keys.length === 0) return [];
  const rows = await trx
    .selectFrom('inspection_photos')
    .innerJoin('inspections', (join) =>
      join
        .onRef('inspections.id', '=', 'inspection_photos.inspection_id')
        .onRef('inspections.revision', '=', 'inspection_photos.revision'),
    )
    .select([
      'inspection_photos.sha256',
      'inspection_photos.source_sha256',
      'inspections.id',
      'inspections.round_id',
      'inspections.site_id',
    ])
    .where((eb) =>
      eb.and([
        eb.or([eb('inspection_photos.sha256', 'in', keys), eb('inspection_photos.source_sha256', 'in', keys)]),
        eb.or([eb('inspections.round_id', '!=', roundId), eb('inspections.site_id', '!=', siteId)]),
      ]),
    )
    .orderBy('inspections.received_at')
    .execute();
  return rows.map((row) => ({
    keys: new Set(row.source_sha256 ? [row.sha256, row.source_sha256] : [row.sha256]),
    use: { inspectionId: row.id, roundId: row.round_id, siteId: row.site_id },
  }));
}

function dedupe(uses: PhotoUse[]): PhotoUse[] {
  const seen = new Set<string>();
  return uses.filter((use) => {
    const key = use.inspectionId;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
