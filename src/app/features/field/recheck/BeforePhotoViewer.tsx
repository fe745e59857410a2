import { useTranslation } from '../../../i18n';
import type { BeforePhotoRecord } from '../../../db/types';
import { formatBytes } from '../../../platform/storage';
import { PhotoDialog } from '../../../ui/PhotoViewer';

/**
 * A downloaded before-photo, full screen: the full photo when the budget kept it, else the
 * thumbnail with a word that only the thumbnail is on this device. Its capture facts belong to
 * the inspector's device, not this one: the bar says only which side it is and its size.
 */
export function BeforePhotoViewer({ photo, onClose }: { photo: BeforePhotoRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const facts = [t('recheck.before'), formatBytes(photo.bytes), ...(photo.blob ? [] : [t('recheck.thumbnailOnly')])];
  return (
    <PhotoDialog
      blob={photo.blob ?? photo.thumbnail}
      sha256={photo.sha256}
      label={t('recheck.beforePhoto')}
      facts={facts}
      onClose={onClose}
    />
  );
}
