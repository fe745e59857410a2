/**
 * Migration 0006: the thumbnail a device made of each photo an inspection cites. Phones upload
 * their thumbnail (long edge about 240 px) as a photo of its own and name it in the inspection's
 * `thumbnails` (docs/API.md "Inspections"); the link is kept beside the photo's reference, per
 * inspection revision, so the report's example photos come with the small copy their author made
 * (the office draws 60 px thumbnails, not 1600 px photos). A link belongs to the inspection that
 * made it: one user's claim never changes what another's photo shows. Older rows have none
 * (null): the office then draws the photo itself. Decoding JPEGs to resize them on the server was
 * the alternative, at a CPU cost the server should not pay.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('inspection_photos')
    .addColumn('thumbnail_sha256', 'text', (c) => c.references('photos.sha256'))
    .execute();
}
