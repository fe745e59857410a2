/**
 * Example photos for the report's common problems: for each item in `commonProblems`, a few
 * photos (sha256) that the sites' results attached to that item while losing points on it —
 * what the supervisor shows beside "T18 室内卫生（无积尘）: 23 个点位". One query joining the
 * kept results (`site_result_items`: each in-scope site's current result and the items it lost
 * points on) with their photo references; a photo of a problem since fixed in a later revision
 * is never shown as an example. Each comes with the thumbnail its inspection named
 * (`exampleThumbnails`, null for none), which the office draws.
 */
import type { Kysely } from 'kysely';
import type { RoundReport } from '../../domain/report';
import type { Database } from '../storage/schema';
import { assignedInRound } from './round-scope';

export async function addExamplePhotos(
  db: Kysely<Database>,
  roundId: string,
  report: RoundReport,
  perProblem: number,
): Promise<void> {
  if (report.commonProblems.length === 0) return;
  const rows = await db
    .selectFrom('site_result_items')
    .innerJoin('site_results', (join) =>
      join
        .onRef('site_results.round_id', '=', 'site_result_items.round_id')
        .onRef('site_results.site_id', '=', 'site_result_items.site_id'),
    )
    .innerJoin('inspection_photos', (join) =>
      join
        .onRef('inspection_photos.inspection_id', '=', 'site_results.inspection_id')
        .onRef('inspection_photos.revision', '=', 'site_results.revision')
        .onRef('inspection_photos.item_id', '=', 'site_result_items.item_id'),
    )
    .where('site_result_items.round_id', '=', roundId)
    .where(assignedInRound(roundId, 'site_result_items.site_id'))
    .select([
      'site_result_items.item_id',
      'site_result_items.site_id',
      'inspection_photos.sha256',
      'inspection_photos.thumbnail_sha256',
    ])
    .execute();

  // Per item: candidate photos ordered by site id (stable from one request to the next).
  const candidates = new Map<string, { siteId: string; sha256: string; thumbnail: string | null }[]>();
  for (const row of rows) {
    let list = candidates.get(row.item_id);
    if (!list) candidates.set(row.item_id, (list = []));
    list.push({ siteId: row.site_id, sha256: row.sha256, thumbnail: row.thumbnail_sha256 });
  }
  const collator = new Intl.Collator();
  for (const problem of report.commonProblems) {
    const list = (candidates.get(problem.itemId) ?? []).sort(
      (a, b) => collator.compare(a.siteId, b.siteId) || collator.compare(a.sha256, b.sha256),
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
