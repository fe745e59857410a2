/**
 * Published rankings: a round's district ranking at an unguessable public link.
 *
 * - The token is 32 random bytes (256 bits) in base64url: 43 characters, never derived from the
 *   round, never reused. Stored as is in `published_rankings` (the office shows the link and
 *   its QR code again later); unpublishing deletes the row, so the old link is a 404 for good.
 * - Publishing again keeps the token (printed QR codes stay valid) and moves the cut-off
 *   `published_at` to now: the public page shows the figures of the inspections received up to
 *   the last time the office published, never results still arriving.
 * - The figures are computed when the office publishes and stored with the link
 *   (`ranking_json`): the public page shows exactly what was published, whatever happens to the
 *   round afterwards, and a QR code scanned by a crowd costs one row read, not a report each.
 * - The public view holds district ranking figures only — no site ids or names, no people, no
 *   photos, no notes, no round id.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PublicRanking } from '../../domain/wire';
import type { RubricStore } from '../rubric-store';
import type { Database } from '../storage/schema';
import { issuingOffice } from './bulletin-documents';
import { roundReport } from './reports';

export const PUBLIC_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface Publication {
  token: string;
  publishedAt: string;
}

export type { PublicRanking } from '../../domain/wire';

export function newPublicToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function findPublication(db: Kysely<Database>, roundId: string): Promise<Publication | undefined> {
  const row = await db
    .selectFrom('published_rankings')
    .select(['token', 'published_at'])
    .where('round_id', '=', roundId)
    .executeTakeFirst();
  return row && { token: row.token, publishedAt: row.published_at };
}

/** Publishes (201, a new token) or republishes (200, same token, new cut-off and figures) a round's ranking. */
export async function publish(
  db: Kysely<Database>,
  rubrics: RubricStore,
  roundId: string,
  now: Date,
): Promise<{ created: boolean; publication: Publication }> {
  const publishedAt = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const ranking = await buildPublicRanking(trx, rubrics, roundId, publishedAt);
    if (!ranking) throw new Error(`round ${roundId} vanished while being published`);
    const rankingJson = JSON.stringify(ranking);
    const existing = await trx
      .selectFrom('published_rankings')
      .select('token')
      .where('round_id', '=', roundId)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable('published_rankings')
        .set({ published_at: publishedAt, ranking_json: rankingJson })
        .where('round_id', '=', roundId)
        .execute();
      return { created: false, publication: { token: existing.token, publishedAt } };
    }
    const token = newPublicToken();
    await trx
      .insertInto('published_rankings')
      .values({ round_id: roundId, token, published_at: publishedAt, ranking_json: rankingJson })
      .execute();
    return { created: true, publication: { token, publishedAt } };
  });
}

export async function unpublish(db: Kysely<Database>, roundId: string): Promise<boolean> {
  const result = await db.deleteFrom('published_rankings').where('round_id', '=', roundId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The published figures behind a public link; undefined for a token that is malformed or not (or no longer) published. */
export async function publicRanking(
  db: Kysely<Database>,
  rubrics: RubricStore,
  token: string,
): Promise<PublicRanking | undefined> {
  if (!PUBLIC_TOKEN.test(token)) return undefined;
  const row = await db
    .selectFrom('published_rankings')
    .select(['round_id', 'published_at', 'ranking_json'])
    .where('token', '=', token)
    .executeTakeFirst();
  if (!row) return undefined;
  const figures = row.ranking_json !== null ? (JSON.parse(row.ranking_json) as PublishedFigures) : undefined;
  const ranking = figures ?? (await buildPublicRanking(db, rubrics, row.round_id, row.published_at));
  // Published before the figures were stored (migration 0003): built once now, kept.
  if (ranking && !figures) {
    await db
      .updateTable('published_rankings')
      .set({ ranking_json: JSON.stringify(ranking) })
      .where('token', '=', token)
      .execute();
  }
  // The issuer is read as saved now: naming the office is no figure, and a QR code already
  // printed should not wait for a republication to show who issued it.
  return ranking && { ...ranking, issuer: await issuingOffice(db, row.round_id) };
}

/** What the published row keeps: the public page's body but the issuer. */
type PublishedFigures = Omit<PublicRanking, 'issuer'>;

/** The public page's body: the round's district figures for what was received up to `publishedAt`. */
async function buildPublicRanking(
  db: Kysely<Database>,
  rubrics: RubricStore,
  roundId: string,
  publishedAt: string,
): Promise<PublishedFigures | undefined> {
  const round = await db
    .selectFrom('rounds')
    .select(['name', 'starts_on', 'ends_on'])
    .where('id', '=', roundId)
    .executeTakeFirst();
  const report = round && (await roundReport(db, rubrics, roundId, { receivedUpTo: publishedAt, examplePhotos: 0 }));
  if (!round || !report) return undefined;
  return {
    round: { name: round.name, startsOn: round.starts_on, endsOn: round.ends_on },
    publishedAt,
    districts: report.byDistrict.map(({ district, sites, inspected, fullMarks, toRectify, averageScore, rank }) => ({
      district,
      sites,
      inspected,
      fullMarks,
      toRectify,
      averageScore,
      rank,
    })),
  };
}
