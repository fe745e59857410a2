/**
 * The supervisor's and admin's workspace (创文办工作台), a lazy chunk of its own: the
 * inspector's phone never downloads it, and the service worker does not precache it (see
 * vite.config.ts). Rounds, sites and users, and per round: set-up and assignments, results as
 * they arrive, the report, the bulletin and the published ranking. Online only: it reads the
 * server directly, nothing is stored on the device.
 */
import { useEffect, useMemo } from 'react';
import { useTranslation } from '../../i18n';
import { Link, Route, Switch, useLocation } from 'wouter';
import type { User } from '../../../domain/wire';
import { createOfficeApi } from '../../api/office-api';
import { AuditPage } from './audit/AuditPage';
import { useServices } from '../../services';
import { registerOfficeMessages } from './i18n';
import { RoundsPage } from './rounds/RoundsPage';
import { RoundWorkspace } from './rounds/RoundWorkspace';
import { OfficeProvider, type OfficeContextValue } from './shared/office-context';
import { createPhotoCache } from './shared/photo-cache';
import { SitesAdminPage } from './sites/SitesAdminPage';
import { UsersPage } from './users/UsersPage';
import { CitizenQueuePage } from './citizen/CitizenQueuePage';
import { PosterPage } from './citizen/PosterPage';

registerOfficeMessages();

export default function OfficeWorkspace({ user }: { user: User }) {
  const { t } = useTranslation('office');
  const services = useServices();
  const value = useMemo<OfficeContextValue>(() => {
    const api = createOfficeApi(services.api);
    return {
      api,
      user,
      now: services.now,
      photos: createPhotoCache((sha256) => api.photo(sha256)),
      prefetched: new Map(),
    };
  }, [services, user]);
  useEffect(() => () => value.photos.dispose(), [value]);
  const [location] = useLocation();
  const current = (prefix: string) => (location.startsWith(prefix) ? 'page' : undefined);

  return (
    <OfficeProvider value={value}>
      <div className="office" data-testid="office">
        <nav className="office-nav no-print" aria-label={t('nav.label')}>
          <Link
            href="/office/rounds"
            className="office-nav__link"
            aria-current={location === '/' || location.startsWith('/office/rounds') ? 'page' : undefined}
          >
            {t('nav.rounds')}
          </Link>
          <Link href="/office/sites" className="office-nav__link" aria-current={current('/office/sites')}>
            {t('nav.sites')}
          </Link>
          <Link href="/office/users" className="office-nav__link" aria-current={current('/office/users')}>
            {t('nav.users')}
          </Link>
          <Link href="/office/citizen" className="office-nav__link" aria-current={current('/office/citizen')}>
            {t('nav.citizen')}
          </Link>
          <Link href="/office/posters" className="office-nav__link" aria-current={current('/office/posters')}>
            {t('citizen.posters.title')}
          </Link>
          <Link href="/office/audit" className="office-nav__link" aria-current={current('/office/audit')}>
            {t('nav.audit')}
          </Link>
        </nav>
        <Switch>
          <Route path="/office/sites">
            <SitesAdminPage />
          </Route>
          <Route path="/office/users">
            <UsersPage />
          </Route>
          <Route path="/office/citizen">
            <CitizenQueuePage />
          </Route>
          <Route path="/office/posters">
            <PosterPage />
          </Route>
          <Route path="/office/audit">
            <AuditPage />
          </Route>
          <Route path="/office/rounds/:roundId" nest>
            {(params: { roundId: string }) => {
              const roundId = decodeURIComponent(params.roundId);
              return <RoundWorkspace key={roundId} roundId={roundId} />;
            }}
          </Route>
          <Route>
            <RoundsPage />
          </Route>
        </Switch>
      </div>
    </OfficeProvider>
  );
}
