/**
 * The proof of work a resident's report carries, and the keyed hash of a sender's address.
 * No third party: the server signs a challenge (expiry, random part) with its own secret
 * (`server_secrets`, made by migration 0013, shared by every process on one database); the
 * phone finds a nonce whose SHA-256 with the challenge and the report id starts with
 * `PROOF_BITS` zero bits; the report stores the challenge, unique, so it buys one report.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { leadingZeroBits, PROOF_BITS, proofInput, type Proof } from '../../domain/citizen-reports';
import type { Database } from '../storage/schema';

/** Long enough to solve on a slow phone after a wait for signal; short enough to keep few alive. */
export const CHALLENGE_TTL_MS = 10 * 60_000;

const secrets = new WeakMap<object, Promise<Buffer>>();

/** The database's secret, read once per database handle. */
export function citizenSecret(db: Kysely<Database>): Promise<Buffer> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = db
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', 'citizen_reports')
      .executeTakeFirstOrThrow()
      .then((row) => Buffer.from(row.value, 'hex'));
    secrets.set(db, secret);
  }
  return secret;
}

const sign = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

export interface Challenge {
  challenge: string;
  bits: number;
  expiresAt: string;
}

/** `${expiresAtMs}.${bits}.${random}.${signature}`. */
export function issueChallenge(secret: Buffer, now: Date, bits = PROOF_BITS): Challenge {
  const expires = now.getTime() + CHALLENGE_TTL_MS;
  const body = `${expires}.${bits}.${randomBytes(12).toString('base64url')}`;
  return { challenge: `${body}.${sign(secret, body)}`, bits, expiresAt: new Date(expires).toISOString() };
}

/** True when the proof is signed by us, unexpired, of the required difficulty and solved for this report. */
export function verifyProof(secret: Buffer, proof: Proof, reportId: string, now: Date, minBits = PROOF_BITS): boolean {
  const parts = proof.challenge.split('.');
  if (parts.length !== 4) return false;
  const [expires, bits, random, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${expires}.${bits}.${random}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  if (!(Number(expires) > now.getTime()) || Number(bits) < minBits) return false;
  const digest = createHash('sha256')
    .update(proofInput(proof.challenge, reportId, proof.nonce))
    .digest('hex');
  return leadingZeroBits(digest) >= Number(bits);
}

/** What the per-address limits count: the address is never stored, only this keyed hash. */
export const clientKey = (secret: Buffer, address: string) =>
  createHmac('sha256', secret).update(`address:${address}`).digest('hex');
