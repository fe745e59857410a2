// @vitest-environment happy-dom
/**
 * The assignment picker names each field user with the language's own punctuation: Chinese
 * brackets and comma in Chinese, ASCII ones in English (the display name is the user's own text
 * and stays as typed).
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Round, Site } from '../../../../domain/wire';
import type { OfficeApi, UserView } from '../../../api/office-api';
import { initI18n, setLanguage } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { OfficeProvider, type OfficeContextValue } from '../shared/office-context';
import type { PhotoCache } from '../shared/photo-cache';
import { RoundContext, type RoundData } from './round-context';
import { RoundSetupPage } from './RoundSetupPage';

const ROUND: Round = {
  id: 'R2021-07',
  name: '2021年7月模拟测评',
  rubricVersion: '2021',
  rectifyBelow: 90,
  rectifyDays: 15,
  startsOn: '2021-07-01',
  endsOn: '2021-07-31',
  createdAt: '2021-06-20T02:00:00.000Z',
};
const SITE: Site = { id: 'XH-S-001', name: '曙光街社区新时代文明实践站', type: 'station', district: '新华区' };
const USERS: UserView[] = [
  { id: 'u1', username: 'inspector1', displayName: '李明', role: 'inspector', disabled: false },
  { id: 'u2', username: 'rechecker1', displayName: '赵磊', role: 'rechecker', disabled: false },
];

function renderSetup() {
  const api = {
    sites: () => Promise.resolve([SITE]),
    assignments: () => Promise.resolve([]),
  } as unknown as OfficeApi;
  const office: OfficeContextValue = {
    api,
    user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' },
    now: () => new Date('2021-07-10T02:00:00Z'),
    photos: {} as PhotoCache,
    prefetched: new Map(),
  };
  const round: RoundData = {
    round: ROUND,
    sites: [SITE],
    siteById: new Map([[SITE.id, SITE]]),
    users: USERS,
    userName: (id) => USERS.find((user) => user.id === id)?.displayName ?? id,
    feed: {
      inspections: [],
      fresh: new Set(),
      version: 0,
      loaded: true,
      error: undefined,
      lastCheckedAt: undefined,
      refresh: () => undefined,
    },
    reloadRound: () => undefined,
    reloadScope: () => undefined,
  };
  return render(
    <OfficeProvider value={office}>
      <RoundContext.Provider value={round}>
        <RoundSetupPage />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
}

/** The picker's options, past its "choose" entry (the page has other selects: the unit settings). */
async function userOptions(): Promise<string[]> {
  const picker = await screen.findByRole('combobox', { name: /测评员或复查员|Inspector or rechecker/ });
  return [...picker.querySelectorAll('option')].slice(1).map((option) => option.textContent ?? '');
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(async () => {
  cleanup();
  await setLanguage('zh-CN');
});

describe('the assignment picker', () => {
  it('names users with Chinese punctuation in Chinese', async () => {
    renderSetup();
    expect(await userOptions()).toEqual(['李明（inspector1，测评员）', '赵磊（rechecker1，复查员）']);
  });

  it('names users with English punctuation in English', async () => {
    await setLanguage('en');
    renderSetup();
    expect(await userOptions()).toEqual(['李明 (inspector1, Inspector)', '赵磊 (rechecker1, Rechecker)']);
  });
});
