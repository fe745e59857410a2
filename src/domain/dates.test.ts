import { describe, expect, it } from 'vitest';
import { addDays, cityDate, cityDateTime, cityIsoInstant, dueOn, isValidIsoDate } from './dates';

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

describe('the city date and time (the watermark, the office, the exports)', () => {
  it('is the wall-clock time in Asia/Shanghai, whatever the offset the instant is written with', () => {
    expect(cityDateTime('2021-07-19T01:30:00Z')).toBe('2021-07-19 09:30');
    expect(cityDateTime('2021-07-19T09:30:00+08:00')).toBe('2021-07-19 09:30');
    expect(cityDateTime('2021-07-18T21:30:00-04:00')).toBe('2021-07-19 09:30');
    expect(cityDateTime(new Date(Date.UTC(2021, 6, 19, 1, 30)))).toBe('2021-07-19 09:30');
  });

  it('crosses midnight into the Shanghai date, with a 00 hour (never 24)', () => {
    expect(cityDateTime('2021-07-18T16:05:00Z')).toBe('2021-07-19 00:05');
    expect(cityDateTime('2021-12-31T15:59:00Z')).toBe('2021-12-31 23:59');
    expect(cityDateTime('2021-12-31T16:00:00Z')).toBe('2022-01-01 00:00');
  });

  it('rejects what is not an instant', () => {
    expect(() => cityDateTime('yesterday')).toThrow(RangeError);
  });
});

describe('an instant as a phone in the city writes it', () => {
  it('is the Shanghai wall clock with seconds and +08:00, naming the same instant', () => {
    expect(cityIsoInstant(new Date(Date.UTC(2021, 6, 18, 17, 30, 5)))).toBe('2021-07-19T01:30:05+08:00');
    expect(cityIsoInstant('2021-12-31T16:00:00Z')).toBe('2022-01-01T00:00:00+08:00');
    const instant = new Date(Date.UTC(2021, 6, 5, 2, 3, 4));
    expect(new Date(cityIsoInstant(instant)).getTime()).toBe(instant.getTime());
  });
});
