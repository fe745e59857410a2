import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRADE_PERCENT, type AnswerGrade, type Grade } from './grades';
import { SITE_TYPES } from './rubric';
import { scoreInspection } from './scoring';
import { RUBRIC_2021 } from './test-fixtures';

const typeArb = fc.constantFrom(...SITE_TYPES);

/** A full answer sheet for a type: an allowed grade (or NA) per item. */
const sheetArb = typeArb.chain((type) =>
  fc
    .tuple(...RUBRIC_2021[type].items.map((item) => fc.constantFrom<AnswerGrade>(...item.grades, 'NA')))
    .map((grades) => ({ type, grades })),
);

const answers = (type: (typeof SITE_TYPES)[number], grades: readonly AnswerGrade[]) =>
  RUBRIC_2021[type].items.map((item, index) => ({ itemId: item.id, grade: grades[index]! }));

describe('scoring properties', () => {
  it('always scores within 0–100 with at most two decimals', () => {
    fc.assert(
      fc.property(sheetArb, ({ type, grades }) => {
        const { score } = scoreInspection(RUBRIC_2021[type].items, answers(type, grades));
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(Math.abs(score * 100 - Math.round(score * 100))).toBeLessThan(1e-6);
      }),
    );
  });

  it('gives 100 and full marks when every item is A or NA', () => {
    fc.assert(
      fc.property(typeArb, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (type, na) => {
        const grades = RUBRIC_2021[type].items.map((_, index): AnswerGrade => (na[index] ? 'NA' : 'A'));
        const result = scoreInspection(RUBRIC_2021[type].items, answers(type, grades));
        expect(result.score).toBe(100);
        expect(result.fullMarks).toBe(true);
      }),
    );
  });

  it('never raises the score when a grade is lowered', () => {
    fc.assert(
      fc.property(sheetArb, fc.nat(), ({ type, grades }, pick) => {
        const items = RUBRIC_2021[type].items;
        const index = pick % items.length;
        const current = grades[index]!;
        if (current === 'NA') return;
        const lower = items[index]!.grades.filter((grade: Grade) => GRADE_PERCENT[grade] < GRADE_PERCENT[current]);
        if (lower.length === 0) return;
        const lowered = [...grades];
        lowered[index] = lower[0]!;
        const before = scoreInspection(items, answers(type, grades)).score;
        const after = scoreInspection(items, answers(type, lowered)).score;
        expect(after).toBeLessThanOrEqual(before);
        expect(scoreInspection(items, answers(type, lowered)).fullMarks).toBe(false);
      }),
    );
  });

  it('is full marks exactly when no applicable item is below A', () => {
    fc.assert(
      fc.property(sheetArb, ({ type, grades }) => {
        const result = scoreInspection(RUBRIC_2021[type].items, answers(type, grades));
        expect(result.fullMarks).toBe(grades.every((grade) => grade === 'A' || grade === 'NA'));
      }),
    );
  });
});
