/**
 * Keeps the unit's waiting answers and requests moving while the page is open: a pass at once,
 * when the link comes back, when the page becomes visible again, and every 20 s while anything
 * waits; `sendNow()` wakes every entry (立即发送, or right after 提交). One pass at a time;
 * `onSent` hears of a pass that delivered something (the page then reads the items again).
 */
import { useCallback, useEffect, useRef } from 'react';
import type { UnitWorkApi } from '../../../api/unit-work-api';
import { wakeUnitEntries } from '../../../db/unit-work';
import { useServices } from '../../../services';
import { sendDueUnitEntries } from './unit-sender';

const TICK_MS = 20_000;

export function useUnitSender(api: UnitWorkApi, scope: string | undefined, onSent: () => void) {
  const services = useServices();
  const running = useRef<Promise<unknown> | undefined>(undefined);
  const onSentRef = useRef(onSent);
  useEffect(() => {
    onSentRef.current = onSent;
  }, [onSent]);

  const pass = useCallback(() => {
    if (!scope) return;
    running.current ??= sendDueUnitEntries({ db: services.db, api, scope, now: services.now })
      .then((sent) => {
        if (sent > 0) onSentRef.current();
      })
      // The error's text only: a request's details could carry the link.
      .catch((error: unknown) => console.error('sending the unit’s answers failed', String(error)))
      .finally(() => {
        running.current = undefined;
      });
  }, [services, api, scope]);

  const sendNow = useCallback(() => {
    if (!scope) return;
    void wakeUnitEntries(services.db, scope, services.now()).then(pass, pass);
  }, [services, scope, pass]);

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
