import { describe, expect, it } from 'vitest';
import { cleanPending, reviewMove, stepIndex } from './review-keys';

const key = (k: string, extra: Partial<KeyboardEvent> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...extra,
});

describe('review queue keys', () => {
  it('j and ↓ go to the next result, k and ↑ to the previous one', () => {
    expect(reviewMove(key('j'), null)).toBe(1);
    expect(reviewMove(key('ArrowDown'), null)).toBe(1);
    expect(reviewMove(key('k'), null)).toBe(-1);
    expect(reviewMove(key('ArrowUp'), null)).toBe(-1);
    expect(reviewMove(key('x'), null)).toBe(0);
    expect(reviewMove(key('j', { ctrlKey: true }), null)).toBe(0);
  });

  it('leaves the keys alone while a comment is being typed', () => {
    expect(reviewMove(key('j'), { tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(0);
    expect(reviewMove(key('k'), { tagName: 'INPUT' } as unknown as EventTarget)).toBe(0);
    expect(reviewMove(key('j'), { tagName: 'TR' } as unknown as EventTarget)).toBe(1);
  });

  it('stays within the list', () => {
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(stepIndex(1, 1, 3)).toBe(2);
    expect(stepIndex(0, 1, 0)).toBe(0);
  });

  it('approves only listed results that are pending and carry no flag', () => {
    const rows = [
      { id: 'a', reviewState: 'pending', flags: [] },
      { id: 'b', reviewState: 'pending', flags: ['far_from_site'] },
      { id: 'c', reviewState: 'returned', flags: [] },
      { id: 'd', reviewState: 'approved', flags: [] },
    ];
    expect(cleanPending(rows).map((row) => row.id)).toEqual(['a']);
  });
});
