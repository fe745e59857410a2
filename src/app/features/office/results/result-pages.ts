/**
 * The results list of a province's round (100,000 rows) a page at a time: only the pages the
 * table shows (and what it overscans) are fetched from `GET /api/rounds/{id}/result-list`, and
 * only a bounded number of pages is kept. One instance per query (filters and sort): a new
 * query starts from nothing, while `refresh()` (new inspections arrived) refetches the pages in
 * view and keeps showing the old rows until the new ones are there, so the list does not blink;
 * likewise a new query shows the previous query's rows (`before`) until its first answer.
 */
import type { ResultListPage, ResultListRow } from '../../../../domain/result-list';

export const RESULT_PAGE_SIZE = 200;
/** Pages kept at most (10,000 rows): the farthest from the view go first. */
export const RESULT_PAGES_KEPT = 50;

export type LoadPage = (offset: number, limit: number, signal: AbortSignal) => Promise<ResultListPage>;

export interface ResultPages {
  /** Rows matching the query, once the first answer arrived (until then, those of `before`). */
  readonly total: number | undefined;
  /** True until this query's first answer: what shows is still the previous query's. */
  readonly stale: boolean;
  readonly error: Error | undefined;
  rowAt: (index: number) => ResultListRow | undefined;
  /** The table shows rows `start`…`end` (inclusive): fetch the pages it lacks. */
  request: (start: number, end: number) => void;
  /** Refetches the pages in view (the round got new results); old rows show meanwhile. */
  refresh: () => void;
  /** Stops every request in flight (the query changed, the page closed). */
  abort: () => void;
  subscribe: (listener: () => void) => () => void;
  /** Changes whenever anything above does (for useSyncExternalStore). */
  version: () => number;
}

interface Held {
  rows: ResultListRow[];
  generation: number;
}

export function createResultPages(
  load: LoadPage,
  { pageSize = RESULT_PAGE_SIZE, before }: { pageSize?: number; before?: ResultPages } = {},
): ResultPages {
  let previous = before?.stale ? undefined : before;
  const pages = new Map<number, Held>();
  const pending = new Map<number, AbortController>();
  const listeners = new Set<() => void>();
  let generation = 0;
  let version = 0;
  let total: number | undefined;
  let error: Error | undefined;
  let view = { first: 0, last: 0 };

  const changed = () => {
    version++;
    for (const listener of listeners) listener();
  };

  const fetchPage = (page: number) => {
    const controller = new AbortController();
    const asked = generation;
    pending.set(page, controller);
    load(page * pageSize, pageSize, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        pending.delete(page);
        pages.set(page, { rows: answer.rows, generation: asked });
        total = answer.total;
        error = undefined;
        previous = undefined;
        forgetFarPages();
        changed();
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        pending.delete(page);
        error = failure instanceof Error ? failure : new Error(String(failure));
        changed();
      },
    );
  };

  /** Keeps memory bounded while someone scrolls through 100,000 rows. */
  const forgetFarPages = () => {
    if (pages.size <= RESULT_PAGES_KEPT) return;
    const distance = (page: number) => Math.max(view.first - page, page - view.last, 0);
    const far = [...pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const page of far.slice(0, pages.size - RESULT_PAGES_KEPT)) pages.delete(page);
  };

  const request = (start: number, end: number) => {
    view = { first: Math.floor(start / pageSize), last: Math.floor(Math.max(start, end) / pageSize) };
    for (let page = view.first; page <= view.last; page++) {
      if (total !== undefined && page * pageSize >= total && page > 0) break;
      if (pending.has(page) || pages.get(page)?.generation === generation) continue;
      fetchPage(page);
    }
  };

  const abort = () => {
    for (const controller of pending.values()) controller.abort();
    pending.clear();
  };

  return {
    get total() {
      return total ?? previous?.total;
    },
    get stale() {
      return total === undefined;
    },
    get error() {
      return error;
    },
    rowAt: (index) =>
      total === undefined ? previous?.rowAt(index) : pages.get(Math.floor(index / pageSize))?.rows[index % pageSize],
    request,
    refresh: () => {
      generation++;
      abort();
      request(view.first * pageSize, view.last * pageSize + pageSize - 1);
    },
    abort,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    version: () => version,
  };
}
