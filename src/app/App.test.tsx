// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { openCivicDatabase, type CivicDatabase } from './db/database';
import { saveSession } from './db/session';
import { LANGUAGE_STORAGE_KEY, initI18n, setLanguage } from './i18n';
import { createServices } from './services';

let db: CivicDatabase;

describe('App shell', () => {
  beforeAll(async () => {
    localStorage.clear();
    await initI18n();
  });

  beforeEach(async () => {
    db = await openCivicDatabase(`app-test-${Math.random()}`);
  });

  afterEach(async () => {
    cleanup();
    db.close();
    await setLanguage('zh-CN');
  });

  it('shows the product name and the sign-in form in Chinese first, then in English after the switch', async () => {
    render(<App services={createServices(db, undefined)} />);
    expect(screen.getByTestId('app-shell')).toBeTruthy();
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('新时代文明实践阵地测评');
    expect(await screen.findByRole('button', { name: '登录' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');

    fireEvent.click(screen.getByRole('button', { name: 'English' }));

    const heading = await screen.findByRole('heading', { name: 'New Era Civilization Practice Site Evaluation' });
    expect(heading.tagName).toBe('H1');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('shows no update prompt while no new version waits', () => {
    render(<App services={createServices(db, undefined)} />);
    expect(screen.queryByTestId('update-prompt')).toBeNull();
  });

  it('keeps the API token while the stored session is still being read (the sync starts before it)', async () => {
    const user = { id: 'u-1', username: 'zhang.wei', displayName: '张伟', role: 'inspector' as const };
    await saveSession(db, { token: 'stored-token', user });
    const services = createServices(db, 'stored-token');
    const tokens: (string | undefined)[] = [];
    const setToken = services.setToken;
    services.setToken = (token) => {
      tokens.push(token);
      setToken(token);
    };
    render(<App services={services} />);
    await vi.waitFor(() => expect(tokens).toContain('stored-token'));
    expect(tokens).not.toContain(undefined);
  });
});
