// @vitest-environment happy-dom
/**
 * The review queue past one page: 加载更多 asks for the rows after those shown and appends
 * them, once however fast it is tapped, until the queue's total is shown.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReviewListPage, ReviewListRow } from '../../../../domain/review';
import type { Round } from '../../../../domain/wire';
import type { OfficeApi } from '../../../api/office-api';
import { initI18n } from '../../../i18n';
import { registerOfficeMessages } from '../i18n';
import { RoundContext, type RoundData } from '../rounds/round-context';
import { OfficeProvider } from '../shared/office-context';
import { REVIEW_PAGE, ReviewPage } from './ReviewPage';

const ROUND: Round = {
  id: 'R2021-07',
  name: '2021年7月模拟测评',
  rubricVersion: '2021',
  rectifyBelow: 90,
  rectifyDays: 15,
  startsOn: '2021-07-05',
  endsOn: '2021-07-18',
  createdAt: '2021-06-20T02:00:00.000Z',
  approvedOnly: true,
};
const TOTAL = REVIEW_PAGE + 50;

const row = (n: number): ReviewListRow => ({
  inspectionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  revision: 1,
  siteId: `S${n}`,
  siteName: `点位${n}`,
  district: '新华区',
  inspectorId: 'u1',
  inspectorName: '李明',
  submittedAt: '2021-07-10T02:00:00.000Z',
  receivedAt: '2021-07-10T02:05:00.000Z',
  score: 100,
  fullMarks: true,
  reviewState: 'pending',
  flags: [],
  latestReview: null,
});

function renderQueue(reviews: OfficeApi['reviews']) {
  const round = {
    round: ROUND,
    sites: [],
    siteById: new Map(),
    users: [],
    userName: () => '李明',
    feed: {
      inspections: [],
      fresh: new Set<string>(),
      version: 0,
      loaded: true,
      error: undefined,
      lastCheckedAt: undefined,
      refresh: () => undefined,
    },
    reloadRound: () => undefined,
    reloadScope: () => undefined,
  } as RoundData;
  const never = () => new Promise<never>(() => undefined);
  return render(
    <OfficeProvider
      value={{
        api: { reviews, inspection: never, rubric: never } as unknown as OfficeApi,
        user: { id: 'boss', username: 'supervisor', displayName: '王芳', role: 'supervisor' },
        now: () => new Date('2021-07-20T02:00:00Z'),
        photos: { url: async () => 'blob:x', dispose: () => undefined },
        prefetched: new Map(),
      }}
    >
      <RoundContext.Provider value={round}>
        <ReviewPage />
      </RoundContext.Provider>
    </OfficeProvider>,
  );
}

beforeAll(async () => {
  await initI18n();
  registerOfficeMessages();
});
afterEach(cleanup);

describe('审核: a queue longer than a page', () => {
  it('加载更多 appends the next rows once, then is gone when all are shown', async () => {
    const later: (() => void)[] = [];
    const reviews = vi.fn(async (_roundId: string, query: { offset?: number; limit?: number }) => {
      const offset = query.offset ?? 0;
      const page: ReviewListPage = {
        total: TOTAL,
        rows: Array.from({ length: Math.min(query.limit ?? 50, TOTAL - offset) }, (_, i) => row(offset + i)),
      };
      // Pages after the first wait for the test, so a second tap can land while one loads.
      if (offset > 0) await new Promise<void>((resolve) => later.push(resolve));
      return page;
    });
    renderQueue(reviews);
    const table = await screen.findByTestId('review-list');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(REVIEW_PAGE);
    const more = screen.getByRole('button', { name: `加载更多（已显示 ${REVIEW_PAGE} 条，共 ${TOTAL} 条）` });
    fireEvent.click(more);
    fireEvent.click(more);
    expect(reviews).toHaveBeenCalledTimes(2);
    expect(reviews).toHaveBeenLastCalledWith(ROUND.id, { state: 'pending', offset: REVIEW_PAGE, limit: REVIEW_PAGE });
    await act(async () => later.shift()!());
    await waitFor(() => expect(table.querySelectorAll('tbody tr')).toHaveLength(TOTAL));
    const names = [...table.querySelectorAll('tbody tr td:first-child')].map((cell) => cell.textContent);
    expect(new Set(names).size).toBe(TOTAL);
    expect(screen.queryByRole('button', { name: /加载更多/ })).toBeNull();
  });
});
