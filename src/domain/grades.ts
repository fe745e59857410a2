/**
 * Grades of the status-description method (状态描述法) used in civilized-city evaluation.
 * Factors are kept as integer percentages so that sums stay exact; scoring divides once at the end.
 */
export const GRADES = ['A', 'B', 'C', 'C#'] as const;
export type Grade = (typeof GRADES)[number];

/** What an inspector may record for an item: a grade, or "not applicable" where the rubric allows it. */
export const ANSWER_GRADES = [...GRADES, 'NA'] as const;
export type AnswerGrade = (typeof ANSWER_GRADES)[number];

export const GRADE_PERCENT: Readonly<Record<Grade, number>> = { A: 100, B: 66, C: 33, 'C#': 0 };

/** Grade factor as a fraction: A 1, B 0.66, C 0.33, C# 0. */
export function gradeFactor(grade: Grade): number {
  return GRADE_PERCENT[grade] / 100;
}

/** True when the grade loses points (anything below A; NA loses nothing). */
export function isDeduction(grade: AnswerGrade): grade is Exclude<Grade, 'A'> {
  return grade !== 'A' && grade !== 'NA';
}
