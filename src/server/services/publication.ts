/**
 * Published rankings: a round's district ranking at an unguessable public link.
 *
 * - The token is 32 random bytes (256 bits) in base64url: 43 characters, never derived from the
 *   round, never reused. Stored as is in `published_rankings` (the office shows the link and
 *   its QR code again later); unpublishing deletes the row, so the old link is a 404 for good.
 * - Publishing again keeps the token (printed QR codes stay valid) and moves the cut-off
 *   `published_at` to now: the public page shows the figures of the inspections received up to
 *   the last time the office published, never results still arriving.
 * - The public view holds district ranking figures only — no site ids or names, no people, no
 *   photos, no notes, no round id.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DistrictTally } from '../../domain/report';
import type { RubricStore } from '../rubric-store';
import type { Database } from '../storage/schema';
import { roundReport } from './reports';

export const PUBLIC_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface Publication {
  token: string;
  publishedAt: string;
}

export interface PublicRanking {
  round: { name: string; startsOn: string; endsOn: string };
  publishedAt: string;
  districts: Pick<
    DistrictTally,
    'district' | 'sites' | 'inspected' | 'fullMarks' | 'toRectify' | 'averageScore' | 'rank'
  >[];
}

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

/** Publishes (201, a new token) or republishes (200, same token, new cut-off) a round's ranking. */
export async function publish(
  db: Kysely<Database>,
  roundId: string,
  now: Date,
): Promise<{ created: boolean; publication: Publication }> {
  const publishedAt = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('published_rankings')
      .select('token')
      .where('round_id', '=', roundId)
      .executeTakeFirst();
    if (existing) {
      await trx
        .updateTable('published_rankings')
        .set({ published_at: publishedAt })
        .where('round_id', '=', roundId)
        .execute();
      return { created: false, publication: { token: existing.token, publishedAt } };
    }
    const token = newPublicToken();
    await trx
      .insertInto('published_rankings')
      .values({ round_id: roundId, token, published_at: publishedAt })
      .execute();
    return { created: true, publication: { token, publishedAt } };
  });
}

export async function unpublish(db: Kysely<Database>, roundId: string): Promise<boolean> {
  const result = await db.deleteFrom('published_rankings').where('round_id', '=', roundId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function publicRanking(
  db: Kysely<Database>,
  rubrics: RubricStore,
  token: string,
): Promise<PublicRanking | undefined> {
  if (!PUBLIC_TOKEN.test(token)) return undefined;
  const row = await db
    .selectFrom('published_rankings')
    .innerJoin('rounds', 'rounds.id', 'published_rankings.round_id')
    .select([
      'published_rankings.round_id',
      'published_rankings.published_at',
      'rounds.name',
      'rounds.starts_on',
      'rounds.ends_on',
    ])
    .where('published_rankings.token', '=', token)
    .executeTakeFirst();
  if (!row) return undefined;
  const report = await roundReport(db, rubrics, row.round_id, { receivedUpTo: row.published_at, examplePhotos: 0 });
  if (!report) return undefined;
  return {
    round: { name: row.name, startsOn: row.starts_on, endsOn: row.ends_on },
    publishedAt: row.published_at,
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
