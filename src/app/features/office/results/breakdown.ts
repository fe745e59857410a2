/**
 * The score of one inspection broken down by rubric category: points available, earned and
 * lost per category (NA items count in neither), with each item's points at its grade. The
 * inspection's total score stays the server's; this only explains where points went.
 */
import { GRADE_PERCENT, type AnswerGrade } from '../../../../domain/grades';
import type { RubricFile } from '../../../../domain/rubric';
import { roundScore } from '../../../../domain/scoring';

export interface CategoryBreakdown {
  category: string;
  title: string;
  items: number;
  available: number;
  earned: number;
  lost: number;
  deducted: number;
}

export { itemPoints } from '../../../../domain/item-sheet';

export function categoryBreakdown(
  file: RubricFile,
  answers: readonly { itemId: string; grade: AnswerGrade }[],
  titleOf: (code: string) => string = (code) => file.categories[code]?.title ?? code,
): CategoryBreakdown[] {
  const grades = new Map(answers.map((answer) => [answer.itemId, answer.grade]));
  const order = [...new Set(file.items.map((item) => item.category))];
  return order.map((category) => {
    const items = file.items.filter((item) => item.category === category);
    let available = 0;
    let earnedPercent = 0;
    let deducted = 0;
    for (const item of items) {
      const grade = grades.get(item.id);
      if (!grade || grade === 'NA') continue;
      available += item.points;
      earnedPercent += item.points * GRADE_PERCENT[grade];
      if (grade !== 'A') deducted += 1;
    }
    const earned = roundScore(earnedPercent / 100);
    return {
      category,
      title: titleOf(category),
      items: items.length,
      available,
      earned,
      lost: roundScore(available - earned),
      deducted,
    };
  });
}
