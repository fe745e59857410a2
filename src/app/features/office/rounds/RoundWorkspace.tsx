/**
 * One round: its tabs (set-up and assignments, results, report, bulletin, rectification notices,
 * public ranking) and what they share — the round, the sites in its scope, the users (for names)
 * and the live inspection feed, which keeps polling while any tab of the round is open.
 */
import { useEffect, useMemo } from 'react';
import { useTranslation } from '../../../i18n';
import { Link, Route, Switch, useLocation } from 'wouter';
import { BulletinPage } from '../bulletin/BulletinPage';
import { NoticesPage } from '../notices/NoticesPage';
import { RecheckProgress } from '../recheck/RecheckProgress';
import { PublishPage } from '../publish/PublishPage';
import { ReportPage } from '../report/ReportPage';
import { prefetchKey } from '../report/use-round-report';
import { InspectionDetailPage } from '../results/InspectionDetailPage';
import { ResultsPage } from '../results/ResultsPage';
import { ReviewPage } from '../review/ReviewPage';
import { DecisionsPage } from '../units/DecisionsPage';
import { DispatchPage } from '../units/DispatchPage';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useInspectionFeed } from '../shared/use-inspection-feed';
import { useLoad } from '../shared/use-load';
import { RoundContext, type RoundData } from './round-context';
import { RoundSetupPage } from './RoundSetupPage';

const TABS = [
  ['setup', '/'],
  ['results', '/results'],
  ['review', '/review'],
  ['report', '/report'],
  ['bulletin', '/bulletin'],
  ['notices', '/notices'],
  ['publish', '/publish'],
  ['dispatch', '/dispatch'],
  ['decisions', '/decisions'],
  ['rechecks', '/rechecks'],
] as const;

export function RoundWorkspace({ roundId }: { roundId: string }) {
  const { t } = useTranslation('office');
  const { api, now, prefetched } = useOffice();
  const round = useLoad(`round:${roundId}`, (signal) => api.round(roundId, signal));
  const scope = useLoad(`scope:${roundId}`, (signal) => api.roundSites(roundId, signal));
  const users = useLoad('users', (signal) => api.users(signal));
  const feed = useInspectionFeed(api, roundId, { now });
  const [location] = useLocation();
  // Opened on a page that shows the report: ask for it now, beside the round and its sites.
  useEffect(() => {
    if (/^\/(report|bulletin)\b/.test(location)) {
      const early = api.report(roundId);
      early.catch(() => undefined); // the page's own request reports errors
      prefetched.set(prefetchKey(roundId), early);
    }
    // Only when the round opens, not on every tab change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, roundId]);

  const data = useMemo<RoundData | undefined>(() => {
    if (!round.data || !scope.data || !users.data) return undefined;
    const names = new Map(users.data.map((user) => [user.id, user.displayName]));
    return {
      round: round.data,
      sites: scope.data,
      siteById: new Map(scope.data.map((site) => [site.id, site])),
      users: users.data,
      userName: (userId) => names.get(userId) ?? userId,
      feed,
      reloadRound: round.reload,
      reloadScope: scope.reload,
    };
  }, [round.data, round.reload, scope.data, scope.reload, users.data, feed]);

  if (!data) {
    return (
      <section className="office-page">
        <Link href="~/office/rounds">{t('round.back')}</Link>
        <LoadState
          error={round.error ?? scope.error ?? users.error}
          onRetry={() => {
            round.reload();
            scope.reload();
            users.reload();
          }}
        />
      </section>
    );
  }

  const active = (path: string) =>
    path === '/' ? location === '/' : location === path || location.startsWith(`${path}/`);
  return (
    <RoundContext.Provider value={data}>
      <section className="office-page">
        <div className="round-head no-print">
          <Link href="~/office/rounds" className="muted">
            {t('round.back')}
          </Link>
          <h1>{data.round.name}</h1>
          <p className="muted">
            {t('round.summary', {
              startsOn: data.round.startsOn,
              endsOn: data.round.endsOn,
              sites: data.sites.length,
              below: data.round.rectifyBelow,
              days: data.round.rectifyDays,
            })}
          </p>
          <nav className="round-tabs" aria-label={t('round.tabsLabel')}>
            {TABS.map(([tab, path]) => (
              <Link key={tab} href={path} className="round-tabs__tab" aria-current={active(path) ? 'page' : undefined}>
                {t(`round.tabs.${tab}`)}
              </Link>
            ))}
          </nav>
        </div>
        <Switch>
          <Route path="/results/:inspectionId">
            {(params: { inspectionId: string }) => <InspectionDetailPage inspectionId={params.inspectionId} />}
          </Route>
          <Route path="/results">
            <ResultsPage />
          </Route>
          <Route path="/review">
            <ReviewPage />
          </Route>
          <Route path="/report">
            <ReportPage />
          </Route>
          <Route path="/bulletin">
            <BulletinPage />
          </Route>
          <Route path="/notices">
            <NoticesPage />
          </Route>
          <Route path="/publish">
            <PublishPage />
          </Route>
          <Route path="/dispatch">
            <DispatchPage />
          </Route>
          <Route path="/decisions">
            <DecisionsPage />
          </Route>
          <Route path="/rechecks">
            <RecheckProgress />
          </Route>
          <Route>
            <RoundSetupPage />
          </Route>
        </Switch>
      </section>
    </RoundContext.Provider>
  );
}
