// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n';
import { createUpdateController } from './register-sw';
import { UpdatePrompt } from './UpdatePrompt';

describe('UpdatePrompt', () => {
  beforeAll(async () => {
    localStorage.clear();
    await initI18n();
  });
  afterEach(cleanup);

  it('offers 立即更新 when a new version waits, and only acts on the click', () => {
    const actions = { skipWaiting: vi.fn(), reload: vi.fn() };
    const controller = createUpdateController(actions);
    render(<UpdatePrompt controller={controller} />);
    expect(screen.queryByText('新版本可用')).toBeNull();

    act(() => controller.updateWaiting());
    expect(screen.getByText('新版本可用')).toBeTruthy();
    expect(actions.skipWaiting).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: '立即更新' }));
    expect(actions.skipWaiting).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('update-prompt').textContent).toContain('正在更新');
  });

  it('says the update applies after syncing while the guard is busy', () => {
    const actions = { skipWaiting: vi.fn(), reload: vi.fn() };
    const controller = createUpdateController(actions);
    controller.setUpdateGuard(() => true);
    render(<UpdatePrompt controller={controller} />);
    act(() => controller.updateWaiting());
    expect(screen.getByTestId('update-prompt').textContent).toContain('更新将在同步完成后应用');

    fireEvent.click(screen.getByRole('button', { name: '立即更新' }));
    expect(actions.skipWaiting).not.toHaveBeenCalled();
    expect(screen.getByTestId('update-prompt').textContent).toContain('同步完成后将自动刷新');
    expect(screen.queryByRole('button', { name: '立即更新' })).toBeNull();
  });
});
