/** Tokens, codes, decoy questions and masking: the pure pieces of the reset flow (DESIGN §3 pinned details, §4). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeHmac, codeMatches, isCodeFormat, newCode } from '../../functions/core/codes.js';
import { decoyObjectGuid, decoyQuestionIds, shuffled } from '../../functions/core/decoys.js';
import { maskDestination, maskEmail, maskPhone } from '../../functions/core/masking.js';
import { QUESTION_CATALOG } from '../../functions/core/questions.js';
import { hashToken, isTokenFormat, newToken } from '../../functions/core/tokens.js';

const catalog = QUESTION_CATALOG.map((q) => q.id);

describe('flow tokens', () => {
  it('are 43 base64url characters (32 random bytes), never twice the same', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it.each([
    ['a valid token', 'A'.repeat(43), true],
    ['one character short', 'A'.repeat(42), false],
    ['one character long', 'A'.repeat(44), false],
    ['base64 instead of base64url', `${'A'.repeat(42)}+`, false],
    ['padding', `${'A'.repeat(42)}=`, false],
    ['empty', '', false],
  ])('format: %s', (_name, token, valid) => {
    expect(isTokenFormat(token)).toBe(valid);
  });

  it('are stored as a hash that does not contain them', () => {
    const token = newToken();
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(newToken()));
  });
});

describe('verification codes', () => {
  const pepper = randomBytes(32);

  it('are the configured number of digits, spread over all ten', () => {
    const digits = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const code = newCode(6);
      expect(code).toMatch(/^\d{6}$/);
      for (const d of code) digits.add(d);
    }
    expect(digits.size).toBe(10);
    expect(newCode(8)).toMatch(/^\d{8}$/);
  });

  it('match only with the same pepper and the same flow', () => {
    const hmac = codeHmac(pepper, 'flow-a', '123456');
    expect(codeMatches(pepper, 'flow-a', '123456', hmac)).toBe(true);
    expect(codeMatches(pepper, 'flow-a', '123457', hmac)).toBe(false);
    expect(codeMatches(pepper, 'flow-b', '123456', hmac)).toBe(false);
    expect(codeMatches(randomBytes(32), 'flow-a', '123456', hmac)).toBe(false);
    expect(codeMatches(pepper, 'flow-a', '123456', 'not-a-hmac')).toBe(false);
    expect(hmac).not.toContain('123456');
  });

  it.each([
    ['123456', true],
    ['12345', false],
    ['1234567', false],
    ['12345a', false],
    [' 23456', false],
    ['١٢٣٤٥٦', false],
  ])('format %j: %s', (code, valid) => {
    expect(isCodeFormat(code, 6)).toBe(valid);
  });
});

describe('decoy questions', () => {
  const key = randomBytes(32);

  it('are the same for the same name and key, distinct, from the catalog', () => {
    const first = decoyQuestionIds(key, 'nobody', catalog, 3);
    expect(decoyQuestionIds(key, 'nobody', catalog, 3)).toEqual(first);
    expect(new Set(first).size).toBe(3);
    for (const id of first) expect(catalog).toContain(id);
  });

  it('differ between names and between keys', () => {
    const names = Array.from({ length: 30 }, (_, i) => decoyQuestionIds(key, `user${i}`, catalog, 3).join());
    expect(new Set(names).size).toBeGreaterThan(10);
    const otherKey = Array.from({ length: 30 }, (_, i) =>
      decoyQuestionIds(randomBytes(32), `user${i}`, catalog, 3).join(),
    );
    expect(otherKey).not.toEqual(names);
  });

  it('give a stable stand-in objectGUID per name', () => {
    expect(decoyObjectGuid(key, 'nobody')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(decoyObjectGuid(key, 'nobody')).toBe(decoyObjectGuid(key, 'nobody'));
    expect(decoyObjectGuid(key, 'somebody')).not.toBe(decoyObjectGuid(key, 'nobody'));
  });

  it('shuffling keeps the items and uses every order', () => {
    const orders = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const order = shuffled(['a', 'b', 'c']);
      expect([...order].sort()).toEqual(['a', 'b', 'c']);
      orders.add(order.join(''));
    }
    expect(orders.size).toBe(6);
  });
});

describe('masking (pinned)', () => {
  it.each([
    ['alice@example.com', 'a•••@example.com'],
    ['ivan@corp.example.test', 'i•••@corp.example.test'],
    ['é@example.com', 'é•••@example.com'],
  ])('e-mail %s → %s', (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
    expect(maskDestination('email', address)).toBe(masked);
  });

  it('a phone shows three bullets and its last four digits', () => {
    expect(maskPhone('+15550100001')).toBe('•••0001');
    expect(maskDestination('sms', '+4915112345678')).toBe('•••5678');
  });
});
