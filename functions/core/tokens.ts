/**
 * Flow and enrollment tokens (DESIGN §3 pinned details): 32 random bytes as 43 base64url characters, stored only as
 * their SHA-256, so a copy of the table cannot be replayed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { validationError } from './errors.js';

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isTokenFormat(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The hash of a token of the pinned form, or VALIDATION naming the field (an unknown or dead one is the caller's 410). */
export function tokenHashOf(token: string, field: string): string {
  if (!isTokenFormat(token)) throw validationError({ [field]: { message: 'flow.invalid' } });
  return hashToken(token);
}

/**
 * Whether `value` hashes (hashToken) to `hash`, compared in constant time: how a secret kept only as its hash (a
 * passkey challenge) is checked, without the time of the comparison telling how much of the hash matched.
 */
export function matchesTokenHash(value: string, hash: string): boolean {
  const actual = Buffer.from(hashToken(value), 'utf8');
  const expected = Buffer.from(hash, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
