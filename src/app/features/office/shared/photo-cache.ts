/**
 * Photos for the office, fetched once each through the API client (with the bearer token) as
 * Blobs and shown from object URLs; all of them are revoked when the workspace closes.
 */
export interface PhotoCache {
  url(sha256: string): Promise<string>;
  dispose(): void;
}

export function createPhotoCache(fetchPhoto: (sha256: string) => Promise<Blob>): PhotoCache {
  const urls = new Map<string, Promise<string>>();
  let disposed = false;
  return {
    url(sha256) {
      let url = urls.get(sha256);
      if (!url) {
        url = fetchPhoto(sha256).then((blob) => URL.createObjectURL(blob));
        url.catch(() => urls.delete(sha256));
        urls.set(sha256, url);
      }
      return url;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const url of urls.values())
        void url.then(
          (value) => URL.revokeObjectURL(value),
          () => undefined,
        );
      urls.clear();
    },
  };
}
