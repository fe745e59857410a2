// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Round } from '../../../../domain/wire';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { createPhotoCache } from '../shared/photo-cache';
import { ExportPanel } from './ExportPanel';

const ROUND = { id: 'R1', name: '2021年7月模拟测评', rubricVersion: '2021' } as Round;

function renderPanel(fetch: typeof globalThis.fetch) {
  const api = createOfficeApi(createApiClient({ fetch, getToken: () => 'token' }));
  const office = {
    api,
    user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' as const },
    now: () => new Date('2021-08-05T02:00:00Z'),
    photos: createPhotoCache((sha256) => api.photo(sha256)),
    prefetched: new Map(),
  };
  render(
    <OfficeProvider value={office}>
      <RoundContext.Provider value={{ round: ROUND, sites: [], siteById: new Map() } as unknown as RoundData}>
        <ExportPanel />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the export panel', () => {
  it('downloads the responsible units’ figures as the server’s sheet, named after the round', async () => {
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const requests: string[] = [];
    renderPanel(async (input) => {
      const url = input instanceof Request ? input.url : input.toString();
      requests.push(url);
      if (url === '/api/rounds/R1/exports/unit-figures.csv')
        return new Response('\uFEFF范围,名称\r\n', { status: 200 });
      return new Response(JSON.stringify({ error: 'not_found', message: 'no' }), { status: 404 });
    });
    fireEvent.click(screen.getByRole('button', { name: '责任单位整改指标（CSV）' }));
    await waitFor(() => expect(saved).toEqual(['2021年7月模拟测评-整改指标.csv']));
    expect(requests).toEqual(['/api/rounds/R1/exports/unit-figures.csv']);
  });

  it('says why when the sheet cannot be had', async () => {
    renderPanel(
      async () =>
        new Response(JSON.stringify({ error: 'forbidden', message: '无权导出' }), {
          status: 403,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    fireEvent.click(screen.getByRole('button', { name: '责任单位整改指标（CSV）' }));
    expect((await screen.findByRole('alert')).textContent).not.toBe('');
  });
});
