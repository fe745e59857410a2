/**
 * The public report page (issue #20), a lazy chunk of its own: residents reach it from a site's
 * QR poster (`/report/<siteId>`) or the general link (`/report`, with a site search); 我的反馈 is
 * `/report/mine`. No account: the reports wait on the phone and go when the link allows. A
 * signed-in 市民记者 gets the same screens, their reports sent trusted.
 */
import { useTranslation } from '../../i18n';
import { Link, Route, Switch } from 'wouter';
import { registerCitizenMessages } from './i18n';
import { MyReports } from './MyReports';
import { ReportForm } from './ReportForm';
import { SitePicker } from './SitePicker';
import { useCitizenSender } from './use-citizen-sender';
import './citizen.css';

registerCitizenMessages();

export default function CitizenScreens({ trusted = false }: { trusted?: boolean }) {
  const { t } = useTranslation('citizen');
  const { sendNow } = useCitizenSender(trusted);
  return (
    <main className="app-main citizen" data-testid="citizen-page">
      <nav className="citizen-nav" aria-label={t('title')}>
        <Link href="/report">{t('nav.report')}</Link>
        <Link href="/report/mine">{t('nav.mine')}</Link>
      </nav>
      <Switch>
        <Route path="/report/mine">
          <MyReports sendNow={sendNow} />
        </Route>
        <Route path="/report/:siteId">
          {(params: { siteId: string }) => (
            <ReportForm key={params.siteId} siteId={decodeURIComponent(params.siteId)} onQueued={sendNow} />
          )}
        </Route>
        <Route>
          <SitePicker />
        </Route>
      </Switch>
    </main>
  );
}
