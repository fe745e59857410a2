/**
 * 市民反馈处理: the queue of citizens' reports, oldest first, with photos, site, category,
 * deadlines (受理 by the next working day, 办结 within the office's days) and the decisions
 * 受理, 合并, 不予受理, 转为抽查, 交办 (to the site's responsible units, whose answers show
 * here), 办结.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { CitizenHandoverView, CitizenReportView } from '../../../../domain/citizen-reports';
import { createCitizenApi } from '../../../api/citizen-api';
import { useServices } from '../../../services';
import { useOffice } from '../shared/office-context';
import { cityToday, formatDateTime } from '../shared/format';
import { PhotoThumb } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import { DecisionPanel } from './DecisionPanel';
import { ReportPhotos } from './ReportPhotos';
import { ReporterList } from './ReporterList';
import { CloseDaysForm } from './CloseDaysForm';

export function CitizenQueuePage() {
  const { t } = useTranslation('office');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [queue, setQueue] = useState<'open' | 'all'>('open');
  const reports = useLoad(`citizen:${queue}`, (signal) => api.queue(queue, { signal }));
  const { list, more, loadMore, moreFailed } = useLaterPages(api, queue, reports.data);

  return (
    <section className="page" data-testid="citizen-queue">
      <h1>{t('citizen.title')}</h1>
      <div className="toolbar toolbar--wrap">
        <button
          type="button"
          className="button button--small"
          aria-pressed={queue === 'open'}
          onClick={() => setQueue('open')}
        >
          {t('citizen.queueOpen')}
        </button>
        <button
          type="button"
          className="button button--small"
          aria-pressed={queue === 'all'}
          onClick={() => setQueue('all')}
        >
          {t('citizen.queueAll')}
        </button>
        <button type="button" className="button button--small" onClick={reports.reload}>
          {t('common.refresh')}
        </button>
        <CloseDaysForm />
      </div>
      {reports.error && (
        <p className="notice notice--error" role="alert">
          {t('common.loadFailed', { message: reports.error.message })}
        </p>
      )}
      {reports.data && list.length === 0 && <p className="muted">{t('citizen.empty')}</p>}
      {moreFailed && (
        <p className="notice notice--error" role="alert">
          {t('common.loadFailed', { message: moreFailed })}
        </p>
      )}
      <ol className="citizen-queue">
        {list.map((report) => (
          <QueueEntry key={report.id} report={report} all={list} onChanged={reports.reload} />
        ))}
      </ol>
      {more && (
        <button type="button" className="button button--small" onClick={() => void loadMore()}>
          {t('citizen.more')}
        </button>
      )}
      <ReporterList />
    </section>
  );
}

/**
 * The pages after the first (500 each): appended on 加载更多, from the last report shown;
 * dropped whenever the first page reloads, so a decision's refresh starts over from the oldest.
 */
function useLaterPages(
  api: ReturnType<typeof createCitizenApi>,
  queue: 'open' | 'all',
  first: CitizenReportView[] | undefined,
) {
  const [later, setLater] = useState<{ first?: CitizenReportView[]; pages: CitizenReportView[][] }>({ pages: [] });
  const [moreFailed, setMoreFailed] = useState<string>();
  const pages = later.first === first ? later.pages : [];
  const list = [...(first ?? []), ...pages.flat()];
  const lastPage = pages.at(-1) ?? first ?? [];
  const loadMore = async () => {
    setMoreFailed(undefined);
    try {
      const next = await api.queue(queue, { after: list.at(-1)!.id });
      setLater({ first, pages: [...pages, next] });
    } catch (error) {
      setMoreFailed(error instanceof Error ? error.message : String(error));
    }
  };
  return { list, more: lastPage.length === QUEUE_PAGE, loadMore, moreFailed };
}

const QUEUE_PAGE = 500;

function QueueEntry({
  report,
  all,
  onChanged,
}: {
  report: CitizenReportView;
  all: CitizenReportView[];
  onChanged: () => void;
}) {
  const { t } = useTranslation('office');
  const { now } = useOffice();
  const today = cityToday(now());
  const open = report.status === 'new' || report.status === 'accepted';
  const late =
    (report.status === 'new' && today > report.acceptDueOn) ||
    (report.status === 'accepted' && report.closeDueOn !== null && today > report.closeDueOn);
  const pending = report.photos
    .flatMap((p) => [p.sha256, ...(p.thumbnail ? [p.thumbnail] : [])])
    .filter((sha256) => !report.receivedPhotos.includes(sha256)).length;
  const codeOf = (id: string | null) => all.find((entry) => entry.id === id)?.code ?? id;
  return (
    <li className="office-card citizen-entry" data-testid="citizen-entry" data-code={report.code}>
      <h2>
        <span className="badge">{t(`citizen.status.${report.status}`)}</span> {report.siteName}（{report.district}）·{' '}
        {t(`citizen.category.${report.category}`)}
        {late && <span className="badge badge--bad"> {t('citizen.overdue')}</span>}
      </h2>
      <p className="muted">
        {t('citizen.code')} <strong>{report.code}</strong> ·{' '}
        {t('citizen.received', { time: formatDateTime(report.receivedAt) })} ·{' '}
        {report.status === 'new'
          ? t('citizen.acceptDue', { date: report.acceptDueOn })
          : report.closeDueOn && t('citizen.closeDue', { date: report.closeDueOn })}
      </p>
      {report.trusted && <p className="badge badge--ok">{t('citizen.trusted', { name: report.reporterName ?? '' })}</p>}
      <p className="citizen-description">{report.description}</p>
      {report.phone && <p className="muted">{t('citizen.phone', { phone: report.phone })}</p>}
      <ReportPhotos report={report} />
      {pending > 0 && <p className="muted">{t('citizen.photosPending', { count: pending })}</p>}
      {report.spotCheck && (
        <p>{t('citizen.spotCheck', { name: report.spotCheck.inspectorName, round: report.spotCheck.roundId })}</p>
      )}
      {report.handover && <Handover handover={report.handover} />}
      {report.mergedInto && <p>{t('citizen.mergedInto', { code: codeOf(report.mergedInto) })}</p>}
      {report.reply && <p>{t('citizen.reply', { reply: report.reply })}</p>}
      {report.rating !== null && <p>{t('citizen.rating', { rating: report.rating })}</p>}
      {open && (
        <DecisionPanel
          report={report}
          others={all.filter(
            (e) =>
              e.id !== report.id &&
              e.siteId === report.siteId &&
              (e.status === 'new' || e.status === 'accepted' || e.status === 'closed'),
          )}
          onDone={onChanged}
        />
      )}
    </li>
  );
}

/** 交办: to whom and when, and what the units answered (with their photos). */
function Handover({ handover }: { handover: CitizenHandoverView }) {
  const { t } = useTranslation('office');
  return (
    <div className="citizen-handover" data-testid="citizen-handover">
      <p>
        {t('citizen.handover.to', {
          units: handover.units.join('、') || t('citizen.handover.noUnit'),
          time: formatDateTime(handover.at),
        })}
      </p>
      {handover.answers.length === 0 && <p className="muted">{t('citizen.handover.waiting')}</p>}
      {handover.answers.map((answer) => (
        <div key={answer.id} className="citizen-unit-answer">
          <p>
            {t('citizen.handover.answer', {
              unit: answer.answeredBy,
              time: formatDateTime(answer.answeredAt),
              note: answer.note,
            })}
          </p>
          {answer.photos.length > 0 && (
            <div className="thumb-row">
              {answer.photos.map((sha256) => (
                <PhotoThumb key={sha256} sha256={sha256} alt={t('citizen.handover.photo')} size="small" />
              ))}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
