/**
 * Authenticator apps as a recovery method (issue 16): TOTP as RFC 6238 with the parameters every app reads from an
 * otpauth URI without asking (HMAC-SHA-1, 6 digits, 30 s steps), and the seed sealed at rest.
 *
 * The HOTP value of one step (RFC 4226's truncation) comes from the otpauth package, which bundles cleanly (its Node
 * build imports node:crypto and nothing else). The window, the replay rule and the comparison are done here instead of
 * by its validate(), which stops at the first match and knows nothing of steps already used: every step of the window
 * is computed and compared in constant time, and a step at or before the last one used is never accepted.
 *
 * The seed is sealed here, in core, with the key passed in as an argument (as core/codes.ts takes the pepper): sealing
 * is plain node:crypto with no I/O, and the domain that decides when a seed is made and checked is the one place that
 * should know how it is kept. The key is the authenticator key of Secrets (ports.ts), never the pepper: one leaked
 * secret must not both forge code hashes and read every seed.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import type { SealedAuthenticatorSecret } from '../store.js';

/** RFC 4226 recommends at least 128 bits and 160; 20 bytes is also SHA-1's block output, what apps expect. */
export const AUTHENTICATOR_SECRET_BYTES = 20;
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
const TOTP_ALGORITHM = 'SHA1';
/** Steps accepted either side of the current one: a phone clock up to 30 s off, or a code typed as it turned over. */
export const TOTP_WINDOW_STEPS = 1;

/** A new seed from the CSPRNG, raw; show it with authenticatorSecretBase32 or authenticatorUri. */
export function newAuthenticatorSecret(): Buffer {
  return randomBytes(AUTHENTICATOR_SECRET_BYTES);
}

/** The seed as apps take it typed in: RFC 4648 base32, upper case, no padding. */
export function authenticatorSecretBase32(secret: Buffer): string {
  return otpSecret(secret).base32;
}

/**
 * The otpauth://totp URI an app reads from a QR code (Key Uri Format): `issuer` and `label` (e.g. the user's name) are
 * percent-encoded, in the path as `issuer:label` and again as the issuer parameter; the algorithm, digits and period
 * are spelled out.
 */
export function authenticatorUri(secret: Buffer, issuer: string, label: string): string {
  return new TOTP({
    issuer,
    label,
    issuerInLabel: true,
    secret: otpSecret(secret),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The time step that holds `nowMs`. */
export function totpStep(nowMs: number): number {
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new Error('totpStep: now must be a finite, non-negative time in ms');
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** What a person may type for a code: digits, with spaces or a hyphen between groups (as apps show "123 456"). */
export function normalizeTotpCode(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}

/** Whether a normalized code has the shape of one (6 digits): anything else is refused before it is counted. */
export function isTotpCodeFormat(code: string): boolean {
  return code.length === TOTP_DIGITS && /^\d+$/.test(code);
}

/**
 * The time step `code` (normalized) is right for, within one step either side of the one holding `nowMs`, or null.
 * A step at or before `lastUsedStep` is refused, so a code is accepted once: record the returned step
 * (Store.useAuthenticatorStep, a conditional write) before acting on it. Every step of the window is computed and
 * compared in constant time, whatever matched; of two that match (two steps with the same code), the earlier unused
 * one is returned.
 */
export function verifyTotp(secret: Buffer, code: string, nowMs: number, lastUsedStep: number | null): number | null {
  const current = totpStep(nowMs);
  // The shape is not secret: a code that is not 6 digits costs nothing to refuse.
  if (!isTotpCodeFormat(code)) return null;
  const typed = Buffer.from(code, 'utf8');
  const seed = otpSecret(secret);
  let matched: number | null = null;
  for (let step = current - TOTP_WINDOW_STEPS; step <= current + TOTP_WINDOW_STEPS; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(
      HOTP.generate({ secret: seed, algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: step }),
      'utf8',
    );
    const equal = timingSafeEqual(expected, typed);
    const unused = lastUsedStep === null || step > lastUsedStep;
    if (equal && unused && matched === null) matched = step;
  }
  return matched;
}

function otpSecret(secret: Buffer): Secret {
  if (secret.length < 16) throw new Error('authenticator secret must be at least 16 bytes');
  // A copy: otpauth keeps the buffer, and the caller's Buffer may share a larger pool.
  return new Secret({ buffer: Uint8Array.from(secret).buffer });
}

/** The sealing format of SealedAuthenticatorSecret.v. */
const SEAL_FORMAT = 1;
/** The authenticator key in use now; a rotation adds a version and keeps the old key to open older seeds. */
export const AUTHENTICATOR_KEY_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_INFO = 'sspr-authenticator-seed-v1';

/**
 * Seals a seed for one account: AES-256-GCM, a random 12-byte IV, under a key derived from `key` (HKDF-SHA-256, so a
 * secret of any length of at least 32 bytes serves and this key is used for nothing else), with the format, key version
 * and objectGuid (lower case, as the store keys accounts) as associated data. A sealed seed moved to another account, or
 * with its version fields changed, does not open.
 */
export function sealAuthenticatorSecret(
  key: Buffer,
  secret: Buffer,
  objectGuid: string,
  keyVersion: number = AUTHENTICATOR_KEY_VERSION,
): SealedAuthenticatorSecret {
  if (!Number.isInteger(keyVersion) || keyVersion < 1) throw new Error('keyVersion must be a positive integer');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(SEAL_FORMAT, keyVersion, objectGuid));
  const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    v: SEAL_FORMAT,
    keyVersion,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/**
 * The seed, or null when the seal does not open: another key, another account, a changed field, or a record of another
 * shape. `key` is the one of `sealed.keyVersion`; choosing it is the caller's part.
 */
export function openAuthenticatorSecret(
  key: Buffer,
  sealed: SealedAuthenticatorSecret,
  objectGuid: string,
): Buffer | null {
  if (sealed.v !== SEAL_FORMAT || !Number.isInteger(sealed.keyVersion)) return null;
  const iv = Buffer.from(sealed.iv, 'base64url');
  const tag = Buffer.from(sealed.tag, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(key), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(sealed.v, sealed.keyVersion, objectGuid));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]);
  } catch {
    // The tag did not verify; nothing of the record or the key belongs in a message.
    return null;
  }
}

function sealingKey(key: Buffer): Buffer {
  if (key.length < KEY_BYTES) throw new Error(`the authenticator key must be at least ${KEY_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
}

function associatedData(format: number, keyVersion: number, objectGuid: string): Buffer {
  return Buffer.from(`authenticator:${format}:${keyVersion}:${objectGuid.toLowerCase()}`, 'utf8');
}
