/**
 * 查看依据 for a site's score in the report: finds the site's counted result in the round (the
 * result list, searched by the site's id) and shows what it rests on.
 */
import { useTranslation } from '../../../i18n';
import { useRound } from '../rounds/round-context';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import { TrailPanel } from './TrailPanel';

export function SiteTrail({ siteId, onClose }: { siteId: string; onClose: () => void }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round, siteById } = useRound();
  const result = useLoad(`site-trail:${round.id}:${siteId}`, async (signal) => {
    // The search matches ids as substrings: keep the site's own row.
    const page = await api.resultList(round.id, { q: siteId, limit: 50 }, signal);
    return page.rows.find((row) => row.siteId === siteId) ?? null;
  });
  return (
    <section className="office-card" data-testid="site-trail" aria-live="polite">
      <div className="toolbar">
        <h3 className="toolbar__grow">{t('trail.ofSite', { site: siteById.get(siteId)?.name ?? siteId })}</h3>
        <button type="button" className="button button--small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {result.data === undefined ? (
        <LoadState error={result.error} onRetry={result.reload} />
      ) : result.data === null ? (
        <p className="muted">{t('trail.noResult')}</p>
      ) : (
        <TrailPanel inspectionId={result.data.inspectionId} />
      )}
    </section>
  );
}
