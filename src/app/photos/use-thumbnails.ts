import { useEffect, useMemo } from 'react';

/** What a thumbnail is made from: a photo taken here (PhotoRecord) or a downloaded before-photo. */
interface WithThumbnail {
  sha256: string;
  thumbnail: Blob;
}

/** Object URLs of the photos' thumbnails, keyed by hash; revoked when the photos change or the page closes. */
export function useThumbnails(photos: readonly WithThumbnail[] | undefined): Record<string, string> {
  const urls = useMemo(
    () => Object.fromEntries((photos ?? []).map((photo) => [photo.sha256, URL.createObjectURL(photo.thumbnail)])),
    [photos],
  );
  useEffect(() => () => Object.values(urls).forEach((url) => URL.revokeObjectURL(url)), [urls]);
  return urls;
}
