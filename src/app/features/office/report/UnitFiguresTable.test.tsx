// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loopFigures } from '../../../../domain/unit-figures';
import type { Round } from '../../../../domain/wire';
import { createApiClient } from '../../../api/api-client';
import { createOfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import type { PhotoCache } from '../shared/photo-cache';
import { percentText, UnitFiguresTable } from './UnitFiguresTable';

const ROUND = { id: 'R1', name: '2021年7月模拟测评', rubricVersion: '2021' } as Round;
const zero = loopFigures([]);

function renderTable(body: unknown) {
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : input.toString();
    return url === '/api/rounds/R1/unit-figures'
      ? new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
      : new Response('{}', { status: 404 });
  });
  const api = createOfficeApi(createApiClient({ fetch, getToken: () => 'token' }));
  render(
    <OfficeProvider
      value={{
        api,
        user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' },
        now: () => new Date('2021-08-05T02:00:00Z'),
        photos: {} as PhotoCache,
        prefetched: new Map(),
      }}
    >
      <RoundContext.Provider value={{ round: ROUND } as RoundData}>
        <UnitFiguresTable />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

describe('the units’ figures on the report', () => {
  it('shows each district, each unit and the totals with their rates', async () => {
    const xinhua = {
      ...zero,
      dispatched: 4,
      onTimeRate: 0.5,
      sentBackRate: 0.25,
      extensionRate: 0,
      objectionRate: 0.25,
      upheldRate: 1,
    };
    const weidong = {
      ...zero,
      dispatched: 2,
      onTimeRate: 1,
      sentBackRate: 0,
      extensionRate: 0.5,
      objectionRate: 0,
      upheldRate: null,
    };
    const totals = {
      ...zero,
      dispatched: 6,
      onTimeRate: 2 / 3,
      sentBackRate: 1 / 6,
      extensionRate: 1 / 6,
      objectionRate: 1 / 6,
      upheldRate: 1,
    };
    renderTable({
      roundId: 'R1',
      totals,
      byDistrict: [
        { district: '新华区', ...xinhua },
        { district: '卫东区', ...weidong },
      ],
      byUnit: [{ userId: 'u9', displayName: '曙光街站长', ...xinhua }],
    });
    const table = await screen.findByTestId('unit-figures');
    const cells = (name: string) =>
      [
        ...within(table)
          .getByRole('row', { name: new RegExp(name) })
          .querySelectorAll('td'),
      ].map((td) => td.textContent);
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['区县 / 责任单位', '交办数', '按期整改率', '返工率', '延期率', '申诉率', '申诉改判率']);
    expect(cells('新华区（区）')).toEqual(['4', '50%', '25%', '0%', '25%', '100%']);
    expect(cells('卫东区（区）')).toEqual(['2', '100%', '0%', '50%', '0%', '—']);
    expect(cells('曙光街站长')).toEqual(['4', '50%', '25%', '0%', '25%', '100%']);
    expect(cells('合计')).toEqual(['6', '66.7%', '16.7%', '16.7%', '16.7%', '100%']);
  });

  it('says so when nothing is dispatched yet', async () => {
    renderTable({ roundId: 'R1', totals: zero, byDistrict: [], byUnit: [] });
    expect(await screen.findByText('本轮尚未交办整改。')).toBeTruthy();
  });

  it('reads rates as percent with one decimal, a dash for none', () => {
    expect([percentText(null), percentText(0), percentText(1 / 3), percentText(1)]).toEqual([
      '—',
      '0%',
      '33.3%',
      '100%',
    ]);
  });
});
