/**
 * Why an inspection cannot be submitted, in the chosen language: the database module gives each
 * problem as a code with the data its wording needs (`db/inspection-wire.ts`); the words are the
 * catalogue's `inspect.submitProblem`.
 */
import type { TFunction } from '../../../i18n';
import type { SubmitProblem } from '../../../db/inspections';

function reason(t: TFunction, problem: SubmitProblem): string {
  const data = problem.data ?? {};
  switch (problem.code) {
    case 'invalid':
      if (data.detail === 'duplicate') return t('inspect.submitProblem.duplicate');
      if (data.detail === 'answers') return t('inspect.submitProblem.invalidAnswers');
      if (data.path !== undefined) return t('inspect.submitProblem.invalidField', { path: data.path });
      return t('inspect.submitProblem.invalid');
    case 'grade_not_allowed':
      return t('inspect.submitProblem.grade_not_allowed', { grades: data.grades ?? '' });
    case 'defects_mismatch':
      return t('inspect.submitProblem.defects_mismatch', { defects: data.defects ?? 0 });
    case 'no_rubric':
      return t('inspect.submitProblem.no_rubric', { rubricVersion: data.rubricVersion ?? '' });
    default:
      return t(`inspect.submitProblem.${problem.code}`);
  }
}

/** One problem: `T18 室内卫生（无积尘）：扣分项需要至少一张照片`, or the reason alone without an item. */
export function submitProblemText(t: TFunction, problem: SubmitProblem): string {
  const text = reason(t, problem);
  return problem.data?.item ? t('inspect.submitProblem.at', { item: problem.data.item, reason: text }) : text;
}

/** Every problem, in one line. */
export function submitProblemsText(t: TFunction, problems: readonly SubmitProblem[]): string {
  return problems.map((problem) => submitProblemText(t, problem)).join(t('inspect.submitProblem.separator'));
}
