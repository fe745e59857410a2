/**
 * 我的反馈: the reports made on this phone, newest first — whether each has reached the office,
 * its tracking code, the office's handling and reply, and once closed a 1–5 rating. The
 * handling is read back by each report's id (only this phone knows it).
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../i18n';
import { useSearch } from 'wouter';
import { cityDateTime } from '../../../domain/dates';
import { createCitizenApi } from '../../api/citizen-api';
import { useCitizenReports } from '../../db/citizen-live';
import { recordStatus, type LocalCitizenReport } from '../../db/citizen-reports';
import { useServices } from '../../services';
import { sendStateText } from './citizen-words';
import { refreshStatuses } from './refresh-statuses';

function useRefreshStatuses(reports: LocalCitizenReport[] | undefined) {
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [round, setRound] = useState(0);
  const [keepFailed, setKeepFailed] = useState(false);
  const delivered = (reports ?? []).filter((entry) => entry.code).map((entry) => entry.id);
  const key = delivered.join(',');
  useEffect(() => {
    const controller = new AbortController();
    void refreshStatuses(key ? key.split(',') : [], {
      read: (id) => api.status(id, { signal: controller.signal }),
      keep: (id, status) => recordStatus(services.db, id, status, services.now()),
      cancelled: () => controller.signal.aborted,
    }).then((outcome) => {
      if (!controller.signal.aborted) setKeepFailed(outcome.keepFailed);
    });
    return () => controller.abort();
  }, [api, services, key, round]);
  return { refresh: () => setRound((n) => n + 1), keepFailed };
}

export function MyReports({ sendNow }: { sendNow: () => void }) {
  const { t } = useTranslation('citizen');
  const services = useServices();
  const reports = useCitizenReports(services.db);
  const { refresh, keepFailed } = useRefreshStatuses(reports);
  const saved = new URLSearchParams(useSearch()).has('saved');
  if (!reports) return <p role="status">{t('send.waiting')}</p>;
  return (
    <section>
      <h1>{t('mine.title')}</h1>
      {saved && (
        <p className="notice notice--ok" role="status">
          {t('saved')}
        </p>
      )}
      <div className="toolbar">
        <button type="button" className="button button--small" onClick={refresh}>
          {t('mine.refresh')}
        </button>
        {reports.some((entry) => entry.state === 'waiting') && (
          <button type="button" className="button button--small" onClick={sendNow}>
            {t('mine.sendNow')}
          </button>
        )}
      </div>
      {keepFailed && (
        <p className="notice notice--error" role="alert">
          {t('mine.saveFailed')}
        </p>
      )}
      {reports.length === 0 && <p className="muted">{t('mine.empty')}</p>}
      <ul className="citizen-reports">
        {reports.map((entry) => (
          <ReportCard key={entry.id} entry={entry} />
        ))}
      </ul>
    </section>
  );
}

function ReportCard({ entry }: { entry: LocalCitizenReport }) {
  const { t, i18n } = useTranslation('citizen');
  const status = entry.status;
  return (
    <li className="office-card citizen-report" data-testid="citizen-report">
      <h2>
        {entry.siteName} · {t(`category.${entry.report.category}`)}
      </h2>
      <p className="muted">
        {t('mine.created', { time: cityDateTime(entry.createdAt) })} ·{' '}
        {entry.code ? t('mine.code', { code: entry.code }) : t('mine.noCode')}
      </p>
      <p>{entry.report.description}</p>
      <p data-testid="citizen-send-state">
        <span
          className={`badge ${entry.state === 'attention' ? 'badge--bad' : entry.state === 'delivered' ? 'badge--ok' : 'badge--warn'}`}
        >
          {sendStateText(t, entry, i18n.language)}
        </span>{' '}
        {status && (
          <span className="badge" data-testid="citizen-status">
            {t(`status.${status.status}`)}
          </span>
        )}
      </p>
      {status?.reply && (
        <p className="citizen-reply" data-testid="citizen-reply">
          {status.status === 'rejected'
            ? t('mine.reason', { reply: status.reply })
            : t('mine.reply', { reply: status.reply })}
        </p>
      )}
      {status?.status === 'closed' && <Rating entry={entry} />}
    </li>
  );
}

function Rating({ entry }: { entry: LocalCitizenReport }) {
  const { t } = useTranslation('citizen');
  const services = useServices();
  const api = useMemo(() => createCitizenApi(services.api), [services.api]);
  const [failed, setFailed] = useState(false);
  const rating = entry.status?.rating;
  if (rating) return <p className="muted">{t('rating.thanks', { count: rating })}</p>;
  const rate = async (value: number) => {
    setFailed(false);
    try {
      await api.rate(entry.id, value);
      const status = await api.status(entry.id);
      await recordStatus(services.db, entry.id, status, services.now());
    } catch {
      setFailed(true);
    }
  };
  return (
    <div className="citizen-rating">
      <p>{t('rating.ask')}</p>
      <div className="grade-buttons">
        {[1, 2, 3, 4, 5].map((value) => (
          <button key={value} type="button" className="button button--small" onClick={() => void rate(value)}>
            {t('rating.star', { count: value })}
          </button>
        ))}
      </div>
      {failed && (
        <p className="notice notice--error" role="alert">
          {t('rating.failed')}
        </p>
      )}
    </div>
  );
}
