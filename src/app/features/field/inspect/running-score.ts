/**
 * The score shown while an inspection is under way: points lost so far, with items not yet
 * graded counted as A (an inspector wants "100 minus what I found", not a score that starts at
 * zero). Once every item is graded it equals the server's score exactly.
 */
import type { RubricItem } from '../../../../domain/rubric';
import { scoreInspection } from '../../../../domain/scoring';
import type { FormAnswer } from './checklist-schema';

export interface RunningScore {
  score: number;
  answered: number;
  unanswered: number;
  deductions: number;
}

export function runningScore(
  items: readonly RubricItem[],
  answers: Record<string, FormAnswer | undefined>,
): RunningScore {
  const graded = items.map((item) => ({ itemId: item.id, grade: answers[item.id]?.grade ?? ('A' as const) }));
  const { score, deductions } = scoreInspection(items, graded);
  const answered = items.filter((item) => answers[item.id]?.grade !== undefined).length;
  return { score, answered, unanswered: items.length - answered, deductions: deductions.length };
}

/** The first item after `fromItemId` (wrapping around) that has no grade yet. */
export function nextUnanswered(
  items: readonly RubricItem[],
  answers: Record<string, FormAnswer | undefined>,
  fromItemId?: string,
): string | undefined {
  const start = fromItemId ? items.findIndex((item) => item.id === fromItemId) + 1 : 0;
  for (let offset = 0; offset < items.length; offset++) {
    const item = items[(start + offset) % items.length]!;
    if (answers[item.id]?.grade === undefined) return item.id;
  }
  return undefined;
}
