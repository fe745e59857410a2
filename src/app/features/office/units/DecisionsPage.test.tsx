// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUBRIC_2021 } from '../../../../domain/test-fixtures';
import type { Round } from '../../../../domain/wire';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi, type UnitItemView, type UnitRequestView } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { createPhotoCache } from '../shared/photo-cache';
import { correctedGrades, DecisionsPage } from './DecisionsPage';

const EVIDENCE = 'e'.repeat(64);
const ROUND = { id: 'R1', name: '2021年7月模拟测评', rubricVersion: '2021' } as Round;

const item = (id: string, itemId: string, grade: UnitItemView['grade']): UnitItemView => ({
  id,
  roundId: 'R1',
  siteId: 'S1',
  siteName: '曙光街社区实践站',
  district: '新华区',
  itemId,
  grade,
  note: null,
  beforePhotos: [],
  dueOn: '2021-07-20',
  dispatchedAt: '2021-07-05T02:00:00.000Z',
  objectionUntil: '2021-07-08',
  status: 'open',
  state: 'dispatched',
  escalation: null,
  sentBack: 0,
  requests: [],
});

const request = (id: string, rectificationId: string, extra: Partial<UnitRequestView>): UnitRequestView => ({
  id,
  rectificationId,
  kind: 'return',
  reason: '',
  dueOn: null,
  photos: [],
  requestedAt: '2021-07-06T02:00:00.000Z',
  requestedBy: 'u-unit',
  status: 'pending',
  decidedAt: null,
  decidedBy: null,
  decisionReason: null,
  previousDueOn: null,
  ...extra,
});

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The round's pending requests; a decision takes a request off the pending list, as the server does. */
function fakeServer() {
  let pending = [
    request('q-ext', 'R1~S1~T18', { kind: 'extension', reason: '需采购新设备', dueOn: '2021-07-30' }),
    request('q-obj', 'R1~S1~T16', { kind: 'objection', reason: '海报已于测评前更换', photos: [EVIDENCE] }),
  ];
  const decisions: { id: string; body: unknown }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url === '/api/rounds/R1/unit-requests?status=pending') return json(pending);
    if (url === '/api/rounds/R1/unit-items')
      return json([item('R1~S1~T18', 'T18', 'C'), item('R1~S1~T16', 'T16', 'C')]);
    if (url === '/api/rubrics/2021') return json({ version: '2021', types: RUBRIC_2021 });
    if (url.startsWith('/api/photos/')) return new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200 });
    const decision = /^\/api\/unit-requests\/([^/]+)\/decision$/.exec(url);
    if (decision) {
      const id = decision[1]!;
      decisions.push({ id, body: JSON.parse(init?.body as string) });
      pending = pending.filter((candidate) => candidate.id !== id);
      return json({ ...request(id, 'x', {}), status: 'approved' });
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
        <DecisionsPage />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
  return { decisions };
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const card = (id: string) => document.querySelector(`li[data-request-id="${id}"]`) as HTMLElement;

describe('the unit requests tab', () => {
  it("shows each pending request with the unit's reason, the date asked for and the evidence photos", async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:photo');
    fakeServer();
    await screen.findByRole('heading', { name: /延期 · 曙光街社区实践站（新华区）· T18 室内卫生/ });
    expect(card('q-ext').textContent).toContain('单位理由：需采购新设备');
    expect(card('q-ext').textContent).toContain('申请延期至 2021-07-30（原期限 2021-07-20）');
    expect(card('q-ext').textContent).toContain('提交时间 2021-07-06 10:00');
    await waitFor(() => expect(card('q-obj').querySelectorAll('img')).toHaveLength(1));
    expect(card('q-obj').querySelector('[data-sha256]')?.getAttribute('data-sha256')).toBe(EVIDENCE);
  });

  it('refuses to decide without a reason, in Chinese, and sends nothing', async () => {
    const { decisions } = fakeServer();
    await screen.findByRole('heading', { name: /延期/ });
    fireEvent.click(within(card('q-ext')).getByRole('button', { name: '同意' }));
    expect(within(card('q-ext')).getByRole('alert').textContent).toBe('请填写处理意见。');
    fireEvent.change(within(card('q-ext')).getByLabelText('处理意见'), { target: { value: '   ' } });
    fireEvent.click(within(card('q-ext')).getByRole('button', { name: '不同意' }));
    expect(within(card('q-ext')).getByRole('alert').textContent).toBe('请填写处理意见。');
    expect(decisions).toEqual([]);
  });

  it('approves an extension with its reason and takes it off the list', async () => {
    const { decisions } = fakeServer();
    await screen.findByRole('heading', { name: /延期/ });
    fireEvent.change(within(card('q-ext')).getByLabelText('处理意见'), { target: { value: '设备采购周期属实' } });
    fireEvent.click(within(card('q-ext')).getByRole('button', { name: '同意' }));
    await screen.findByText('已处理：延期 · T18 室内卫生（无积尘）');
    expect(decisions).toEqual([{ id: 'q-ext', body: { decision: 'approve', reason: '设备采购周期属实' } }]);
    await waitFor(() => expect(card('q-ext')).toBeNull());
  });

  it('upholds an objection with the corrected grade chosen among the rubric grades above the given one', async () => {
    const { decisions } = fakeServer();
    await screen.findByRole('heading', { name: /申诉/ });
    const grade = within(card('q-obj')).getByLabelText<HTMLSelectElement>('改判等级');
    expect([...grade.options].map((option) => option.value)).toEqual(['A', 'B']);
    fireEvent.change(grade, { target: { value: 'B' } });
    fireEvent.change(within(card('q-obj')).getByLabelText('处理意见'), { target: { value: '证据显示已部分更换' } });
    fireEvent.click(within(card('q-obj')).getByRole('button', { name: '申诉成立' }));
    await screen.findByText(/已处理：申诉/);
    expect(decisions).toEqual([
      { id: 'q-obj', body: { decision: 'approve', reason: '证据显示已部分更换', grade: 'B' } },
    ]);
  });

  it('refuses an objection without a grade', async () => {
    const { decisions } = fakeServer();
    await screen.findByRole('heading', { name: /申诉/ });
    fireEvent.change(within(card('q-obj')).getByLabelText('处理意见'), { target: { value: '照片拍摄时间晚于测评' } });
    fireEvent.click(within(card('q-obj')).getByRole('button', { name: '不同意' }));
    await screen.findByText(/已处理：申诉/);
    expect(decisions).toEqual([{ id: 'q-obj', body: { decision: 'refuse', reason: '照片拍摄时间晚于测评' } }]);
    await waitFor(() => expect(card('q-obj')).toBeNull());
    expect(card('q-ext')).not.toBeNull();
  });
});

describe('the grades an upheld objection may give', () => {
  const station = RUBRIC_2021.station.items;
  it('are the rubric grades better than the given one, never C#', () => {
    const t16 = station.find((entry) => entry.id === 'T16')!;
    expect(correctedGrades(t16, 'C#')).toEqual(['A', 'B', 'C']);
    expect(correctedGrades(t16, 'B')).toEqual(['A']);
    expect(correctedGrades({ ...t16, grades: ['A', 'C', 'C#'] }, 'C#')).toEqual(['A', 'C']);
    expect(correctedGrades(undefined, 'C')).toEqual(['A']);
  });
});
