import { describe, expect, it } from 'vitest';
import { resultListParams } from './result-list-query';
import { NO_FILTER } from './results-model';

const bySubmission = { key: 'submittedAt', direction: 'desc' } as const;

describe('the results filter as the server’s query', () => {
  it('sends the sort and nothing else for no filter', () => {
    expect(resultListParams(NO_FILTER, bySubmission)).toEqual({ sort: 'submittedAt', direction: 'desc' });
  });

  it('sends every filter that is set, trimmed', () => {
    expect(
      resultListParams(
        {
          query: ' 曙光 ',
          district: '新华区',
          type: 'station',
          fullMarks: 'no',
          rectify: 'yes',
          inspectorId: 'u1',
          from: '2021-07-01',
          to: '2021-07-31',
          minScore: '60',
          maxScore: '89.5',
          presence: 'flagged',
        },
        { key: 'score', direction: 'asc' },
      ),
    ).toEqual({
      sort: 'score',
      direction: 'asc',
      q: '曙光',
      district: '新华区',
      type: 'station',
      fullMarks: 'no',
      rectify: 'yes',
      inspectorId: 'u1',
      from: '2021-07-01',
      to: '2021-07-31',
      minScore: '60',
      maxScore: '89.5',
      flagged: 'yes',
    });
    expect(resultListParams({ ...NO_FILTER, presence: 'clean' }, bySubmission)).toMatchObject({ flagged: 'no' });
  });

  it('leaves out what the server would refuse: half-typed bounds, impossible dates, over-long text', () => {
    const params = resultListParams(
      { ...NO_FILTER, minScore: '-5', maxScore: '101', from: '2021-02-30', to: 'soon', query: 'x'.repeat(150) },
      bySubmission,
    );
    expect(params).toEqual({ sort: 'submittedAt', direction: 'desc', q: 'x'.repeat(100) });
    expect(resultListParams({ ...NO_FILTER, minScore: '9.999' }, bySubmission).minScore).toBeUndefined();
  });
});
