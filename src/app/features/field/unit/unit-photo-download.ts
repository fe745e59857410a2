/**
 * Keeps the before-photos of the unit's items on the phone (db/unit-work.ts `unitPhotos`), one
 * at a time, each checked against its hash: the list opens offline with its photos after the
 * first visit. A network failure ends the run (the rest comes next time); a refused photo is
 * skipped.
 */
import { NetworkError } from '../../../api/api-client';
import type { UnitItem, UnitWorkApi } from '../../../api/unit-work-api';
import type { CivicDatabase } from '../../../db/database';
import { keepUnitPhoto, missingUnitPhotos } from '../../../db/unit-work';
import { sha256Hex } from '../../../platform/sha256';

export async function downloadUnitPhotos(
  db: CivicDatabase,
  api: Pick<UnitWorkApi, 'photo'>,
  scope: string,
  items: readonly UnitItem[],
  now: () => Date,
  signal?: AbortSignal,
): Promise<number> {
  let kept = 0;
  for (const sha256 of await missingUnitPhotos(db, scope, items)) {
    if (signal?.aborted) break;
    try {
      const blob = await api.photo(sha256, signal ? { signal } : {});
      if ((await sha256Hex(blob)) !== sha256) continue;
      await keepUnitPhoto(db, scope, sha256, blob, now());
      kept += 1;
    } catch (error) {
      if (error instanceof NetworkError || signal?.aborted) break;
    }
  }
  return kept;
}
