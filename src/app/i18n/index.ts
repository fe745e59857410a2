/**
 * i18next set-up: zh-CN first (bundled), English second (a separate chunk loaded when chosen,
 * precached by the service worker like every other chunk, so it works offline too).
 * The choice is remembered in localStorage under `civic-inspect.language`.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN, type Messages } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE = 'zh-CN' satisfies Language;

/** Each language's own name, shown the same whatever the current language is. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { 'zh-CN': '中文', en: 'English' };

export const LANGUAGE_STORAGE_KEY = 'civic-inspect.language';

const loaders: Readonly<Record<Exclude<Language, typeof DEFAULT_LANGUAGE>, () => Promise<Messages>>> = {
  en: () => import('./en').then((module) => module.en),
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    // Storage can be unavailable (private mode, disabled cookies): use the default.
    return DEFAULT_LANGUAGE;
  }
}

function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not remembered across visits; the switch still works for this one.
  }
}

async function loadResources(language: Language): Promise<void> {
  if (language === DEFAULT_LANGUAGE || i18next.hasResourceBundle(language, 'translation')) return;
  i18next.addResourceBundle(language, 'translation', await loaders[language]());
}

function reflectInDocument(language: string): void {
  document.documentElement.lang = language;
  document.title = i18next.t('app.shortName');
}

/** Initialises i18next once, in the remembered language; call before the first render. */
export async function initI18n(): Promise<typeof i18next> {
  if (!i18next.isInitialized) {
    await i18next.use(initReactI18next).init({
      resources: { [DEFAULT_LANGUAGE]: { translation: zhCN } },
      lng: DEFAULT_LANGUAGE,
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: LANGUAGES,
      load: 'currentOnly',
      interpolation: { escapeValue: false }, // React escapes
      react: { useSuspense: false },
    });
    i18next.on('languageChanged', reflectInDocument);
  }
  const language = storedLanguage();
  if (language !== i18next.language) {
    try {
      await loadResources(language);
      await i18next.changeLanguage(language);
    } catch {
      // The chunk could not load (offline before it was ever cached): stay in Chinese.
    }
  }
  reflectInDocument(i18next.language);
  return i18next;
}

/** Switches language, loading its catalogue first, and remembers the choice. */
export async function setLanguage(language: Language): Promise<void> {
  await loadResources(language);
  await i18next.changeLanguage(language);
  rememberLanguage(language);
}
