import { describe, expect, it } from 'vitest';
import { gradeFactor, GRADES } from './grades';
import { gradeForDefects, type RubricItem } from './rubric';
import { needsPhoto, roundScore, scoreInspection } from './scoring';
import { answersFor, RUBRIC_2021, rubricItem } from './test-fixtures';

const item = (id: string, points: number, extra: Partial<RubricItem> = {}): RubricItem => ({
  id,
  category: 'SITE',
  title: id,
  titleEn: id,
  guidance: 'g',
  guidanceEn: 'g',
  points,
  grades: ['A', 'B', 'C', 'C#'],
  gradeRule: 'r',
  gradeRuleEn: 'r',
  allowNa: true,
  photoRequired: true,
  ...extra,
});

describe('grade factors', () => {
  it.each([
    ['A', 1],
    ['B', 0.66],
    ['C', 0.33],
    ['C#', 0],
  ] as const)('%s is worth %d of the points', (grade, factor) => {
    expect(gradeFactor(grade)).toBe(factor);
  });
});

describe('scoreInspection', () => {
  const items = [item('T01', 50), item('T02', 30), item('T03', 20)];

  it.each([
    { grades: ['A', 'A', 'A'], score: 100, fullMarks: true },
    { grades: ['B', 'A', 'A'], score: 83, fullMarks: false },
    { grades: ['C', 'A', 'A'], score: 66.5, fullMarks: false },
    { grades: ['C#', 'A', 'A'], score: 50, fullMarks: false },
    { grades: ['A', 'B', 'C'], score: 76.4, fullMarks: false },
    { grades: ['C#', 'C#', 'C#'], score: 0, fullMarks: false },
  ])('grades $grades score $score', ({ grades, score, fullMarks }) => {
    const result = scoreInspection(
      items,
      grades.map((grade, index) => ({ itemId: items[index]!.id, grade: grade as (typeof GRADES)[number] })),
    );
    expect(result.score).toBe(score);
    expect(result.fullMarks).toBe(fullMarks);
  });

  it('scales to 100 over the applicable items when some are NA', () => {
    // T01 NA: 30×0.66 + 20 = 39.8 of 50 applicable points → 79.6
    const result = scoreInspection(items, [
      { itemId: 'T01', grade: 'NA' },
      { itemId: 'T02', grade: 'B' },
      { itemId: 'T03', grade: 'A' },
    ]);
    expect(result.score).toBe(79.6);
    expect(result.fullMarks).toBe(false);
  });

  it('gives 100 and full marks when every item is A or NA', () => {
    const result = scoreInspection(items, [
      { itemId: 'T01', grade: 'NA' },
      { itemId: 'T02', grade: 'A' },
      { itemId: 'T03', grade: 'NA' },
    ]);
    expect(result).toEqual({ score: 100, fullMarks: true, deductions: [] });
  });

  it('rounds to two decimals', () => {
    // One item of 3 points at C (33 %) with 99 points applicable: 0.99 + 96 of 99
    const three = [item('A1', 3), item('A2', 96), item('A3', 1)];
    const result = scoreInspection(three, [
      { itemId: 'A1', grade: 'C' },
      { itemId: 'A2', grade: 'A' },
      { itemId: 'A3', grade: 'NA' },
    ]);
    // (0.99 + 96) / 99 × 100 = 97.9696… → 97.97
    expect(result.score).toBe(97.97);
    expect(roundScore(1.005)).toBe(1.01);
    expect(roundScore(98.98499999)).toBe(98.98);
  });

  it('lists each deduction with its grade and the points lost', () => {
    const result = scoreInspection(items, [
      { itemId: 'T01', grade: 'A' },
      { itemId: 'T02', grade: 'C' },
      { itemId: 'T03', grade: 'C#' },
    ]);
    expect(result.deductions).toEqual([
      { itemId: 'T02', grade: 'C', lost: 20.1 },
      { itemId: 'T03', grade: 'C#', lost: 20 },
    ]);
  });

  it('counts an unanswered item as C# so a draft never looks better than it is', () => {
    expect(scoreInspection(items, [{ itemId: 'T01', grade: 'A' }]).score).toBe(50);
  });

  it('scores the real station rubric', () => {
    const answers = answersFor('station', { T18: 'B', T16: 'C#' });
    // T18 7 points at B loses 2.38, T16 7 points at C# loses 7
    expect(scoreInspection(RUBRIC_2021.station.items, answers).score).toBe(90.62);
  });
});

describe('counted items', () => {
  const dust = rubricItem('station', 'T18');

  it.each([
    [0, 'A'],
    [1, 'B'],
    [2, 'C'],
    [3, 'C#'],
    [12, 'C#'],
  ] as const)('%d dusty rooms give %s', (defects, grade) => {
    expect(gradeForDefects(dust, defects)).toBe(grade);
  });

  it('follows a rule that skips grades', () => {
    const onlyAorCsharp = item('X01', 5, {
      grades: ['A', 'C#'],
      countRule: { unit: '处', unitEn: 'x', counts: 'x', countsEn: 'x', maxDefects: { A: 0 } },
    });
    expect(gradeForDefects(onlyAorCsharp, 0)).toBe('A');
    expect(gradeForDefects(onlyAorCsharp, 1)).toBe('C#');
  });

  it('rejects negative or fractional counts and uncounted items', () => {
    expect(() => gradeForDefects(dust, -1)).toThrow(RangeError);
    expect(() => gradeForDefects(dust, 1.5)).toThrow(RangeError);
    expect(() => gradeForDefects(rubricItem('station', 'T01'), 1)).toThrow(/not counted/);
  });
});

describe('needsPhoto', () => {
  it('asks for a photo only for deductions on photo-required items', () => {
    const required = item('P1', 5);
    expect(needsPhoto(required, 'B', 0)).toBe(true);
    expect(needsPhoto(required, 'B', 1)).toBe(false);
    expect(needsPhoto(required, 'A', 0)).toBe(false);
    expect(needsPhoto(required, 'NA', 0)).toBe(false);
    expect(needsPhoto({ ...required, photoRequired: false }, 'C#', 0)).toBe(false);
  });
});
