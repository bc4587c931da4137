/** Saved recovery codes (functions/core/methods/recoveryCodes.ts): issued, typed, hashed, found, used. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CROCKFORD_ALPHABET,
  findRecoveryCode,
  formatRecoveryCode,
  isRecoveryCodeFormat,
  issueRecoveryCodes,
  newRecoveryCode,
  newRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_LENGTH,
  recoveryCodeHash,
} from '../../functions/core/methods/recoveryCodes.js';

const pepper = randomBytes(32);
const guid = '0d5e1f6a-3c2b-4e7d-9a8b-1c2d3e4f5a6b';
const otherGuid = '7f0e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b';

describe('issuing', () => {
  it('issues 10 distinct codes of at least 112 bits each (ASVS 6.5.2: a standard hash suffices), in Crockford base32', () => {
    const issued = issueRecoveryCodes(pepper, guid, 1_700_000_000_000);
    expect(issued.shown).toHaveLength(10);
    expect(new Set(issued.shown).size).toBe(10);
    // The alphabet counted, not assumed: 32 symbols, no I, L, O or U.
    expect(new Set(CROCKFORD_ALPHABET).size).toBe(32);
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
    const bitsPerCode = RECOVERY_CODE_LENGTH * Math.log2(new Set(CROCKFORD_ALPHABET).size);
    expect(bitsPerCode).toBeGreaterThanOrEqual(112);
    expect(bitsPerCode).toBe(120);
    for (const shown of issued.shown) {
      expect(shown).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
      expect(normalizeRecoveryCode(shown)).toHaveLength(RECOVERY_CODE_LENGTH);
    }
    expect(issued.set).toMatchObject({ issued: 10, createdAt: 1_700_000_000_000 });
    expect(issued.set.setId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(issued.set.hashes).toEqual(issued.shown.map((code) => recoveryCodeHash(pepper, guid, code)));
    // Only hashes are kept: no code appears in the record.
    const record = JSON.stringify(issued.set);
    for (const shown of issued.shown) expect(record).not.toContain(normalizeRecoveryCode(shown));
  });

  it('uses every symbol of the alphabet over many codes (no bias to a part of it)', () => {
    const seen = new Set(newRecoveryCodes(200).join(''));
    expect(seen.size).toBe(32);
    expect(newRecoveryCode()).not.toBe(newRecoveryCode());
  });

  it('formats in groups of four', () => {
    expect(formatRecoveryCode('0123456789ABCDEFGHJKMNPQ')).toBe('0123-4567-89AB-CDEF-GHJK-MNPQ');
  });
});

describe('typed input', () => {
  it.each([
    ['0123-4567-89ab-cdef-GHJK-MNPQ', '0123456789ABCDEFGHJKMNPQ'],
    ['0123 4567 89AB CDEF GHJK MNPQ', '0123456789ABCDEFGHJKMNPQ'],
    ['  0123456789abcdefghjkmnpq\n', '0123456789ABCDEFGHJKMNPQ'],
    ['O123-4567-89AB-CDEF-GHJK-MNPQ', '0123456789ABCDEFGHJKMNPQ'],
    ['o1i3-4567-89AB-CDEF-GHJK-MNPQ', '0113456789ABCDEFGHJKMNPQ'],
    ['0L23-4567-89AB-CDEF-GHJK-MNPQ', '0123456789ABCDEFGHJKMNPQ'],
    ['0l23-4567-89AB-CDEF-GHJK-MNPQ', '0123456789ABCDEFGHJKMNPQ'],
  ])('reads %j as %s', (typed, normalized) => {
    expect(normalizeRecoveryCode(typed)).toBe(normalized);
    expect(isRecoveryCodeFormat(typed)).toBe(true);
  });

  it.each([
    '',
    '0123-4567-89AB-CDE-GHJK-MNPQ',
    '0123-4567-89AB-CDEF0-GHJK-MNPQ',
    '0123-4567-89AB-CDEU-GHJK-MNPQ',
    '0123_4567_89AB_CDEF_GHJK_MNPQ',
    // A code of the first, 80-bit sets (16 characters) is not a code any more: a new set replaces it.
    '0123-4567-89AB-CDEF',
    '0123-4567-89AB-CDE!-GHJK-MNPQ',
    '123456',
  ])('refuses %j as not a code', (typed) => {
    expect(isRecoveryCodeFormat(typed)).toBe(false);
    expect(findRecoveryCode(pepper, guid, typed, [])).toBeNull();
  });
});

describe('keyed hashes and finding a code', () => {
  const code = '0123456789ABCDEFGHJKMNPQ';

  it('hashes apart per account and per pepper, and alike for any way the code is typed', () => {
    const hash = recoveryCodeHash(pepper, guid, code);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
    expect(recoveryCodeHash(pepper, otherGuid, code)).not.toBe(hash);
    expect(recoveryCodeHash(randomBytes(32), guid, code)).not.toBe(hash);
    expect(recoveryCodeHash(pepper, guid, 'o123-4567-89ab-cdef-GHJK-MNPQ')).toBe(hash);
    expect(recoveryCodeHash(pepper, guid.toUpperCase(), code)).toBe(hash);
  });

  it('finds the stored hash a typed code matches, wherever it is in the list', () => {
    const issued = issueRecoveryCodes(pepper, guid, 0);
    issued.shown.forEach((shown, i) => {
      expect(findRecoveryCode(pepper, guid, shown.toLowerCase(), issued.set.hashes)).toBe(issued.set.hashes[i]);
    });
  });

  it('finds nothing for another account, another pepper, or a code not in the set', () => {
    const issued = issueRecoveryCodes(pepper, guid, 0);
    const shown = issued.shown[3] ?? '';
    expect(findRecoveryCode(pepper, otherGuid, shown, issued.set.hashes)).toBeNull();
    expect(findRecoveryCode(randomBytes(32), guid, shown, issued.set.hashes)).toBeNull();
    expect(findRecoveryCode(pepper, guid, newRecoveryCode(), issued.set.hashes)).toBeNull();
    expect(findRecoveryCode(pepper, guid, shown, [])).toBeNull();
  });

  it('a used code (its hash removed) no longer matches; the others still do', () => {
    const issued = issueRecoveryCodes(pepper, guid, 0);
    const used = issued.shown[0] ?? '';
    const hash = findRecoveryCode(pepper, guid, used, issued.set.hashes);
    expect(hash).not.toBeNull();
    const left = issued.set.hashes.filter((h) => h !== hash);
    expect(left).toHaveLength(9);
    expect(findRecoveryCode(pepper, guid, used, left)).toBeNull();
    expect(findRecoveryCode(pepper, guid, issued.shown[1] ?? '', left)).toBe(issued.set.hashes[1]);
  });

  it('skips a stored value that is not a hash of ours', () => {
    const hash = recoveryCodeHash(pepper, guid, code);
    expect(findRecoveryCode(pepper, guid, code, ['', 'AAAA', hash])).toBe(hash);
  });
});
