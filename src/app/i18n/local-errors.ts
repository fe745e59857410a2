/**
 * A failure of this device's own code, in the interface's language: the lower layers (db,
 * photos) throw errors that carry a code, never words for people; this is where they are
 * worded. Anything else shows its message (the server's errors are worded where they are met).
 */
import { StorageFullError } from '../db/database';
import { PhotoProcessingError, type PhotoErrorCode } from '../photos/photo-protocol';

/** Any `t` of the app (field or office namespace) will do. */
type Translate = (key: 'storage.full' | `photoError.${PhotoErrorCode}`) => string;

export function localErrorText(t: Translate, error: unknown): string {
  if (error instanceof StorageFullError) return t('storage.full');
  if (error instanceof PhotoProcessingError) return t(`photoError.${error.code}`);
  return error instanceof Error ? error.message : String(error);
}
