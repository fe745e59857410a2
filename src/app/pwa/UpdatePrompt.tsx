import { useSyncExternalStore } from 'react';
import { useTranslation } from '../i18n';
import { updates, type UpdateController } from './register-sw';

/** "新版本可用 · 立即更新": shown while a new version waits; never reloads by itself. */
export function UpdatePrompt({ controller = updates }: { controller?: UpdateController }) {
  const { t } = useTranslation();
  const { status, busy } = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  if (status === 'none') return null;

  let detail: string | null = null;
  if (status === 'deferred') detail = t('update.deferred');
  else if (status === 'applying') detail = t('update.applying');
  else if (busy) detail = t('update.busy');

  return (
    <section className="update-prompt" role="status" aria-live="polite" data-testid="update-prompt">
      <p className="update-prompt__text">
        <strong className="update-prompt__title">{t('update.available')}</strong>
        {detail}
      </p>
      {status === 'available' && (
        <button type="button" className="button button--primary" onClick={() => controller.applyUpdate()}>
          {t('update.apply')}
        </button>
      )}
    </section>
  );
}
