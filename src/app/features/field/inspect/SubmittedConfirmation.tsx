import { useEffect, useRef } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import type { Site } from '../../../../domain/wire';
import type { LocalInspection } from '../../../db/types';

export interface SubmittedConfirmationProps {
  inspection: Pick<LocalInspection, 'status' | 'revision' | 'roundId'>;
  /** The next site of the round still to inspect; undefined when none is left. */
  nextSite: Site | undefined;
  /** Just submitted: the inspector is at the submit button, at the bottom of a long page. */
  takeFocus: boolean;
}

/**
 * What happened to a submitted inspection, and where to go from here: the site list, or straight
 * to the next site still to inspect. Right after submitting it comes into view and takes the
 * focus, so the inspector (and a screen reader) sees it instead of the bottom of the checklist.
 */
export function SubmittedConfirmation({ inspection, nextSite, takeFocus }: SubmittedConfirmationProps) {
  const { t } = useTranslation();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!takeFocus) return;
    panel.current?.scrollIntoView({ block: 'start' });
    panel.current?.focus({ preventScroll: true });
  }, [takeFocus]);
  const synced = inspection.status === 'synced';
  return (
    <div
      ref={panel}
      tabIndex={-1}
      className={`notice submitted-confirmation${synced ? ' notice--ok' : ''}`}
      role="status"
      data-testid="submitted-confirmation"
    >
      <p>{t(synced ? 'inspect.syncedNotice' : 'inspect.submittedNotice', { revision: inspection.revision })}</p>
      <div className="toolbar">
        <Link href="/" className="button">
          {t('inspect.backToSites')}
        </Link>
        {nextSite && (
          <Link
            href={`/inspect/${encodeURIComponent(inspection.roundId)}/${encodeURIComponent(nextSite.id)}`}
            className="button button--primary"
          >
            {t('inspect.nextSite', { name: nextSite.name })}
          </Link>
        )}
      </div>
      {!nextSite && <p className="muted">{t('inspect.noNextSite')}</p>}
    </div>
  );
}
