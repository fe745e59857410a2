// @vitest-environment happy-dom
/**
 * The resident's report form as a component over a real (fake-indexeddb) database and a fake
 * server: the poster's site named through the catalogue in either language, each check worded
 * before anything is kept, and a valid report frozen on the phone with its photo, trimmed.
 */
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createApiClient } from '../../api/api-client';
import { listCitizenReports } from '../../db/citizen-reports';
import { CivicDatabase } from '../../db/database';
import { initI18n, setLanguage } from '../../i18n';
import { ServicesProvider, type AppServices } from '../../services';
import { registerCitizenMessages } from './i18n';
import { ReportForm } from './ReportForm';

const SITE = { id: 'S1', name: '曙光街社区实践站', district: '新华区', type: 'station' };

async function renderForm() {
  const db = new CivicDatabase(`report-form-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url === '/api/public/sites/S1')
      return new Response(JSON.stringify(SITE), { status: 200, headers: { 'Content-Type': 'application/json' } });
    return new Response(JSON.stringify({ error: 'not_found', message: '找不到' }), {
      status: 404,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  const process = vi.fn(async () => ({
    sha256: 'a'.repeat(64),
    blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }),
    thumbnailSha256: 'b'.repeat(64),
    thumbnail: new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }),
  }));
  const services = {
    db,
    api: createApiClient({ fetch }),
    photos: { process, dispose: vi.fn() },
    now: () => new Date('2021-07-17T01:00:00.000Z'),
    setToken: vi.fn(),
  } as unknown as AppServices;
  const onQueued = vi.fn();
  render(
    <ServicesProvider services={services}>
      <ReportForm siteId="S1" onQueued={onQueued} />
    </ServicesProvider>,
  );
  return { db, onQueued, process };
}

beforeAll(async () => {
  await initI18n();
  registerCitizenMessages();
  URL.createObjectURL = vi.fn(() => 'blob:preview');
  URL.revokeObjectURL = vi.fn();
});
afterEach(async () => {
  cleanup();
  await setLanguage('zh-CN');
});

const submit = () => fireEvent.click(screen.getByRole('button', { name: '提交反馈' }));
const describe_ = (text: string) =>
  fireEvent.change(screen.getByRole('textbox', { name: /问题描述/ }), { target: { value: text } });

it('names the poster’s site through the catalogue, in Chinese and in English', async () => {
  await renderForm();
  await waitFor(() => expect(screen.getByTestId('citizen-site').textContent).toBe('曙光街社区实践站（新华区）'));
  cleanup();
  await setLanguage('en');
  await renderForm();
  await waitFor(() => expect(screen.getByTestId('citizen-site').textContent).toBe('曙光街社区实践站 (新华区)'));
});

it('words each problem and keeps nothing until the report is right', async () => {
  const { db, onQueued } = await renderForm();
  submit();
  expect((await screen.findByRole('alert')).textContent).toBe('请选择问题类型。');
  fireEvent.click(screen.getByRole('radio', { name: '卫生差' }));
  submit();
  expect((await screen.findByRole('alert')).textContent).toContain('请填写问题描述');
  describe_('详情见 www.example.com');
  submit();
  expect((await screen.findByRole('alert')).textContent).toBe('描述只能是文字，不能包含网址或网页代码。');
  describe_('垃圾桶满了没人清');
  fireEvent.change(screen.getByRole('textbox', { name: /手机/ }), { target: { value: '12345' } });
  submit();
  expect((await screen.findByRole('alert')).textContent).toContain('手机号格式不正确');
  expect(await listCitizenReports(db)).toEqual([]);
  expect(onQueued).not.toHaveBeenCalled();
});

it('freezes a valid report on the phone with its photo, trimmed', async () => {
  const { db, onQueued, process } = await renderForm();
  fireEvent.click(screen.getByRole('radio', { name: '卫生差' }));
  describe_('  垃圾桶满了没人清  ');
  const file = new File([new Uint8Array([1, 2, 3])], 'p.jpg', { type: 'image/jpeg' });
  fireEvent.change(screen.getByTestId('citizen-photo-input'), { target: { files: [file] } });
  await waitFor(() => expect(process).toHaveBeenCalledTimes(1));
  await waitFor(() => expect(screen.getByRole('button', { name: '提交反馈' }).hasAttribute('disabled')).toBe(false));
  submit();
  await waitFor(() => expect(onQueued).toHaveBeenCalledTimes(1));
  const [kept] = await listCitizenReports(db);
  expect(kept?.report).toMatchObject({
    siteId: 'S1',
    category: 'unclean',
    description: '垃圾桶满了没人清',
    photos: [{ sha256: 'a'.repeat(64), thumbnail: 'b'.repeat(64), capturedAt: '2021-07-17T01:00:00.000Z' }],
  });
  expect(kept?.report.phone).toBeUndefined();
  expect(kept?.siteName).toBe('曙光街社区实践站');
});
