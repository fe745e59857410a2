/**
 * The proof of work's rule, alone (no schema library): the phone's worker bundles only this.
 * See citizen-reports.ts `PROOF_BITS`.
 */

/** Number of leading zero bits of a hex digest. */
export function leadingZeroBits(hex: string): number {
  let bits = 0;
  for (const char of hex) {
    const nibble = parseInt(char, 16);
    if (nibble === 0) {
      bits += 4;
      continue;
    }
    return bits + Math.clz32(nibble) - 28;
  }
  return bits;
}

/** The text hashed for a proof: binds it to one challenge and one report. */
export const proofInput = (challenge: string, reportId: string, nonce: string) => `${challenge}:${reportId}:${nonce}`;
