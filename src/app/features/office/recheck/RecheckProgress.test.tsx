// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRectificationProgress } from '../../../../domain/rectification-progress';
import { RUBRIC_2021 } from '../../../../domain/test-fixtures';
import { createApiClient } from '../../../api/api-client';
import type { Round } from '../../../../domain/wire';
import { createOfficeApi, type RectificationView } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { createPhotoCache } from '../shared/photo-cache';
import { RecheckProgress } from './RecheckProgress';

const BEFORE = 'a'.repeat(64);
const AFTER = 'b'.repeat(64);

const rectifications: RectificationView[] = [
  {
    id: 'R1~S1~T16',
    roundId: 'R1',
    siteId: 'S1',
    itemId: 'T16',
    grade: 'C#',
    dueOn: '2021-07-20',
    status: 'closed',
    beforePhotos: [BEFORE],
    note: '宣传栏海报破损',
    closedAt: '2021-08-02T02:00:00.000Z',
    lastVerdict: {
      id: 'v1',
      verdict: 'fixed',
      note: '已更换',
      photos: [AFTER],
      checkedAt: '2021-08-02T02:00:00.000Z',
      checkedBy: 'u1',
    },
  },
  {
    id: 'R1~S1~T18',
    roundId: 'R1',
    siteId: 'S1',
    itemId: 'T18',
    grade: 'C',
    dueOn: '2021-07-20',
    status: 'open',
    beforePhotos: [],
  },
  {
    id: 'R1~I1~I09',
    roundId: 'R1',
    siteId: 'I1',
    itemId: 'I09',
    grade: 'C#',
    dueOn: '2021-08-20',
    status: 'closed',
    beforePhotos: [],
    closedAt: '2021-08-03T02:00:00.000Z',
  },
];

const progress = buildRectificationProgress({
  roundId: 'R1',
  asOf: '2021-08-05',
  sites: [
    { id: 'S1', name: '曙光街社区实践站', type: 'station', district: '新华区' },
    { id: 'I1', name: '东安路街道实践所', type: 'institute', district: '卫东区' },
  ],
  rectifications,
});

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function renderProgress() {
  const requests: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : input.toString();
    requests.push(url);
    if (url === '/api/rounds/R1/rectification-progress') return json(progress);
    if (url === '/api/rectifications?roundId=R1') return json(rectifications);
    if (url === '/api/rounds/R1') return json({ id: 'R1', rubricVersion: '2021' });
    if (url === '/api/rubrics/2021') return json({ version: '2021', types: RUBRIC_2021 });
    if (url.startsWith('/api/photos/')) return new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200 });
    if (url === '/api/rounds/R1/recheck-results.csv') return new Response('\uFEFF整改编号\r\n', { status: 200 });
    if (url === '/api/rectifications/R1~S1~T16/rechecks')
      return json([
        {
          id: 'v0',
          verdict: 'not_fixed',
          note: '仍破损',
          photos: [],
          checkedAt: '2021-07-30T02:00:00.000Z',
          checkedByName: '李娜',
        },
        {
          id: 'v1',
          verdict: 'fixed',
          note: '已更换',
          photos: [AFTER],
          checkedAt: '2021-08-02T02:00:00.000Z',
          checkedByName: '李娜',
        },
      ]);
    return new Response(JSON.stringify({ error: 'not_found', message: 'no' }), { status: 404 });
  });
  renderInRound(fetch);
  return { requests, fetch };
}

const ROUND = { id: 'R1', name: '2021年7月模拟测评', rubricVersion: '2021' } as Round;

/** The tab as the round workspace mounts it: the office's API and photo cache, the round. */
function renderInRound(fetch: typeof globalThis.fetch) {
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
      <RoundContext.Provider value={{ round: ROUND } as RoundData}>
        <RecheckProgress />
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

describe('the rectification progress view', () => {
  it('shows closed, open and overdue in total and per district, and which sites are closed out', async () => {
    renderProgress();
    const totals = await screen.findByTestId('recheck-progress-totals');
    const total = (key: string) => totals.querySelector(`[data-total="${key}"] strong`)?.textContent;
    expect([total('rectifications'), total('closed'), total('open'), total('overdue')]).toEqual(['3', '2', '1', '1']);
    expect(total('sitesClosedOut')).toBe('1');
    const districts = screen.getByTestId('recheck-progress-districts');
    const cells = (name: string) =>
      within(districts)
        .getByRole('row', { name: new RegExp(name) })
        .querySelectorAll('td');
    expect([...cells('新华区')].map((cell) => cell.textContent)).toEqual(['2', '1', '1', '1', '0/1', '50%']);
    expect([...cells('卫东区')].map((cell) => cell.textContent)).toEqual(['1', '1', '0', '0', '1/1', '100%']);
    expect([...cells('合计')].map((cell) => cell.textContent)).toEqual(['3', '2', '1', '1', '1/2', '66.7%']);
    const sites = screen.getByTestId('recheck-progress-sites');
    expect(within(sites).getByRole('row', { name: /东安路街道实践所/ }).textContent).toContain('已销号');
  });

  it('compares before and after per item, photos through the API client, and shows the verdict history', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => `blob:${created.push(blob as Blob)}`);
    const { requests } = renderProgress();
    const sites = await screen.findByTestId('recheck-progress-sites');
    fireEvent.click(within(sites).getAllByRole('button', { name: '整改前后对比' })[1]!);
    const item = await waitFor(() => document.querySelector('li[data-rectification-id="R1~S1~T16"]')!);
    expect(item.textContent).toContain('T16 公益广告完好');
    expect(item.textContent).toContain('测评员备注：宣传栏海报破损');
    expect(item.textContent).toContain('已整改');
    expect(item.textContent).toContain('复查时间 2021-08-02 10:00');
    await waitFor(() => expect(item.querySelectorAll('img')).toHaveLength(2));
    expect(item.querySelector('[data-side="before"] [data-sha256]')?.getAttribute('data-sha256')).toBe(BEFORE);
    expect(item.querySelector('[data-side="after"] [data-sha256]')?.getAttribute('data-sha256')).toBe(AFTER);
    expect(requests).toContain(`/api/photos/${BEFORE}`);
    expect(requests).toContain(`/api/photos/${AFTER}`);
    const open = document.querySelector('li[data-rectification-id="R1~S1~T18"]')!;
    expect(open.textContent).toContain('尚未复查');
    expect(open.textContent).toContain('已逾期');

    fireEvent.click(within(item as HTMLElement).getByRole('button', { name: '复查记录' }));
    await waitFor(() => expect(item.querySelectorAll('.recheck-progress__history li')).toHaveLength(2));
    expect(item.querySelector('.recheck-progress__history')?.textContent).toContain('2021-07-30 10:00 李娜：未整改');
  });

  it('exports the recheck results as a CSV file', async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:csv');
    vi.spyOn(URL, 'revokeObjectURL').mockReturnValue(undefined);
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const { requests } = renderProgress();
    await screen.findByTestId('recheck-progress-totals');
    fireEvent.click(screen.getByRole('button', { name: '导出复查结果（CSV）' }));
    await waitFor(() => expect(clicked).toEqual(['2021年7月模拟测评-复查结果.csv']));
    expect(requests).toContain('/api/rounds/R1/recheck-results.csv');
  });

  it('says so when the progress cannot be loaded', async () => {
    renderInRound(
      async () =>
        new Response(JSON.stringify({ error: 'forbidden', message: '无权' }), {
          status: 403,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('加载失败：无权');
    expect(within(alert).getByRole('button', { name: '重试' })).toBeTruthy();
  });
});
