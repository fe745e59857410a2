import { useState } from 'react';
import { useTranslation } from '../i18n';
import { StorageFullError } from '../db/database';
import type { GeoLocation, NewPhoto } from '../db/types';
import { useServices, type AppServices } from '../services';
import { localErrorText } from '../i18n/local-errors';
import type { PhotoStamp } from './photo-protocol';
import { photoSource, type PhotoPicker } from './photo-source';

/** Where picked photos go: what their watermark says and the record that keeps them. */
export interface PhotoTarget {
  /** The busy count is kept under this key (a rubric item; the recheck screen has one list). */
  key: string;
  /** The watermark's words; the capture time and position are added per photo. */
  stamp: Omit<PhotoStamp, 'takenAt' | 'gps'>;
  gps: GeoLocation | undefined;
  inspectorId: string;
  /** Stores the processed photo on its record (an inspection's item, a recheck). */
  attach: (photo: NewPhoto) => Promise<unknown>;
}

export interface AttachPhotos {
  /** Photos still being processed or stored, by target key. */
  busy: Readonly<Record<string, number>>;
  /**
   * Processes each file in the photo worker and attaches it to the target; one promise per file.
   * A full phone rejects with StorageFullError as it is (the page words that one for every
   * change); any other failure with an Error worded by `failedKey`. `pickedAt`: when the person
   * picked the files, if not now (a photo marked up first).
   */
  add: (
    files: FileList | readonly File[],
    target: PhotoTarget,
    picker?: PhotoPicker,
    pickedAt?: Date,
  ) => Promise<unknown>[];
}

/** The checklist and the recheck screen each word a failed photo in their own section. */
type FailedKey = 'inspect.photoFailed' | 'recheck.photoFailed';

export function useAttachPhotos(failedKey: FailedKey): AttachPhotos {
  const { t } = useTranslation();
  const services = useServices();
  const [busy, setBusy] = useState<Record<string, number>>({});
  const count = (key: string, by: number) =>
    setBusy((current) => ({ ...current, [key]: Math.max(0, (current[key] ?? 0) + by) }));

  const add = (
    files: FileList | readonly File[],
    target: PhotoTarget,
    picker: PhotoPicker = 'camera',
    pickedAt?: Date,
  ) =>
    Array.from(files, (file) => {
      count(target.key, 1);
      return processAndAttach(services, file, target, picker, pickedAt ?? services.now())
        .catch((error: unknown) => {
          throw error instanceof StorageFullError
            ? error
            : new Error(t(failedKey, { message: localErrorText(t, error) }));
        })
        .finally(() => count(target.key, -1));
    });
  return { busy, add };
}

/**
 * One file: watermarked with the time it was picked, then stored with the same time as its
 * capture time. The camera-or-gallery check compares the file's age with that time too, so the
 * minutes spent marking a photo up do not make a fresh camera photo look like an old one.
 */
async function processAndAttach(
  services: AppServices,
  file: File,
  target: PhotoTarget,
  picker: PhotoPicker,
  pickedAt: Date,
): Promise<unknown> {
  const takenAt = pickedAt.toISOString();
  const source = photoSource(file, picker, pickedAt.getTime());
  const { gps } = target;
  const photo = await services.photos.process(file, {
    ...target.stamp,
    takenAt,
    ...(gps && { gps: { lat: gps.lat, lng: gps.lng, accuracy: gps.accuracy ?? 0 } }),
  });
  // Only what is stored: the worker's timings and quality stay out of the record.
  return target.attach({
    sha256: photo.sha256,
    blob: photo.blob,
    thumbnail: photo.thumbnail,
    thumbnailSha256: photo.thumbnailSha256,
    width: photo.width,
    height: photo.height,
    bytes: photo.bytes,
    originalBytes: photo.originalBytes,
    capturedAt: takenAt,
    inspectorId: target.inspectorId,
    ...(gps && { gps }),
    source,
    sourceSha256: photo.sourceSha256,
    ...(target.stamp.markup && target.stamp.markup.length > 0 && { markedUp: true }),
    ...(photo.exifAt && { exifAt: photo.exifAt }),
  });
}
