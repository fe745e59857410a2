/// <reference lib="webworker" />
/**
 * The proof-of-work worker: solves one challenge per message, off the main thread, so that a
 * cheap phone's page keeps scrolling and typing while it hashes (one to three seconds).
 */
import { solveProof } from './proof-solver';

export interface ProofJob {
  challenge: string;
  reportId: string;
  bits: number;
}

self.addEventListener('message', (event: MessageEvent<ProofJob>) => {
  const { challenge, reportId, bits } = event.data;
  solveProof(challenge, reportId, bits).then(
    (nonce) => self.postMessage({ nonce }),
    (error: unknown) => self.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
