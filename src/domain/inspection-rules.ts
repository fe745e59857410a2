/**
 * The rules of API.md that need the rubric: every item of the site type answered exactly once
 * and nothing else, grades the item allows, NA only where allowed, counted items whose grade
 * agrees with their count, and a photo for every deduction on a photo-required item.
 * Used by the server on every PUT and by the app before it lets an inspector submit.
 */
import { gradeForDefects, itemsById, type RubricItem } from './rubric';
import { needsPhoto } from './scoring';
import type { Answer, SchemaIssue } from './wire';

type AnswerLike = Pick<Answer, 'itemId' | 'grade' | 'defects'> & { photos?: readonly string[] };

/** What is wrong, so that each caller words it for its reader (the server in English, the app in Chinese). */
export type AnswerProblemKind =
  | 'unknown_item'
  | 'duplicate_answer'
  | 'na_not_allowed'
  | 'grade_not_allowed'
  | 'not_counted'
  | 'count_mismatch'
  | 'photo_required'
  | 'unanswered';

export interface AnswerIssue extends SchemaIssue {
  kind: AnswerProblemKind;
  itemId: string;
}

export function checkAnswersAgainstRubric(
  file: { readonly items: readonly RubricItem[] },
  answers: readonly AnswerLike[],
): AnswerIssue[] {
  const items = itemsById(file);
  const issues: AnswerIssue[] = [];
  const report = (kind: AnswerProblemKind, itemId: string, path: string, message: string) =>
    issues.push({ kind, itemId, path, message });
  const answered = new Set<string>();
  answers.forEach((answer, index) => {
    const at = (field: string) => `answers.${index}.${field}`;
    const item = items.get(answer.itemId);
    if (!item) {
      report('unknown_item', answer.itemId, at('itemId'), `item ${answer.itemId} is not in this rubric`);
      return;
    }
    if (answered.has(answer.itemId)) {
      report('duplicate_answer', item.id, at('itemId'), `item ${answer.itemId} is answered twice`);
    }
    answered.add(answer.itemId);
    if (answer.grade === 'NA') {
      if (!item.allowNa) report('na_not_allowed', item.id, at('grade'), `item ${item.id} does not allow NA`);
    } else if (!item.grades.includes(answer.grade)) {
      report('grade_not_allowed', item.id, at('grade'), `item ${item.id} allows only ${item.grades.join('/')}`);
    }
    if (answer.defects !== undefined) {
      if (!item.countRule) {
        report('not_counted', item.id, at('defects'), `item ${item.id} is not graded by counting`);
      } else if (answer.grade !== 'NA' && gradeForDefects(item, answer.defects) !== answer.grade) {
        const derived = gradeForDefects(item, answer.defects);
        report(
          'count_mismatch',
          item.id,
          at('grade'),
          `${answer.defects} defects on item ${item.id} give grade ${derived}, not ${answer.grade}`,
        );
      }
    }
    if (needsPhoto(item, answer.grade, answer.photos?.length ?? 0)) {
      report(
        'photo_required',
        item.id,
        at('photos'),
        `item ${item.id} graded ${answer.grade} needs at least one photo`,
      );
    }
  });
  for (const item of file.items) {
    if (!answered.has(item.id)) report('unanswered', item.id, 'answers', `item ${item.id} is not answered`);
  }
  return issues;
}
