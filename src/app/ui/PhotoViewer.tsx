import { Fragment, useEffect, useMemo } from 'react';
import { useTranslation } from '../i18n';
import type { PhotoRecord } from '../db/types';

export interface PhotoDialogProps {
  /** The image shown (an object URL is made for it while the dialog is open). */
  blob: Blob;
  sha256: string;
  /** The dialog's accessible name. */
  label: string;
  /** What is known of the photo, in the top bar beside Close: each fact stays on one line. */
  facts: readonly string[];
  onClose: () => void;
}

/** A photo full screen: what is known of it with Close (focused at once), the photo, its hash. */
export function PhotoDialog({ blob, sha256, label, facts, onClose }: PhotoDialogProps) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <div className="photo-viewer" role="dialog" aria-modal="true" aria-label={label}>
      <div className="photo-viewer__bar">
        <span className="photo-viewer__facts">
          {facts.map((fact, index) => (
            <Fragment key={index}>
              {index > 0 && ' · '}
              <span className="photo-viewer__fact">{fact}</span>
            </Fragment>
          ))}
        </span>
        <button type="button" className="button button--small photo-viewer__close" onClick={onClose} autoFocus>
          {t('common.close')}
        </button>
      </div>
      <img src={url} alt="" />
      <div className="photo-viewer__bar photo-viewer__hash">SHA-256 {sha256}</div>
    </div>
  );
}

/** A photo taken on this device, with what was recorded beside it at capture: time, GPS, size and hash. */
export function PhotoViewer({ photo, onClose }: { photo: PhotoRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const facts = [
    new Date(photo.capturedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }),
    ...(photo.gps ? [`${photo.gps.lat.toFixed(5)},${photo.gps.lng.toFixed(5)}`] : []),
    `${photo.width}×${photo.height}`,
    `${Math.round(photo.bytes / 1024)} KB`,
  ];
  return (
    <PhotoDialog
      blob={photo.blob}
      sha256={photo.sha256}
      label={t('inspect.viewPhoto')}
      facts={facts}
      onClose={onClose}
    />
  );
}
