/**
 * Proof of presence: was a photo taken with the camera just now, or chosen from the gallery?
 * The gallery button says so itself. The camera button (`capture`) cannot be trusted alone: some
 * Android browsers let the person pick a file from it, and desktop browsers always do. A file
 * the camera just made was last modified moments ago; anything older came from storage.
 */
import type { PhotoSource } from '../../domain/presence';

export type PhotoPicker = 'camera' | 'gallery';

/** A camera file older than this (by its lastModified) was not taken just now. */
export const FRESH_CAMERA_FILE_MS = 2 * 60_000;

export function photoSource(file: Pick<File, 'lastModified'>, picker: PhotoPicker, nowMs: number): PhotoSource {
  if (picker === 'gallery') return 'gallery';
  // lastModified is "now" for a file the browser cannot date: that stays a camera photo.
  return nowMs - file.lastModified > FRESH_CAMERA_FILE_MS ? 'gallery' : 'camera';
}
