import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { openCivicDatabase } from './db/database';
import { getSession } from './db/session';
import { initI18n } from './i18n';
import { loadInspectPage } from './lazy-screens';
import { registerServiceWorker } from './pwa/register-sw';
import { createServices, type AppServices } from './services';
import { endExpiredSession, pullReviewDecisions, refreshBootstrap } from './session/session-service';
import { deferSyncService } from './sync/deferred-sync';
import './ui/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = createRoot(container);

async function start() {
  // Opened on a checklist (a reload, or the phone restarting the app there): fetch and run its
  // code while the database opens, instead of after the first render asks for it.
  if (window.location.pathname.startsWith('/inspect/')) void loadInspectPage().catch(() => undefined);
  await initI18n().catch((error: unknown) => console.error('i18n initialisation failed', error));
  const db = await openCivicDatabase();
  const services: AppServices = createServices(db, (await getSession(db))?.token, {
    // Any call the server answers 401 for its token — office pages, exports, recheck downloads,
    // bootstrap refresh, sync — ends the session here, once for the whole app: the sign-in page
    // says the session expired; drafts and the outbox stay.
    onUnauthorized: () => void endExpiredSession(services),
  });
  // The engine's code loads after the first screen (sync/deferred-sync.ts).
  services.sync = deferSyncService(async () => {
    const [{ createSyncService }, { keepStorageInCheck }] = await Promise.all([
      import('./sync/sync-service'),
      import('./platform/retention'),
    ]);
    return createSyncService({
      db,
      api: services.api,
      // The queue paused on a 401: the same ending (the client's hook usually got there first).
      onSignInNeeded: () => void endExpiredSession(services),
      // Any other run pulls the review decisions made since (a delivered one does, with the bootstrap).
      onSynced: () => void pullReviewDecisions(services).catch(() => undefined),
      // Closed rectifications and accepted inspections show as such without "更新任务".
      // And old confirmed photos make room when the phone's storage runs short.
      onDelivered: () => {
        void refreshBootstrap(services).catch(() => undefined);
        void keepStorageInCheck(db, services.now()).catch((error: unknown) => console.error('retention failed', error));
      },
    });
  });
  services.sync.start();
  root.render(
    <StrictMode>
      <App services={services} />
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  console.error('start failed', error);
  container.textContent = `无法启动应用：${error instanceof Error ? error.message : String(error)}。请刷新页面重试。`;
});

// workbox-window waits for the window's load event before registering.
registerServiceWorker().catch((error: unknown) => console.error('service worker registration failed', error));
