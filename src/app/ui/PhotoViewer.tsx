import { useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhotoRecord } from '../db/types';

export interface PhotoDialogProps {
  /** The image shown (an object URL is made for it while the dialog is open). */
  blob: Blob;
  sha256: string;
  /** The dialog's accessible name. */
  label: string;
  /** What is known of the photo, in the top bar beside Close. */
  caption: ReactNode;
  onClose: () => void;
}

/** A photo full screen: what is known of it with Close (focused at once), the photo, its hash. */
export function PhotoDialog({ blob, sha256, label, caption, onClose }: PhotoDialogProps) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <div className="photo-viewer" role="dialog" aria-modal="true" aria-label={label}>
      <div className="photo-viewer__bar">
        <span>{caption}</span>
        <button type="button" className="button button--small" onClick={onClose} autoFocus>
          {t('common.close')}
        </button>
      </div>
      <img src={url} alt="" />
      <div className="photo-viewer__bar">SHA-256 {sha256}</div>
    </div>
  );
}

/** A photo taken on this device, with what was recorded beside it at capture: time, GPS, size and hash. */
export function PhotoViewer({ photo, onClose }: { photo: PhotoRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const caption = (
    <>
      {new Date(photo.capturedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
      {photo.gps && ` · ${photo.gps.lat.toFixed(5)},${photo.gps.lng.toFixed(5)}`} · {photo.width}×{photo.height} ·{' '}
      {Math.round(photo.bytes / 1024)} KB
    </>
  );
  return (
    <PhotoDialog
      blob={photo.blob}
      sha256={photo.sha256}
      label={t('inspect.viewPhoto')}
      caption={caption}
      onClose={onClose}
    />
  );
}
