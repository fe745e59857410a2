import { useEffect, useMemo } from 'react';

/**
 * Object URLs for Blobs, keyed (a photo's hash); revoked when the Blobs change or the component
 * goes away. The counterpart of inspect/use-thumbnails.ts for Blobs that are not PhotoRecords
 * (downloaded before-photos).
 */
export function useBlobUrls(entries: readonly { key: string; blob: Blob }[] | undefined): Record<string, string> {
  const urls = useMemo(
    () => Object.fromEntries((entries ?? []).map(({ key, blob }) => [key, URL.createObjectURL(blob)])),
    [entries],
  );
  useEffect(() => () => Object.values(urls).forEach((url) => URL.revokeObjectURL(url)), [urls]);
  return urls;
}
