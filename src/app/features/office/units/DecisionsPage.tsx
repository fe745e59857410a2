/**
 * The 单位申请 tab of a round (#17): the units' pending requests — 延期 (with the date asked
 * for), 回退 (not their site), 申诉 (an objection to a deduction, with evidence photos) — beside
 * the item they concern. The office approves or refuses each, always with a reason; upholding an
 * objection asks for the corrected grade, chosen among the item's rubric grades above the one given.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from '../../../i18n';
import { GRADES, type Grade } from '../../../../domain/grades';
import type { RubricItem } from '../../../../domain/rubric';
import type { UnitDecision } from '../../../../domain/wire';
import type { UnitItemView, UnitRequestView } from '../../../api/office-api';
import { useRubricText } from '../../field/inspect/rubric-text';
import { useRound } from '../rounds/round-context';
import { errorMessage } from '../shared/errors';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/LoadState';
import { useOffice } from '../shared/office-context';
import { PhotoThumb } from '../shared/photos';
import { useLoad } from '../shared/use-load';
import { rubricItems } from './unit-items';

interface Loaded {
  requests: UnitRequestView[];
  items: ReadonlyMap<string, UnitItemView>;
  rubric: ReadonlyMap<string, RubricItem>;
}

type CorrectedGrade = NonNullable<UnitDecision['grade']>;

/** The grades an upheld objection may give: the rubric's, better than the one given, never C#. */
export function correctedGrades(rubricItem: RubricItem | undefined, given: Grade): CorrectedGrade[] {
  const offered = rubricItem?.grades ?? ['A'];
  return (['A', 'B', 'C'] as const).filter(
    (grade) => offered.includes(grade) && GRADES.indexOf(grade) < GRADES.indexOf(given),
  );
}

export function DecisionsPage() {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const { round } = useRound();
  const loaded = useLoad<Loaded>(`unit-requests:${round.id}`, async (signal) => {
    const [requests, items, rubric] = await Promise.all([
      api.unitRequests(round.id, 'pending', signal),
      api.unitItems(round.id, signal),
      api.rubric(round.rubricVersion),
    ]);
    return { requests, items: new Map(items.map((item) => [item.id, item])), rubric: rubricItems(rubric) };
  });
  const [decided, setDecided] = useState<string>();

  return (
    <section className="unit-decisions" aria-labelledby="unit-decisions-title" data-testid="unit-decisions">
      <h2 id="unit-decisions-title">{t('decisions.title')}</h2>
      {decided && (
        <p className="notice" role="status">
          {decided}
        </p>
      )}
      {!loaded.data ? (
        <LoadState error={loaded.error} onRetry={loaded.reload} />
      ) : loaded.data.requests.length === 0 ? (
        <p className="notice">{t('decisions.none')}</p>
      ) : (
        <ul className="unit-decisions__list">
          {loaded.data.requests.map((request) => (
            <RequestCard
              key={request.id}
              request={request}
              item={loaded.data?.items.get(request.rectificationId)}
              rubric={loaded.data?.rubric}
              onDecided={(message) => {
                setDecided(message);
                loaded.reload();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function RequestCard(props: {
  request: UnitRequestView;
  item: UnitItemView | undefined;
  rubric: ReadonlyMap<string, RubricItem> | undefined;
  onDecided: (message: string) => void;
}) {
  const { t } = useTranslation('office');
  const { api } = useOffice();
  const text = useRubricText();
  const { request, item } = props;
  const rubricItem = item && props.rubric?.get(item.itemId);
  const grades = useMemo(() => (item ? correctedGrades(rubricItem, item.grade) : []), [item, rubricItem]);
  const [reason, setReason] = useState('');
  const [grade, setGrade] = useState<CorrectedGrade | undefined>(grades[0]);
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const kind = t(`decisions.kinds.${request.kind}`);
  const itemText = item ? `${item.itemId} ${rubricItem ? text.item(rubricItem).title : ''}`.trim() : '';

  const decide = async (decision: UnitDecision['decision']) => {
    const trimmed = reason.trim();
    if (!trimmed) return setState({ busy: false, error: t('decisions.reasonRequired') });
    setState({ busy: true });
    const upheld = decision === 'approve' && request.kind === 'objection';
    try {
      await api.decideUnitRequest(request.id, { decision, reason: trimmed, ...(upheld && grade && { grade }) });
      props.onDecided(t('decisions.decided', { kind, item: itemText }));
    } catch (error) {
      setState({ busy: false, error: t('decisions.failed', { message: errorMessage(error) }) });
    }
  };

  const reasonId = `decision-reason-${request.id}`;
  return (
    <li data-request-id={request.id} data-kind={request.kind}>
      <h3>
        {t('decisions.heading', { kind, site: item?.siteName ?? '', district: item?.district ?? '', item: itemText })}
      </h3>
      <p>{t('decisions.reason', { reason: request.reason })}</p>
      {request.kind === 'extension' && request.dueOn && (
        <p>{t('decisions.requestedDue', { dueOn: request.dueOn, current: item?.dueOn ?? '—' })}</p>
      )}
      <p className="muted">{t('decisions.requestedAt', { at: formatDateTime(request.requestedAt) })}</p>
      {request.photos.length > 0 && (
        <div className="unit-decisions__photos">
          {request.photos.map((sha256, index) => (
            <PhotoThumb key={sha256} sha256={sha256} alt={t('decisions.evidence', { n: index + 1 })} size="small" />
          ))}
        </div>
      )}
      <label htmlFor={reasonId}>{t('decisions.decisionReason')}</label>
      <textarea id={reasonId} value={reason} maxLength={2000} onChange={(event) => setReason(event.target.value)} />
      {request.kind === 'objection' && grades.length > 0 && (
        <label>
          {t('decisions.grade')}{' '}
          <select value={grade} onChange={(event) => setGrade(event.target.value as CorrectedGrade)}>
            {grades.map((option) => (
              <option key={option} value={option}>
                {t('decisions.gradeOption', { grade: option })}
              </option>
            ))}
          </select>
        </label>
      )}
      {state.error && (
        <p className="notice notice--error" role="alert">
          {state.error}
        </p>
      )}
      <div className="toolbar">
        <button type="button" className="button" disabled={state.busy} onClick={() => void decide('approve')}>
          {request.kind === 'objection' ? t('decisions.uphold') : t('decisions.approve')}
        </button>
        <button type="button" className="button" disabled={state.busy} onClick={() => void decide('refuse')}>
          {t('decisions.refuse')}
        </button>
      </div>
    </li>
  );
}
