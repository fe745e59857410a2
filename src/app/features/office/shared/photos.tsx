/**
 * Photos in the office: thumbnails loaded through the photo cache (the API client, with the
 * token), and the full view — the photo, its item, capture time, GPS with a map link, and its
 * SHA-256, the photo's identity everywhere. Keyboard: ← → between photos, Esc closes.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { amapLink, formatDateTime } from './format';
import { useOffice } from './office-context';

export interface PhotoEntry {
  sha256: string;
  /** What the photo documents: `T18 室内卫生`. */
  caption: string;
  /** The site it was taken at, when the viewer shows photos of several sites: `曙光街站（新华区）`. */
  site?: string | undefined;
  capturedAt?: string | undefined;
  gps?: { lat: number; lng: number; accuracy?: number | undefined } | undefined;
  /** Where `gps` comes from: the photo itself, or the inspection's position. */
  gpsSource?: 'photo' | 'inspection';
}

export function usePhotoUrl(sha256: string | undefined): { url?: string; failed: boolean } {
  const { photos } = useOffice();
  const [state, setState] = useState<{ sha256?: string; url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!sha256) return;
    let live = true;
    photos.url(sha256).then(
      (url) => live && setState({ sha256, url, failed: false }),
      () => live && setState({ sha256, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [photos, sha256]);
  return state.sha256 === sha256 ? { ...(state.url && { url: state.url }), failed: state.failed } : { failed: false };
}

/**
 * A photo's thumbnail: the small copy its inspection named (`thumbnail`, a few kB) when there
 * is one, else — old data, the demo before thumbnails, or a thumbnail that fails to load — the
 * photo itself. `sha256` is always the photo's: what opening it shows in full.
 */
export function PhotoThumb({
  sha256,
  thumbnail,
  alt,
  onOpen,
  size = 'normal',
}: {
  sha256: string;
  thumbnail?: string | null | undefined;
  alt: string;
  onOpen?: () => void;
  size?: 'normal' | 'small';
}) {
  const { t } = useTranslation('office');
  const small = usePhotoUrl(thumbnail ?? undefined);
  const drawFull = !thumbnail || small.failed;
  const full = usePhotoUrl(drawFull ? sha256 : undefined);
  const { url, failed } = drawFull ? full : small;
  const content = url ? (
    <img src={url} alt={alt} loading="lazy" />
  ) : (
    <span className="photo-thumb__placeholder">{failed ? t('photo.failed') : t('common.loading')}</span>
  );
  const className = `photo-thumb photo-thumb--${size}`;
  return onOpen ? (
    <button type="button" className={className} onClick={onOpen} title={t('photo.open')} data-sha256={sha256}>
      {content}
    </button>
  ) : (
    <span className={className} data-sha256={sha256}>
      {content}
    </span>
  );
}

export function PhotoViewer({
  photos,
  index,
  onIndex,
  onClose,
}: {
  photos: readonly PhotoEntry[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('office');
  const photo = photos[index];
  const { url, failed } = usePhotoUrl(photo?.sha256);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowRight' && index < photos.length - 1) onIndex(index + 1);
      else if (event.key === 'ArrowLeft' && index > 0) onIndex(index - 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, photos.length, onIndex, onClose]);

  if (!photo) return null;
  return (
    <div className="office-viewer" role="dialog" aria-modal="true" aria-label={t('photo.viewer')}>
      <div className="office-viewer__bar">
        <span>{t('photo.position', { index: index + 1, count: photos.length })}</span>
        <span className="office-viewer__nav">
          <button
            type="button"
            className="button button--small"
            disabled={index === 0}
            onClick={() => onIndex(index - 1)}
          >
            {t('photo.previous')}
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={index >= photos.length - 1}
            onClick={() => onIndex(index + 1)}
          >
            {t('photo.next')}
          </button>
          <button ref={closeRef} type="button" className="button button--small" onClick={onClose}>
            {t('common.close')}
          </button>
        </span>
      </div>
      <div className="office-viewer__body">
        <div className="office-viewer__image">
          {url ? (
            <img src={url} alt={photo.caption} />
          ) : (
            <p className="muted">{failed ? t('photo.failed') : t('common.loading')}</p>
          )}
        </div>
        <dl className="office-viewer__meta">
          {photo.site && (
            <>
              <dt>{t('photo.site')}</dt>
              <dd data-testid="photo-site">{photo.site}</dd>
            </>
          )}
          <dt>{t('photo.item')}</dt>
          <dd>{photo.caption}</dd>
          <dt>{t('photo.capturedAt')}</dt>
          <dd>{photo.capturedAt ? formatDateTime(photo.capturedAt) : t('photo.notRecorded')}</dd>
          <dt>{t('photo.gps')}</dt>
          <dd>
            {photo.gps ? (
              <>
                {photo.gps.lat.toFixed(6)}, {photo.gps.lng.toFixed(6)}
                {photo.gps.accuracy !== undefined && ` (±${Math.round(photo.gps.accuracy)} m)`}
                {photo.gpsSource === 'inspection' && <span className="muted"> {t('photo.gpsOfInspection')}</span>}{' '}
                <a
                  href={amapLink(photo.gps.lat, photo.gps.lng, photo.caption)}
                  target="_blank"
                  rel="noreferrer noopener"
                >
                  {t('photo.map')}
                </a>
              </>
            ) : (
              t('photo.notRecorded')
            )}
          </dd>
          <dt>SHA-256</dt>
          <dd>
            <code className="hash" data-testid="photo-hash">
              {photo.sha256}
            </code>
          </dd>
        </dl>
      </div>
    </div>
  );
}
