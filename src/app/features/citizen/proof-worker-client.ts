/**
 * Runs the proof of work in a module worker, one job per worker (it is short-lived: a report
 * is sent rarely); where workers are missing, on this thread in batches (proof-solver.ts).
 */
import { solveProof } from './proof-solver';

export type ProofSolver = (challenge: string, reportId: string, bits: number) => Promise<string>;

export const solveInWorker: ProofSolver = (challenge, reportId, bits) => {
  if (typeof Worker === 'undefined') return solveProof(challenge, reportId, bits);
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(new URL('./proof.worker.ts', import.meta.url), { type: 'module', name: 'proof-worker' });
    const done = () => worker.terminate();
    worker.addEventListener('message', (event: MessageEvent<{ nonce?: string; error?: string }>) => {
      done();
      if (event.data.nonce !== undefined) resolve(event.data.nonce);
      else reject(new Error(event.data.error ?? 'proof worker failed'));
    });
    worker.addEventListener('error', () => {
      done();
      // A worker that cannot start (an old WebView): the slices on this thread still work.
      solveProof(challenge, reportId, bits).then(resolve, reject);
    });
    worker.postMessage({ challenge, reportId, bits });
  });
};
