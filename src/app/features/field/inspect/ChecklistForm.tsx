import { zodResolver } from '@hookform/resolvers/zod';
import { startTransition, useCallback, useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import { useForm, useWatch, type FieldErrors } from 'react-hook-form';
import { useTranslation } from '../../../i18n';
import type { AnswerGrade } from '../../../../domain/grades';
import type { AnswerIssue } from '../../../../domain/inspection-rules';
import { gradeForDefects, type RubricFile } from '../../../../domain/rubric';
import { checklistSchema, type ChecklistValues, type FormAnswer } from './checklist-schema';
import { ItemCard } from './ItemCard';
import { useRubricText } from './rubric-text';
import { nextUnanswered, runningScore } from './running-score';

export interface AnswerPatch {
  grade?: AnswerGrade | undefined;
  defects?: number | undefined;
  note?: string | undefined;
}

export interface ChecklistFormProps {
  rubric: RubricFile;
  /** The answers as stored; the form starts from them and reports every change at once. */
  answers: Record<string, FormAnswer | undefined>;
  thumbnails: Record<string, string>;
  busyPhotos: Record<string, number>;
  /** Why the last photo picked for an item was not saved, by item id. */
  photoFailures?: Record<string, string>;
  readOnly: boolean;
  /** The office's review comments by item id (审核), shown at each item's card. */
  reviewComments?: Record<string, string>;
  onAnswerChange: (itemId: string, patch: AnswerPatch) => void;
  onAddPhotos: (itemId: string, files: FileList, picker: 'camera' | 'gallery', markUp?: boolean) => void;
  onRemovePhoto: (itemId: string, sha256: string) => void;
  onViewPhoto: (sha256: string) => void;
  /** Called with valid answers only; the form has already explained any problem. */
  onSubmit: () => Promise<void> | void;
}

const emptyAnswer = (): FormAnswer => ({ photos: [] });

/**
 * The checklist: items grouped by category, the running score and the number still to grade
 * always visible, "next ungraded" navigation, and a submit that says exactly what is missing.
 * react-hook-form holds the answers; zod checks them with the domain's rubric rules.
 */
export function ChecklistForm(props: ChecklistFormProps) {
  const { rubric, readOnly } = props;
  const { t } = useTranslation();
  const text = useRubricText();
  const describe = (issue: AnswerIssue) => t(`inspect.problem.${issue.kind}`);
  const resolver = useMemo(() => zodResolver(checklistSchema(rubric.items, describe)), [rubric, t]); // eslint-disable-line react-hooks/exhaustive-deps
  const defaultValues = useMemo(
    () => ({
      answers: Object.fromEntries(rubric.items.map((item) => [item.id, props.answers[item.id] ?? emptyAnswer()])),
    }),
    [], // eslint-disable-line react-hooks/exhaustive-deps -- the form starts once from storage, then leads
  );
  const form = useForm<ChecklistValues>({ defaultValues, resolver, mode: 'onSubmit', reValidateMode: 'onChange' });
  const answers = useWatch({ control: form.control, name: 'answers' });
  const [submitting, setSubmitting] = useState(false);

  // After a failed submit, the item's problems follow every change. Its fields depend on one
  // another (a count's grade, a deduction's photo), so all of them are set first and then the
  // whole item is checked at once: validating each field as it is set judged the grade against
  // the previous count and kept a false "count mismatch" one change late.
  const revalidateItem = useCallback(
    (itemId: string) => {
      if (form.formState.isSubmitted) void form.trigger(`answers.${itemId}`);
    },
    [form],
  );
  // Photos are attached through storage (the worker's output lands there): mirror them into the form.
  useEffect(() => {
    for (const item of rubric.items) {
      const stored = props.answers[item.id]?.photos ?? [];
      const current = form.getValues(`answers.${item.id}.photos`) ?? [];
      if (stored.join() !== current.join()) {
        form.setValue(`answers.${item.id}.photos`, stored);
        revalidateItem(item.id);
      }
    }
  }, [props.answers, rubric, form, revalidateItem]);

  const change = (itemId: string, patch: AnswerPatch) => {
    if ('grade' in patch) form.setValue(`answers.${itemId}.grade`, patch.grade);
    if ('defects' in patch) form.setValue(`answers.${itemId}.defects`, patch.defects);
    if ('note' in patch) form.setValue(`answers.${itemId}.note`, patch.note);
    revalidateItem(itemId);
    props.onAnswerChange(itemId, patch);
  };
  const setDefects = (itemId: string, defects: number) => {
    const item = rubric.items.find((candidate) => candidate.id === itemId)!;
    change(itemId, { defects, grade: gradeForDefects(item, defects) });
  };

  const score = runningScore(rubric.items, answers);
  // Most sites are in order: after noting the problems, the rest is one deliberate, confirmed tap.
  const gradeRestA = () => {
    if (!window.confirm(t('inspect.restAConfirm', { count: score.unanswered }))) return;
    for (const item of rubric.items) {
      if (answers[item.id]?.grade === undefined) change(item.id, { grade: 'A', defects: undefined });
    }
  };
  const problems = itemProblems(rubric, form.formState.errors);
  const categories = useMemo(() => [...new Set(rubric.items.map((item) => item.category))], [rubric]);
  // The first category renders first, the others one per step after it, in transitions that
  // React interrupts for input: on a cold start the first grade can be tapped before the whole
  // list exists, and no step is one long task (issue #16).
  const [shownCategories, setShownCategories] = useState(1);
  useEffect(() => {
    if (shownCategories < categories.length) startTransition(() => setShownCategories((shown) => shown + 1));
  }, [shownCategories, categories.length]);
  const goTo = (itemId: string | undefined) => {
    if (!itemId) return;
    if (shownCategories < categories.length) flushSync(() => setShownCategories(categories.length));
    const card = document.getElementById(`item-${itemId}`);
    keepTitlesClearOfStatusBar(card?.closest('form'));
    card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    card?.querySelector<HTMLElement>('[role="radio"]')?.focus({ preventScroll: true });
  };
  const submit = form.handleSubmit(
    async () => {
      setSubmitting(true);
      try {
        await props.onSubmit();
      } finally {
        setSubmitting(false);
      }
    },
    (errors) => goTo(Object.keys(itemProblems(rubric, errors))[0]),
  );

  return (
    <form className="checklist" onSubmit={(event) => void submit(event)} noValidate>
      <div className="checklist__status" role="status" aria-live="polite">
        <span className="checklist__score">
          {t('inspect.score')}{' '}
          <strong data-testid="running-score">
            {score.answered > 0 ? t('inspect.scoreValue', { score: score.score }) : t('inspect.notScored')}
          </strong>
        </span>
        <span data-testid="unanswered-count">
          {score.unanswered > 0 ? t('inspect.unanswered', { count: score.unanswered }) : t('inspect.allAnswered')}
        </span>
        {score.unanswered > 0 && !readOnly && (
          <button
            type="button"
            className="button button--small"
            onClick={() => goTo(nextUnanswered(rubric.items, answers, focusedItem()))}
          >
            {t('inspect.nextUnanswered')}
          </button>
        )}
        {score.unanswered > 0 && !readOnly && (
          <button type="button" className="button button--small" onClick={gradeRestA}>
            {t('inspect.restA')}
          </button>
        )}
      </div>
      {categories.slice(0, shownCategories).map((category) => (
        <fieldset key={category} className="checklist__category">
          <legend>
            <h2 className="checklist__category-title">{text.category(rubric, category)}</h2>
          </legend>
          {rubric.items
            .filter((item) => item.category === category)
            .map((item) => (
              <ItemCard
                key={item.id}
                item={item}
                text={text.item(item)}
                answer={answers[item.id] ?? emptyAnswer()}
                problem={problems[item.id]}
                readOnly={readOnly}
                thumbnails={props.thumbnails}
                busyPhotos={props.busyPhotos[item.id] ?? 0}
                photoFailure={props.photoFailures?.[item.id]}
                reviewComment={props.reviewComments?.[item.id]}
                onGrade={(grade) => change(item.id, { grade, defects: undefined })}
                onDefects={(defects) => setDefects(item.id, defects)}
                onNote={(note) => change(item.id, { note })}
                onAddPhotos={(files, picker, markUp) => props.onAddPhotos(item.id, files, picker, markUp)}
                onRemovePhoto={(sha256) => props.onRemovePhoto(item.id, sha256)}
                onViewPhoto={props.onViewPhoto}
              />
            ))}
        </fieldset>
      ))}
      {Object.keys(problems).length > 0 && (
        <div className="notice notice--error" role="alert" data-testid="submit-problems">
          <p>{t('inspect.problemsTitle', { count: Object.keys(problems).length })}</p>
          <ul>
            {Object.entries(problems).map(([itemId, message]) => (
              <li key={itemId}>
                <a
                  className="checklist__problem-link"
                  href={`#item-${itemId}`}
                  onClick={(event) => {
                    event.preventDefault();
                    goTo(itemId);
                  }}
                >
                  {itemId} {text.item(rubric.items.find((item) => item.id === itemId)!).title}
                </a>
                {t('inspect.problemMessage', { message })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!readOnly && (
        <button type="submit" className="button button--primary button--block" disabled={submitting}>
          {submitting ? t('inspect.submitting') : t('inspect.submit')}
        </button>
      )}
    </form>
  );
}

/**
 * The sticky score bar is as tall as its wrapped buttons make it on this screen: the cards'
 * scroll margin (styles.css) follows its height, so an item scrolled to shows its title below it.
 */
function keepTitlesClearOfStatusBar(form: HTMLFormElement | null | undefined) {
  const bar = form?.querySelector<HTMLElement>('.checklist__status');
  if (bar) form!.style.setProperty('--status-bar-height', `${bar.offsetHeight}px`);
}

/** The item whose card holds the focus, so "next ungraded" continues from where the inspector is. */
function focusedItem(): string | undefined {
  return document.activeElement?.closest<HTMLElement>('[data-item-id]')?.dataset.itemId;
}

/** One message per item, grade problems before photo problems, in rubric order. */
function itemProblems(rubric: RubricFile, errors: FieldErrors<ChecklistValues>): Record<string, string> {
  const result: Record<string, string> = {};
  const byItem = (errors.answers ?? {}) as Record<
    string,
    { grade?: { message?: string }; photos?: { message?: string } } | undefined
  >;
  for (const item of rubric.items) {
    const message = byItem[item.id]?.grade?.message ?? byItem[item.id]?.photos?.message;
    if (message) result[item.id] = message;
  }
  return result;
}
