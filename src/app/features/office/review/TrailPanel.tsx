/**
 * What a score rests on (查看依据): the inspection's revisions and which one counts, the office's
 * corrections of the site's items, and the log entries — review decisions among them.
 */
import { useTranslation } from '../../../i18n';
import type { InspectionTrail } from '../../../../domain/review';
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
      <TrailCorrections corrections={trail.data.corrections} />
      <h4>{t('trail.log')}</h4>
      <ol className="trail__log">
        {log.map((entry) => {
          const text = t('trail.entry', {
            seq: entry.seq,
            time: formatDateTime(entry.at),
            name: entry.actorName ?? '—',
            action: actionName(entry.action),
          });
          const comment = entry.detail.comment;
          return (
            <li key={entry.seq}>{typeof comment === 'string' ? t('trail.withComment', { text, comment }) : text}</li>
          );
        })}
      </ol>
    </div>
  );
}

function TrailCorrections({ corrections }: { corrections: InspectionTrail['corrections'] }) {
  const { t } = useTranslation('office');
  return (
    <>
      <h4>{t('trail.corrections', { count: corrections.length })}</h4>
      {corrections.length === 0 ? (
        <p className="muted">{t('trail.noCorrections')}</p>
      ) : (
        <ul data-testid="trail-corrections">
          {corrections.map((correction, index) => (
            <li key={index}>
              {t('trail.correction', {
                item: correction.itemId,
                from: correction.fromGrade,
                to: correction.toGrade,
                name: correction.correctedByName ?? '—',
                time: formatDateTime(correction.correctedAt),
                reason: correction.reason,
              })}
              {correction.requestId && t('trail.fromObjection')}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

type ActionKey = keyof OfficeMessages['audit']['actions'];

/** Action codes in words (the catalogue's `audit.actions`), the code itself when unknown. */
export function useActionName(): (action: string) => string {
  const { t } = useTranslation('office');
  // The catalogue shows a missing key as the key itself: name unknown actions by their code.
  return (action) => (action in officeZhCN.audit.actions ? t(`audit.actions.${action as ActionKey}`) : action);
}
