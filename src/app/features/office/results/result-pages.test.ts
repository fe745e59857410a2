import { describe, expect, it } from 'vitest';
import type { ResultListPage, ResultListRow } from '../../../../domain/result-list';
import { createResultPages, RESULT_PAGES_KEPT, type LoadPage } from './result-pages';

const TOTAL = 100_000;
const row = (index: number, label = 'v1'): ResultListRow => ({
  inspectionId: `i${index}`,
  revision: 1,
  siteId: `S${index}`,
  siteName: `${label} ${index}`,
  district: '新华区',
  type: 'station',
  inspectorId: 'u1',
  inspectorName: '李测评',
  submittedAt: '2021-07-05T02:00:00.000Z',
  receivedAt: '2021-07-05T02:00:01.000Z',
  score: 100,
  fullMarks: true,
  mustRectify: false,
  flags: [],
  timeOnSiteS: null,
});

/** A server of TOTAL rows whose answers the test releases by hand. */
function server(label = () => 'v1') {
  const calls: { offset: number; limit: number; signal: AbortSignal; answer: () => void; fail: () => void }[] = [];
  const load: LoadPage = (offset, limit, signal) =>
    new Promise<ResultListPage>((resolve, reject) => {
      const rows = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) =>
        row(offset + i, label()),
      );
      calls.push({
        offset,
        limit,
        signal,
        answer: () => resolve({ total: TOTAL, offset, rows }),
        fail: () => reject(new Error('503')),
      });
    });
  return { load, calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the results list a page at a time', () => {
  it('asks only for the pages in view, once each, and knows the total from the first answer', async () => {
    const { load, calls } = server();
    const pages = createResultPages(load, { pageSize: 200 });
    pages.request(0, 30);
    pages.request(0, 30);
    expect(calls.map((call) => call.offset)).toEqual([0]);
    expect(pages.total).toBeUndefined();
    expect(pages.rowAt(0)).toBeUndefined();
    calls[0]!.answer();
    await settle();
    expect(pages.total).toBe(TOTAL);
    expect(pages.rowAt(5)?.siteId).toBe('S5');
    // Scrolled far down, across a page boundary: the two pages there, nothing in between.
    pages.request(50_190, 50_230);
    expect(calls.slice(1).map((call) => [call.offset, call.limit])).toEqual([
      [50_000, 200],
      [50_200, 200],
    ]);
    expect(pages.rowAt(50_195)).toBeUndefined();
    for (const call of calls.slice(1)) call.answer();
    await settle();
    expect(pages.rowAt(50_195)?.siteId).toBe('S50195');
    expect(pages.rowAt(50_230)?.siteId).toBe('S50230');
  });

  it('never asks beyond the last row', async () => {
    const { load, calls } = server();
    const pages = createResultPages(load, { pageSize: 200 });
    pages.request(0, 0);
    calls[0]!.answer();
    await settle();
    pages.request(99_990, 100_100);
    expect(calls.slice(1).map((call) => call.offset)).toEqual([99_800]);
  });

  it('on refresh fetches the pages in view again and shows the old rows until the new ones arrive', async () => {
    let label = 'v1';
    const { load, calls } = server(() => label);
    const pages = createResultPages(load, { pageSize: 200 });
    pages.request(0, 30);
    calls[0]!.answer();
    await settle();
    label = 'v2';
    let heard = 0;
    pages.subscribe(() => heard++);
    pages.refresh();
    expect(calls.map((call) => call.offset)).toEqual([0, 0]);
    expect(pages.rowAt(1)?.siteName).toBe('v1 1');
    calls[1]!.answer();
    await settle();
    expect(pages.rowAt(1)?.siteName).toBe('v2 1');
    expect(heard).toBe(1);
  });

  it('drops an answer that was overtaken (aborted) and keeps an error until a page arrives', async () => {
    const { load, calls } = server();
    const pages = createResultPages(load, { pageSize: 200 });
    pages.request(0, 0);
    pages.abort();
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[0]!.answer();
    await settle();
    expect(pages.total).toBeUndefined();
    pages.request(0, 0);
    calls[1]!.fail();
    await settle();
    expect(pages.error?.message).toBe('503');
    pages.refresh();
    calls[2]!.answer();
    await settle();
    expect(pages.error).toBeUndefined();
    expect(pages.total).toBe(TOTAL);
  });

  it('keeps a bounded number of pages however far the list is scrolled', async () => {
    const { load, calls } = server();
    const pages = createResultPages(load, { pageSize: 200 });
    for (let start = 0; start < TOTAL; start += 200) {
      pages.request(start, start + 39);
      calls.at(-1)!.answer();
      await settle();
    }
    expect(calls).toHaveLength(TOTAL / 200);
    const held = Array.from({ length: TOTAL / 200 }, (_, page) => pages.rowAt(page * 200) !== undefined).filter(
      Boolean,
    ).length;
    expect(held).toBe(RESULT_PAGES_KEPT);
    // The ones kept are those around the view.
    expect(pages.rowAt(TOTAL - 1)?.siteId).toBe(`S${TOTAL - 1}`);
    expect(pages.rowAt(0)).toBeUndefined();
  });

  it('shows the previous query’s rows until the new query’s first answer, then only its own', async () => {
    const first = server(() => 'old');
    const old = createResultPages(first.load, { pageSize: 200 });
    old.request(0, 10);
    first.calls[0]!.answer();
    await settle();
    const second = server(() => 'new');
    const next = createResultPages(second.load, { pageSize: 200, before: old });
    expect(next.stale).toBe(true);
    expect(next.total).toBe(TOTAL);
    expect(next.rowAt(3)?.siteName).toBe('old 3');
    next.request(0, 10);
    second.calls[0]!.answer();
    await settle();
    expect(next.stale).toBe(false);
    expect(next.rowAt(3)?.siteName).toBe('new 3');
    expect(next.rowAt(500)).toBeUndefined();
  });
});
