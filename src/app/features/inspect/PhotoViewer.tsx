import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhotoRecord } from '../../db/types';

/** The full photo, with what was recorded beside it at capture: time, GPS, size and hash. */
export function PhotoViewer({ photo, onClose }: { photo: PhotoRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(photo.blob), [photo]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <div className="photo-viewer" role="dialog" aria-modal="true" aria-label={t('inspect.viewPhoto')}>
      <div className="photo-viewer__bar">
        <span>
          {new Date(photo.capturedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
          {photo.gps && ` · ${photo.gps.lat.toFixed(5)},${photo.gps.lng.toFixed(5)}`} · {photo.width}×{photo.height} ·{' '}
          {Math.round(photo.bytes / 1024)} KB
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
