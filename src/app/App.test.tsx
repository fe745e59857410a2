// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from './App';
import { LANGUAGE_STORAGE_KEY, initI18n, setLanguage } from './i18n';

describe('App shell', () => {
  beforeAll(async () => {
    localStorage.clear();
    await initI18n();
  });

  afterEach(async () => {
    cleanup();
    await setLanguage('zh-CN');
  });

  it('shows the product name in Chinese first, then in English after the switch', async () => {
    render(<App />);
    expect(screen.getByTestId('app-shell')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('新时代文明实践阵地测评');
    expect(document.documentElement.lang).toBe('zh-CN');

    fireEvent.click(screen.getByRole('button', { name: 'English' }));

    const heading = await screen.findByRole('heading', { name: 'New Era Civilization Practice Site Evaluation' });
    expect(heading.tagName).toBe('H1');
    expect(screen.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('shows no update prompt while no new version waits', () => {
    render(<App />);
    expect(screen.queryByTestId('update-prompt')).toBeNull();
  });
});
