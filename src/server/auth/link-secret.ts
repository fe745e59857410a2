/**
 * The secret site links' tokens are derived with (#17, services/site-links.ts). It must outlive
 * the process — a notice printed today must still open tomorrow — and never sit in the database
 * beside the token hashes (a copy of the database alone must open nothing):
 * `UNIT_LINK_SECRET` (at least 32 characters) when set, the same for every process of a
 * deployment; else 32 random bytes generated once into `{DATA_DIR}/unit-link-secret` (0600).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LINK_SECRET_FILE = 'unit-link-secret';
const MIN_SECRET_LENGTH = 32;

export function loadLinkSecret(dataDir: string, fromEnv: string | undefined): Uint8Array {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `UNIT_LINK_SECRET 至少需要 ${MIN_SECRET_LENGTH} 个字符 (UNIT_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters)`,
      );
    }
    return Buffer.from(fromEnv, 'utf8');
  }
  const file = join(dataDir, LINK_SECRET_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  // `wx`: two processes starting at once never overwrite each other's secret; the loser reads the winner's.
  try {
    writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  }
}
