// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { officeEn } from '../features/office/i18n/en';
import { registerOfficeMessages } from '../features/office/i18n';
import { officeZhCN } from '../features/office/i18n/zh-CN';
import { registerUnitMessages } from '../features/field/unit/i18n';
import { unitEn } from '../features/field/unit/i18n/en';
import { unitZhCN } from '../features/field/unit/i18n/zh-CN';
import { en } from './en';
import { fixedT, initI18n, LANGUAGE_STORAGE_KEY, setLanguage, t, useTranslation, type Language } from './index';
import type { Catalogue } from './interpolate';
import { zhCN } from './zh-CN';

/** Every [dotted key, string] of a catalogue. */
function entries(catalogue: Catalogue, prefix = ''): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [[prefix + key, value] as [string, string]] : entries(value, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(.*?)\}\}/g)].map((match) => match[1]).sort();

const CATALOGUES = [
  { namespace: 'translation', zh: zhCN, en },
  { namespace: 'office', zh: officeZhCN, en: officeEn },
  { namespace: 'unit', zh: unitZhCN, en: unitEn },
] as const;

beforeAll(async () => {
  localStorage.clear();
  await initI18n();
  registerOfficeMessages();
  registerUnitMessages();
});

afterEach(async () => {
  cleanup();
  await setLanguage('zh-CN');
});

describe.each(CATALOGUES)('the $namespace catalogues', ({ namespace, zh, en: english }) => {
  const zhEntries = entries(zh);

  it('have the same keys in both languages', () => {
    expect(entries(english).map(([key]) => key)).toEqual(zhEntries.map(([key]) => key));
  });

  it.each(['zh-CN', 'en'] as const)('every key resolves in %s to its own non-empty text', async (language) => {
    await setLanguage(language);
    const expected = new Map(entries(language === 'en' ? english : zh));
    const translate = fixedT(namespace) as (key: string) => string;
    for (const [key] of zhEntries) {
      const text = translate(key);
      expect(text, key).toBe(expected.get(key));
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('use only what the local t supports: plain {{name}} placeholders, no plurals, no nesting', () => {
    for (const [key, text] of [...zhEntries, ...entries(english)]) {
      for (const name of placeholders(text)) expect(name, `${key}: {{${name}}}`).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(key, key).not.toMatch(/_(zero|one|two|few|many|other)$/);
      expect(text, key).not.toContain('$t(');
    }
  });

  it('ask for the same values in both languages', () => {
    const englishByKey = new Map(entries(english));
    for (const [key, text] of zhEntries)
      expect(placeholders(englishByKey.get(key) ?? ''), key).toEqual(placeholders(text));
  });
});

describe('t', () => {
  it('fills values, falls back to Chinese for a missing key, and shows an unknown key as itself', async () => {
    expect(t('common.noteLength', { length: 3, max: 200 })).toBe('3/200 字');
    await setLanguage('en');
    expect(t('common.noteLength', { length: 3, max: 200 })).toBe('3/200 characters');
    expect((t as (key: string) => string)('no.such.key')).toBe('no.such.key');
  });

  it('remembers the language, and follows it in the document', async () => {
    await setLanguage('en');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(document.title).toBe(en.app.shortName);
    await setLanguage('zh-CN');
    expect(document.title).toBe(zhCN.app.shortName);
  });
});

describe('useTranslation', () => {
  function Probe() {
    const { t: translate, i18n } = useTranslation('office');
    return <p data-language={i18n.language}>{translate('nav.rounds')}</p>;
  }

  it('re-renders in the new language when it is switched', async () => {
    render(<Probe />);
    expect(screen.getByText(officeZhCN.nav.rounds).dataset.language).toBe('zh-CN' satisfies Language);
    await act(() => setLanguage('en'));
    expect(screen.getByText(officeEn.nav.rounds).dataset.language).toBe('en');
  });
});
