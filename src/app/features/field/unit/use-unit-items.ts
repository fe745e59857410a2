/**
 * The unit's items: read from the server when it answers (and kept on the phone, db/unit-work.ts),
 * else the copy kept from the last visit. A site link the server no longer accepts (revoked, or
 * the site closed out: a 401) forgets its copy and says so; the before-photos are kept too
 * (unit-photo-download.ts); too many guesses from this address
 * (429) says to wait.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiRequestError, NetworkError } from '../../../api/api-client';
import type { UnitWorkApi } from '../../../api/unit-work-api';
import { useUnitWorkCopy } from '../../../db/unit-live';
import { forgetUnitWork, saveUnitWork } from '../../../db/unit-work';
import { useServices } from '../../../services';
import { downloadUnitPhotos } from './unit-photo-download';

/** How the last read went: `offline` keeps showing the kept copy. */
export type UnitLoad =
  | { status: 'loading' }
  | { status: 'fresh' }
  | { status: 'offline' }
  | { status: 'closed' }
  | { status: 'limited' }
  | { status: 'failed'; message: string };

export function useUnitItems(api: UnitWorkApi, scope: string | undefined, isLink: boolean) {
  const services = useServices();
  const copy = useUnitWorkCopy(services.db, scope);
  const [load, setLoad] = useState<UnitLoad>({ status: 'loading' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!scope) return;
    const controller = new AbortController();
    api.items({ signal: controller.signal }).then(
      (items) => {
        if (controller.signal.aborted) return;
        setLoad({ status: 'fresh' });
        void saveUnitWork(services.db, scope, items, services.now()).then(() =>
          downloadUnitPhotos(services.db, api, scope, items, services.now, controller.signal),
        );
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof NetworkError) setLoad({ status: 'offline' });
        else if (error instanceof ApiRequestError && error.status === 401 && isLink) {
          setLoad({ status: 'closed' });
          void forgetUnitWork(services.db, scope);
        } else if (error instanceof ApiRequestError && error.status === 429) setLoad({ status: 'limited' });
        else setLoad({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [api, services, scope, isLink, round]);

  const refresh = useCallback(() => setRound((n) => n + 1), []);
  return { items: copy?.items, fetchedAt: copy?.fetchedAt, copyRead: copy !== undefined, load, refresh };
}
