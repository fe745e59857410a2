/**
 * An upload's error in the interface's language. The sync engine records a code (with data) and
 * a message: its own codes (`store_error`, `photo_missing_locally`, …) are worded by the
 * catalogue's `sync.error`; the server's codes by the shared catalogue (src/domain/errors.ts) in
 * English, and by the server's own (Chinese, more specific) message in Chinese.
 */
import type { TFunction } from '../../../i18n';
import { ERRORS, isErrorCode } from '../../../../domain/errors';
import type { OutboxError } from '../../../db/types';

const LOCAL_CODES = new Set(['store_error', 'photo_missing_locally', 'photo_damaged_locally']);

export function syncErrorText(t: TFunction, error: OutboxError, english: boolean): string {
  const data = error.data ?? {};
  if (error.code === 'network' || error.code === 'timeout') return t(`sync.networkError.${error.code}`);
  if (error.code !== undefined && LOCAL_CODES.has(error.code)) {
    return t(`sync.error.${error.code as 'store_error' | 'photo_missing_locally' | 'photo_damaged_locally'}`);
  }
  if (error.code === 'missing_photos' && typeof data.photoError === 'string') {
    return t('sync.error.photo_not_uploaded', { reason: photoFailure(t, data.photoError, english) });
  }
  if (
    error.code === 'missing_photos' &&
    (typeof data.missingLocally === 'number' || typeof data.refused === 'number')
  ) {
    const parts = [
      ...(Number(data.missingLocally) > 0
        ? [t('sync.error.photosMissingLocally', { count: Number(data.missingLocally) })]
        : []),
      ...(Number(data.refused) > 0 ? [t('sync.error.photosRefused', { count: Number(data.refused) })] : []),
    ];
    return t('sync.error.photos_unrecoverable', { parts: parts.join(t('sync.error.partsSeparator')) });
  }
  if (english && isErrorCode(error.code)) return ERRORS[error.code].en;
  return error.message;
}

/** Why a photo of a submission could not go: by its own error's code. */
function photoFailure(t: TFunction, code: string, english: boolean): string {
  if (code === 'network' || code === 'timeout' || LOCAL_CODES.has(code))
    return syncErrorText(t, { code, message: '' }, english);
  if (isErrorCode(code)) return ERRORS[code][english ? 'en' : 'zh'];
  return t('sync.error.refused');
}
