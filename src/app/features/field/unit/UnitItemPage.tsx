/**
 * One dispatched item for the unit: the finding (grade, the inspector's note, before-photos,
 * due and dispatch dates, escalation), its history (answers, rechecks, requests and the office's
 * replies), what of it still waits on this phone (待发送 / 已发送 / 失败 with the reason), and
 * the form to answer it, ask for more time, return it, or object within the round's days.
 */
import { cityDate, cityDateTime } from '../../../../domain/dates';
import type { UnitItem } from '../../../api/unit-work-api';
import type { LocalUnitEntry } from '../../../db/unit-work';
import { useTranslation } from '../../../i18n';
import { useServices } from '../../../services';
import { BeforePhotos } from './BeforePhotos';
import { UnitAnswerForm } from './UnitAnswerForm';
import { EscalationBadge } from './UnitItemList';
import { entryKind, sendStateLabel, sendStateReason } from './unit-words';

export interface UnitItemPageProps {
  item: UnitItem;
  scope: string;
  /** The signed-in unit's name for the watermark; a link holder is 站点负责人 there. */
  unitName: string | undefined;
  entries: readonly LocalUnitEntry[];
  onQueued: () => void;
  onBack: () => void;
}

export function UnitItemPage({ item, scope, unitName, entries, onQueued, onBack }: UnitItemPageProps) {
  const { t } = useTranslation('unit');
  const services = useServices();
  return (
    <article className="unit-item" aria-labelledby="unit-item-title">
      <button type="button" className="button button--small" onClick={onBack}>
        {t('backToItems')}
      </button>
      <h1 id="unit-item-title">
        {item.itemId} · {item.siteName}
      </h1>
      <p>
        <span className="badge" data-testid="unit-item-state">
          {t(`state.${item.state}`)}
        </span>{' '}
        <EscalationBadge item={item} />
      </p>
      <p>
        {t('item.grade', { grade: item.grade })} · {t('item.due', { date: item.dueOn })}
        {item.dispatchedAt && ` · ${t('item.dispatched', { date: cityDate(item.dispatchedAt) })}`}
      </p>
      <p>{item.note ? t('item.note', { note: item.note }) : t('item.noNote')}</p>
      <BeforePhotos scope={scope} photos={item.beforePhotos} />
      <History item={item} />
      {entries.length > 0 && <SendStates entries={entries} />}
      {item.status === 'open' && (
        <UnitAnswerForm
          key={item.id}
          item={item}
          scope={scope}
          unitName={unitName}
          today={cityDate(services.now())}
          onQueued={onQueued}
        />
      )}
    </article>
  );
}

function History({ item }: { item: UnitItem }) {
  const { t } = useTranslation('unit');
  const events = [
    ...item.answers.map((answer) => ({
      at: answer.answeredAt,
      text: t('history.answer', { at: cityDateTime(answer.answeredAt), action: answer.action }),
    })),
    ...item.rechecks.map((recheck) => ({
      at: recheck.checkedAt,
      text:
        recheck.verdict === 'fixed'
          ? t('history.recheckFixed', { at: cityDateTime(recheck.checkedAt) })
          : t('history.recheckNotFixed', { at: cityDateTime(recheck.checkedAt), note: recheck.note ?? '' }),
    })),
    ...item.requests.map((request) => ({
      at: request.requestedAt,
      text: [
        t('history.request', {
          at: cityDateTime(request.requestedAt),
          kind: t(`send.kind.${request.kind}`),
          reason: request.reason,
          status: t(`history.requestStatus.${request.status}`),
        }),
        ...(request.decisionReason ? [t('history.decision', { reason: request.decisionReason })] : []),
      ].join(' '),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="unit-history">
      <h2 id="unit-history">{t('history.title')}</h2>
      <ul data-testid="unit-history">
        {events.map((event) => (
          <li key={`${event.at}${event.text}`}>{event.text}</li>
        ))}
      </ul>
    </section>
  );
}

function SendStates({ entries }: { entries: readonly LocalUnitEntry[] }) {
  const { t, i18n } = useTranslation('unit');
  return (
    <section aria-labelledby="unit-send">
      <h2 id="unit-send">{t('send.title')}</h2>
      <ul data-testid="unit-send-states">
        {entries.map((entry) => (
          <li key={entry.id} data-state={entry.state}>
            {cityDateTime(entry.createdAt)} {t(`send.kind.${entryKind(entry)}`)}：
            <strong className={`unit-send unit-send--${entry.state}`}>{sendStateLabel(t, entry)}</strong>{' '}
            <span className="muted">{sendStateReason(t, entry, i18n.language)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
