import { describe, expect, it } from 'vitest';
import { loopFigures, type LoopItem } from './unit-figures';

const item = (over: Partial<LoopItem> = {}): LoopItem => ({
  district: '湛河区',
  dueOn: '2021-07-20',
  closedAt: null,
  withdrawn: false,
  sentBack: false,
  extended: false,
  objected: false,
  objectionDecision: null,
  ...over,
});

describe('loopFigures', () => {
  it('matches a hand count', () => {
    const figures = loopFigures([
      // closed on the due date in Shanghai (23:30 local = 15:30 UTC): on time
      item({ closedAt: '2021-07-20T15:30:00.000Z' }),
      // closed at 00:30 on the 21st in Shanghai (16:30 UTC on the 20th): late
      item({ closedAt: '2021-07-20T16:30:00.000Z', sentBack: true }),
      // extended to the 30th and closed on the 25th: on time
      item({ dueOn: '2021-07-30', extended: true, closedAt: '2021-07-25T02:00:00.000Z' }),
      // still open, objected, objection refused
      item({ objected: true, objectionDecision: 'refused' }),
      // objection upheld: withdrawn, counts only for the objection figures
      item({ withdrawn: true, objected: true, objectionDecision: 'approved' }),
      // objected, not yet decided
      item({ objected: true }),
    ]);
    expect(figures).toEqual({
      dispatched: 6,
      toRectify: 5,
      closedOnTime: 2,
      sentBack: 1,
      extended: 1,
      objected: 3,
      objectionsDecided: 2,
      objectionsUpheld: 1,
      onTimeRate: 0.4,
      sentBackRate: 0.2,
      extensionRate: 0.2,
      objectionRate: 0.5,
      upheldRate: 0.5,
    });
  });

  it('has no rate without a base', () => {
    expect(loopFigures([])).toMatchObject({ onTimeRate: null, objectionRate: null, upheldRate: null });
  });
});
