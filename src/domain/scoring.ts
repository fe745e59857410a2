/**
 * Scoring of one inspection: Σ points × grade factor over the applicable items, scaled to 100
 * when some items are not applicable (NA), rounded to two decimals. Sums are done in integer
 * "point-percent" units so that 0.66 and 0.33 never accumulate floating-point error.
 */
import { GRADE_PERCENT, isDeduction, type AnswerGrade, type Grade } from './grades';
import type { RubricItem } from './rubric';

export interface GradedAnswer {
  itemId: string;
  grade: AnswerGrade;
}

export interface Deduction {
  itemId: string;
  grade: Exclude<Grade, 'A'>;
  /** Points lost on this item, before NA scaling. */
  lost: number;
}

export interface InspectionScore {
  /** 0–100, two decimals. */
  score: number;
  /** No item below A. */
  fullMarks: boolean;
  deductions: Deduction[];
}

/** Rounds half away from zero to two decimals, robust to binary representation (1.005 → 1.01). */
export function roundScore(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/**
 * Scores the answers against the items of one site type. Answers for unknown items are
 * ignored here (validation rejects them before scoring); unanswered items count as C#,
 * so an incomplete draft shows a pessimistic running score rather than a flattering one.
 */
export function scoreInspection(items: readonly RubricItem[], answers: readonly GradedAnswer[]): InspectionScore {
  const byItem = new Map(answers.map((answer) => [answer.itemId, answer.grade]));
  let earned = 0; // in points × percent
  let applicable = 0; // in points
  const deductions: Deduction[] = [];
  for (const item of items) {
    const grade = byItem.get(item.id) ?? 'C#';
    if (grade === 'NA') continue;
    applicable += item.points;
    earned += item.points * GRADE_PERCENT[grade];
    if (isDeduction(grade)) {
      deductions.push({ itemId: item.id, grade, lost: (item.points * (100 - GRADE_PERCENT[grade])) / 100 });
    }
  }
  const score = applicable === 0 ? 100 : roundScore(earned / applicable);
  return { score, fullMarks: deductions.length === 0, deductions };
}

/** A grade below A given on an item that needs photo evidence, without a photo. */
export function needsPhoto(item: Pick<RubricItem, 'photoRequired'>, grade: AnswerGrade, photoCount: number): boolean {
  return item.photoRequired && isDeduction(grade) && photoCount === 0;
}
