/**
 * Failed token look-ups per client on the routes site links may call (#17; in memory, per
 * process): past `LINK_FAILURE_LIMIT` guesses in `LINK_FAILURE_WINDOW_MS` a client waits.
 *
 * Bounded: a guess flood spread over many addresses would otherwise grow the map without end.
 * Past `MAX_CLIENTS` entries the expired ones are dropped, then the longest-quiet ones (the map
 * keeps clients in the order of their last guess). IPv6 clients are counted per /64, the block a
 * single subscriber usually holds, so one household's 2^64 addresses are one client.
 */
export const LINK_FAILURE_LIMIT = 20;
export const LINK_FAILURE_WINDOW_MS = 15 * 60_000;
export const MAX_CLIENTS = 10_000;

export class LinkThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxClients: number;

  constructor(maxClients = MAX_CLIENTS) {
    this.#maxClients = maxClients;
  }

  /** How many clients are remembered (for tests and metrics). */
  get size(): number {
    return this.#failures.size;
  }

  retryAfterSeconds(address: string, at: number): number {
    const recent = this.#recent(clientKey(address), at);
    if (recent.length < LINK_FAILURE_LIMIT) return 0;
    return Math.max(1, Math.ceil((recent[0]! + LINK_FAILURE_WINDOW_MS - at) / 1000));
  }

  fail(address: string, at: number): void {
    const client = clientKey(address);
    const recent = [...this.#recent(client, at), at].slice(-LINK_FAILURE_LIMIT);
    this.#failures.delete(client); // re-inserted last: the map stays ordered by last guess
    this.#failures.set(client, recent);
    if (this.#failures.size > this.#maxClients) this.#prune(at);
  }

  #prune(at: number): void {
    for (const [client, times] of this.#failures) {
      if (times[times.length - 1]! <= at - LINK_FAILURE_WINDOW_MS) this.#failures.delete(client);
    }
    for (const client of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxClients) break;
      this.#failures.delete(client);
    }
  }

  #recent(client: string, at: number): number[] {
    const recent = (this.#failures.get(client) ?? []).filter((time) => time > at - LINK_FAILURE_WINDOW_MS);
    if (recent.length === 0) this.#failures.delete(client);
    return recent;
  }
}

/** The client an address counts as: itself for IPv4 (also IPv4-mapped IPv6), its /64 for IPv6. */
export function clientKey(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
