import { describe, expect, it } from 'vitest';
import { addDays, cityDate, dueOn, isValidIsoDate } from './dates';

describe('dates in Asia/Shanghai', () => {
  it('puts 01:30 on the 19th in Shanghai on the 19th, though it is the 18th in UTC', () => {
    expect(cityDate('2021-07-18T17:30:00Z')).toBe('2021-07-19');
    expect(cityDate('2021-07-19T01:30:00+08:00')).toBe('2021-07-19');
  });

  it('counts a due date 15 days after the Shanghai date of submission', () => {
    expect(dueOn('2021-07-18T17:30:00Z', 15)).toBe('2021-08-03');
    expect(dueOn('2021-07-18T15:59:59Z', 15)).toBe('2021-08-02');
  });

  it('crosses month and year ends and leap days', () => {
    expect(addDays('2021-12-25', 15)).toBe('2022-01-09');
    expect(addDays('2024-02-20', 10)).toBe('2024-03-01');
    expect(addDays('2023-02-20', 10)).toBe('2023-03-02');
  });

  it('rejects what is not a real date or instant', () => {
    expect(isValidIsoDate('2021-02-30')).toBe(false);
    expect(isValidIsoDate('2021-2-3')).toBe(false);
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(() => cityDate('yesterday')).toThrow(RangeError);
    expect(() => addDays('2021-13-01', 1)).toThrow(RangeError);
  });
});
