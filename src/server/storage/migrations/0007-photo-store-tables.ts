/**
 * Migration 0007: tables for PHOTO_STORE=database (storage/database-photo-store.ts) — photos in
 * the database itself, so that several server processes on one PostgreSQL share them without a
 * shared disk. A photo's bytes are rows of at most 256 KiB (`photo_chunks`, never a whole photo
 * in one row), written under an upload id that nothing names until `photo_objects` does, in the
 * one insert that makes the photo visible. `bytea` is PostgreSQL's byte type; SQLite stores the
 * same values as blobs.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('photo_chunks')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('bytes', sql`bytea`, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('photo_chunks_pk', ['upload_id', 'n'])
    .execute();
  await db.schema
    .createTable('photo_objects')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('upload_id', 'text', (c) => c.notNull().unique())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .execute();
}
