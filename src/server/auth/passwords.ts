/**
 * Password hashing with scrypt (node:crypto): a random 16-byte salt per password and a
 * self-describing text form `scrypt$N$r$p$salt$hash` so the cost can be raised later without
 * breaking stored hashes (a weaker stored hash is replaced at the next successful sign-in:
 * `isWeakerThan`). Comparison is constant-time.
 *
 * The server hashes through its ScryptPool (scrypt-pool.ts: worker threads, off libuv's
 * threadpool); `derive` defaults to Node's async scrypt for the CLI, the demo and tests.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
/**
 * The cost of new hashes: OWASP's minimum for scrypt (N=2^17, r=8, p=1; ~300–500 ms and 128 MiB
 * each). Tests may pass a lower one; stored hashes carry their own.
 */
export const SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** Derives a scrypt key: Node's threadpool here, a worker of the ScryptPool in the server. */
export type DeriveKey = (password: string, salt: Uint8Array, keyLength: number, cost: ScryptCost) => Promise<Buffer>;

export const deriveOnThreadpool: DeriveKey = (password, salt, keyLength, cost) =>
  new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

export async function hashPassword(
  password: string,
  cost: ScryptCost = SCRYPT_COST,
  derive: DeriveKey = deriveOnThreadpool,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEY_LENGTH, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The cost a stored hash was made with; undefined for a form this code does not know. */
export function storedCost(stored: string): ScryptCost | undefined {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash) return undefined;
  if (![cost.N, cost.r, cost.p].every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  return cost;
}

/** Whether a stored hash is cheaper to guess than `cost` in any of its parameters (rehash it). */
export function isWeakerThan(stored: string, cost: ScryptCost): boolean {
  const own = storedCost(stored);
  return !own || own.N < cost.N || own.r < cost.r || own.p < cost.p;
}

export async function verifyPassword(
  password: string,
  stored: string,
  derive: DeriveKey = deriveOnThreadpool,
): Promise<boolean> {
  const cost = storedCost(stored);
  if (!cost) return false;
  const [, , , , salt = '', hash = ''] = stored.split('$');
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), expected.length, cost);
  return timingSafeEqual(key, expected);
}
