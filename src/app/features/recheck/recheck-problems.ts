/**
 * Why a recheck cannot be submitted, in the chosen language. The database module explains in
 * Chinese (its message stays the fallback); the screen words the codes it knows from the
 * catalogue, the photo rule per verdict.
 */
import type { TFunction } from 'i18next';
import type { Verdict } from '../../../domain/wire';
import type { SubmitProblem } from '../../db/inspections';

export function problemText(t: TFunction, problem: SubmitProblem, verdict: Verdict | undefined): string {
  switch (problem.code) {
    case 'unanswered':
      return t('recheck.problem.unanswered');
    case 'photo_required':
      return verdict ? t(`recheck.problem.photo_required.${verdict}`) : problem.message;
    case 'note_too_long':
      return t('recheck.problem.note_too_long');
    case 'too_many_photos':
      return t('recheck.problem.too_many_photos');
    default:
      return problem.message;
  }
}
