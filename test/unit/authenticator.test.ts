/** Authenticator apps (functions/core/methods/authenticator.ts): TOTP as RFC 6238, the replay rule, the sealed seed. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticatorSecretBase32,
  authenticatorUri,
  isTotpCodeFormat,
  newAuthenticatorSecret,
  normalizeTotpCode,
  openAuthenticatorSecret,
  sealAuthenticatorSecret,
  totpStep,
  verifyTotp,
} from '../../functions/core/methods/authenticator.js';

/** RFC 4226 §5.3 written out here, independent of the code under test: HMAC-SHA-1, dynamic truncation, modulo. */
function hotp(secret: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', secret).update(message).digest();
  const offset = (digest[19] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

const stepOf = (seconds: number): number => Math.floor(seconds / 30);

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  // RFC 6238 Appendix B, the SHA-1 rows: its seed is the ASCII of "12345678901234567890".
  const rfcSecret = Buffer.from('12345678901234567890', 'ascii');
  const vectors: [seconds: number, eightDigits: string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  it.each(vectors)('this test’s own RFC 4226 gives the RFC 6238 value at T=%i', (seconds, eightDigits) => {
    expect(hotp(rfcSecret, stepOf(seconds), 8)).toBe(eightDigits);
  });

  it.each(vectors)('accepts the 6-digit code at T=%i and names its step', (seconds, eightDigits) => {
    const six = hotp(rfcSecret, stepOf(seconds), 6);
    // The truncation modulo 10^6 is the 8-digit value's last six digits.
    expect(six).toBe(eightDigits.slice(2));
    expect(verifyTotp(rfcSecret, six, seconds * 1000, null)).toBe(stepOf(seconds));
  });

  const secret = Buffer.from('3132333435363738393031323334353637383930', 'hex');
  const now = 1_700_000_012_345;
  const current = totpStep(now);
  const code = (step: number) => hotp(secret, step, 6);

  it('accepts the step before and after the current one, and refuses two steps off', () => {
    // The codes of the five steps differ for this seed, so each check below is about its own step.
    expect(new Set([-2, -1, 0, 1, 2].map((d) => code(current + d))).size).toBe(5);
    expect(verifyTotp(secret, code(current), now, null)).toBe(current);
    expect(verifyTotp(secret, code(current - 1), now, null)).toBe(current - 1);
    expect(verifyTotp(secret, code(current + 1), now, null)).toBe(current + 1);
    expect(verifyTotp(secret, code(current - 2), now, null)).toBeNull();
    expect(verifyTotp(secret, code(current + 2), now, null)).toBeNull();
  });

  it('refuses a step at or before the last one used, so a code is accepted once', () => {
    expect(verifyTotp(secret, code(current), now, current)).toBeNull();
    expect(verifyTotp(secret, code(current - 1), now, current - 1)).toBeNull();
    expect(verifyTotp(secret, code(current - 1), now, current)).toBeNull();
    // A later code after a used one still passes.
    expect(verifyTotp(secret, code(current), now, current - 1)).toBe(current);
    expect(verifyTotp(secret, code(current + 1), now, current)).toBe(current + 1);
  });

  it('refuses a wrong code, another seed’s code, and anything not 6 digits', () => {
    const wrong = String((Number(code(current)) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(secret, wrong, now, null)).toBeNull();
    expect(verifyTotp(randomBytes(20), code(current), now, null)).toBeNull();
    for (const typed of ['', '12345', '1234567', 'abcdef', ` ${code(current)}`, hotp(secret, current, 8)]) {
      expect(verifyTotp(secret, typed, now, null)).toBeNull();
    }
  });

  it('takes a code typed with spaces or a hyphen once normalized', () => {
    const c = code(current);
    expect(normalizeTotpCode(`${c.slice(0, 3)} ${c.slice(3)}`)).toBe(c);
    expect(normalizeTotpCode(`${c.slice(0, 3)}-${c.slice(3)}`)).toBe(c);
    expect(isTotpCodeFormat(normalizeTotpCode(' 123 456 '))).toBe(true);
    expect(isTotpCodeFormat('12345a')).toBe(false);
  });

  it('counts steps of 30 s from the epoch', () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(() => totpStep(Number.NaN)).toThrow();
  });
});

describe('new seeds and the otpauth URI', () => {
  it('makes 20 random bytes, shown as unpadded base32', () => {
    const a = newAuthenticatorSecret();
    expect(a).toHaveLength(20);
    expect(a.equals(newAuthenticatorSecret())).toBe(false);
    // 160 bits are 32 base32 characters exactly.
    expect(authenticatorSecretBase32(a)).toMatch(/^[A-Z2-7]{32}$/);
    expect(authenticatorSecretBase32(Buffer.from('12345678901234567890', 'ascii'))).toBe(
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    );
  });

  it('escapes the issuer and label and spells out the parameters', () => {
    const seed = Buffer.from('12345678901234567890', 'ascii');
    const uri = authenticatorUri(seed, 'ACME Corp & Co', 'alice@corp.example:x?y');
    expect(uri).toBe(
      'otpauth://totp/ACME%20Corp%20%26%20Co:alice%40corp.example%3Ax%3Fy' +
        '?issuer=ACME%20Corp%20%26%20Co&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('sealed seeds (AES-256-GCM, bound to the account)', () => {
  const key = randomBytes(32);
  const guid = '0d5e1f6a-3c2b-4e7d-9a8b-1c2d3e4f5a6b';
  const seed = newAuthenticatorSecret();

  /** Flips one bit of a base64url field. */
  function flip(value: string, byte = 0): string {
    const bytes = Buffer.from(value, 'base64url');
    bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
    return bytes.toString('base64url');
  }

  it('opens with the same key and account (the GUID in any case), and seals with a fresh IV each time', () => {
    const sealed = sealAuthenticatorSecret(key, seed, guid);
    expect(sealed).toMatchObject({ v: 1, keyVersion: 1 });
    expect(Buffer.from(sealed.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64url')).toHaveLength(16);
    expect(openAuthenticatorSecret(key, sealed, guid)).toEqual(seed);
    expect(openAuthenticatorSecret(key, sealed, guid.toUpperCase())).toEqual(seed);
    const again = sealAuthenticatorSecret(key, seed, guid);
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.ct).not.toBe(sealed.ct);
    // A key longer than 32 bytes (Secrets allow it) works as well.
    const long = randomBytes(48);
    expect(openAuthenticatorSecret(long, sealAuthenticatorSecret(long, seed, guid), guid)).toEqual(seed);
  });

  it('does not open with another key or for another account', () => {
    const sealed = sealAuthenticatorSecret(key, seed, guid);
    expect(openAuthenticatorSecret(randomBytes(32), sealed, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, sealed, '0d5e1f6a-3c2b-4e7d-9a8b-1c2d3e4f5a6c')).toBeNull();
  });

  it('does not open when any part was changed', () => {
    const sealed = sealAuthenticatorSecret(key, seed, guid);
    expect(openAuthenticatorSecret(key, { ...sealed, ct: flip(sealed.ct) }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, ct: flip(sealed.ct, 19) }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, tag: flip(sealed.tag) }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, iv: flip(sealed.iv) }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, keyVersion: 2 }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, ct: sealed.ct.slice(0, -2) }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, iv: '' }, guid)).toBeNull();
    expect(openAuthenticatorSecret(key, { ...sealed, tag: 'AAAA' }, guid)).toBeNull();
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => sealAuthenticatorSecret(randomBytes(16), seed, guid)).toThrow(/at least 32/);
  });
});
