/**
 * Why a recheck cannot be submitted, in the chosen language: the database module gives codes
 * (`db/rechecks.ts` `recheckProblems`); the photo rule is worded per verdict.
 */
import type { TFunction } from '../../../i18n';
import type { Verdict } from '../../../../domain/wire';
import type { SubmitProblem } from '../../../db/inspections';

export function problemText(t: TFunction, problem: SubmitProblem, verdict: Verdict | undefined): string {
  switch (problem.code) {
    case 'photo_required':
      return t(`recheck.problem.photo_required.${verdict ?? 'fixed'}`);
    case 'unanswered':
    case 'note_too_long':
    case 'too_many_photos':
      return t(`recheck.problem.${problem.code}`);
    default:
      return t('recheck.problem.invalid', { path: problem.data?.path ?? problem.code });
  }
}
