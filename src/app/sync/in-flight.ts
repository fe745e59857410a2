/**
 * One request under way: its answer (only the first settlement counts: an answer arriving after
 * the engine gave up on it is dropped), the run's cancellation and a deadline beyond the
 * transport's own timeouts (a fetch that never settles, seen on mobile Safari after
 * backgrounding, must not hold the queue forever).
 */
import { NetworkError } from '../api/api-client';
import { RunAborted } from './failure-outcome';
import type { TransportResult } from './sync-store';
import type { Timers } from './timers';

export type Answer = { result: TransportResult } | { error: unknown };

export interface InFlight {
  answer: Promise<Answer>;
  /** Clock time when it was sent. */
  startedAt: number;
  /** Aborts the request; its answer becomes `RunAborted` and its entry is left untouched. */
  cancel(): void;
}

export interface RequestLimits {
  /** The run's cancellation. */
  signal?: AbortSignal | undefined;
  deadlineMs: number;
  timers: Timers;
  now: () => number;
}

export function startRequest(send: (signal: AbortSignal) => Promise<TransportResult>, limits: RequestLimits): InFlight {
  const { signal, timers } = limits;
  const controller = new AbortController();
  const startedAt = limits.now();
  let settle!: (value: Answer) => void;
  const answer = new Promise<Answer>((resolve) => {
    let settled = false;
    settle = (value) => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      resolve(value);
    };
  });
  const cancel = () => {
    controller.abort();
    settle({ error: new RunAborted('sync cancelled') });
  };
  const timer = timers.setTimeout(() => {
    controller.abort();
    settle({ error: new NetworkError('request timed out', true) });
  }, limits.deadlineMs);
  if (signal?.aborted) {
    cancel();
    return { answer, startedAt, cancel };
  }
  signal?.addEventListener('abort', cancel);
  try {
    send(controller.signal).then(
      (result) => settle({ result }),
      (error: unknown) => settle({ error }),
    );
  } catch (error) {
    settle({ error });
  }
  return { answer, startedAt, cancel };
}
