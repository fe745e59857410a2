import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from './i18n';
import { Link, Route, Switch, useRoute } from 'wouter';
import type { User } from '../domain/wire';
import { useSessionRecord, useUnsyncedCount } from './db/live';
import { SitesPage } from './features/field/sites/SitesPage';
import { SyncBadge } from './features/field/sync/SyncBadge';
import { updates } from './pwa/register-sw';
import { UpdatePrompt } from './pwa/UpdatePrompt';
import { ServicesProvider, useServices, type AppServices } from './services';
import {
  abandonPasswordChange,
  changePasswordAndSignIn,
  signIn,
  signOut,
  wasSessionExpired,
  type PendingPasswordChange,
} from './session/session-service';
import { unsyncedCount } from './db/session';
import { LanguageSwitch } from './ui/LanguageSwitch';
import { loadInspectPage } from './lazy-screens';

// Route-level chunks: the phone's first screen loads neither the checklist (react-hook-form, zod)
// nor the sign-in form (shown once per device); the service worker precaches both for offline.
const InspectPage = lazy(() => loadInspectPage().then((module) => ({ default: module.InspectPage })));
const SignInPage = lazy(() =>
  import('./features/session/SignInPage').then((module) => ({ default: module.SignInPage })),
);
// Only after signing in with a generated or reset password.
const ChangePasswordPage = lazy(() =>
  import('./features/session/ChangePasswordPage').then((module) => ({ default: module.ChangePasswordPage })),
);
// Recheckers' screens (list and item): their own chunk, precached like the others.
const RecheckScreens = lazy(() =>
  import('./features/field/recheck/RecheckScreens').then((module) => ({ default: module.RecheckScreens })),
);

// The sync page (the engine's state and errors, storage, photo keeping): its own chunk.
const SyncPage = lazy(() => import('./features/field/sync/SyncPage').then((module) => ({ default: module.SyncPage })));

// Lazy chunks the inspector's phone never downloads (nor precaches: see vite.config.ts).
const OfficeWorkspace = lazy(() => import('./features/office/OfficeWorkspace'));
const PublicRankingPage = lazy(() => import('./features/public/PublicRankingPage'));
// The residents' report page (QR posters, 我的反馈) and the 市民记者's screens: a chunk of its own.
const CitizenScreens = lazy(() => import('./features/citizen/CitizenScreens'));
// The responsible unit's page (a site link's `/unit/<token>`, or a `unit` account): its own chunk.
const UnitScreens = lazy(() => import('./features/field/unit/UnitScreens'));

/** The app: sign-in until there is a session, then the signed-in user's screens. */
export function App({ services }: { services: AppServices }) {
  return (
    <ServicesProvider services={services}>
      <div className="app-shell" data-testid="app-shell">
        <Suspense fallback={<Loading />}>
          <Screens />
        </Suspense>
        <UpdatePrompt />
      </div>
    </ServicesProvider>
  );
}

function Screens() {
  const services = useServices();
  const { t } = useTranslation();
  const session = useSessionRecord(services.db);
  // A sign-in that must choose a new password before anything else (kept in memory only).
  const [pendingChange, setPendingChange] = useState<PendingPasswordChange>();
  // Only once the session is read (undefined = still loading): clearing the token meanwhile sent
  // the sync started at launch without it, and the server's 401 signed the inspector out.
  useEffect(() => {
    if (session !== undefined) services.setToken(session?.token);
  }, [services, session]);
  useUpdateGuard();
  const [isPublic, publicParams] = useRoute<{ token: string }>('/public/:token');
  const [isReport] = useRoute('/report/*?');
  const [isUnitLink, unitLinkParams] = useRoute<{ token: string }>('/unit/:token');

  // A published ranking is open to anyone, signed in or not.
  if (isPublic) {
    return (
      <>
        <Header user={session?.user} />
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <PublicRankingPage token={publicParams.token} />
        </Suspense>
      </>
    );
  }

  // A resident's report needs no account; a 市民记者's session makes it trusted.
  if (isReport) {
    return (
      <>
        <Header user={session?.user} />
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <CitizenScreens trusted={session?.user.role === 'reporter'} />
        </Suspense>
      </>
    );
  }

  // A station head's site link needs no account: the token in the address is the credential.
  if (isUnitLink) {
    return (
      <>
        <Header />
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <UnitScreens token={unitLinkParams.token} />
        </Suspense>
      </>
    );
  }

  if (session === undefined) {
    return (
      <main className="app-main">
        <h1>{t('app.name')}</h1>
        <p role="status">{t('common.loading')}</p>
      </main>
    );
  }
  if (session === null && pendingChange) {
    return (
      <>
        <Header />
        <ChangePasswordPage
          displayName={pendingChange.user.displayName}
          onChange={async (newPassword) => {
            await changePasswordAndSignIn(services, pendingChange, newPassword);
            setPendingChange(undefined);
          }}
          onCancel={() => {
            setPendingChange(undefined);
            void abandonPasswordChange(services, pendingChange);
          }}
        />
      </>
    );
  }
  if (session === null) {
    return (
      <>
        <Header />
        <SignInPage
          onSignIn={async (username, password) => setPendingChange(await signIn(services, username, password))}
          notice={wasSessionExpired() ? t('session.expired') : undefined}
        />
      </>
    );
  }
  return (
    <>
      <Header user={session.user} />
      <main className="app-main">
        <SignedIn user={session.user} />
      </main>
    </>
  );
}

/** A new version never reloads the page while a draft holds answers or work waits to sync. */
function useUpdateGuard() {
  const { db } = useServices();
  const unsynced = useUnsyncedCount(db) ?? 0;
  useEffect(() => {
    updates.setUpdateGuard(() => unsynced > 0);
    updates.notifyUpdateGuardChanged();
  }, [unsynced]);
}

function Loading() {
  const { t } = useTranslation();
  return (
    <p className="app-main" role="status">
      {t('common.loading')}
    </p>
  );
}

function SignedIn({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.role === 'supervisor' || user.role === 'admin') {
    return (
      <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
        <OfficeWorkspace user={user} />
      </Suspense>
    );
  }
  if (user.role === 'unit') {
    return (
      <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
        <UnitScreens user={user} />
      </Suspense>
    );
  }
  if (user.role === 'reporter') {
    return (
      <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
        <CitizenScreens trusted />
      </Suspense>
    );
  }
  return (
    <Switch>
      <Route path="/inspect/:roundId/:siteId">
        {(params: { roundId: string; siteId: string }) => (
          <InspectPage
            key={`${params.roundId}/${params.siteId}`} // "next site" starts the next page afresh
            user={user}
            roundId={decodeURIComponent(params.roundId)}
            siteId={decodeURIComponent(params.siteId)}
          />
        )}
      </Route>
      <Route path="/sync">
        <SyncPage />
      </Route>
      <Route>{user.role === 'rechecker' ? <RecheckScreens user={user} /> : <SitesPage user={user} />}</Route>
    </Switch>
  );
}

function Header({ user }: { user?: User }) {
  const { t } = useTranslation();
  const services = useServices();
  const leave = async () => {
    const pending = await unsyncedCount(services.db);
    if (pending > 0 && !window.confirm(t('session.signOutConfirm', { count: pending }))) return;
    await signOut(services);
  };
  return (
    <header className="app-header">
      <Link href="/" className="app-header__title">
        {t('app.shortName')}
      </Link>
      <nav className="app-nav">
        {user && <SyncBadge />}
        {user && <span className="app-nav__user">{t('session.signedInAs', { name: user.displayName })}</span>}
        {user && (
          <button type="button" className="button button--small" onClick={() => void leave()}>
            {t('session.signOut')}
          </button>
        )}
        <LanguageSwitch />
      </nav>
    </header>
  );
}
