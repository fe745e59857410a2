/**
 * PHOTO_STORE=database: photos as rows of the server's own database, so any number of server
 * processes on one PostgreSQL serve the same photos with no shared disk (and a database backup
 * holds them). The same rules as on disk (photo-store.ts):
 *
 * - Bytes go in only through `receivePhoto`: size, type, pixel size and hash checked as they
 *   stream, at most 256 KiB held in memory; each batch is one committed row of `photo_chunks`
 *   under a fresh upload id that nothing names yet. No transaction stays open while a slow
 *   phone sends, so uploads never hold database connections hostage.
 * - The photo becomes visible in one insert, `photo_objects(sha256 → upload id)`, after every
 *   chunk is committed: never half a photo. A second upload of the same bytes loses that insert
 *   (`created: false`) and deletes its own chunks.
 * - Reading streams one chunk at a time, never a whole photo in memory.
 * - Chunks of uploads that never finished (a crash, a cut connection) are swept at start once
 *   they are an hour old: other processes' uploads in progress are younger than that.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { PHOTO_MAX_BYTES, receivePhoto, type PhotoStore, type SavedPhoto, type StoredPhoto } from './photo-store';

const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export function createDatabasePhotoStore(db: Kysely<Database>, now: () => Date = () => new Date()): PhotoStore {
  async function savePhoto(
    expectedSha256: string,
    source: Readable,
    options: { maxBytes?: number } = {},
  ): Promise<SavedPhoto> {
    const uploadId = randomUUID();
    let n = 0;
    let created = false;
    try {
      const { bytes, contentType } = await receivePhoto(
        source,
        expectedSha256,
        options.maxBytes ?? PHOTO_MAX_BYTES,
        (batch) =>
          db
            .insertInto('photo_chunks')
            .values({ upload_id: uploadId, n: n++, bytes: Buffer.concat(batch), created_at: now().toISOString() })
            .execute(),
      );
      const inserted = await db
        .insertInto('photo_objects')
        .values({ sha256: expectedSha256, upload_id: uploadId, bytes, content_type: contentType })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .executeTakeFirst();
      created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
      return { sha256: expectedSha256, bytes, contentType, created };
    } finally {
      if (!created) await db.deleteFrom('photo_chunks').where('upload_id', '=', uploadId).execute();
    }
  }

  async function openPhoto(sha256: string): Promise<StoredPhoto | null> {
    const object = await db.selectFrom('photo_objects').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    if (!object) return null;
    async function* chunks() {
      for (let n = 0; ; n++) {
        const row = await db
          .selectFrom('photo_chunks')
          .select('bytes')
          .where('upload_id', '=', object!.upload_id)
          .where('n', '=', n)
          .executeTakeFirst();
        if (!row) return;
        yield Buffer.from(row.bytes);
      }
    }
    return { stream: Readable.from(chunks()), bytes: object.bytes, contentType: object.content_type };
  }

  async function hasPhoto(sha256: string): Promise<boolean> {
    const row = await db.selectFrom('photo_objects').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    return row !== undefined;
  }

  async function probe(): Promise<void> {
    const uploadId = `probe-${randomUUID()}`;
    await db
      .insertInto('photo_chunks')
      .values({ upload_id: uploadId, n: 0, bytes: Buffer.from('ready'), created_at: now().toISOString() })
      .execute();
    await db.deleteFrom('photo_chunks').where('upload_id', '=', uploadId).execute();
  }

  async function sweepTempFiles(): Promise<number> {
    const before = new Date(now().getTime() - ABANDONED_AFTER_MS).toISOString();
    const result = await db
      .deleteFrom('photo_chunks')
      .where('created_at', '<', before)
      .where('upload_id', 'not in', db.selectFrom('photo_objects').select('upload_id'))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async function* listPhotos(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const page = await db
        .selectFrom('photo_objects')
        .select('sha256')
        .where('sha256', '>', after)
        .orderBy('sha256')
        .limit(500)
        .execute();
      if (page.length === 0) return;
      for (const row of page) yield row.sha256;
      after = page.at(-1)!.sha256;
    }
  }

  return { kind: 'database', savePhoto, openPhoto, hasPhoto, probe, sweepTempFiles, listPhotos };
}
