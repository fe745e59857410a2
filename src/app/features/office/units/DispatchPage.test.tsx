// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { Round } from '../../../../domain/wire';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi, type UnitItemView } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { createPhotoCache } from '../shared/photo-cache';
import { DispatchPage } from './DispatchPage';

const BEFORE = 'a'.repeat(64);
const ROUND = { id: 'R1', name: '2021年7月模拟测评', rubricVersion: '2021' } as Round;

function item(id: string, siteName: string, district: string, itemId: string, extra: Partial<UnitItemView> = {}) {
  return {
    id,
    roundId: 'R1',
    siteId: id.split('~')[1]!,
    siteName,
    district,
    itemId,
    grade: 'C',
    note: null,
    beforePhotos: [],
    dueOn: '2021-07-20',
    dispatchedAt: null,
    objectionUntil: null,
    status: 'open',
    state: 'waiting',
    escalation: null,
    sentBack: 0,
    requests: [],
    ...extra,
  } satisfies UnitItemView;
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A server that keeps the items and dispatches what it is asked to, as the real route does. */
function fakeServer(options: { failDispatch?: boolean } = {}) {
  let items: UnitItemView[] = [
    item('R1~S1~T16', '曙光街社区实践站', '新华区', 'T16', {
      grade: 'C#',
      note: '宣传栏海报破损',
      beforePhotos: [BEFORE],
    }),
    item('R1~S1~T18', '曙光街社区实践站', '新华区', 'T18'),
    item('R1~I1~I09', '东安路街道实践所', '卫东区', 'I09'),
  ];
  const dispatches: unknown[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    if (url === '/api/rounds/R1/unit-items') return json(items);
    if (url === '/api/rubrics/2021') return json({ version: '2021', types: RUBRIC_2021 });
    if (url.startsWith('/api/photos/')) return new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200 });
    if (url === '/api/rounds/R1/dispatch' && method === 'POST') {
      const body = JSON.parse(input instanceof Request ? await input.text() : (init?.body as string)) as {
        district?: string;
        rectificationIds?: string[];
      };
      dispatches.push(body);
      if (options.failDispatch) return json({ error: 'invalid_request', message: '整改项不属于本轮' }, 400);
      const chosen = items.filter(
        (candidate) =>
          candidate.state === 'waiting' &&
          (body.district === undefined || candidate.district === body.district) &&
          (body.rectificationIds === undefined || body.rectificationIds.includes(candidate.id)),
      );
      items = items.map((candidate) =>
        chosen.includes(candidate)
          ? { ...candidate, state: 'dispatched', dispatchedAt: '2021-07-06T02:00:00.000Z', dueOn: '2021-07-21' }
          : candidate,
      );
      return json({ dispatched: chosen.length, rectificationIds: chosen.map((c) => c.id), linksIssued: 1 });
    }
    return json({ error: 'not_found', message: 'no' }, 404);
  });
  const api = createOfficeApi(createApiClient({ fetch, getToken: () => 'token' }));
  render(
    <OfficeProvider
      value={{
        api,
        user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' },
        now: () => new Date('2021-07-06T02:00:00Z'),
        photos: createPhotoCache((sha256) => api.photo(sha256)),
        prefetched: new Map(),
      }}
    >
      <RoundContext.Provider value={{ round: ROUND } as RoundData}>
        <DispatchPage />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
  return { dispatches };
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function stubConfirm(answer: boolean) {
  const confirm = vi.fn((_message?: string) => answer);
  vi.stubGlobal('confirm', confirm);
  return confirm;
}

const districtSection = (name: string) => screen.getByRole('region', { name });

describe('the dispatch tab', () => {
  it('lists the undispatched items by district with item, grade, note and one before-photo', async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:photo');
    fakeServer();
    await screen.findByText('待交办 3 项');
    const xinhua = districtSection('新华区');
    const first = xinhua.querySelector('li[data-rectification-id="R1~S1~T16"]')!;
    expect(first.textContent).toContain('曙光街社区实践站');
    expect(first.textContent).toContain('T16 公益广告完好');
    expect(first.textContent).toContain('等级 C#');
    expect(first.textContent).toContain('测评员备注：宣传栏海报破损');
    await waitFor(() => expect(first.querySelectorAll('img')).toHaveLength(1));
    expect(first.querySelector('[data-sha256]')?.getAttribute('data-sha256')).toBe(BEFORE);
    expect(within(xinhua).getAllByRole('listitem')).toHaveLength(2);
    expect(within(districtSection('卫东区')).getAllByRole('listitem')).toHaveLength(1);
  });

  it('dispatches one district after a confirmation that counts its items, then shows them dispatched with the due date', async () => {
    const confirm = stubConfirm(true);
    const { dispatches } = fakeServer();
    await screen.findByText('待交办 3 项');
    fireEvent.click(within(districtSection('新华区')).getByRole('button', { name: '交办本区（2 项）' }));
    expect(confirm).toHaveBeenCalledWith('确定交办 2 项整改？交办后责任单位即可看到并开始整改。');
    await screen.findByText('已交办 2 项。');
    expect(dispatches).toEqual([{ district: '新华区' }]);
    const dispatched = await screen.findByTestId('unit-dispatched');
    expect(
      within(dispatched)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringContaining('已交办 · 整改期限 2021-07-21'),
      expect.stringContaining('已交办 · 整改期限 2021-07-21'),
    ]);
    expect(screen.queryByRole('region', { name: '新华区' })).toBeNull();
    expect(screen.getByText('待交办 1 项')).toBeTruthy();
  });

  it('dispatches one item, or all, and nothing when the confirmation is declined', async () => {
    const confirm = stubConfirm(false);
    const { dispatches } = fakeServer();
    await screen.findByText('待交办 3 项');
    fireEvent.click(screen.getByRole('button', { name: '全部交办（3 项）' }));
    expect(confirm).toHaveBeenLastCalledWith('确定交办 3 项整改？交办后责任单位即可看到并开始整改。');
    expect(dispatches).toEqual([]);

    confirm.mockImplementation(() => true);
    const one = districtSection('卫东区').querySelector('li[data-rectification-id="R1~I1~I09"]') as HTMLElement;
    fireEvent.click(within(one).getByRole('button', { name: '交办' }));
    expect(confirm).toHaveBeenLastCalledWith('确定交办 1 项整改？交办后责任单位即可看到并开始整改。');
    await screen.findByText('已交办 1 项。');
    expect(dispatches).toEqual([{ rectificationIds: ['R1~I1~I09'] }]);

    fireEvent.click(await screen.findByRole('button', { name: '全部交办（2 项）' }));
    await screen.findByText('已交办 2 项。');
    expect(dispatches.at(-1)).toEqual({});
    expect(await screen.findByText('没有待交办的整改项。')).toBeTruthy();
    expect(within(screen.getByTestId('unit-dispatched')).getAllByRole('listitem')).toHaveLength(3);
  });

  it('says in Chinese why a dispatch failed and keeps the items waiting', async () => {
    stubConfirm(true);
    fakeServer({ failDispatch: true });
    await screen.findByText('待交办 3 项');
    fireEvent.click(screen.getByRole('button', { name: '全部交办（3 项）' }));
    expect((await screen.findByRole('alert')).textContent).toContain('交办失败：整改项不属于本轮');
    expect(screen.getByText('待交办 3 项')).toBeTruthy();
  });
});
