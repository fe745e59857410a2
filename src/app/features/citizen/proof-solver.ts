/**
 * Solving the server's proof of work (domain/citizen-reports.ts `PROOF_BITS`): the smallest
 * nonce, counted in base 36, whose SHA-256 of `${challenge}:${reportId}:${nonce}` starts with
 * the challenge's zero bits. Web Crypto hashes a batch at a time; between batches the thread is
 * free again, so even without a worker the page stays responsive (`proof-worker-client.ts` runs
 * this in a worker when it can).
 */
import { proofInput } from '../../../domain/proof';

/** Leading zero bits of a digest's bytes. */
export function zeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export interface SolveOptions {
  /** Hashes started together (default 256). */
  batch?: number;
  signal?: AbortSignal;
}

export async function solveProof(
  challenge: string,
  reportId: string,
  bits: number,
  { batch = 256, signal }: SolveOptions = {},
): Promise<string> {
  const encoder = new TextEncoder();
  for (let start = 0; ; start += batch) {
    signal?.throwIfAborted();
    const nonces = Array.from({ length: batch }, (_, offset) => (start + offset).toString(36));
    const digests = await Promise.all(
      nonces.map((nonce) =>
        globalThis.crypto.subtle.digest('SHA-256', encoder.encode(proofInput(challenge, reportId, nonce))),
      ),
    );
    const found = digests.findIndex((digest) => zeroBits(new Uint8Array(digest)) >= bits);
    if (found >= 0) return nonces[found]!;
  }
}
