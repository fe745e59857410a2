import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initI18n } from './i18n';
import { registerServiceWorker } from './pwa/register-sw';
import './ui/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = createRoot(container);

initI18n()
  .catch((error: unknown) => console.error('i18n initialisation failed', error))
  .finally(() => {
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });

// workbox-window waits for the window's load event before registering.
registerServiceWorker().catch((error: unknown) => console.error('service worker registration failed', error));
