/**
 * What one client, or all of them together, may hold of the server: connection counts, how
 * long a request may take to arrive or sit idle, and how many photo bytes may be arriving at
 * once. Each limit keeps a slow or hostile client from stalling everyone else (docs/API.md
 * "Limits"). Tests pass smaller values through `buildApp({ limits })`.
 */
import type { Server } from 'node:http';
import { PROOF_BITS, REPORTER_LIMITS, RESIDENT_LIMITS, type ReportLimits } from '../../domain/citizen-reports';
import type { Socket } from 'node:net';

export interface ServerLimits {
  /** A request (headers and body) must arrive whole within this time: 408 otherwise. */
  requestTimeoutMs: number;
  /** The headers must arrive within this time. */
  headersTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed (longer than keep-alive). */
  idleTimeoutMs: number;
  /** A kept-alive connection waits this long for its next request (announced in `Keep-Alive`). */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two request timeouts above. */
  timeoutCheckIntervalMs: number;
  /**
   * Open connections from one address; not applied behind a trusted proxy (all come from it),
   * nor to loopback addresses: a proxy on the same machine that TRUST_PROXY forgot to name
   * would otherwise hold every user to one address's share.
   */
  connectionsPerClient: number;
  /** Whether an address is held to `connectionsPerClient` (tests hold loopback to it too). */
  capsAddress: (address: string) => boolean;
  /** Open connections in all. */
  maxConnections: number;
  /** Photo bytes being received at once (declared lengths); beyond, a 503 with Retry-After. */
  uploadBytesInFlight: number;
  /** Leading zero bits of a resident's proof of work (domain/citizen-reports.ts `PROOF_BITS`). */
  citizenProofBits: number;
  /** Reports per hour, day and site-day: residents per address, 市民记者 per account. */
  citizenLimits: { resident: ReportLimits; reporter: ReportLimits };
}

export const DEFAULT_LIMITS: ServerLimits = {
  requestTimeoutMs: 5 * 60_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 72_000,
  timeoutCheckIntervalMs: 5_000,
  connectionsPerClient: 64,
  capsAddress: (address) => !isLoopback(address),
  maxConnections: 1024,
  uploadBytesInFlight: 64 * 1024 * 1024,
  citizenProofBits: PROOF_BITS,
  citizenLimits: { resident: RESIDENT_LIMITS, reporter: REPORTER_LIMITS },
};

/**
 * Closes a new connection at once when its address already holds `perClient` connections;
 * `server.maxConnections` caps the total. A browser opens at most 6 per origin, so 64 leaves
 * room for several phones behind one carrier NAT.
 */
export function limitConnectionsPerClient(
  server: Server,
  perClient: number,
  capsAddress: (address: string) => boolean,
): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (!capsAddress(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * A budget of bytes shared by the uploads in progress: `take` reserves an upload's declared
 * length (or the largest allowed when it declares none) and answers false when the budget is
 * spent; `give` returns it when the upload ends, however it ends.
 */
export class ByteBudget {
  #inUse = 0;
  constructor(readonly total: number) {}

  take(bytes: number): boolean {
    if (this.#inUse > 0 && this.#inUse + bytes > this.total) return false;
    this.#inUse += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#inUse = Math.max(0, this.#inUse - bytes);
  }

  get inUse(): number {
    return this.#inUse;
  }
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as IPv6. */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
