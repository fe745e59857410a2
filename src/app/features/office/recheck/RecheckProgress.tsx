/**
 * The supervisor's view of the recheck visits of one round (整改复查进度): closed (销号), open and
 * overdue in total, per district and per site, which sites are closed out, the before/after
 * comparison of each item with its latest verdict and its history, and the CSV export of the
 * results. Online: it reads the server through the API client (photos too), stores nothing.
 *
 * Mount it anywhere inside the ServicesProvider: `<RecheckProgress roundId={round.id} />`.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { cityDateTime } from '../../../../domain/dates';
import { isOverdue, type RectificationProgress, type SiteProgress } from '../../../../domain/rectification-progress';
import type { Rubric, RubricItem } from '../../../../domain/rubric';
import {
  recheckApi,
  type RecheckApi,
  type RecheckHistoryEntry,
  type RectificationView,
} from '../../../api/recheck-api';
import { useServices } from '../../../services';
import { NumericHeads } from '../../../ui/NumericHeads';
import { useRubricText } from '../../field/inspect/rubric-text';
import '../../field/recheck/recheck.css';

export interface RecheckProgressProps {
  roundId: string;
}

interface Loaded {
  progress: RectificationProgress;
  rectifications: RectificationView[];
  items: Map<string, RubricItem>;
}

type LoadState = { phase: 'loading' } | { phase: 'loaded'; data: Loaded } | { phase: 'failed'; message: string };

const percent = (closed: number, total: number) => (total === 0 ? '—' : `${Math.round((closed / total) * 1000) / 10}%`);

export function RecheckProgress({ roundId }: RecheckProgressProps) {
  const { t } = useTranslation();
  const services = useServices();
  const api = useMemo(() => recheckApi(services.api), [services.api]);
  const photos = usePhotoCache(api);
  const [reloads, setReloads] = useState(0);
  const requested = `${roundId}#${reloads}`;
  const [loaded, setLoaded] = useState<{ key: string; state: LoadState }>();
  const state: LoadState = loaded?.key === requested ? loaded.state : { phase: 'loading' };
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [exporting, setExporting] = useState<{ busy: boolean; error?: string }>({ busy: false });

  useEffect(() => {
    let live = true;
    const settle = (next: LoadState) => live && setLoaded({ key: requested, state: next });
    Promise.all([
      api.progress(roundId),
      api.rectifications(roundId),
      rubricItems(services.api, roundId).catch(() => new Map<string, RubricItem>()),
    ]).then(
      ([progress, rectifications, items]) => settle({ phase: 'loaded', data: { progress, rectifications, items } }),
      (error: unknown) => settle({ phase: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, services.api, roundId, requested]);

  const exportCsv = async () => {
    setExporting({ busy: true });
    try {
      const blob = await api.resultsCsv(roundId);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `复查结果-${roundId}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExporting({ busy: false });
    } catch (error) {
      setExporting({ busy: false, error: error instanceof Error ? error.message : String(error) });
    }
  };

  const toggle = (siteId: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(siteId)) next.add(siteId);
      return next;
    });

  return (
    <section className="recheck-progress" aria-labelledby="recheck-progress-title" data-testid="recheck-progress">
      <h2 id="recheck-progress-title">{t('recheck.progress.title')}</h2>
      <div className="toolbar no-print">
        <button type="button" className="button button--small" onClick={() => setReloads((n) => n + 1)}>
          {t('recheck.progress.reload')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={exporting.busy}
          onClick={() => void exportCsv()}
        >
          {exporting.busy ? t('recheck.progress.exporting') : t('recheck.progress.export')}
        </button>
      </div>
      {exporting.error && (
        <p className="notice notice--error" role="alert">
          {t('recheck.progress.exportFailed', { message: exporting.error })}
        </p>
      )}
      {state.phase === 'loading' && <p role="status">{t('recheck.progress.loading')}</p>}
      {state.phase === 'failed' && (
        <p className="notice notice--error" role="alert">
          {t('recheck.progress.loadFailed', { message: state.message })}
        </p>
      )}
      {state.phase === 'loaded' && (
        <ProgressBody data={state.data} open={open} onToggle={toggle} api={api} photos={photos} />
      )}
    </section>
  );
}

function ProgressBody(props: {
  data: Loaded;
  open: ReadonlySet<string>;
  onToggle: (siteId: string) => void;
  api: RecheckApi;
  photos: PhotoCache;
}) {
  const { t } = useTranslation();
  const { progress, rectifications } = props.data;
  const { totals } = progress;
  if (totals.rectifications === 0) return <p className="notice">{t('recheck.progress.empty')}</p>;
  return (
    <>
      <p className="muted">{t('recheck.progress.asOf', { date: progress.asOf })}</p>
      <ul className="recheck-progress__totals" data-testid="recheck-progress-totals">
        {(['rectifications', 'closed', 'open', 'overdue', 'sites', 'sitesClosedOut'] as const).map((key) => (
          <li key={key} data-total={key}>
            <strong>{totals[key]}</strong>
            {t(`recheck.progress.${key}`)}
          </li>
        ))}
      </ul>

      <h3>{t('recheck.progress.byDistrict')}</h3>
      <table className="recheck-progress__table" data-testid="recheck-progress-districts">
        <thead>
          <tr>
            <th scope="col">{t('recheck.progress.district')}</th>
            <th scope="col" className="num">
              {t('recheck.progress.rectifications')}
            </th>
            <StateCountHeads />
            <th scope="col" className="num">
              {t('recheck.progress.sitesClosedOut')}
            </th>
            <th scope="col" className="num">
              {t('recheck.progress.closureRate')}
            </th>
          </tr>
        </thead>
        <tbody>
          {[...progress.byDistrict, { ...totals, district: t('recheck.progress.total') }].map((row) => (
            <tr key={row.district}>
              <th scope="row">{row.district}</th>
              <td className="num">{row.rectifications}</td>
              <StateCountCells counts={row} />
              <td className="num">
                {row.sitesClosedOut}/{row.sites}
              </td>
              <td className="num">{percent(row.closed, row.rectifications)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('recheck.progress.bySite')}</h3>
      <table className="recheck-progress__table" data-testid="recheck-progress-sites">
        <thead>
          <tr>
            <th scope="col">{t('recheck.progress.site')}</th>
            <StateCountHeads />
            <th scope="col">{t('recheck.progress.siteStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.sites.map((site) => (
            <SiteRows
              key={site.siteId}
              site={site}
              asOf={progress.asOf}
              rectifications={rectifications.filter((r) => r.siteId === site.siteId)}
              items={props.data.items}
              open={props.open.has(site.siteId)}
              onToggle={() => props.onToggle(site.siteId)}
              api={props.api}
              photos={props.photos}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The closed, open and overdue counts' column heads: the district and the site tables show them alike. */
function StateCountHeads() {
  const { t } = useTranslation();
  return (
    <NumericHeads labels={[t('recheck.progress.closed'), t('recheck.progress.open'), t('recheck.progress.overdue')]} />
  );
}

/** The cells under `StateCountHeads`. */
function StateCountCells({ counts }: { counts: { closed: number; open: number; overdue: number } }) {
  return (
    <>
      <td className="num">{counts.closed}</td>
      <td className="num">{counts.open}</td>
      <td className="num">{counts.overdue}</td>
    </>
  );
}

function SiteRows(props: {
  site: SiteProgress;
  asOf: string;
  rectifications: RectificationView[];
  items: Map<string, RubricItem>;
  open: boolean;
  onToggle: () => void;
  api: RecheckApi;
  photos: PhotoCache;
}) {
  const { t } = useTranslation();
  const { site } = props;
  return (
    <>
      <tr data-site-id={site.siteId}>
        <th scope="row">
          {site.name}
          <span className="site-list__meta">
            {' '}
            {site.district} · {t(`siteType.${site.type}`)}
          </span>
        </th>
        <StateCountCells counts={site} />
        <td>
          {site.closedOut ? (
            <span className="badge badge--ok">{t('recheck.closedOut')}</span>
          ) : (
            <span className="badge">{t('recheck.progress.open')}</span>
          )}{' '}
          <button
            type="button"
            className="button button--small no-print"
            aria-expanded={props.open}
            onClick={props.onToggle}
          >
            {props.open ? t('recheck.progress.hideCompare') : t('recheck.progress.compare')}
          </button>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={5}>
            <ul className="recheck-progress__items">
              {props.rectifications.map((rectification) => (
                <ItemComparison
                  key={rectification.id}
                  rectification={rectification}
                  item={props.items.get(rectification.itemId)}
                  asOf={props.asOf}
                  api={props.api}
                  photos={props.photos}
                />
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

function ItemComparison(props: {
  rectification: RectificationView;
  item: RubricItem | undefined;
  asOf: string;
  api: RecheckApi;
  photos: PhotoCache;
}) {
  const { t } = useTranslation();
  const text = useRubricText();
  const { rectification } = props;
  const verdict = rectification.lastVerdict;
  const [history, setHistory] = useState<RecheckHistoryEntry[] | string>();
  const showHistory = () =>
    props.api.history(rectification.id).then(setHistory, (error: unknown) => setHistory(String(error)));
  return (
    <li className="recheck-progress__item" data-rectification-id={rectification.id}>
      <p>
        <strong>
          {rectification.itemId} {props.item ? text.item(props.item).title : ''}
        </strong>{' '}
        · {rectification.grade} · {t('recheck.due', { date: rectification.dueOn })}{' '}
        {rectification.status === 'closed' ? (
          <span className="badge badge--ok">{t('recheck.closedOut')}</span>
        ) : (
          <span className="badge">{t('recheck.progress.open')}</span>
        )}{' '}
        {isOverdue(rectification, props.asOf) && <span className="badge badge--overdue">{t('recheck.overdue')}</span>}
      </p>
      {rectification.note && <p className="muted">{t('recheck.inspectorNote', { note: rectification.note })}</p>}
      <div className="recheck-compare">
        <div className="recheck-compare__side" data-side="before">
          <h4 className="recheck-item__heading">{t('recheck.before')}</h4>
          <RemotePhotos sha256s={rectification.beforePhotos} photos={props.photos} label={t('recheck.before')} />
        </div>
        <div className="recheck-compare__side" data-side="after">
          <h4 className="recheck-item__heading">{t('recheck.after')}</h4>
          {verdict ? (
            <>
              <p>
                <strong>{t(`recheck.verdict.${verdict.verdict}`)}</strong> ·{' '}
                {t('recheck.progress.checkedAt', { time: cityDateTime(verdict.checkedAt) })}
              </p>
              {verdict.note && <p>{verdict.note}</p>}
              <RemotePhotos sha256s={verdict.photos} photos={props.photos} label={t('recheck.after')} />
            </>
          ) : (
            <p className="muted">{t('recheck.progress.noVerdict')}</p>
          )}
        </div>
      </div>
      {verdict && history === undefined && (
        <button type="button" className="button button--small no-print" onClick={() => void showHistory()}>
          {t('recheck.progress.history')}
        </button>
      )}
      {typeof history === 'string' && <p className="notice notice--error">{history}</p>}
      {Array.isArray(history) && (
        <ol className="recheck-progress__history">
          {history.map((entry) => (
            <li key={entry.id}>
              {t('recheck.progress.historyEntry', {
                time: cityDateTime(entry.checkedAt),
                name: entry.checkedByName,
                verdict: t(`recheck.verdict.${entry.verdict}`),
              })}
              {entry.note && ` — ${entry.note}`}
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

function RemotePhotos({ sha256s, photos, label }: { sha256s: readonly string[]; photos: PhotoCache; label: string }) {
  const { t } = useTranslation();
  if (sha256s.length === 0) return <p className="muted">{t('recheck.progress.noPhotos')}</p>;
  return (
    <ul className="photo-strip__list">
      {sha256s.map((sha256) => (
        <li key={sha256} className="photo-strip__item">
          <RemotePhoto sha256={sha256} photos={photos} label={label} />
        </li>
      ))}
    </ul>
  );
}

function RemotePhoto({ sha256, photos, label }: { sha256: string; photos: PhotoCache; label: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>();
  useEffect(() => {
    let live = true;
    photos.url(sha256).then(
      (value) => live && setUrl(value),
      () => live && setUrl(null),
    );
    return () => {
      live = false;
    };
  }, [photos, sha256]);
  if (url === undefined) return <span className="muted">…</span>;
  if (url === null) return <span className="muted">{t('recheck.progress.photoFailed')}</span>;
  return (
    <a href={url} target="_blank" rel="noreferrer">
      <img className="recheck-progress__photo" src={url} alt={label} data-sha256={sha256} />
    </a>
  );
}

interface PhotoCache {
  url(sha256: string): Promise<string>;
}

/** Photos fetched once each through the API client, as object URLs revoked when the view goes away. */
function usePhotoCache(api: RecheckApi): PhotoCache {
  const cache = useMemo(() => {
    const urls = new Map<string, Promise<string>>();
    return {
      url(sha256: string) {
        let url = urls.get(sha256);
        if (!url) {
          url = api.photo(sha256).then((blob) => URL.createObjectURL(blob));
          void url.catch(() => urls.delete(sha256));
          urls.set(sha256, url);
        }
        return url;
      },
      dispose() {
        for (const url of urls.values())
          void url.then(
            (value) => URL.revokeObjectURL(value),
            () => undefined,
          );
        urls.clear();
      },
    };
  }, [api]);
  useEffect(() => () => cache.dispose(), [cache]);
  return cache;
}

/** The rubric items of the round's rubric version, by id (for titles). */
async function rubricItems(
  api: ReturnType<typeof useServices>['api'],
  roundId: string,
): Promise<Map<string, RubricItem>> {
  const { data: round } = await api.request<{ rubricVersion: string }>(
    'GET',
    `/api/rounds/${encodeURIComponent(roundId)}`,
  );
  const { data: rubric } = await api.request<Rubric>('GET', `/api/rubrics/${encodeURIComponent(round.rubricVersion)}`);
  return new Map(Object.values(rubric.types).flatMap((file) => file.items.map((item) => [item.id, item] as const)));
}
