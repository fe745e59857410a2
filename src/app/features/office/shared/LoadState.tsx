import { useTranslation } from '../../../i18n';
import { errorMessage } from './errors';

/** "Loading…", or the error with a retry button, while a page's data is not there. */
export function LoadState({ error, onRetry }: { error: Error | undefined; onRetry?: () => void }) {
  const { t } = useTranslation('office');
  if (!error) return <p role="status">{t('common.loading')}</p>;
  return (
    <div className="notice notice--error" role="alert">
      <p>{t('common.loadFailed', { message: errorMessage(error) })}</p>
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
