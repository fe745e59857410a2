import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { Link } from 'wouter';
import { cityDate } from '../../../../domain/dates';
import { isOverdue } from '../../../../domain/rectification-progress';
import { useBeforePhotoStats, useRecheckTasks } from '../../../db/recheck-live';
import { formatBytes } from '../../../platform/storage';
import { useServices } from '../../../services';
import type { RecheckTask } from '../../../db/recheck-reads';
import { RoundPicker } from '../../../ui/RoundPicker';
import { SiteSearch } from '../../../ui/SiteSearch';
import { refreshBootstrap } from '../../../session/session-service';
import { useRubricText } from '../inspect/rubric-text';
import {
  groupTasks,
  matchesQuery,
  narrowGroups,
  navigationUrl,
  needsRecheck,
  taskState,
  type SiteGroup,
  type TaskState,
} from './recheck-list';
import { localErrorText } from '../../../i18n/local-errors';
import { startBeforePhotoDownload, useBeforePhotoDownload } from './use-before-photo-download';
import './recheck.css';

const STATE_BADGE: Record<TaskState, string> = {
  todo: 'badge',
  draft: 'badge badge--draft',
  submitted: 'badge badge--warn',
  synced: 'badge badge--ok',
};

/**
 * The rechecker's list: the downloaded rectifications grouped by district and site, with due
 * dates (Asia/Shanghai), what is overdue and where each item stands on this device; how many
 * before-photos are stored; "更新任务" downloads the tasks and photos again. A search narrows the
 * list (site, item, district, address); each site says where it is, with a link to a map.
 */
export function RecheckListPage() {
  const { t } = useTranslation();
  const services = useServices();
  const tasks = useRecheckTasks(services.db);
  const stats = useBeforePhotoStats(services.db);
  const download = useBeforePhotoDownload();
  const [chosenRound, setChosenRound] = useState<string>();
  const [query, setQuery] = useState('');
  const [refresh, setRefresh] = useState<{ busy: boolean; message?: string; ok?: boolean }>({ busy: false });

  // Photos are fetched once the list is shown (right after sign-in too) and whenever the network returns.
  useEffect(() => {
    const start = () => void startBeforePhotoDownload(services).catch(() => undefined);
    start();
    window.addEventListener('online', start);
    return () => window.removeEventListener('online', start);
  }, [services]);

  const rounds = useMemo(() => {
    const byId = new Map((tasks ?? []).flatMap((task) => (task.round ? [[task.round.id, task.round] as const] : [])));
    return [...byId.values()].sort((a, b) => b.startsOn.localeCompare(a.startsOn) || a.id.localeCompare(b.id));
  }, [tasks]);
  const roundId = chosenRound ?? rounds[0]?.id;
  const inRound = useMemo(
    () => (tasks ?? []).filter((task) => roundId === undefined || task.rectification.roundId === roundId),
    [tasks, roundId],
  );
  const allGroups = useMemo(() => groupTasks(inRound), [inRound]);
  const groups = useMemo(() => narrowGroups(allGroups, (task) => matchesQuery(task, query)), [allGroups, query]);

  const update = async () => {
    setRefresh({ busy: true });
    try {
      await refreshBootstrap(services);
      setRefresh({ busy: false, ok: true, message: t('recheck.refreshed') });
    } catch (error) {
      setRefresh({
        busy: false,
        ok: false,
        message: t('recheck.refreshFailed', { message: localErrorText(t, error) }),
      });
    }
    await startBeforePhotoDownload(services).catch(() => undefined);
  };

  if (!tasks) return <p role="status">{t('common.loading')}</p>;
  const today = cityDate(services.now());
  const total = inRound.length;
  const open = inRound.filter(needsRecheck).length;

  return (
    <section className="recheck">
      <h1>{t('recheck.title')}</h1>
      <div className="toolbar">
        <RoundPicker label={t('recheck.round')} rounds={rounds} value={roundId} onChange={setChosenRound} />
        <button type="button" className="button button--small" disabled={refresh.busy} onClick={() => void update()}>
          {refresh.busy ? t('recheck.refreshing') : t('recheck.refresh')}
        </button>
      </div>
      {refresh.message && (
        <p className={`notice${refresh.ok ? ' notice--ok' : ''}`} role="status">
          {refresh.message}
        </p>
      )}
      <p className="muted" role="status" data-testid="before-photo-status">
        {download.phase === 'running' && download.total > 0
          ? t('recheck.photos.downloading', { done: download.done, total: download.total })
          : t('recheck.photos.stored', {
              stored: stats?.photos ?? 0,
              total: download.phase === 'done' ? download.result.total : (stats?.photos ?? 0),
              full: stats?.full ?? 0,
              size: formatBytes(stats?.storedBytes ?? 0),
            })}
        {download.phase === 'done' && download.result.offline && <> {t('recheck.photos.offline')}</>}
        {download.phase === 'done' && download.result.failed > 0 && (
          <> {t('recheck.photos.failed', { count: download.result.failed })}</>
        )}
      </p>
      {total === 0 ? (
        <p className="notice">{t('recheck.empty')}</p>
      ) : (
        <p className="muted" data-testid="recheck-count">
          {t('recheck.count', { open, total })}
        </p>
      )}
      {total > 0 && <SiteSearch label={t('recheck.search')} value={query} onChange={setQuery} />}
      {total > 0 && groups.length === 0 && <p className="notice">{t('recheck.noMatch', { query })}</p>}
      {groups.map((group) => (
        <div key={group.district}>
          <h2 className="site-list__district">{group.district}</h2>
          {group.sites.map((site) => (
            <SiteTasks key={site.siteId} site={site} today={today} />
          ))}
        </div>
      ))}
    </section>
  );
}

/** One site of the list: its name, where it is (address, a map link) and its items. */
function SiteTasks({ site, today }: { site: SiteGroup; today: string }) {
  const { t } = useTranslation();
  const mapUrl = navigationUrl(site.site);
  return (
    <section className="recheck-site" aria-labelledby={`site-${site.siteId}`}>
      <h3 id={`site-${site.siteId}`} className="recheck-site__title">
        <span>{site.siteName}</span>
        {site.closedOut ? (
          <span className="badge badge--ok">{t('recheck.siteClosedOut')}</span>
        ) : (
          <span className="recheck-site__meta">{t('recheck.siteSummary', { open: site.open, total: site.total })}</span>
        )}
      </h3>
      <p className="recheck-site__where" data-testid={`site-where-${site.siteId}`}>
        <span>
          {site.site?.address ? t('recheck.address', { address: site.site.address }) : t('recheck.noAddress')}
        </span>
        {mapUrl && (
          <a
            className="button button--small"
            href={mapUrl}
            aria-label={t('recheck.navigateTo', { site: site.siteName })}
            {...(mapUrl.startsWith('https:') && { target: '_blank', rel: 'noopener noreferrer' })}
          >
            {t('recheck.navigate')}
          </a>
        )}
      </p>
      <ul className="site-list">
        {site.tasks.map((task) => (
          <TaskRow key={task.rectification.id} task={task} today={today} />
        ))}
      </ul>
    </section>
  );
}

/**
 * One item: its title on top, the grade and due date (never broken inside), the badges in a row
 * below — a long badge such as 已整改 · 已提交，待同步 wraps under the title instead of
 * squeezing it into a narrow column.
 */
function TaskRow({ task, today }: { task: RecheckTask; today: string }) {
  const { t } = useTranslation();
  const text = useRubricText();
  const { rectification } = task;
  const state = taskState(task);
  const overdue = isOverdue(rectification, today);
  return (
    <li>
      <Link
        className={`site-list__link recheck-task${overdue ? ' recheck-task--overdue' : ''}`}
        href={`/recheck/${encodeURIComponent(rectification.id)}`}
        data-rectification-id={rectification.id}
      >
        <span className="site-list__name recheck-task__title">
          {rectification.itemId} {task.item ? text.item(task.item).title : ''}
        </span>
        <span className="site-list__meta">
          {rectification.grade} ·{' '}
          <span className="recheck-task__due">{t('recheck.due', { date: rectification.dueOn })}</span>
        </span>
        <span className="recheck-task__badges">
          {overdue && <span className="badge badge--overdue">{t('recheck.overdue')}</span>}
          {rectification.status === 'closed' && state === 'todo' ? (
            <span className="badge badge--ok">{t('recheck.closedOut')}</span>
          ) : (
            <span className={STATE_BADGE[state]}>
              {task.recheck?.verdict && state !== 'todo'
                ? t('recheck.verdictState', {
                    verdict: t(`recheck.verdict.${task.recheck.verdict}`),
                    state: t(`recheck.state.${state}`),
                  })
                : t(`recheck.state.${state}`)}
            </span>
          )}
        </span>
      </Link>
    </li>
  );
}
