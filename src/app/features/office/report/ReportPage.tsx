/**
 * The round report page: headline figures, the tables per type and per district, the district
 * ranking chart, the common problems with example photos, the rectification list, exports.
 * Refreshes by itself as inspections arrive.
 */
import { useState } from 'react';
import { useTranslation } from '../../../i18n';
import { SITE_TYPES } from '../../../../domain/rubric';
import { ExportPanel } from '../export/ExportPanel';
import { useRound } from '../rounds/round-context';
import { cityToday } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoViewer, type PhotoEntry } from '../shared/photos';
import { SiteTrail } from '../review/SiteTrail';
import { DistrictChart } from './DistrictChart';
import { UnitFiguresTable } from './UnitFiguresTable';
import { CommonProblems, DistrictTable, RectificationList, TypeTable } from './ReportTables';
import { useRoundReport } from './use-round-report';

export function ReportPage() {
  const { t, i18n } = useTranslation('office');
  const { now } = useOffice();
  const { siteById } = useRound();
  const loaded = useRoundReport();
  const [viewer, setViewer] = useState<{ photos: PhotoEntry[]; index: number }>();
  const [trailSite, setTrailSite] = useState<string>();

  if (!loaded.data) return <LoadState error={loaded.error} onRetry={loaded.reload} />;
  const { report, itemTitleShown } = loaded.data;
  const itemTitle = (itemId: string) => itemTitleShown(itemId, i18n.language.startsWith('en'));
  const total = (key: 'sites' | 'inspected' | 'fullMarks' | 'toRectify') =>
    SITE_TYPES.reduce((sum, type) => sum + report.byType[type][key], 0);
  const today = cityToday(now());

  return (
    <div className="report" data-testid="report" data-ready="true">
      <ul className="headline" aria-label={t('report.headline')}>
        <li>
          <span className="headline__value">{total('sites')}</span>
          <span className="headline__label">{t('report.sites')}</span>
        </li>
        <li>
          <span className="headline__value">{total('inspected')}</span>
          <span className="headline__label">{t('report.inspected')}</span>
        </li>
        <li>
          <span className="headline__value">{total('fullMarks')}</span>
          <span className="headline__label">{t('report.fullMarks')}</span>
        </li>
        <li>
          <span className="headline__value">{total('toRectify')}</span>
          <span className="headline__label">{t('report.toRectify')}</span>
        </li>
      </ul>
      {report.awaitingReview !== undefined && (
        <p className="notice" data-testid="report-awaiting-review">
          {t('report.awaitingReview', { count: report.awaitingReview })}
        </p>
      )}
      <div className="report__grid">
        <section className="office-card">
          <TypeTable report={report} />
        </section>
        <section className="office-card">
          <DistrictTable report={report} />
        </section>
      </div>
      <section className="office-card">
        <DistrictChart districts={report.byDistrict} />
      </section>
      <section className="office-card">
        <CommonProblems
          report={report}
          itemTitle={itemTitle}
          siteById={siteById}
          onOpenPhoto={(photos, index) => setViewer({ photos, index })}
        />
      </section>
      <section className="office-card">
        <h2>{t('report.rectifications')}</h2>
        <RectificationList
          report={report}
          siteById={siteById}
          itemTitle={itemTitle}
          today={today}
          onTrail={setTrailSite}
        />
      </section>
      <section className="office-card">
        <h2>{t('unitFigures.title')}</h2>
        <UnitFiguresTable />
      </section>
      {trailSite && <SiteTrail key={trailSite} siteId={trailSite} onClose={() => setTrailSite(undefined)} />}
      <ExportPanel />
      {viewer && (
        <PhotoViewer
          photos={viewer.photos}
          index={viewer.index}
          onIndex={(index) => setViewer({ ...viewer, index })}
          onClose={() => setViewer(undefined)}
        />
      )}
    </div>
  );
}
