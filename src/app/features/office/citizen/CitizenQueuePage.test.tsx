// @vitest-environment happy-dom
/**
 * The office's queue of citizens' reports as a component over a fake server (fetch): what an
 * entry shows (status, site, deadlines, masked phone, photos, the units' answers after 交办), the
 * decisions it sends, a refusal shown as the server words it, and the photos never drawn from an
 * object URL already revoked when the entry shows another report.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { CitizenReportView } from '../../../../domain/citizen-reports';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import type { AppServices } from '../../../services';
import { ServicesProvider } from '../../../services';
import { registerOfficeMessages } from '../i18n';
import { OfficeProvider } from '../shared/office-context';
import { createPhotoCache } from '../shared/photo-cache';
import { CitizenQueuePage } from './CitizenQueuePage';
import { ReportPhotos } from './ReportPhotos';

const PHOTO = 'a'.repeat(64);
const THUMB = 'b'.repeat(64);
const ANSWER_PHOTO = 'c'.repeat(64);

function report(over: Partial<CitizenReportView>): CitizenReportView {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    code: 'R7K3F9QA',
    siteId: 'S1',
    siteName: '曙光街社区实践站',
    district: '新华区',
    category: 'closed_when_open',
    description: '周六上午九点大门紧锁',
    phone: '138****5678',
    photos: [{ sha256: PHOTO, thumbnail: THUMB, capturedAt: '2021-07-17T01:00:00.000Z' }],
    receivedPhotos: [PHOTO, THUMB],
    trusted: false,
    reporterName: null,
    status: 'new',
    createdAt: '2021-07-17T01:00:00.000Z',
    receivedAt: '2021-07-17T01:05:00.000Z',
    acceptDueOn: '2021-07-19',
    acceptedAt: null,
    closeDueOn: null,
    closedAt: null,
    reply: null,
    mergedInto: null,
    spotCheck: null,
    handover: null,
    rating: null,
    ...over,
  };
}

const handed = report({
  id: '22222222-2222-4222-8222-222222222222',
  code: 'R2222222',
  status: 'accepted',
  acceptedAt: '2021-07-18T01:00:00.000Z',
  closeDueOn: '2021-07-28',
  photos: [],
  receivedPhotos: [],
  handover: {
    at: '2021-07-18T01:00:00.000Z',
    byName: '王芳',
    units: ['新华区文明办'],
    answers: [
      {
        id: 'a1',
        note: '已安排专人每天九点开门',
        photos: [ANSWER_PHOTO],
        answeredAt: '2021-07-19T02:00:00.000Z',
        answeredBy: '新华区文明办',
      },
    ],
  },
});

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Route = (url: string, init: RequestInit | undefined) => Response | undefined | Promise<Response | undefined>;

function renderWith(node: React.ReactNode, route: Route) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    const method = init?.method ?? 'GET';
    calls.push({ url, method, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    return (await route(url, init)) ?? json({ error: 'not_found', message: '找不到' }, 404);
  });
  const client = createApiClient({ fetch, getToken: () => 'token' });
  const api = createOfficeApi(client);
  const office = {
    api,
    user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' as const },
    now: () => new Date('2021-07-20T02:00:00Z'),
    photos: createPhotoCache((sha256) => api.photo(sha256)),
    prefetched: new Map(),
  };
  const result = render(
    <ServicesProvider services={{ api: client } as unknown as AppServices}>
      <OfficeProvider value={office}>{node}</OfficeProvider>
    </ServicesProvider>,
  );
  return {
    calls,
    ...result,
    wrap: (inner: React.ReactNode) => (
      <ServicesProvider services={{ api: client } as unknown as AppServices}>
        <OfficeProvider value={office}>{inner}</OfficeProvider>
      </ServicesProvider>
    ),
  };
}

const revokeObjectURL = vi.fn<(url: string) => void>();
const jpegResponse = () => new Response(new Uint8Array([0xff, 0xd8, 0xff]), { status: 200 });

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
  let next = 0;
  URL.createObjectURL = vi.fn(() => `blob:test/${++next}`);
  URL.revokeObjectURL = revokeObjectURL;
});
afterEach(() => {
  cleanup();
});

function queueRoute(queue: CitizenReportView[], decision: (body: unknown) => Response): Route {
  return (url, init) => {
    if (url.startsWith('/api/citizen-reports?queue=')) return json(queue);
    if (url === '/api/citizen-reports/settings') return json({ closeDays: 10 });
    if (url === '/api/citizen-reports/reporters') return json([]);
    if (url.includes('/photos/')) return jpegResponse();
    if (url.endsWith('/decisions') && init?.method === 'POST') return decision(JSON.parse(init.body as string));
    return undefined;
  };
}

it('shows each report with its deadline, masked phone, photos, and the unit’s answer after 交办', async () => {
  renderWith(
    <CitizenQueuePage />,
    queueRoute([report({}), handed], () => json({})),
  );
  const entries = await screen.findAllByTestId('citizen-entry');
  expect(entries).toHaveLength(2);
  const [fresh, withUnit] = entries as [HTMLElement, HTMLElement];
  expect(fresh.textContent).toContain('待受理');
  expect(fresh.textContent).toContain('曙光街社区实践站（新华区）');
  expect(fresh.textContent).toContain('受理期限 2021-07-19');
  expect(fresh.textContent).toContain('已超期');
  expect(fresh.textContent).toContain('联系电话 138****5678');
  expect(await within(fresh).findAllByTestId('citizen-photo')).toHaveLength(1);
  const handover = within(withUnit).getByTestId('citizen-handover');
  expect(handover.textContent).toContain('已交办：新华区文明办');
  expect(handover.textContent).toContain('新华区文明办 于 2021-07-19 10:00 反馈：已安排专人每天九点开门');
  // Already handed over: no second 交办 button on that entry.
  expect(within(withUnit).queryByRole('button', { name: '交办责任单位' })).toBeNull();
});

it('sends 交办 and reloads the queue; a refusal is shown in the server’s words', async () => {
  let answer = json({ error: 'invalid_request', message: '该点位还没有责任单位' }, 400);
  const { calls } = renderWith(
    <CitizenQueuePage />,
    queueRoute([report({})], () => answer),
  );
  const entry = await screen.findByTestId('citizen-entry');
  fireEvent.click(within(entry).getByRole('button', { name: '交办责任单位' }));
  expect((await within(entry).findByRole('alert')).textContent).toContain('该点位还没有责任单位');
  expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([{ action: 'hand_over' }]);

  answer = json(handed);
  const loads = calls.filter((call) => call.url.startsWith('/api/citizen-reports?queue=')).length;
  fireEvent.click(within(entry).getByRole('button', { name: '交办责任单位' }));
  await waitFor(() =>
    expect(calls.filter((call) => call.url.startsWith('/api/citizen-reports?queue=')).length).toBe(loads + 1),
  );
  expect(within(entry).queryByRole('alert')).toBeNull();
});

it('sends 办结 with the reply typed, trimmed, and not while it is empty', async () => {
  const { calls } = renderWith(
    <CitizenQueuePage />,
    queueRoute([report({})], () => json(report({ status: 'closed' }))),
  );
  const entry = await screen.findByTestId('citizen-entry');
  fireEvent.click(within(entry).getByRole('button', { name: '办结' }));
  const confirm = within(entry).getByRole('button', { name: '确定' });
  expect((confirm as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(within(entry).getByRole('textbox'), { target: { value: '  已督促按时开放  ' } });
  fireEvent.click(confirm);
  await waitFor(() =>
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([
      { action: 'close', reply: '已督促按时开放' },
    ]),
  );
});

it('never draws a photo from an object URL revoked when the entry shows another report', async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const first = report({});
  const second = report({ id: '33333333-3333-4333-8333-333333333333' });
  const view = renderWith(<ReportPhotos report={first} />, async (url) => {
    if (url.startsWith(`/api/citizen-reports/${second.id}/`)) await held;
    return url.includes('/photos/') ? jpegResponse() : undefined;
  });
  const shown = await screen.findByTestId('citizen-photo');
  const firstUrl = shown.getAttribute('src');
  view.rerender(view.wrap(<ReportPhotos report={second} />));
  const revoked = revokeObjectURL.mock.calls.map(([url]) => url);
  expect(revoked).toContain(firstUrl);
  for (const img of screen.queryAllByTestId('citizen-photo')) expect(revoked).not.toContain(img.getAttribute('src'));
  await act(async () => release());
  const again = await screen.findByTestId('citizen-photo');
  expect(again.getAttribute('src')).not.toBe(firstUrl);
});

it('loads the page after a full one from its last report, and offers no more after a short one', async () => {
  const page = (from: number, count: number) =>
    Array.from({ length: count }, (_, n) =>
      report({
        id: `00000000-0000-4000-8000-${String(from + n).padStart(12, '0')}`,
        code: `R${String(from + n).padStart(7, '0')}`,
        photos: [],
        receivedPhotos: [],
        phone: null,
      }),
    );
  const first = page(0, 500);
  const { calls } = renderWith(<CitizenQueuePage />, (url) => {
    if (url === '/api/citizen-reports?queue=open') return json(first);
    if (url === `/api/citizen-reports?queue=open&after=${first.at(-1)!.id}`) return json(page(500, 3));
    if (url === '/api/citizen-reports/settings') return json({ closeDays: 10 });
    if (url === '/api/citizen-reports/reporters') return json([]);
    return undefined;
  });
  await waitFor(() => expect(screen.getAllByTestId('citizen-entry')).toHaveLength(500));
  fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
  await waitFor(() => expect(screen.getAllByTestId('citizen-entry')).toHaveLength(503));
  expect(screen.getAllByTestId('citizen-entry').at(-1)!.getAttribute('data-code')).toBe('R0000502');
  expect(screen.queryByRole('button', { name: '加载更多' })).toBeNull();
  expect(calls.filter((call) => call.url.includes('after=')).length).toBe(1);
}, 20_000); // Renders a full page of 500 reports: 2.3 s alone, past 5 s on a loaded 2-core machine.
