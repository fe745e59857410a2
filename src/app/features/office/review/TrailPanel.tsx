/** What a score rests on: the inspection's revisions, the review decisions and the log entries. */
import { useTranslation } from '../../../i18n';
import { officeZhCN, type OfficeMessages } from '../i18n/zh-CN';
import { formatDateTime, formatScore } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';

export function TrailPanel({ inspectionId }: { inspectionId: string }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const actionName = useActionName();
  const trail = useLoad(`trail:${inspectionId}`, (signal) => api.trail(inspectionId, signal));
  if (!trail.data) return <LoadState error={trail.error} onRetry={trail.reload} />;
  const { revisions, log, countedRevision } = trail.data;
  return (
    <div className="trail" data-testid="trail">
      <h4>{t('trail.revisions')}</h4>
      <ul>
        {revisions.map((revision) => (
          <li key={revision.revision}>
            {t('review.revisionN', { revision: revision.revision })} · {formatScore(revision.score)} ·{' '}
            {t(`review.states.${revision.reviewState}`)} · {revision.inspectorName} ·{' '}
            {formatDateTime(revision.receivedAt)}
            {revision.revision === countedRevision && <strong> · {t('trail.counted')}</strong>}
          </li>
        ))}
      </ul>
      <h4>{t('trail.log')}</h4>
      <ol className="trail__log">
        {log.map((entry) => (
          <li key={entry.seq}>
            #{entry.seq} {formatDateTime(entry.at)} · {entry.actorName ?? '—'} · {actionName(entry.action)}
            {typeof entry.detail.comment === 'string' && `：${entry.detail.comment}`}
          </li>
        ))}
      </ol>
      <p className="muted">{t('trail.corrections', { count: trail.data.corrections.length })}</p>
    </div>
  );
}

type ActionKey = keyof OfficeMessages['audit']['actions'];

/** Action codes in words (the catalogue's `audit.actions`), the code itself when unknown. */
export function useActionName(): (action: string) => string {
  const { t } = useTranslation('office');
  // The catalogue shows a missing key as the key itself: name unknown actions by their code.
  return (action) => (action in officeZhCN.audit.actions ? t(`audit.actions.${action as ActionKey}`) : action);
}
