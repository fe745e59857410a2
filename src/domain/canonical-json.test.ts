import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every level, keeps array order and drops undefined', () => {
    const written = { b: 1, a: { d: [3, { z: true, y: null }], c: undefined }, e: 'x' };
    expect(canonicalJson(written)).toBe('{"a":{"d":[3,{"y":null,"z":true}]},"b":1,"e":"x"}');
  });

  it('gives the same text for the same content written in another key order', () => {
    const first = { id: 'i1', answers: [{ itemId: 'T01', grade: 'A' }], revision: 2 };
    const second = { revision: 2, answers: [{ grade: 'A', itemId: 'T01' }], id: 'i1' };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
    expect(canonicalJson({ ...first, revision: 3 })).not.toBe(canonicalJson(second));
  });
});
