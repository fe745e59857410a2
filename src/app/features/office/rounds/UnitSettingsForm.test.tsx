// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Round, UnitSettings } from '../../../../domain/wire';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { UnitSettingsForm } from './UnitSettingsForm';

const ROUND: Round & Partial<UnitSettings> = {
  id: 'R1',
  name: '2021年7月模拟测评',
  rubricVersion: '2021',
  rectifyBelow: 90,
  rectifyDays: 15,
  startsOn: '2021-07-01',
  endsOn: '2021-07-31',
  createdAt: '2021-06-20T02:00:00.000Z',
};

/** The form saving through the office API to a faked server, which answers as the route does. */
function renderForm(round = ROUND, status = 200) {
  const sent: unknown[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    expect(url).toBe('/api/rounds/R1/unit-settings');
    expect(init?.method).toBe('PATCH');
    const body = JSON.parse(init?.body as string) as Partial<UnitSettings>;
    sent.push(body);
    const answer = status === 200 ? { ...round, ...body } : { error: 'invalid_request', message: '轮次已归档' };
    return new Response(JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } });
  });
  const api = createOfficeApi(createApiClient({ fetch, getToken: () => 'token' }));
  render(
    <UnitSettingsForm
      round={round}
      onSave={async (settings) => {
        await api.unitSettings(round.id, settings);
      }}
    />,
  );
  return { sent };
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

const dueFrom = () => screen.getByLabelText<HTMLSelectElement>('整改期限起算');
const days = () => screen.getByLabelText<HTMLInputElement>(/^申诉期限（天）/);
const save = () => fireEvent.click(screen.getByRole('button', { name: '保存设置' }));

describe('the round’s unit settings', () => {
  it('shows the defaults of a round made before the units’ loop, and sends only what changed', async () => {
    const { sent } = renderForm();
    expect(dueFrom().value).toBe('inspection');
    expect([...dueFrom().options].map((option) => option.textContent)).toEqual(['自检查之日', '自交办之日']);
    expect(days().value).toBe('3');
    fireEvent.change(dueFrom(), { target: { value: 'dispatch' } });
    save();
    await screen.findByText('已保存。');
    expect(sent).toEqual([{ dueFrom: 'dispatch' }]);
  });

  it('saves the days to object as a number', async () => {
    const { sent } = renderForm({ ...ROUND, dueFrom: 'dispatch', objectionDays: 5 });
    expect(dueFrom().value).toBe('dispatch');
    expect(days().value).toBe('5');
    fireEvent.change(days(), { target: { value: '0' } });
    save();
    await screen.findByText('已保存。');
    expect(sent).toEqual([{ objectionDays: 0 }]);
  });

  it.each(['', '61', '2.5', '-1', '三'])('refuses %j days in Chinese and sends nothing', (entry) => {
    const { sent } = renderForm();
    fireEvent.change(days(), { target: { value: entry } });
    save();
    expect(screen.getByText('请填写 0 到 60 之间的整数（天）。')).toBeTruthy();
    expect(days().getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]);
  });

  it('says why the server refused', async () => {
    renderForm(ROUND, 400);
    fireEvent.change(days(), { target: { value: '7' } });
    save();
    expect((await screen.findByRole('alert')).textContent).toBe('保存失败：轮次已归档');
  });
});
