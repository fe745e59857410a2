import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { BeforePhotoRecord } from '../../db/types';
import { formatBytes } from '../../platform/storage';

/**
 * A downloaded before-photo, full screen: the full photo when the budget kept it, else the
 * thumbnail with a word that only the thumbnail is on this device. Same layout as the
 * inspector's PhotoViewer (its capture facts belong to the inspector's device, not this one).
 */
export function BeforePhotoViewer({ photo, onClose }: { photo: BeforePhotoRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(photo.blob ?? photo.thumbnail), [photo]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <div
      className="photo-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={`${t('recheck.before')} ${t('recheck.viewPhoto')}`}
    >
      <div className="photo-viewer__bar">
        <span>
          {t('recheck.before')} · {formatBytes(photo.bytes)}
          {!photo.blob && ` · ${t('recheck.thumbnailOnly')}`}
        </span>
        <button type="button" className="button button--small" onClick={onClose} autoFocus>
          {t('common.close')}
        </button>
      </div>
      <img src={url} alt="" />
      <div className="photo-viewer__bar">SHA-256 {photo.sha256}</div>
    </div>
  );
}
