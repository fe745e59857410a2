/**
 * The app's translations: zh-CN first (bundled), English second (a separate chunk loaded when
 * chosen, precached by the service worker like every other chunk, so it works offline too).
 * The choice is remembered in localStorage under `civic-inspect.language`.
 *
 * A small local store instead of i18next + react-i18next (~20 kB gzip of the first load): the
 * catalogues only need dotted keys, `{{name}}` values (interpolate.ts), a fallback to Chinese,
 * namespaces registered by lazy chunks (`office`) and a hook that re-renders on a switch.
 */
import { useMemo, useSyncExternalStore } from 'react';
import type { CitizenMessages } from '../features/citizen/i18n/zh-CN';
import type { UnitMessages } from '../features/field/unit/i18n/zh-CN';
import type { OfficeMessages } from '../features/office/i18n/zh-CN';
import { interpolate, lookup, type Catalogue, type Values } from './interpolate';
import { zhCN, type Messages } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE = 'zh-CN' satisfies Language;

/** Each language's own name, shown the same whatever the current language is. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { 'zh-CN': '中文', en: 'English' };

export const LANGUAGE_STORAGE_KEY = 'civic-inspect.language';

/** Every namespace and its reference (zh-CN) shape: `translation` is the app's own. */
export interface Namespaces {
  translation: Messages;
  office: OfficeMessages;
  citizen: CitizenMessages;
  unit: UnitMessages;
}
export type Namespace = keyof Namespaces;

/** The dotted keys of a catalogue's strings: `t('common.back')` is checked by the compiler. */
export type MessageKey<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${MessageKey<T[K]>}`;
}[keyof T & string];

export type TFunction<NS extends Namespace = 'translation'> = (
  key: MessageKey<Namespaces[NS]>,
  values?: Values,
) => string;

const loaders: Readonly<Record<Exclude<Language, typeof DEFAULT_LANGUAGE>, () => Promise<Messages>>> = {
  en: () => import('./en').then((module) => module.en),
};

/** What a render depends on; replaced (never mutated) on every change, for useSyncExternalStore. */
interface Snapshot {
  readonly language: Language;
  readonly catalogues: Readonly<Record<Language, Partial<Record<Namespace, Catalogue>>>>;
}

let snapshot: Snapshot = {
  language: DEFAULT_LANGUAGE,
  catalogues: { 'zh-CN': { translation: zhCN }, en: {} },
};
const listeners = new Set<() => void>();

function update(next: Snapshot): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Looks the key up in the current language, then in Chinese; a missing key shows as itself. */
function translate(state: Snapshot, namespace: Namespace, key: string, values?: Values): string {
  const template =
    lookup(state.catalogues[state.language][namespace], key) ??
    lookup(state.catalogues[DEFAULT_LANGUAGE][namespace], key) ??
    key;
  return interpolate(template, values);
}

/** A translation function of the namespace, in the current language (outside React). */
export function fixedT<NS extends Namespace = 'translation'>(namespace?: NS): TFunction<NS> {
  return (key, values) => translate(snapshot, namespace ?? 'translation', key, values);
}

/** The app namespace's translation function, in the current language at each call. */
export const t: TFunction = fixedT();

export function currentLanguage(): Language {
  return snapshot.language;
}

/**
 * `t` for a namespace and the current language; the component re-renders when the language
 * changes or a namespace arrives, and `t` is then a new function (memoised lists follow it).
 */
export function useTranslation<NS extends Namespace = 'translation'>(
  namespace?: NS,
): { t: TFunction<NS>; i18n: { language: Language } } {
  const state = useSyncExternalStore(subscribe, () => snapshot);
  const ns: Namespace = namespace ?? 'translation';
  return useMemo(
    () => ({
      t: (key: string, values?: Values) => translate(state, ns, key, values),
      i18n: { language: state.language },
    }),
    [state, ns],
  );
}

/** Adds a namespace's catalogues (a lazy chunk's own, e.g. `office`); once is enough. */
export function registerMessages<NS extends Exclude<Namespace, 'translation'>>(
  namespace: NS,
  catalogues: Readonly<Record<Language, Namespaces[NS]>>,
): void {
  if (snapshot.catalogues[DEFAULT_LANGUAGE][namespace]) return;
  const next = { ...snapshot.catalogues };
  for (const language of LANGUAGES) next[language] = { ...next[language], [namespace]: catalogues[language] };
  update({ ...snapshot, catalogues: next });
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
  if (language === DEFAULT_LANGUAGE || snapshot.catalogues[language].translation) return;
  const messages = await loaders[language]();
  const catalogues = {
    ...snapshot.catalogues,
    [language]: { ...snapshot.catalogues[language], translation: messages },
  };
  update({ ...snapshot, catalogues });
}

function reflectInDocument(): void {
  document.documentElement.lang = snapshot.language;
  document.title = t('app.shortName');
}

async function changeLanguage(language: Language): Promise<void> {
  await loadResources(language);
  if (language !== snapshot.language) update({ ...snapshot, language });
  reflectInDocument();
}

/** Starts in the remembered language; call before the first render. */
export async function initI18n(): Promise<void> {
  try {
    await changeLanguage(storedLanguage());
  } catch {
    // The chunk could not load (offline before it was ever cached): stay in Chinese.
    reflectInDocument();
  }
}

/** Switches language, loading its catalogue first, and remembers the choice. */
export async function setLanguage(language: Language): Promise<void> {
  await changeLanguage(language);
  rememberLanguage(language);
}
