import { describe, expect, it } from 'vitest';
import { checkAnswersAgainstRubric } from './inspection-rules';
import { answersFor, RUBRIC_2021 } from './test-fixtures';

const station = RUBRIC_2021.station;
const PHOTO = 'a'.repeat(64);

describe('answers checked against the rubric', () => {
  it('accepts a complete sheet', () => {
    expect(checkAnswersAgainstRubric(station, answersFor('station'))).toEqual([]);
  });

  it('names unanswered, doubled and unknown items', () => {
    const answers = answersFor('station').slice(1);
    answers.push({ ...answers[0]! }, { itemId: 'C01', grade: 'A', photos: [] });
    const messages = checkAnswersAgainstRubric(station, answers).map((issue) => issue.message);
    expect(messages).toEqual([
      'item T02 is answered twice',
      'item C01 is not in this rubric',
      'item T01 is not answered',
    ]);
  });

  it('rejects grades the item does not allow and NA where not allowed', () => {
    const answers = answersFor('station', { T01: 'B', T02: 'NA' });
    expect(checkAnswersAgainstRubric(station, answers)).toEqual([
      { kind: 'grade_not_allowed', itemId: 'T01', path: 'answers.0.grade', message: 'item T01 allows only A/C#' },
      {
        kind: 'photo_required',
        itemId: 'T01',
        path: 'answers.0.photos',
        message: 'item T01 graded B needs at least one photo',
      },
      { kind: 'na_not_allowed', itemId: 'T02', path: 'answers.1.grade', message: 'item T02 does not allow NA' },
    ]);
  });

  it('requires a photo for a deduction on a photo-required item', () => {
    const answers = answersFor('station', { T18: 'C' });
    expect(checkAnswersAgainstRubric(station, answers)).toEqual([
      {
        kind: 'photo_required',
        itemId: 'T18',
        path: 'answers.17.photos',
        message: 'item T18 graded C needs at least one photo',
      },
    ]);
    answers[17]!.photos = [PHOTO];
    expect(checkAnswersAgainstRubric(station, answers)).toEqual([]);
  });

  it('checks a counted grade against its count', () => {
    const answers = answersFor('station', { T18: 'B' }).map((answer) =>
      answer.itemId === 'T18' ? { ...answer, defects: 2, photos: [PHOTO] } : answer,
    );
    expect(checkAnswersAgainstRubric(station, answers)).toEqual([
      {
        kind: 'count_mismatch',
        itemId: 'T18',
        path: 'answers.17.grade',
        message: '2 defects on item T18 give grade C, not B',
      },
    ]);
    const uncounted = answersFor('station').map((answer) =>
      answer.itemId === 'T01' ? { ...answer, defects: 0 } : answer,
    );
    expect(checkAnswersAgainstRubric(station, uncounted)).toEqual([
      { kind: 'not_counted', itemId: 'T01', path: 'answers.0.defects', message: 'item T01 is not graded by counting' },
    ]);
  });
});
