/**
 * Migration 0005: every user who uploaded a photo's bytes, not only the first. A photo is
 * content-addressed, so a second upload of the same bytes was a 200 that recorded nothing; and
 * what a field user may cite in a submission (and so later read back) is what they uploaded
 * themselves (docs/API.md "Photos"). Without this table, a user who knew a hash — hashes are
 * not secret — could cite another user's photo and read it through their own inspection.
 * Existing photos keep their first uploader.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('photo_uploads')
    .addColumn('sha256', 'text', (c) => c.notNull().references('photos.sha256'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('photo_uploads_pk', ['sha256', 'user_id'])
    .execute();
  await db.schema.createIndex('photo_uploads_user_idx').on('photo_uploads').columns(['user_id', 'sha256']).execute();
  await sql`insert into photo_uploads (sha256, user_id, uploaded_at)
            select sha256, uploaded_by, created_at from photos`.execute(db);
}
