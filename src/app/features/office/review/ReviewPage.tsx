/**
 * 审核: the round's review queue. Filter by state, move with j/k (or ↓/↑), approve or return
 * the selected result (a return needs a comment; items may get their own), approve every listed
 * clean result at once, and open what a score rests on (revisions, decisions, log entries).
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { isDeduction } from '../../../../domain/grades';
import type { PresenceFlag } from '../../../../domain/presence';
import { REVIEW_STATES, type ReviewDecision, type ReviewListRow, type ReviewState } from '../../../../domain/review';
import { useRound } from '../rounds/round-context';
import { errorMessage } from '../shared/errors';
import { formatDateTime, formatScore } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { useLoad } from '../shared/use-load';
import { cleanPending, reviewMove, stepIndex } from './review-keys';
import { TrailPanel } from './TrailPanel';

/** Rows per request (the server's most). */
export const REVIEW_PAGE = 200;

export function ReviewPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round } = useRound();
  const [state, setState] = useState<ReviewState | ''>('pending');
  const list = useLoad(`reviews:${round.id}:${state}`, (signal) =>
    api.reviews(round.id, { state: state || undefined, limit: REVIEW_PAGE }, signal),
  );
  // Pages after the first, tied to the first page they follow: a reload (a decision, another
  // filter) starts from the first page again.
  const [more, setMore] = useState<{ after: unknown; rows: ReviewListRow[] }>({ after: undefined, rows: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const rows = useMemo(
    () => [...(list.data?.rows ?? []), ...(more.after === list.data ? more.rows : [])],
    [list.data, more],
  );
  const [index, setIndex] = useState(0);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const move = reviewMove(event, event.target);
      if (move === 0) return;
      event.preventDefault();
      setIndex((current) => stepIndex(current, move, rows.length));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows.length]);

  const loadMore = async () => {
    const first = list.data;
    if (!first || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api.reviews(round.id, { state: state || undefined, offset: rows.length, limit: REVIEW_PAGE });
      setMore((current) => ({
        after: first,
        rows: [...(current.after === first ? current.rows : []), ...page.rows],
      }));
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    } finally {
      setLoadingMore(false);
    }
  };

  const selected = rows[Math.min(index, Math.max(0, rows.length - 1))];
  const clean = cleanPending(rows);

  const approveClean = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      const result = await api.approveClean(
        round.id,
        clean.map((row) => ({ id: row.inspectionId, revision: row.revision })),
      );
      setMessage({
        ok: true,
        text: t('review.approvedClean', { approved: result.approved.length, skipped: result.skipped.length }),
      });
      list.reload();
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="review" data-testid="review-page">
      <section className="office-card">
        <h2>{t('review.title')}</h2>
        <p className="muted">{round.approvedOnly ? t('review.countsApproved') : t('review.countsAll')}</p>
        <div className="toolbar toolbar--wrap">
          <label>
            {t('review.state')}{' '}
            <select
              value={state}
              onChange={(event) => {
                setState(event.target.value as ReviewState | '');
                setIndex(0);
              }}
            >
              <option value="">{t('common.all')}</option>
              {REVIEW_STATES.map((value) => (
                <option key={value} value={value}>
                  {t(`review.states.${value}`)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            disabled={busy || clean.length === 0}
            onClick={() => void approveClean()}
          >
            {t('review.approveClean', { count: clean.length })}
          </button>
          <span className="muted">{t('review.keys')}</span>
        </div>
        {message && (
          <p className={message.ok ? 'notice' : 'notice notice--error'} role="status">
            {message.text}
          </p>
        )}
      </section>
      {list.data === undefined ? (
        <LoadState error={list.error} onRetry={list.reload} />
      ) : rows.length === 0 ? (
        <p className="muted">{t('review.empty')}</p>
      ) : (
        <div className="review__split">
          <div>
            <table className="table" data-testid="review-list">
              <caption>{t('review.total', { count: list.data.total })}</caption>
              <thead>
                <tr>
                  <th>{t('review.site')}</th>
                  <th>{t('review.inspector')}</th>
                  <th>{t('review.revision')}</th>
                  <th>{t('review.score')}</th>
                  <th>{t('review.state')}</th>
                  <th>{t('review.flags')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr
                    key={`${row.inspectionId}@${row.revision}`}
                    aria-selected={row === selected}
                    className={row === selected ? 'is-selected' : undefined}
                    onClick={() => setIndex(i)}
                  >
                    <td>{row.siteName}</td>
                    <td>{row.inspectorName}</td>
                    <td>{row.revision}</td>
                    <td>{formatScore(row.score)}</td>
                    <td>{t(`review.states.${row.reviewState}`)}</td>
                    <td>
                      {row.flags.length > 0
                        ? row.flags
                            .map((code) => t(`presence.short.${code as PresenceFlag['code']}`))
                            .join(t('import.listSeparator'))
                        : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length < list.data.total && (
              <p className="review__more">
                <button type="button" className="button" disabled={loadingMore} onClick={() => void loadMore()}>
                  {t('review.more', { shown: rows.length, total: list.data.total })}
                </button>
              </p>
            )}
          </div>
          {selected && (
            <ReviewPanel
              key={`${selected.inspectionId}@${selected.revision}`}
              row={selected}
              onDecided={(text) => {
                setMessage({ ok: true, text });
                list.reload();
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}

function ReviewPanel({ row, onDecided }: { row: ReviewListRow; onDecided: (message: string) => void }) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const detail = useLoad(`inspection:${row.inspectionId}:${row.revision}`, async (signal) => {
    const inspection = await api.inspection(row.inspectionId, row.revision, signal);
    const rubric = await api.rubric(inspection.rubricVersion);
    return { inspection, rubric };
  });
  const [comment, setComment] = useState('');
  const [itemComments, setItemComments] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [showTrail, setShowTrail] = useState(false);

  const titles = useMemo(() => {
    const map = new Map<string, string>();
    for (const file of Object.values(detail.data?.rubric.types ?? {}))
      for (const item of file.items) map.set(item.id, item.title);
    return map;
  }, [detail.data]);

  const decide = async (decision: ReviewDecision) => {
    if (decision === 'returned' && comment.trim() === '') {
      setError(t('review.commentRequired'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.review(row.inspectionId, {
        revision: row.revision,
        decision,
        ...(comment.trim() && { comment: comment.trim() }),
        itemComments: Object.entries(itemComments)
          .filter(([, text]) => text.trim() !== '')
          .map(([itemId, text]) => ({ itemId, comment: text.trim() })),
      });
      onDecided(t(decision === 'approved' ? 'review.approvedOne' : 'review.returnedOne', { site: row.siteName }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const deducted = detail.data?.inspection.answers.filter((answer) => isDeduction(answer.grade)) ?? [];
  return (
    <section className="office-card review__panel" data-testid="review-panel" aria-live="polite">
      <h3>
        {row.siteName} · {t('review.revisionN', { revision: row.revision })}
      </h3>
      <p className="muted">
        {row.inspectorName} · {formatDateTime(row.submittedAt)} · {formatScore(row.score)}
      </p>
      {row.latestReview && (
        <p className="notice">
          {t(row.latestReview.comment ? 'review.latestWithComment' : 'review.latest', {
            decision: t(`review.states.${row.latestReview.decision}`),
            name: row.latestReview.reviewerName,
            time: formatDateTime(row.latestReview.reviewedAt),
            comment: row.latestReview.comment ?? '',
          })}
        </p>
      )}
      {detail.data === undefined ? (
        <LoadState error={detail.error} onRetry={detail.reload} />
      ) : (
        <ul className="review__items">
          {deducted.length === 0 && <li className="muted">{t('review.noDeductions')}</li>}
          {deducted.map((answer) => (
            <li key={answer.itemId}>
              <strong>
                {answer.itemId} {titles.get(answer.itemId) ?? ''}
              </strong>{' '}
              · {answer.grade}
              {answer.note && <span className="muted"> · {answer.note}</span>}
              <input
                type="text"
                className="input"
                maxLength={1000}
                aria-label={t('review.itemComment', { item: answer.itemId })}
                placeholder={t('review.itemCommentPlaceholder')}
                value={itemComments[answer.itemId] ?? ''}
                onChange={(event) => setItemComments({ ...itemComments, [answer.itemId]: event.target.value })}
              />
            </li>
          ))}
        </ul>
      )}
      <label className="field">
        {t('review.comment')}
        <textarea
          className="input"
          rows={3}
          maxLength={1000}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => void decide('approved')}
        >
          {t('review.approve')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void decide('returned')}>
          {t('review.return')}
        </button>
        <button type="button" className="button button--small" onClick={() => setShowTrail(!showTrail)}>
          {t('review.trail')}
        </button>
      </div>
      {showTrail && <TrailPanel inspectionId={row.inspectionId} />}
    </section>
  );
}
