/**
 * `npx tsx scripts/measure-hash-flood.ts`: file-read latency while passwords are being hashed
 * (security issue #13, item 5). A flood of 16 concurrent scrypt hashes (N=2^17, the production
 * cost) runs for a few seconds, once on Node's async scrypt (libuv's threadpool, which also does
 * every file read) and once on the server's ScryptPool (worker threads); meanwhile a 1 MiB file
 * is read every 20 ms. Prints p50/p99/max read latency for: no flood, libuv flood, pool flood.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deriveOnThreadpool, SCRYPT_COST, type DeriveKey } from '../src/server/auth/passwords';
import { ScryptPool } from '../src/server/auth/scrypt-pool';

const FLOOD = 16;
const SECONDS = 4;

async function readLatencies(file: string, until: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!until()) {
    const start = performance.now();
    await readFile(file);
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return times;
}

function summary(name: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${name.padEnd(26)} reads ${String(sorted.length).padStart(4)}  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${sorted.at(-1)!.toFixed(1)} ms`;
}

async function measure(name: string, file: string, derive: DeriveKey | undefined): Promise<void> {
  let done = false;
  const flood = async () => {
    while (!done) await derive!('guess', randomBytes(16), 32, SCRYPT_COST);
  };
  const floods = derive ? Array.from({ length: FLOOD }, flood) : [];
  const deadline = Date.now() + SECONDS * 1000;
  const times = await readLatencies(file, () => Date.now() > deadline);
  done = true;
  await Promise.all(floods);
  console.log(summary(name, times));
}

const dir = await mkdtemp(path.join(tmpdir(), 'civic-hash-flood-'));
try {
  const file = path.join(dir, 'photo.bin');
  await writeFile(file, randomBytes(1024 * 1024));
  const pool = new ScryptPool();
  console.log(`scrypt N=${SCRYPT_COST.N}, ${FLOOD} hashes at a time, pool of ${pool.size} worker(s)`);
  await measure('no flood', file, undefined);
  await measure('flood on libuv threadpool', file, deriveOnThreadpool);
  await measure('flood on ScryptPool', file, (p, s, k, c) => pool.derive(p, s, k, c));
  await pool.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
