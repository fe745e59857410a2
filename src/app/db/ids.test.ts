// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidSchema } from '../../domain/wire';
import { newUuid } from './ids';

afterEach(() => {
  // Remove the shadowing own property: randomUUID comes back from the prototype.
  Reflect.deleteProperty(crypto, 'randomUUID');
});

describe('newUuid', () => {
  it('makes valid, distinct v4 UUIDs, also where randomUUID is missing (plain http)', () => {
    const native = Array.from({ length: 50 }, newUuid);
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    expect('randomUUID' in crypto && typeof Reflect.get(crypto, 'randomUUID')).toBe('undefined');
    const fallback = Array.from({ length: 50 }, newUuid);
    for (const id of [...native, ...fallback]) {
      expect(uuidSchema.safeParse(id).success, id).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set([...native, ...fallback]).size).toBe(100);
  });
});
