// Which addresses are held to a share of the connections, and the upload byte budget.
import { describe, expect, it } from 'vitest';
import { ByteBudget, DEFAULT_LIMITS } from './limits';

describe('connection limits', () => {
  it('hold every address to its share but loopback, where a forgotten proxy would make everyone one client', () => {
    expect(DEFAULT_LIMITS.capsAddress('203.0.113.7')).toBe(true);
    expect(DEFAULT_LIMITS.capsAddress('::ffff:203.0.113.7')).toBe(true);
    expect(DEFAULT_LIMITS.capsAddress('2001:db8::1')).toBe(true);
    expect(DEFAULT_LIMITS.capsAddress('127.0.0.1')).toBe(false);
    expect(DEFAULT_LIMITS.capsAddress('::ffff:127.0.0.1')).toBe(false);
    expect(DEFAULT_LIMITS.capsAddress('::1')).toBe(false);
  });
});

describe('ByteBudget', () => {
  it('lets uploads in until their reserved bytes would pass the total, and takes them back when they end', () => {
    const budget = new ByteBudget(100);
    expect(budget.take(60)).toBe(true);
    expect(budget.take(50)).toBe(false);
    expect(budget.take(40)).toBe(true);
    budget.give(60);
    expect(budget.take(50)).toBe(true);
    expect(budget.inUse).toBe(90);
  });

  it('always lets one upload in, even one larger than the total', () => {
    expect(new ByteBudget(10).take(15 * 1024 * 1024)).toBe(true);
  });
});
