/**
 * Ids made on the device for records it creates (inspections, rechecks): random UUIDs, the
 * identity the server dedupes retries by. Stores nothing.
 *
 * `crypto.randomUUID()` exists only in secure contexts (https, localhost); a phone that opens
 * the app over plain http on a LAN would have none, so fall back to `getRandomValues`, which
 * every context has, and build an RFC 4122 version-4 UUID from it.
 */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
