/**
 * The checklist screen's read: kept apart from inspection-reads.ts (loaded with the sites
 * screen) since only the checklist's lazy chunk needs it.
 */
import type { RubricFile } from '../../domain/rubric';
import type { Round, Site } from '../../domain/wire';
import { readTransaction, type CivicDatabase } from './database';
import { currentInspection } from './inspection-reads';
import { byCaptureTime } from './photos';
import type { LocalInspection, PhotoRecord } from './types';

/** Everything the checklist screen shows, read at once; `null` for what this device does not have. */
export interface ChecklistData {
  site: Site | null;
  round: Round | null;
  rubric: RubricFile | null;
  /** null until `openInspection` has made one. */
  inspection: LocalInspection | null;
  photos: PhotoRecord[];
}

/**
 * The checklist screen's data in one read transaction: opening a checklist (after a cold start
 * especially) waits for one IndexedDB round trip, not for four queries one after the other.
 */
export function readChecklist(
  db: CivicDatabase,
  key: { roundId: string; siteId: string; inspectorId: string },
): Promise<ChecklistData> {
  return readTransaction(db, ['sites', 'rounds', 'rubrics', 'inspections', 'photos'], async () => {
    const [site, round, inspection] = await Promise.all([
      db.sites.get(key.siteId),
      db.rounds.get(key.roundId),
      currentInspection(db, key),
    ]);
    const [rubric, photos] = await Promise.all([
      site && round ? db.rubrics.get(round.rubricVersion) : undefined,
      inspection ? db.photos.where('ownerId').equals(inspection.id).toArray() : [],
    ]);
    return {
      site: site ?? null,
      round: round ?? null,
      rubric: (site && rubric?.types[site.type]) ?? null,
      inspection: inspection ?? null,
      photos: photos.sort(byCaptureTime),
    };
  });
}
