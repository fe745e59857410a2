/**
 * The round's inspections as they arrive: the whole list once, then every `intervalMs` (10 s)
 * while the page is visible only what arrived since the newest one seen
 * (`GET /api/rounds/{id}/inspections?since=`), at once when the tab becomes visible again.
 * Rows are deduplicated by id and revision (the `since` bound is inclusive). `version` grows
 * with every change, so reports can refetch; `fresh` holds the rows that arrived after the
 * first load, to highlight them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { InspectionSummary, OfficeApi } from '../../../api/office-api';

export const FEED_INTERVAL_MS = 10_000;

export interface InspectionFeed {
  inspections: InspectionSummary[];
  fresh: ReadonlySet<string>;
  version: number;
  loaded: boolean;
  error: Error | undefined;
  lastCheckedAt: Date | undefined;
  refresh: () => void;
}

export const rowKey = (row: Pick<InspectionSummary, 'id' | 'revision'>) => `${row.id}#${row.revision}`;

interface FeedState {
  roundId: string;
  inspections: InspectionSummary[];
  fresh: ReadonlySet<string>;
  version: number;
  error?: Error;
  lastCheckedAt?: Date;
}

export function useInspectionFeed(
  api: OfficeApi,
  roundId: string,
  { intervalMs = FEED_INTERVAL_MS, now = () => new Date() } = {},
): InspectionFeed {
  const [state, setState] = useState<FeedState | undefined>();
  const pollNow = useRef<() => void>(() => undefined);
  const nowRef = useRef(now);
  useEffect(() => {
    nowRef.current = now;
  });

  useEffect(() => {
    const rows = new Map<string, InspectionSummary>();
    const fresh = new Set<string>();
    let cursor: string | undefined;
    let first = true;
    let version = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running: AbortController | undefined;
    let stopped = false;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    const poll = async () => {
      if (stopped || running) return;
      if (!first && document.visibilityState !== 'visible') return schedule();
      running = new AbortController();
      try {
        const arrived = await api.inspections(roundId, first ? undefined : cursor, running.signal);
        let changed = first;
        for (const row of arrived) {
          const key = rowKey(row);
          if (rows.has(key)) continue;
          rows.set(key, row);
          if (!first) fresh.add(key);
          changed = true;
          if (!cursor || row.receivedAt > cursor) cursor = row.receivedAt;
        }
        first = false;
        if (changed) version += 1;
        const inspections = changed ? [...rows.values()] : undefined;
        setState((previous) => ({
          roundId,
          inspections: inspections ?? previous?.inspections ?? [],
          fresh: new Set(fresh),
          version,
          lastCheckedAt: nowRef.current(),
        }));
      } catch (error) {
        if (stopped) return;
        setState((previous) => ({
          roundId,
          inspections: previous?.roundId === roundId ? previous.inspections : [],
          fresh: previous?.roundId === roundId ? previous.fresh : new Set(),
          version,
          error: error instanceof Error ? error : new Error(String(error)),
          ...(previous?.lastCheckedAt && { lastCheckedAt: previous.lastCheckedAt }),
        }));
      } finally {
        running = undefined;
        schedule();
      }
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') void poll();
    };
    pollNow.current = () => void poll();
    document.addEventListener('visibilitychange', onVisible);
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      running?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [api, roundId, intervalMs]);

  const refresh = useCallback(() => pollNow.current(), []);
  const current = state?.roundId === roundId ? state : undefined;
  return {
    inspections: current?.inspections ?? [],
    fresh: current?.fresh ?? new Set(),
    version: current?.version ?? 0,
    loaded: current !== undefined && current.version > 0,
    error: current?.error,
    lastCheckedAt: current?.lastCheckedAt,
    refresh,
  };
}
