/**
 * The 整改交办 tab of a round (#17): the office looks at the rectifications not yet dispatched,
 * grouped by district — item, grade, the inspector's note, one before-photo — and dispatches
 * them all, a district's, or one by one, each after a confirmation that says how many. Only
 * dispatched items reach the responsible units; below, what is already dispatched and its due date.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import type { RubricItem } from '../../../../domain/rubric';
import type { UnitItemView } from '../../../api/office-api';
import { useRubricText } from '../../field/inspect/rubric-text';
import { useRound } from '../rounds/round-context';
import { errorMessage } from '../shared/errors';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoThumb } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import { byDistrict, rubricItems } from './unit-items';

interface Loaded {
  items: UnitItemView[];
  rubric: ReadonlyMap<string, RubricItem>;
}

type Scope = { district?: string; rectificationIds?: string[] };

export function DispatchPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round } = useRound();
  const loaded = useLoad<Loaded>(`unit-items:${round.id}`, async (signal) => {
    const [items, rubric] = await Promise.all([api.unitItems(round.id, signal), api.rubric(round.rubricVersion)]);
    return { items, rubric: rubricItems(rubric) };
  });
  const [sending, setSending] = useState<{ busy: boolean; error?: string; done?: number }>({ busy: false });

  const dispatch = async (scope: Scope, count: number) => {
    if (!window.confirm(t('dispatch.confirm', { count }))) return;
    setSending({ busy: true });
    try {
      const result = await api.dispatch(round.id, scope);
      setSending({ busy: false, done: result.dispatched });
      loaded.reload();
    } catch (error) {
      setSending({ busy: false, error: errorMessage(error) });
    }
  };

  return (
    <section className="unit-dispatch" aria-labelledby="unit-dispatch-title" data-testid="unit-dispatch">
      <h2 id="unit-dispatch-title">{t('dispatch.title')}</h2>
      {sending.error && (
        <p className="notice notice--error" role="alert">
          {t('dispatch.failed', { message: sending.error })}
        </p>
      )}
      {sending.done !== undefined && (
        <p className="notice" role="status">
          {t('dispatch.done', { count: sending.done })}
        </p>
      )}
      {loaded.data ? (
        <DispatchBody
          data={loaded.data}
          busy={sending.busy}
          onDispatch={(scope, count) => void dispatch(scope, count)}
        />
      ) : (
        <LoadState error={loaded.error} onRetry={loaded.reload} />
      )}
    </section>
  );
}

function DispatchBody(props: { data: Loaded; busy: boolean; onDispatch: (scope: Scope, count: number) => void }) {
  const { t } = useTranslation('office');
  const { items, rubric } = props.data;
  const waiting = useMemo(() => byDistrict(items.filter((item) => item.state === 'waiting')), [items]);
  const dispatched = useMemo(() => items.filter((item) => item.dispatchedAt !== null), [items]);
  const waitingCount = [...waiting.values()].reduce((sum, list) => sum + list.length, 0);
  return (
    <>
      {waitingCount === 0 ? (
        <p className="notice">{t('dispatch.noneWaiting')}</p>
      ) : (
        <div className="toolbar no-print">
          <span>{t('dispatch.waiting', { count: waitingCount })}</span>
          <button
            type="button"
            className="button"
            disabled={props.busy}
            onClick={() => props.onDispatch({}, waitingCount)}
          >
            {t('dispatch.all', { count: waitingCount })}
          </button>
        </div>
      )}
      {[...waiting].map(([district, list]) => (
        <section key={district} data-district={district} aria-label={district}>
          <h3>
            {district}{' '}
            <button
              type="button"
              className="button button--small"
              disabled={props.busy}
              onClick={() => props.onDispatch({ district }, list.length)}
            >
              {t('dispatch.district', { count: list.length })}
            </button>
          </h3>
          <ul className="unit-dispatch__items">
            {list.map((item) => (
              <WaitingItem
                key={item.id}
                item={item}
                rubricItem={rubric.get(item.itemId)}
                busy={props.busy}
                onDispatch={() => props.onDispatch({ rectificationIds: [item.id] }, 1)}
              />
            ))}
          </ul>
        </section>
      ))}
      {dispatched.length > 0 && <DispatchedList items={dispatched} rubric={rubric} />}
    </>
  );
}

function WaitingItem(props: {
  item: UnitItemView;
  rubricItem: RubricItem | undefined;
  busy: boolean;
  onDispatch: () => void;
}) {
  const { t } = useTranslation('office');
  const text = useRubricText();
  const { item } = props;
  const title = t('dispatch.item', {
    id: item.itemId,
    title: props.rubricItem ? text.item(props.rubricItem).title : '',
  });
  const photo = item.beforePhotos[0];
  return (
    <li data-rectification-id={item.id}>
      <div>
        <strong>{item.siteName}</strong> · {title} · {t('dispatch.grade', { grade: item.grade })}
        {item.note && <p className="muted">{t('dispatch.note', { note: item.note })}</p>}
      </div>
      {photo && <PhotoThumb sha256={photo} alt={t('dispatch.beforePhoto', { title })} size="small" />}
      <button type="button" className="button button--small" disabled={props.busy} onClick={props.onDispatch}>
        {t('dispatch.one')}
      </button>
    </li>
  );
}

function DispatchedList(props: { items: UnitItemView[]; rubric: ReadonlyMap<string, RubricItem> }) {
  const { t } = useTranslation('office');
  const text = useRubricText();
  return (
    <section data-testid="unit-dispatched">
      <h3>{t('dispatch.dispatchedTitle', { count: props.items.length })}</h3>
      <ul className="unit-dispatch__items">
        {props.items.map((item) => {
          const rubricItem = props.rubric.get(item.itemId);
          return (
            <li key={item.id} data-rectification-id={item.id}>
              {item.district} · <strong>{item.siteName}</strong> ·{' '}
              {t('dispatch.item', { id: item.itemId, title: rubricItem ? text.item(rubricItem).title : '' })} ·{' '}
              {t('dispatch.dispatched', { dueOn: item.dueOn })}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
