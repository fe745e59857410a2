/**
 * The 复查 tab of a round (整改复查进度): closed (销号), open and overdue in total, per district
 * and per site, which sites are closed out, the before/after comparison of each item with its
 * latest verdict and its history, and the CSV export of the recheck results. Online: it reads
 * the server through the office API, photos through the office's photo cache; it stores nothing.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { cityDateTime } from '../../../../domain/dates';
import { isOverdue, type RectificationProgress, type SiteProgress } from '../../../../domain/rectification-progress';
import type { Rubric, RubricItem } from '../../../../domain/rubric';
import type { RecheckHistoryEntry, RectificationView } from '../../../api/office-api';
import { NumericHeads } from '../../../ui/NumericHeads';
import { useRubricText } from '../../field/inspect/rubric-text';
import { useRound } from '../rounds/round-context';
import { saveBlob, safeFileName } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoThumb } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import '../../field/recheck/recheck.css';

interface Loaded {
  progress: RectificationProgress;
  rectifications: RectificationView[];
  items: ReadonlyMap<string, RubricItem>;
}

const percent = (closed: number, total: number) => (total === 0 ? '—' : `${Math.round((closed / total) * 1000) / 10}%`);

export function RecheckProgress() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round } = useRound();
  const loaded = useLoad<Loaded>(`rechecks:${round.id}`, async (signal) => {
    const [progress, rectifications, rubric] = await Promise.all([
      api.rectificationProgress(round.id, signal),
      api.rectifications(round.id, signal),
      api.rubric(round.rubricVersion),
    ]);
    return { progress, rectifications, items: itemsById(rubric) };
  });
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [exporting, setExporting] = useState<{ busy: boolean; error?: string }>({ busy: false });

  const exportCsv = async () => {
    setExporting({ busy: true });
    try {
      saveBlob(await api.recheckResultsCsv(round.id), `${safeFileName(round.name)}-${t('rechecks.exportFile')}.csv`);
      setExporting({ busy: false });
    } catch (error) {
      setExporting({ busy: false, error: errorMessage(error) });
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
      <h2 id="recheck-progress-title">{t('rechecks.title')}</h2>
      <div className="toolbar no-print">
        <button type="button" className="button button--small" onClick={loaded.reload}>
          {t('rechecks.reload')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={exporting.busy}
          onClick={() => void exportCsv()}
        >
          {exporting.busy ? t('rechecks.exporting') : t('rechecks.export')}
        </button>
      </div>
      {exporting.error && (
        <p className="notice notice--error" role="alert">
          {t('rechecks.exportFailed', { message: exporting.error })}
        </p>
      )}
      {loaded.data ? (
        <ProgressBody data={loaded.data} open={open} onToggle={toggle} />
      ) : (
        <LoadState error={loaded.error} onRetry={loaded.reload} />
      )}
    </section>
  );
}

function itemsById(rubric: Rubric): ReadonlyMap<string, RubricItem> {
  return new Map(Object.values(rubric.types).flatMap((file) => file.items.map((item) => [item.id, item] as const)));
}

function groupBySite(rectifications: readonly RectificationView[]): ReadonlyMap<string, RectificationView[]> {
  const bySite = new Map<string, RectificationView[]>();
  for (const rectification of rectifications) {
    const list = bySite.get(rectification.siteId);
    if (list) list.push(rectification);
    else bySite.set(rectification.siteId, [rectification]);
  }
  return bySite;
}

function ProgressBody(props: { data: Loaded; open: ReadonlySet<string>; onToggle: (siteId: string) => void }) {
  const { t } = useTranslation('office');
  const { progress, rectifications } = props.data;
  const { totals } = progress;
  const bySite = useMemo(() => groupBySite(rectifications), [rectifications]);
  if (totals.rectifications === 0) return <p className="notice">{t('rechecks.empty')}</p>;
  return (
    <>
      <p className="muted">{t('rechecks.asOf', { date: progress.asOf })}</p>
      <ul className="recheck-progress__totals" data-testid="recheck-progress-totals">
        {(['rectifications', 'closed', 'open', 'overdue', 'sites', 'sitesClosedOut'] as const).map((key) => (
          <li key={key} data-total={key}>
            <strong>{totals[key]}</strong>
            {t(`rechecks.${key}`)}
          </li>
        ))}
      </ul>

      <h3>{t('rechecks.byDistrict')}</h3>
      <table className="recheck-progress__table" data-testid="recheck-progress-districts">
        <thead>
          <tr>
            <th scope="col">{t('rechecks.district')}</th>
            <th scope="col" className="num">
              {t('rechecks.rectifications')}
            </th>
            <StateCountHeads />
            <th scope="col" className="num">
              {t('rechecks.sitesClosedOut')}
            </th>
            <th scope="col" className="num">
              {t('rechecks.closureRate')}
            </th>
          </tr>
        </thead>
        <tbody>
          {[...progress.byDistrict, { ...totals, district: t('rechecks.total') }].map((row) => (
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

      <h3>{t('rechecks.bySite')}</h3>
      <table className="recheck-progress__table" data-testid="recheck-progress-sites">
        <thead>
          <tr>
            <th scope="col">{t('rechecks.site')}</th>
            <StateCountHeads />
            <th scope="col">{t('rechecks.siteStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.sites.map((site) => (
            <SiteRows
              key={site.siteId}
              site={site}
              asOf={progress.asOf}
              rectifications={bySite.get(site.siteId) ?? []}
              items={props.data.items}
              open={props.open.has(site.siteId)}
              onToggle={() => props.onToggle(site.siteId)}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The closed, open and overdue counts' column heads: the district and the site tables show them alike. */
function StateCountHeads() {
  const { t } = useTranslation('office');
  return <NumericHeads labels={[t('rechecks.closed'), t('rechecks.open'), t('rechecks.overdue')]} />;
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

function ClosedBadge({ closed }: { closed: boolean }) {
  const { t } = useTranslation('office');
  return closed ? (
    <span className="badge badge--ok">{t('rechecks.closedOut')}</span>
  ) : (
    <span className="badge">{t('rechecks.open')}</span>
  );
}

function SiteRows(props: {
  site: SiteProgress;
  asOf: string;
  rectifications: RectificationView[];
  items: ReadonlyMap<string, RubricItem>;
  open: boolean;
  onToggle: () => void;
}) {
  const { t } = useTranslation('office');
  const { site } = props;
  return (
    <>
      <tr data-site-id={site.siteId}>
        <th scope="row">
          {site.name}
          <span className="site-list__meta">
            {' '}
            {t('rechecks.siteMeta', { district: site.district, type: t(`siteType.${site.type}`) })}
          </span>
        </th>
        <StateCountCells counts={site} />
        <td>
          <ClosedBadge closed={site.closedOut} />{' '}
          <button
            type="button"
            className="button button--small no-print"
            aria-expanded={props.open}
            onClick={props.onToggle}
          >
            {props.open ? t('rechecks.hideCompare') : t('rechecks.compare')}
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
                />
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

function ItemComparison(props: { rectification: RectificationView; item: RubricItem | undefined; asOf: string }) {
  const { t } = useTranslation('office');
  const text = useRubricText();
  const { rectification } = props;
  const verdict = rectification.lastVerdict;
  return (
    <li className="recheck-progress__item" data-rectification-id={rectification.id}>
      <p>
        <strong>
          {t('rechecks.itemTitle', { id: rectification.itemId, title: props.item ? text.item(props.item).title : '' })}
        </strong>{' '}
        {t('rechecks.itemMeta', { grade: rectification.grade, date: rectification.dueOn })}{' '}
        <ClosedBadge closed={rectification.status === 'closed'} />{' '}
        {isOverdue(rectification, props.asOf) && (
          <span className="badge badge--overdue">{t('rechecks.overdueBadge')}</span>
        )}
      </p>
      {rectification.note && <p className="muted">{t('rechecks.inspectorNote', { note: rectification.note })}</p>}
      <div className="recheck-compare">
        <div className="recheck-compare__side" data-side="before">
          <h4 className="recheck-item__heading">{t('rechecks.before')}</h4>
          <Photos sha256s={rectification.beforePhotos} label={t('rechecks.before')} />
        </div>
        <div className="recheck-compare__side" data-side="after">
          <h4 className="recheck-item__heading">{t('rechecks.after')}</h4>
          {verdict ? (
            <>
              <p>
                <strong>{t(`rechecks.verdict.${verdict.verdict}`)}</strong>{' '}
                {t('rechecks.checkedAt', { time: cityDateTime(verdict.checkedAt) })}
              </p>
              {verdict.note && <p>{verdict.note}</p>}
              <Photos sha256s={verdict.photos} label={t('rechecks.after')} />
            </>
          ) : (
            <p className="muted">{t('rechecks.noVerdict')}</p>
          )}
        </div>
      </div>
      {verdict && <VerdictHistory rectificationId={rectification.id} />}
    </li>
  );
}

/** The verdicts of one rectification, oldest first, loaded when asked for. */
function VerdictHistory({ rectificationId }: { rectificationId: string }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const [shown, setShown] = useState(false);
  const history = useLoad<RecheckHistoryEntry[]>(shown ? `history:${rectificationId}` : null, (signal) =>
    api.recheckHistory(rectificationId, signal),
  );
  if (!shown)
    return (
      <button type="button" className="button button--small no-print" onClick={() => setShown(true)}>
        {t('rechecks.history')}
      </button>
    );
  if (!history.data) return <LoadState error={history.error} onRetry={history.reload} />;
  return (
    <ol className="recheck-progress__history">
      {history.data.map((entry) => (
        <li key={entry.id}>
          {t('rechecks.historyEntry', {
            time: cityDateTime(entry.checkedAt),
            name: entry.checkedByName,
            verdict: t(`rechecks.verdict.${entry.verdict}`),
          })}
          {entry.note && t('rechecks.historyNote', { note: entry.note })}
        </li>
      ))}
    </ol>
  );
}

function Photos({ sha256s, label }: { sha256s: readonly string[]; label: string }) {
  const { t } = useTranslation('office');
  if (sha256s.length === 0) return <p className="muted">{t('rechecks.noPhotos')}</p>;
  return (
    <ul className="photo-strip__list">
      {sha256s.map((sha256) => (
        <li key={sha256} className="photo-strip__item">
          <PhotoThumb sha256={sha256} alt={label} />
        </li>
      ))}
    </ul>
  );
}
