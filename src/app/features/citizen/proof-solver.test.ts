import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leadingZeroBits, proofInput } from '../../../domain/citizen-reports';
import { solveProof, zeroBits } from './proof-solver';

describe('proof of work', () => {
  it('counts leading zero bits of bytes as the domain counts them of hex', () => {
    for (const hex of ['ff', '7f', '01', '0080', '000001', '00000000']) {
      expect(zeroBits(Uint8Array.from(Buffer.from(hex, 'hex')))).toBe(leadingZeroBits(hex));
    }
  });

  it('finds a nonce the server accepts, and the smallest one', async () => {
    const nonce = await solveProof('1700000000000.10.abc.sig', 'report-id', 10, { batch: 64 });
    const hash = (n: string) =>
      createHash('sha256')
        .update(proofInput('1700000000000.10.abc.sig', 'report-id', n))
        .digest('hex');
    expect(leadingZeroBits(hash(nonce))).toBeGreaterThanOrEqual(10);
    const value = parseInt(nonce, 36);
    for (let n = 0; n < value; n++) expect(leadingZeroBits(hash(n.toString(36)))).toBeLessThan(10);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(solveProof('c', 'r', 30, { signal: controller.signal })).rejects.toThrow();
  });
});
