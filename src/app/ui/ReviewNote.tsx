/**
 * The office's review decision on this inspector's work at a site (审核), as the phone last
 * pulled it: 已退回 with the comment and the per-item comments, or 已通过. Shown on the sites
 * list (compact) and on the checklist (in full, with the item titles).
 */
import { useTranslation } from '../i18n';
import type { ReviewDecisionView } from '../../domain/review';

export function ReviewNote({
  decision,
  itemTitle,
  compact = false,
}: {
  decision: ReviewDecisionView;
  itemTitle?: (itemId: string) => string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const returned = decision.decision === 'returned';
  if (compact) {
    return (
      <span className={returned ? 'site-list__review site-list__review--returned' : 'site-list__review'}>
        {returned ? t('review.returnedShort', { comment: decision.comment ?? '' }) : t('review.approvedShort')}
      </span>
    );
  }
  const said = t(returned ? 'review.returned' : 'review.approved', {
    name: decision.reviewerName,
    revision: decision.revision,
  });
  return (
    <div className={returned ? 'notice notice--error' : 'notice'} role="status" data-testid="review-note">
      <p>{decision.comment ? t('review.withComment', { text: said, comment: decision.comment }) : said}</p>
      {decision.itemComments.length > 0 && (
        <ul>
          {decision.itemComments.map((entry) => (
            <li key={entry.itemId}>
              {t('review.itemWithComment', { item: itemTitle?.(entry.itemId) ?? entry.itemId, comment: entry.comment })}
            </li>
          ))}
        </ul>
      )}
      {returned && <p className="muted">{t('review.amendHint')}</p>}
    </div>
  );
}
