import { describe, expect, it } from 'vitest';
import type { CitizenReportStatusView } from '../../../domain/citizen-reports';
import { refreshStatuses } from './refresh-statuses';

const status = (id: string): CitizenReportStatusView => ({
  id,
  code: `R${id}`,
  status: 'closed',
  siteName: '曙光街社区实践站',
  category: 'unclean',
  receivedAt: '2021-07-17T01:00:00.000Z',
  reply: '已清理',
  closedAt: '2021-07-18T01:00:00.000Z',
  rating: null,
});

describe('refreshStatuses', () => {
  it('keeps the others when one local write fails, and says so', async () => {
    const kept: string[] = [];
    const outcome = await refreshStatuses(['a', 'b', 'c'], {
      read: (id) => Promise.resolve(status(id)),
      keep: (id) => (id === 'b' ? Promise.reject(new Error('QuotaExceededError')) : (kept.push(id), Promise.resolve())),
      cancelled: () => false,
    });
    expect(kept).toEqual(['a', 'c']);
    expect(outcome).toEqual({ keepFailed: true });
  });

  it('skips a report the server could not be asked about, and stops once cancelled', async () => {
    const kept: string[] = [];
    let cancelled = false;
    const outcome = await refreshStatuses(['a', 'b', 'c'], {
      read: (id) => {
        if (id === 'b') cancelled = true;
        return id === 'a' ? Promise.reject(new Error('offline')) : Promise.resolve(status(id));
      },
      keep: (id) => (kept.push(id), Promise.resolve()),
      cancelled: () => cancelled,
    });
    expect(kept).toEqual([]);
    expect(outcome).toEqual({ keepFailed: false });
  });
});
