import { useTranslation } from '../i18n';
import { DEFAULT_LANGUAGE, LANGUAGES, LANGUAGE_NAMES, isLanguage, setLanguage } from '../i18n';

/** 中文 / English, each named in its own language; the choice is remembered. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const active = isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          className="language-switch__option"
          lang={language}
          aria-pressed={active === language}
          onClick={() => {
            setLanguage(language).catch((error: unknown) => {
              // Offline before the catalogue was ever cached: stay in the current language.
              console.error('language switch failed', error);
            });
          }}
        >
          {LANGUAGE_NAMES[language]}
        </button>
      ))}
    </div>
  );
}
