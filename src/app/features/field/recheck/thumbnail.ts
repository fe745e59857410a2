/**
 * A thumbnail of a downloaded before-photo: long edge 240 px, JPEG, the same size and quality as
 * the photo pipeline's thumbnails (photo-geometry.ts). The server's photos are already small
 * (long edge ≤ 1600 px), so `createImageBitmap` decodes and scales them off the main thread in
 * one step; an OffscreenCanvas encodes. Where those are missing the caller keeps the photo itself.
 */
import { fitWithin, THUMBNAIL_LONG_EDGE, THUMBNAIL_QUALITY } from '../../../photos/photo-geometry';

export async function makeThumbnail(blob: Blob): Promise<Blob> {
  const probe = await createImageBitmap(blob);
  const size = fitWithin({ width: probe.width, height: probe.height }, THUMBNAIL_LONG_EDGE);
  probe.close();
  const bitmap = await createImageBitmap(blob, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'medium',
  });
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: THUMBNAIL_QUALITY });
}
