/**
 * Keeps the resident's waiting reports moving while the report page is open: a pass at once,
 * when the link comes back, when the page becomes visible again, and every 20 s while anything
 * waits; `sendNow()` wakes every report (立即发送, or right after 提交). One pass at a time.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { createCitizenApi } from '../../api/citizen-api';
import { wakeCitizenReports } from '../../db/citizen-reports';
import { useServices } from '../../services';
import { sendDueReports } from './citizen-sender';
import { solveInWorker } from './proof-worker-client';

const TICK_MS = 20_000;

export function useCitizenSender(trusted: boolean): { sendNow: () => void } {
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const running = useRef<Promise<unknown> | undefined>(undefined);
  const trustedRef = useRef(trusted);
  useEffect(() => {
    trustedRef.current = trusted;
  }, [trusted]);

  const pass = useCallback(() => {
    running.current ??= sendDueReports({
      db: services.db,
      api,
      solve: solveInWorker,
      now: services.now,
      trusted: () => trustedRef.current,
    })
      .catch((error: unknown) => console.error('sending reports failed', error))
      .finally(() => {
        running.current = undefined;
      });
  }, [services, api]);

  const sendNow = useCallback(() => {
    void wakeCitizenReports(services.db, services.now()).then(pass, pass);
  }, [services, pass]);

  useEffect(() => {
    pass();
    const onVisible = () => {
      if (document.visibilityState === 'visible') pass();
    };
    window.addEventListener('online', sendNow);
    document.addEventListener('visibilitychange', onVisible);
    const timer = window.setInterval(pass, TICK_MS);
    return () => {
      window.removeEventListener('online', sendNow);
      document.removeEventListener('visibilitychange', onVisible);
      window.clearInterval(timer);
    };
  }, [pass, sendNow]);

  return { sendNow };
}
