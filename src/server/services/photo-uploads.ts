/**
 * Recording an upload once its bytes are durable in the photo store: the `photos` row (once per
 * hash) and the uploader in `photo_uploads` (every user who sent the bytes). What a field user
 * may cite in a submission, and so read back, is what they uploaded (services/access.ts).
 */
import type { GroupCommitter } from '../storage/group-commit';
import type { ImageType } from '../storage/photo-store';

export interface UploadedPhoto {
  sha256: string;
  bytes: number;
  contentType: ImageType;
}

/**
 * True when the photo is new to the database (201), false for bytes already recorded (200).
 * `writer` runs the transaction: the server's group committer (storage/group-commit.ts: the
 * uploads that finish together share one commit), or `db.transaction()` for a single write.
 */
export async function recordUpload(
  writer: GroupCommitter,
  photo: UploadedPhoto,
  userId: string,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  return writer.execute(async (trx) => {
    const inserted = await trx
      .insertInto('photos')
      .values({
        sha256: photo.sha256,
        bytes: photo.bytes,
        content_type: photo.contentType,
        uploaded_by: userId,
        created_at: at,
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .executeTakeFirst();
    await trx
      .insertInto('photo_uploads')
      .values({ sha256: photo.sha256, user_id: userId, uploaded_at: at })
      .onConflict((oc) => oc.columns(['sha256', 'user_id']).doNothing())
      .execute();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  });
}
