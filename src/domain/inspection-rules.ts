/**
 * The rules of API.md that need the rubric: every item of the site type answered exactly once
 * and nothing else, grades the item allows, NA only where allowed, counted items whose grade
 * agrees with their count, and a photo for every deduction on a photo-required item.
 * Used by the server on every PUT and by the app before it lets an inspector submit.
 */
import { gradeForDefects, itemsById, type RubricFile } from './rubric';
import { needsPhoto } from './scoring';
import type { Answer, SchemaIssue } from './wire';

type AnswerLike = Pick<Answer, 'itemId' | 'grade' | 'defects'> & { photos?: readonly string[] };

export function checkAnswersAgainstRubric(
  file: Pick<RubricFile, 'items'>,
  answers: readonly AnswerLike[],
): SchemaIssue[] {
  const items = itemsById(file);
  const issues: SchemaIssue[] = [];
  const answered = new Set<string>();
  answers.forEach((answer, index) => {
    const at = (field: string) => `answers.${index}.${field}`;
    const item = items.get(answer.itemId);
    if (!item) {
      issues.push({ path: at('itemId'), message: `item ${answer.itemId} is not in this rubric` });
      return;
    }
    if (answered.has(answer.itemId))
      issues.push({ path: at('itemId'), message: `item ${answer.itemId} is answered twice` });
    answered.add(answer.itemId);
    if (answer.grade === 'NA') {
      if (!item.allowNa) issues.push({ path: at('grade'), message: `item ${item.id} does not allow NA` });
    } else if (!item.grades.includes(answer.grade)) {
      issues.push({ path: at('grade'), message: `item ${item.id} allows only ${item.grades.join('/')}` });
    }
    if (answer.defects !== undefined) {
      if (!item.countRule) {
        issues.push({ path: at('defects'), message: `item ${item.id} is not graded by counting` });
      } else if (answer.grade !== 'NA' && gradeForDefects(item, answer.defects) !== answer.grade) {
        issues.push({
          path: at('grade'),
          message: `${answer.defects} defects on item ${item.id} give grade ${gradeForDefects(item, answer.defects)}, not ${answer.grade}`,
        });
      }
    }
    if (needsPhoto(item, answer.grade, answer.photos?.length ?? 0)) {
      issues.push({ path: at('photos'), message: `item ${item.id} graded ${answer.grade} needs at least one photo` });
    }
  });
  for (const item of file.items) {
    if (!answered.has(item.id)) issues.push({ path: 'answers', message: `item ${item.id} is not answered` });
  }
  return issues;
}
