import { useTranslation } from 'react-i18next';
import { UpdatePrompt } from './pwa/UpdatePrompt';
import { LanguageSwitch } from './ui/LanguageSwitch';

export function App() {
  const { t } = useTranslation();
  return (
    <div className="app-shell" data-testid="app-shell">
      <header className="app-header">
        <span className="app-header__title">{t('app.shortName')}</span>
        <LanguageSwitch />
      </header>
      <main className="app-main">
        <h1>{t('app.name')}</h1>
        <p className="app-tagline">{t('app.tagline')}</p>
      </main>
      <UpdatePrompt />
    </div>
  );
}
