import { describe, expect, it } from 'vitest';
import { bytesToFree } from './retention';

describe('when storage runs short', () => {
  it('frees nothing under 80 % of the quota', () => {
    expect(bytesToFree(0, 0)).toBe(0);
    expect(bytesToFree(800, 1000)).toBe(0);
  });

  it('over 80 %, frees down to 70 %', () => {
    expect(bytesToFree(900, 1000)).toBe(200);
    expect(bytesToFree(1000, 1000)).toBe(300);
  });
});
