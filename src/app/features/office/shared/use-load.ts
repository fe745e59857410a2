/**
 * Loading data for a page: `useLoad(key, load)` runs `load` whenever `key` changes (null: do
 * nothing), aborts the previous request, keeps the last data while reloading the same key, and
 * gives `reload()` for after a change. With `keepData`, the last data stays while a new key
 * loads (a report refetched as inspections arrive does not blink). State is only set from the
 * request's callbacks.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

interface State<T> {
  key: string | null;
  nonce: number;
  data?: T;
  error?: Error;
}

export function useLoad<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: { keepData?: boolean } = {},
): Loaded<T> {
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<State<T>>({ key: null, nonce: -1 });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const keepData = options.keepData ?? false;
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, nonce, data });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          key,
          nonce,
          ...((previous.key === key || keepData) && { data: previous.data }),
          error: error instanceof Error ? error : new Error(String(error)),
        }));
      },
    );
    return () => controller.abort();
  }, [key, nonce, keepData]);

  const reload = useCallback(() => setNonce((value) => value + 1), []);
  const sameKey = state.key === key;
  return {
    data: sameKey || options.keepData ? state.data : undefined,
    error: sameKey && state.nonce === nonce ? state.error : undefined,
    loading: key !== null && (!sameKey || state.nonce !== nonce),
    reload,
  };
}
