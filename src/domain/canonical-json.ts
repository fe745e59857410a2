/**
 * Canonical JSON, the server's form of a submitted body (and its test fakes'): object keys sorted
 * at every level, undefined dropped, so two bodies with the same content compare equal as text
 * whatever order the client wrote the keys in. Idempotency (200 for a retry, 409 for different
 * content) compares these strings.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, sortKeys(entry)]),
    );
  }
  return value;
}
