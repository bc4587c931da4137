/**
 * Saved recovery codes (issue 16): a set of single-use codes shown once, kept only as keyed hashes (HMAC-SHA-256 with
 * the pepper, bound to the account), compared in constant time against every stored hash.
 *
 * A code is 24 characters of Crockford's base32 (120 bits from the CSPRNG: 15 random bytes, 5 bits a character), shown
 * as xxxx-xxxx-xxxx-xxxx-xxxx-xxxx. Typed input is read as Crockford reads it: any case, spaces and hyphens ignored, O
 * as 0, I and L as 1. 120 bits, not the 64 the issue asks at least: ASVS 5.0 6.5.2 lets a lookup secret of 112 bits or
 * more be kept under a standard hash, and below that asks a salted password hash. So a keyed hash (HMAC with the
 * pepper) is enough, and a stolen table plus the pepper still leaves 2^120 guesses per code.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecoveryCodeSet } from '../store.js';

/** Crockford's base32: digits and letters less I, L, O and U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_COUNT = 10;
/** Characters of one code: 24 × 5 = 120 bits (ASVS 6.5.2's 112 bits for a standard hash, with room). */
export const RECOVERY_CODE_LENGTH = 24;
const RANDOM_BYTES = (RECOVERY_CODE_LENGTH * 5) / 8;
const GROUP = 4;
const CODE_SHAPE = new RegExp(`^[${CROCKFORD_ALPHABET}]{${RECOVERY_CODE_LENGTH}}$`);

/** One new code, normalized (24 characters, no hyphens); formatRecoveryCode shows it. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(RANDOM_BYTES);
  let code = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += CROCKFORD_ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return code;
}

/** `count` distinct new codes, normalized. */
export function newRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer');
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  return [...codes];
}

/** A normalized code as shown to the user: xxxx-xxxx-xxxx-xxxx-xxxx-xxxx. */
export function formatRecoveryCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP));
  return groups.join('-');
}

/** Typed input as Crockford reads it: upper case, whitespace and hyphens dropped, O → 0, I and L → 1. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/**
 * Whether typed input has the shape of a code once normalized: refuse anything else before it is counted as a wrong
 * try (as core/codes.ts isCodeFormat does for sent codes). U is not in the alphabet, so a code with one is a typo.
 */
export function isRecoveryCodeFormat(typed: string): boolean {
  return CODE_SHAPE.test(normalizeRecoveryCode(typed));
}

/**
 * The keyed hash a code is stored as: HMAC-SHA-256 with the pepper over "recovery-code:" + objectGuid (lower case, as
 * the store keys accounts) + ":" + the normalized code, base64url. The same code of another account hashes apart.
 */
export function recoveryCodeHash(pepper: Buffer, objectGuid: string, code: string): string {
  return createHmac('sha256', pepper)
    .update(`recovery-code:${objectGuid.toLowerCase()}:${normalizeRecoveryCode(code)}`, 'utf8')
    .digest('base64url');
}

/**
 * The stored hash `typed` matches, or null: the typed code's hash is compared with every stored hash in constant time,
 * without stopping at a match, so the time does not tell which (or whether one) matched. Input that is not a code's
 * shape matches nothing. Remove the returned hash (Store.useRecoveryCode, a conditional write) before acting on it.
 */
export function findRecoveryCode(
  pepper: Buffer,
  objectGuid: string,
  typed: string,
  storedHashes: readonly string[],
): string | null {
  if (!isRecoveryCodeFormat(typed)) return null;
  const expected = Buffer.from(recoveryCodeHash(pepper, objectGuid, typed), 'base64url');
  let found: string | null = null;
  for (const stored of storedHashes) {
    const candidate = Buffer.from(stored, 'base64url');
    // Every stored hash of ours is 32 bytes: the length check only skips a value that is not one, which tells nothing.
    const equal = candidate.length === expected.length && timingSafeEqual(candidate, expected);
    if (equal && found === null) found = stored;
  }
  return found;
}

/** A new set: the codes to show once (formatted), and the record to store (their hashes only). */
export interface IssuedRecoveryCodes {
  shown: string[];
  set: RecoveryCodeSet;
}

/** Issues a new set of `count` codes for the account, at `now`. */
export function issueRecoveryCodes(
  pepper: Buffer,
  objectGuid: string,
  now: number,
  count: number = RECOVERY_CODE_COUNT,
): IssuedRecoveryCodes {
  const codes = newRecoveryCodes(count);
  return {
    shown: codes.map(formatRecoveryCode),
    set: {
      setId: randomBytes(12).toString('base64url'),
      hashes: codes.map((code) => recoveryCodeHash(pepper, objectGuid, code)),
      issued: codes.length,
      createdAt: now,
    },
  };
}
