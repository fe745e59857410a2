/**
 * Example photos for the report's common problems: for each item in `commonProblems`, a few
 * photos (sha256) that the sites' results attached to that item while losing points on it —
 * what the supervisor shows beside "T18 室内卫生（无积尘）: 23 个点位". One query over the
 * round's photo references; only each site's result (its latest inspection) counts, so a photo
 * of a problem since fixed in a later revision is never shown as an example. Each comes with the
 * thumbnail its inspection named (`exampleThumbnails`, null for none), which the office draws.
 */
import type { Kysely } from 'kysely';
import type { InspectionResult, RoundReport } from '../../domain/report';
import type { Database } from '../storage/schema';

export async function addExamplePhotos(
  db: Kysely<Database>,
  roundId: string,
  report: RoundReport,
  results: readonly InspectionResult[],
  perProblem: number,
): Promise<void> {
  if (report.commonProblems.length === 0) return;
  const deductedIn = new Map<string, { siteId: string; items: Set<string> }>();
  for (const result of results) {
    deductedIn.set(`${result.inspectionId}\u0000${result.revision}`, {
      siteId: result.siteId,
      items: new Set(result.deductions.map((deduction) => deduction.itemId)),
    });
  }
  const rows = await db
    .selectFrom('inspection_photos')
    .innerJoin('inspections', (join) =>
      join
        .onRef('inspections.id', '=', 'inspection_photos.inspection_id')
        .onRef('inspections.revision', '=', 'inspection_photos.revision'),
    )
    .select([
      'inspection_photos.inspection_id',
      'inspection_photos.revision',
      'inspection_photos.item_id',
      'inspection_photos.sha256',
      'inspection_photos.thumbnail_sha256',
    ])
    .where('inspections.round_id', '=', roundId)
    .where('inspections.full_marks', '=', 0)
    .execute();

  // Per item: candidate photos ordered by site id (stable from one request to the next).
  const candidates = new Map<string, { siteId: string; sha256: string; thumbnail: string | null }[]>();
  for (const row of rows) {
    const result = deductedIn.get(`${row.inspection_id}\u0000${row.revision}`);
    if (!result?.items.has(row.item_id)) continue;
    let list = candidates.get(row.item_id);
    if (!list) candidates.set(row.item_id, (list = []));
    list.push({ siteId: result.siteId, sha256: row.sha256, thumbnail: row.thumbnail_sha256 });
  }
  for (const problem of report.commonProblems) {
    const list = (candidates.get(problem.itemId) ?? []).sort(
      (a, b) => a.siteId.localeCompare(b.siteId) || a.sha256.localeCompare(b.sha256),
    );
    // One photo per site first, so the examples show different places.
    const seenSites = new Set<string>();
    const picked: string[] = [];
    const pickedSites: string[] = [];
    const pickedThumbnails: (string | null)[] = [];
    for (const pass of [true, false]) {
      for (const { siteId, sha256, thumbnail } of list) {
        if (picked.includes(sha256)) {
          // The same photo cited twice (another item, another revision): any thumbnail named will do.
          const at = picked.indexOf(sha256);
          pickedThumbnails[at] ??= thumbnail;
          continue;
        }
        if (picked.length >= perProblem || (pass && seenSites.has(siteId))) continue;
        seenSites.add(siteId);
        picked.push(sha256);
        pickedSites.push(siteId);
        pickedThumbnails.push(thumbnail);
      }
    }
    problem.examplePhotos = picked;
    problem.exampleSites = pickedSites;
    problem.exampleThumbnails = pickedThumbnails;
  }
}
