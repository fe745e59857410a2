import { useEffect, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { useMeta, useOutboxSummary } from '../../../db/live';
import type { OutboxError } from '../../../db/types';
import { setMeta } from '../../../db/meta';
import { DEFAULT_PHOTO_KEEP_DAYS, PHOTO_KEEP_DAY_CHOICES } from '../../../platform/retention';
import { formatBytes, storageUsage, type StorageUsage } from '../../../platform/storage';
import { useServices } from '../../../services';
import { Field } from '../../../ui/Field';
import { syncErrorText } from './sync-error-text';
import { useSyncState } from './SyncBadge';

const shanghaiTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' });

/** What waits to be uploaded, how far each upload got, what went wrong and what to do about it. */
export function SyncPage() {
  const { t, i18n } = useTranslation();
  const { db, sync } = useServices();
  const outbox = useOutboxSummary(db, true);
  const state = useSyncState(sync);
  const [usage, setUsage] = useState<StorageUsage>();
  const keepDays = useMeta(db, 'photoKeepDays');
  useEffect(() => {
    void storageUsage().then(setUsage);
  }, [outbox]);
  if (!outbox) return <p role="status">{t('common.loading')}</p>;
  const { summary, lastSyncAt } = outbox;
  const open = summary.groups.filter((group) => group.state !== 'done');
  const stopped = state.lastRun?.stopped;
  const running = state.status === 'running';
  const errorText = (error: OutboxError): string => syncErrorText(t, error, i18n.language.startsWith('en'));

  return (
    <section>
      <h1>{t('sync.title')}</h1>
      <p className="muted">
        {lastSyncAt ? t('sync.lastSync', { time: shanghaiTime(lastSyncAt) }) : t('sync.neverSynced')}
      </p>
      {state.status === 'needs_sign_in' && <p className="notice notice--error">{t('sync.needsSignIn')}</p>}
      {stopped && stopped !== 'needs_sign_in' && summary.pending > 0 && (
        <p className="notice">{t(`sync.stopped.${stopped}`)}</p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="button button--primary"
          disabled={running || !sync}
          onClick={() => void sync?.syncNow()}
        >
          {running ? t('sync.running') : t('sync.now')}
        </button>
        {summary.bytesPending > 0 && (
          <span className="muted">{t('sync.pendingBytes', { size: formatBytes(summary.bytesPending) })}</span>
        )}
      </div>
      {open.length === 0 && <p className="notice notice--ok">{t('sync.empty')}</p>}
      <ul className="site-list">
        {open.map((group) => {
          const current = state.current?.progress.groupId === group.groupId ? state.current.progress : undefined;
          const bytesDone = current?.bytesDone ?? group.bytesDone;
          const bytesTotal = current?.bytesTotal ?? group.bytesTotal;
          return (
            <li key={group.groupId} className="sync-group" data-testid="sync-group">
              <div className="toolbar">
                <strong className="toolbar__grow">
                  {group.kind === 'inspection'
                    ? t('sync.group.inspection', { revision: group.revision ?? 1 })
                    : t('sync.group.recheck')}
                  {group.siteName && (
                    <span className="site-list__meta">
                      {' '}
                      · {group.siteName}
                      {group.itemId && ` · ${group.itemId}`}
                    </span>
                  )}
                </strong>
                <span className={group.state === 'attention' ? 'badge badge--warn' : 'badge'}>
                  {t(`sync.state.${group.state}`)}
                </span>
              </div>
              <p className="muted">
                {t('sync.photos', { done: current?.photosDone ?? group.photosDone, total: group.photosTotal })} ·{' '}
                {formatBytes(bytesDone)} / {formatBytes(bytesTotal)}
              </p>
              <progress max={Math.max(1, bytesTotal)} value={bytesDone} aria-label={t('sync.title')} />
              {group.state === 'attention' && group.lastError && (
                <p className="notice notice--error">
                  {t('sync.attentionHelp')} {errorText(group.lastError)}
                  {group.lastError.status ? ` (HTTP ${group.lastError.status})` : ''}
                </p>
              )}
              {group.state === 'pending' && group.lastError && (
                <p className="muted">{t('sync.retryInfo', { message: errorText(group.lastError) })}</p>
              )}
            </li>
          );
        })}
      </ul>
      {usage && (
        <p className="muted">
          {t('storage.usage', { used: formatBytes(usage.usedBytes), free: formatBytes(usage.freeBytes) })}
        </p>
      )}
      <Field label={t('storage.keepDays')}>
        <select
          className="field__input"
          value={keepDays ?? DEFAULT_PHOTO_KEEP_DAYS}
          onChange={(event) => void setMeta(db, 'photoKeepDays', Number(event.target.value))}
        >
          {PHOTO_KEEP_DAY_CHOICES.map((days) => (
            <option key={days} value={days}>
              {t('storage.days', { count: days })}
            </option>
          ))}
        </select>
        <span className="muted">{t('storage.keepDaysHelp')}</span>
      </Field>
    </section>
  );
}
