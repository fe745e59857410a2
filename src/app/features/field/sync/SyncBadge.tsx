/**
 * The header's sync badge and the sync state hook: in the first load (the header shows on every
 * screen), unlike the sync page, which is a lazy route chunk.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import { useOutboxSummary } from '../../../db/live';
import { useOnline } from '../../../platform/online';
import { useServices } from '../../../services';
import type { EngineState } from '../../../sync/engine-types';
import type { SyncService } from '../../../sync/sync-service';

const IDLE: EngineState = { status: 'idle', failureStreak: 0 };
const noSubscription = () => () => undefined;

/** The sync engine's state for React (idle when the app runs without sync, as in tests). */
export function useSyncState(sync: SyncService | undefined): EngineState {
  return useSyncExternalStore(sync?.subscribe ?? noSubscription, sync?.getSnapshot ?? (() => IDLE));
}

/** The header's badge: whether the phone is offline and how many submissions wait; links to the sync page. */
export function SyncBadge() {
  const { t } = useTranslation();
  const { db, sync } = useServices();
  const outbox = useOutboxSummary(db);
  const state = useSyncState(sync);
  const online = useOnline();
  const waiting = outbox?.summary.groups.filter((group) => group.state !== 'done').length ?? 0;
  const text = (): string => {
    if (state.status === 'running') return t('sync.running');
    // Offline, "all synced" would read as if nothing could be lost: say that nothing can go now.
    if (!online) return waiting > 0 ? t('sync.badgeOffline', { count: waiting }) : t('sync.badgeOfflineNone');
    return waiting > 0 ? t('sync.badge', { count: waiting }) : t('sync.badgeNone');
  };
  return (
    <Link href="/sync" className="sync-badge" data-testid="sync-badge" aria-live="polite">
      {text()}
    </Link>
  );
}
