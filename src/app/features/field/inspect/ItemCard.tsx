import { useTranslation } from '../../../i18n';
import { GRADE_PERCENT, type AnswerGrade, type Grade } from '../../../../domain/grades';
import { gradeForDefects, type RubricItem } from '../../../../domain/rubric';
import { roundScore } from '../../../../domain/scoring';
import { ChoiceButton } from '../../../ui/ChoiceButton';
import { NoteField } from '../../../ui/NoteField';
import { PhotoStrip } from '../../../ui/PhotoStrip';
import type { FormAnswer } from './checklist-schema';
import type { ItemText } from './rubric-text';

export interface ItemCardProps {
  item: RubricItem;
  text: ItemText;
  answer: FormAnswer;
  problem?: string | undefined;
  readOnly: boolean;
  /** Thumbnail URL by photo hash. */
  thumbnails: Record<string, string>;
  busyPhotos: number;
  /** Shown by the item's photos, where the person picked the one that failed. */
  photoFailure?: string | undefined;
  /** The office's review comment on this item (审核), where the inspector amends it. */
  reviewComment?: string | undefined;
  onGrade: (grade: AnswerGrade) => void;
  onDefects: (defects: number) => void;
  onNote: (note: string) => void;
  onAddPhotos: (files: FileList, picker: 'camera' | 'gallery', markUp?: boolean) => void;
  onRemovePhoto: (sha256: string) => void;
  onViewPhoto: (sha256: string) => void;
}

const pointsFor = (item: RubricItem, grade: Grade) => roundScore((item.points * GRADE_PERCENT[grade]) / 100);

/** One rubric item: guidance, grade buttons (or a defect counter), note and photos. */
export function ItemCard(props: ItemCardProps) {
  const { item, text, answer, problem, readOnly } = props;
  const { t } = useTranslation();
  const headingId = `item-${item.id}-title`;
  return (
    <section
      className={`item-card${problem ? ' item-card--problem' : ''}`}
      id={`item-${item.id}`}
      aria-labelledby={headingId}
      data-item-id={item.id}
    >
      <h3 id={headingId} className="item-card__title">
        <span className="item-card__id">{item.id}</span> {text.title}
        <span className="item-card__points">{t('inspect.points', { points: item.points })}</span>
      </h3>
      {props.reviewComment && (
        <p className="notice notice--error item-card__review" data-testid="item-review-comment">
          {t('review.itemComment', { comment: props.reviewComment })}
        </p>
      )}
      <details className="item-card__guidance">
        <summary>{t('inspect.guidance')}</summary>
        <p>{text.guidance}</p>
        <p className="muted">{t('inspect.gradeRuleText', { rule: text.gradeRule })}</p>
      </details>
      {item.countRule && (
        <DefectCounter
          item={item}
          text={text}
          defects={answer.defects}
          readOnly={readOnly}
          onDefects={props.onDefects}
        />
      )}
      <div className="grade-buttons" role="radiogroup" aria-labelledby={headingId}>
        {item.grades.map((grade) => (
          <ChoiceButton
            key={grade}
            checked={answer.grade === grade}
            className={`grade-button grade-button--${grade === 'C#' ? 'Cs' : grade}`}
            disabled={readOnly}
            onChoose={() => props.onGrade(grade)}
          >
            <span className="grade-button__grade">{grade}</span>
            <span className="grade-button__points">{t('inspect.points', { points: pointsFor(item, grade) })}</span>
          </ChoiceButton>
        ))}
        {item.allowNa && (
          <ChoiceButton
            checked={answer.grade === 'NA'}
            className="grade-button"
            disabled={readOnly}
            onChoose={() => props.onGrade('NA')}
          >
            {t('inspect.na')}
          </ChoiceButton>
        )}
      </div>
      <NoteField
        label={t('inspect.note')}
        placeholder={t('inspect.notePlaceholder')}
        rows={2}
        note={answer.note}
        readOnly={readOnly}
        onNote={props.onNote}
      />
      <ItemPhotos {...props} />
      {props.photoFailure && (
        <p className="item-card__problem" role="alert">
          {props.photoFailure}
        </p>
      )}
      {problem && (
        <p className="item-card__problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

function DefectCounter(props: {
  item: RubricItem;
  text: ItemText;
  defects: number | undefined;
  readOnly: boolean;
  onDefects: (n: number) => void;
}) {
  const { item, text, defects, readOnly, onDefects } = props;
  const { t } = useTranslation();
  const inputId = `defects-${item.id}`;
  return (
    <div className="defect-counter">
      <label htmlFor={inputId} className="field__label">
        {t('inspect.defects', { counts: text.counts, unit: text.unit })}
      </label>
      <div className="defect-counter__controls">
        <button
          type="button"
          className="button button--square"
          aria-label={t('inspect.decrease')}
          disabled={readOnly || !defects}
          onClick={() => onDefects(Math.max(0, (defects ?? 0) - 1))}
        >
          −
        </button>
        <input
          id={inputId}
          className="defect-counter__input"
          type="number"
          inputMode="numeric"
          min={0}
          max={1000}
          value={defects ?? ''}
          readOnly={readOnly}
          onChange={(event) => {
            const value = Number.parseInt(event.target.value, 10);
            if (Number.isInteger(value) && value >= 0 && value <= 1000) onDefects(value);
          }}
        />
        <button
          type="button"
          className="button button--square"
          aria-label={t('inspect.increase')}
          disabled={readOnly}
          onClick={() => onDefects((defects ?? 0) + 1)} // the first tap counts the first defect
        >
          +
        </button>
        {defects !== undefined && (
          <span className="defect-counter__grade">
            {t('inspect.derivedGrade', { grade: gradeForDefects(item, defects) })}
          </span>
        )}
      </div>
    </div>
  );
}

/** The item's photos, under a label that says when a deduction still needs one. */
function ItemPhotos(props: ItemCardProps) {
  const { item, answer } = props;
  const { t } = useTranslation();
  const deducted = answer.grade !== undefined && answer.grade !== 'A' && answer.grade !== 'NA';
  const needed = item.photoRequired && deducted && answer.photos.length === 0;
  return (
    <div className="photo-strip">
      <div className="photo-strip__label">
        {t('inspect.photos')} {needed && <span className="badge badge--warn">{t('inspect.photoRequired')}</span>}
      </div>
      <PhotoStrip
        photos={answer.photos}
        thumbnails={props.thumbnails}
        busy={props.busyPhotos}
        readOnly={props.readOnly}
        labels={{
          view: t('inspect.viewPhoto'),
          remove: t('inspect.deletePhoto'),
          processing: t('inspect.processingPhoto'),
          take: t('inspect.takePhoto'),
          choose: t('inspect.choosePhoto'),
          mark: t('inspect.markPhoto'),
        }}
        onAdd={props.onAddPhotos}
        onRemove={props.onRemovePhoto}
        onView={props.onViewPhoto}
      />
    </div>
  );
}
