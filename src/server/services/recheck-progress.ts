/**
 * What supervisors see of the recheck visits, read from storage: the rectification progress of
 * a round (closed, open, overdue; per type, district and site; which sites are closed out —
 * computed by the domain's `buildRectificationProgress`), the history of every verdict on one
 * rectification, and the rows of the recheck results export (`recheckResultsCsv`). "Today" for
 * overdue is the Shanghai date of the server's clock.
 */
import type { Kysely } from 'kysely';
import { cityDate } from '../../domain/dates';
import type { RecheckExportRow } from '../../domain/recheck-export';
import { buildRectificationProgress, type RectificationProgress } from '../../domain/rectification-progress';
import type { RecheckHistoryEntry } from '../../domain/wire';
import type { ServerContext } from '../context';
import { isStorableText } from '../http/validate';
import type { Database, Row } from '../storage/schema';
import { findingNotes } from './rectifications';

async function roundRectifications(db: Kysely<Database>, roundId: string) {
  return (
    db
      .selectFrom('rectifications')
      .selectAll()
      .where('round_id', '=', roundId)
      // Withdrawn by an upheld objection (#17): nothing to rectify, not counted as open.
      .where('withdrawn_at', 'is', null)
      .orderBy('site_id')
      .orderBy('item_id')
      .execute()
  );
}

async function sitesByIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Row<'sites'>>> {
  const sites = new Map<string, Row<'sites'>>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += 1000) {
    const rows = await db
      .selectFrom('sites')
      .selectAll()
      .where('id', 'in', unique.slice(start, start + 1000))
      .execute();
    for (const row of rows) sites.set(row.id, row);
  }
  return sites;
}

export async function rectificationProgress(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  round: Row<'rounds'>,
): Promise<RectificationProgress> {
  const rows = await roundRectifications(ctx.db, round.id);
  const sites = await sitesByIds(
    ctx.db,
    rows.map((row) => row.site_id),
  );
  return buildRectificationProgress({
    roundId: round.id,
    asOf: cityDate(ctx.now()),
    sites: [...sites.values()].map((site) => ({
      id: site.id,
      name: site.name,
      type: site.type,
      district: site.district,
    })),
    rectifications: rows.map((row) => ({
      id: row.id,
      siteId: row.site_id,
      itemId: row.item_id,
      grade: row.grade,
      dueOn: row.due_on,
      status: row.status,
      closedAt: row.closed_at,
    })),
  });
}

export type { RecheckHistoryEntry } from '../../domain/wire';

/** Every verdict recorded on the given rectifications, oldest `checkedAt` first (then arrival). */
async function verdictsOf(db: Kysely<Database>, rectificationIds: readonly string[]): Promise<RecheckHistoryEntry[]> {
  const entries: RecheckHistoryEntry[] = [];
  for (let start = 0; start < rectificationIds.length; start += 1000) {
    const rows = await db
      .selectFrom('rechecks')
      .innerJoin('users', 'users.id', 'rechecks.checked_by')
      .select([
        'rechecks.id',
        'rechecks.rectification_id',
        'rechecks.verdict',
        'rechecks.note',
        'rechecks.photos_json',
        'rechecks.checked_at',
        'rechecks.received_at',
        'rechecks.checked_by',
        'users.display_name',
      ])
      .where('rechecks.rectification_id', 'in', rectificationIds.slice(start, start + 1000))
      .execute();
    for (const row of rows) {
      entries.push({
        id: row.id,
        rectificationId: row.rectification_id,
        verdict: row.verdict,
        note: row.note,
        photos: JSON.parse(row.photos_json) as string[],
        checkedAt: row.checked_at,
        receivedAt: row.received_at,
        checkedBy: row.checked_by,
        checkedByName: row.display_name,
      });
    }
  }
  return entries.sort(
    (a, b) =>
      a.checkedAt.localeCompare(b.checkedAt) || a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id),
  );
}

/** The history of one rectification's verdicts, or undefined when the rectification does not exist. */
export async function recheckHistory(
  db: Kysely<Database>,
  rectificationId: string,
): Promise<RecheckHistoryEntry[] | undefined> {
  if (!isStorableText(rectificationId)) return undefined;
  const row = await db.selectFrom('rectifications').select('id').where('id', '=', rectificationId).executeTakeFirst();
  return row ? verdictsOf(db, [row.id]) : undefined;
}

/** The export rows of a round: one per rectification, by district, site and item. */
export async function recheckExportRows(
  ctx: Pick<ServerContext, 'db' | 'rubrics'>,
  round: Row<'rounds'>,
): Promise<RecheckExportRow[]> {
  const rows = await roundRectifications(ctx.db, round.id);
  const notes = findingNotes(rows);
  const [sites, history] = await Promise.all([
    sitesByIds(
      ctx.db,
      rows.map((row) => row.site_id),
    ),
    verdictsOf(
      ctx.db,
      rows.map((row) => row.id),
    ),
  ]);
  const verdicts = new Map<string, RecheckHistoryEntry[]>();
  for (const entry of history)
    verdicts.set(entry.rectificationId, [...(verdicts.get(entry.rectificationId) ?? []), entry]);
  const openSites = new Set(rows.filter((row) => row.status === 'open').map((row) => row.site_id));

  const exportRows = rows.map((row): RecheckExportRow => {
    const site = sites.get(row.site_id);
    const type = site?.type ?? 'station';
    const item = ctx.rubrics.items(round.rubric_version, type)?.get(row.item_id);
    const list = verdicts.get(row.id) ?? [];
    const last = list.at(-1);
    return {
      rectificationId: row.id,
      roundName: round.name,
      district: site?.district ?? '',
      siteId: row.site_id,
      siteName: site?.name ?? row.site_id,
      siteType: type,
      itemId: row.item_id,
      itemTitle: item?.title ?? row.item_id,
      grade: row.grade,
      findingNote: notes.get(row.id) ?? null,
      dueOn: row.due_on,
      status: row.status,
      siteClosedOut: !openSites.has(row.site_id),
      beforePhotos: (JSON.parse(row.before_photos_json) as string[]).length,
      verdicts: list.length,
      ...(last && {
        lastVerdict: {
          id: last.id,
          verdict: last.verdict,
          note: last.note,
          photos: last.photos,
          checkedAt: last.checkedAt,
          checkedByName: last.checkedByName,
        },
      }),
    };
  });
  return exportRows.sort(
    (a, b) =>
      a.district.localeCompare(b.district, 'zh-CN') ||
      a.siteId.localeCompare(b.siteId) ||
      a.itemId.localeCompare(b.itemId),
  );
}
