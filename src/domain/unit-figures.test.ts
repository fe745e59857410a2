import { describe, expect, it } from 'vitest';
import { loopFigures, percentCell, unitFiguresRows, UNIT_FIGURES_HEADER, type LoopItem } from './unit-figures';

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

describe('unitFiguresRows', () => {
  it('puts totals, districts and units under one header, counts beside each rate', () => {
    const closed = loopFigures([item({ closedAt: '2021-07-19T02:00:00.000Z' }), item({ sentBack: true })]);
    const none = loopFigures([]);
    const rows = unitFiguresRows({
      totals: closed,
      byDistrict: [{ ...closed, district: '湛河区' }],
      byUnit: [{ ...none, displayName: '湛河区创文办' }],
    });
    expect(rows[0]).toEqual([...UNIT_FIGURES_HEADER]);
    expect(rows[1]).toEqual(['合计', '全部', 2, 2, 1, '50.0%', 1, '50.0%', 0, '0.0%', 0, '0.0%', 0, 0, '']);
    expect(rows[2]!.slice(0, 2)).toEqual(['区', '湛河区']);
    expect(rows[3]).toEqual(['责任单位', '湛河区创文办', 0, 0, 0, '', 0, '', 0, '', 0, '', 0, 0, '']);
  });

  it('writes rates as percentages with one decimal', () => {
    expect(percentCell(0.8571)).toBe('85.7%');
    expect(percentCell(1)).toBe('100.0%');
    expect(percentCell(null)).toBe('');
  });
});
