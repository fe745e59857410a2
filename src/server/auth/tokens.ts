/**
 * Bearer tokens: 32 random bytes (base64url) handed to the client once; the server keeps only
 * their SHA-256, so a copy of the database holds no usable token.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_LIFETIME_DAYS = 30;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return match?.[1];
}
