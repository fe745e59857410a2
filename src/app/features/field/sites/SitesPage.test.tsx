// @vitest-environment happy-dom
// A global IndexedDB as in the app: without one Dexie's live queries never answer.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CivicDatabase } from '../../../db/database';
import { markDone } from '../../../db/outbox';
import { saveReviewDecisions } from '../../../db/review-decisions';
import { saveBootstrap } from '../../../db/session';
import { bootstrapFixture, INSPECTOR, submitStation, T0 } from '../../../db/test-support';
import { initI18n, setLanguage } from '../../../i18n';
import { ServicesProvider, type AppServices } from '../../../services';
import { SitesPage } from './SitesPage';

/**
 * The inspector's three sites in 城关区: 城关街道实践所 (I1) and 西湖社区实践站 (S2) still to
 * inspect, 东风社区实践站 (S1) inspected by a colleague — in name order it would come before S2.
 */
async function sitesDatabase(): Promise<CivicDatabase> {
  const db = new CivicDatabase(`sites-page-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
  await saveBootstrap(db, {
    ...bootstrapFixture(),
    results: [
      {
        roundId: 'R1',
        siteId: 'S1',
        inspectionId: '7b0e2f8c-1d3a-4e5b-9c6d-7e8f9a0b1c2d',
        inspectorId: 'u-other',
        inspectorName: '王强',
        submittedAt: '2026-06-25T02:00:00.000Z',
        score: 96.5,
      },
    ],
  });
  return db;
}

function renderSites(db: CivicDatabase) {
  const services: AppServices = {
    db,
    api: {} as AppServices['api'],
    photos: { process: vi.fn(), dispose: vi.fn() },
    now: () => new Date(T0),
    setToken: vi.fn(),
  };
  return render(
    <ServicesProvider services={services}>
      <SitesPage user={INSPECTOR} />
    </ServicesProvider>,
  );
}

/** The names of the sites listed, top to bottom. */
const listed = () => [...document.querySelectorAll('.site-list__name')].map((name) => name.textContent);
const filterChoice = (name: RegExp) => screen.getByRole('radio', { name });

beforeAll(async () => {
  await initI18n();
});
beforeEach(() => sessionStorage.clear());
afterEach(() => cleanup());

describe('my sites', () => {
  it('shows the office’s 退回 with its comment at the site once pulled', async () => {
    const db = await sitesDatabase();
    renderSites(db);
    await screen.findByText('西湖社区实践站');
    expect(screen.queryByText(/已退回/)).toBeNull();
    await saveReviewDecisions(db, INSPECTOR.id, {
      decisions: [
        {
          seq: 5,
          inspectionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          revision: 1,
          roundId: 'R1',
          siteId: 'S2',
          decision: 'returned',
          comment: '宣传栏照片看不清',
          itemComments: [],
          reviewerName: '王主任',
          reviewedAt: '2026-07-01T03:00:00.000Z',
        },
      ],
      cursor: 5,
      more: false,
    });
    expect(await screen.findByText('已退回：宣传栏照片看不清')).toBeTruthy();
  });

  it('lists the sites still to inspect first, then the inspected ones', async () => {
    renderSites(await sitesDatabase());
    await screen.findByText('东风社区实践站');
    expect(listed()).toEqual(['城关街道实践所', '西湖社区实践站', '东风社区实践站']);
  });

  it('filters by state with a count on each choice, and keeps the choice for the session', async () => {
    const db = await sitesDatabase();
    const { unmount } = renderSites(db);
    await screen.findByText('东风社区实践站');
    expect(screen.getAllByRole('radio').map((choice) => choice.textContent)).toEqual([
      '全部 3',
      '未测评 2',
      '待同步 0',
      '已测评 1',
    ]);
    expect(filterChoice(/^全部/).getAttribute('aria-checked')).toBe('true');

    fireEvent.click(filterChoice(/^未测评/));
    expect(listed()).toEqual(['城关街道实践所', '西湖社区实践站']);
    fireEvent.click(filterChoice(/^待同步/));
    expect(listed()).toEqual([]);
    expect(screen.getByText('没有处于该状态的点位。')).toBeTruthy();
    fireEvent.click(filterChoice(/^已测评/));
    expect(listed()).toEqual(['东风社区实践站']);

    // Back from a site: the list opens with the same choice.
    unmount();
    renderSites(db);
    await screen.findByText('东风社区实践站');
    expect(filterChoice(/^已测评/).getAttribute('aria-checked')).toBe('true');
    expect(listed()).toEqual(['东风社区实践站']);
  });

  it('shows the score the server gave the inspector’s own synced site, as it does a colleague’s', async () => {
    const db = await sitesDatabase();
    // S2 inspected on this phone (full marks), submitted and synced:
    // the server answered the PUT with its score.
    const { entries } = await submitStation(db, 'S2', []);
    const inspection = entries.find((entry) => entry.kind === 'inspection')!;
    await markDone(
      db,
      [inspection.seq],
      new Date(T0 + 11 * 60_000),
      new Map([[inspection.seq, { score: 98.67, fullMarks: false }]]),
    );
    renderSites(db);
    const row = (await screen.findByText('西湖社区实践站')).closest('a')!;
    expect(row.querySelector('.badge')?.textContent).toBe('已同步');
    expect(row.querySelector('.site-list__result')?.textContent).toBe('本人于 2026‑07‑01 提交 · 98.67 分');
    // The colleague's site reads the same way.
    const colleague = screen.getByText('东风社区实践站').closest('a')!;
    expect(colleague.querySelector('.site-list__result')?.textContent).toBe('王强 于 2026‑06‑25 提交 · 96.5 分');
  });

  it('speaks English with English punctuation when chosen', async () => {
    await setLanguage('en');
    try {
      renderSites(await sitesDatabase());
      await screen.findByText('东风社区实践站');
      expect(screen.getAllByRole('radio').map((choice) => choice.textContent)).toEqual([
        'All 3',
        'To inspect 2',
        'To sync 0',
        'Inspected 1',
      ]);
      expect(document.body.textContent).not.toMatch(/[：，（）。、；]/);
    } finally {
      await setLanguage('zh-CN');
    }
  });
});
