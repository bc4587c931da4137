/**
 * Tokens, codes, decoy questions, masking and SMS destinations and caps: the small pieces of the reset flow (DESIGN §3
 * pinned details, §4).
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeHmac, codeMatches, isCodeFormat, newCode } from '../../functions/core/codes.js';
import { type Config, parseConfig } from '../../functions/core/config.js';
import { directoryPhone, isSmsAllowed } from '../../functions/core/contacts.js';
import { decoyObjectGuid, decoyQuestionIds, shuffled } from '../../functions/core/decoys.js';
import type { DirectoryAccount } from '../../functions/core/directory.js';
import { SMS_WARNING_MESSAGE, smsEnabled, smsLimits, watchSmsVolume } from '../../functions/core/limits.js';
import type { LogFields, Logger } from '../../functions/core/log.js';
import { maskDestination, maskEmail, maskPhone } from '../../functions/core/masking.js';
import { smsNumbers } from '../../functions/core/notices.js';
import { weightsFrom } from '../../functions/core/questionPopularity.js';
import { QUESTION_CATALOG } from '../../functions/core/questions.js';
import type { Admission, EnrolledContact, Enrollment, RateWindow, Store } from '../../functions/core/store.js';
import { hashToken, isTokenFormat, matchesTokenHash, newToken } from '../../functions/core/tokens.js';

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

  it('match their stored hash (the SHA-256, base64url), and nothing else does', () => {
    const token = newToken();
    const stored = hashToken(token);
    expect(stored).toBe(createHash('sha256').update(token, 'utf8').digest('base64url'));
    expect(matchesTokenHash(token, stored)).toBe(true);
    expect(matchesTokenHash(newToken(), stored)).toBe(false);
    // The value itself, a hash cut short or empty, never match (no length is assumed).
    expect(matchesTokenHash(token, token)).toBe(false);
    expect(matchesTokenHash(token, stored.slice(0, -1))).toBe(false);
    expect(matchesTokenHash(token, '')).toBe(false);
    expect(matchesTokenHash('', stored)).toBe(false);
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

  it("follow real users' choices: drawn in proportion to the tally's weights, not uniformly", () => {
    // Real users chose the first three questions nine times as often as the rest.
    const tally = Object.fromEntries(catalog.map((id, i) => [id, i < 3 ? 900 : 100]));
    const weights = weightsFrom(tally, catalog);
    const seen = new Map<string, number>();
    const names = 3000;
    for (let i = 0; i < names; i++) {
      for (const id of decoyQuestionIds(key, `name${i}`, catalog, 3, weights)) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const popular = catalog.slice(0, 3).reduce((sum, id) => sum + (seen.get(id) ?? 0), 0) / (3 * names);
    const rare = catalog.slice(3).reduce((sum, id) => sum + (seen.get(id) ?? 0), 0) / ((catalog.length - 3) * names);
    // A uniform draw gives every id 3/10 of the names; weighted, the popular ones are far ahead.
    expect(popular).toBeGreaterThan(0.6);
    expect(rare).toBeLessThan(0.2);
  });

  it('keep a name on its questions while popularity moves less than a step', () => {
    const tally = Object.fromEntries(catalog.map((id, i) => [id, 100 + i * 10]));
    const before = weightsFrom(tally, catalog);
    const after = weightsFrom({ ...tally, [catalog[0] as string]: 101 }, catalog);
    expect(after).toEqual(before);
    expect(decoyQuestionIds(key, 'nobody', catalog, 3, after)).toEqual(
      decoyQuestionIds(key, 'nobody', catalog, 3, before),
    );
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

const config = (overrides: object = {}): Config => parseConfig(overrides);

describe('SMS destinations', () => {
  it('a directory mobile is read as E.164 without its spacing, never with a guessed country code', () => {
    expect(directoryPhone('+15550100001')).toBe('+15550100001');
    expect(directoryPhone('+1 (555) 010-0001')).toBe('+15550100001');
    expect(directoryPhone('+49 151 1234.5678')).toBe('+4915112345678');
    for (const value of [null, undefined, '', '5550100001', '0151 12345678', '+1 555 CALL ME', '+0 555 010 0001']) {
      expect(directoryPhone(value), String(value)).toBeNull();
    }
  });

  it('an empty allow-list allows every E.164 number; an entry is a prefix of the number', () => {
    expect(isSmsAllowed('+15550100001', [])).toBe(true);
    expect(isSmsAllowed('+4915112345678', ['+49'])).toBe(true);
    expect(isSmsAllowed('+15550100001', ['+49'])).toBe(false);
    expect(isSmsAllowed('+15550100001', ['+49', '+1'])).toBe(true);
    expect(isSmsAllowed('+15550100001 ', [])).toBe(false);
    expect(isSmsAllowed('15550100001', ['+1'])).toBe(false);
  });

  const account = (mobile: string | null) => ({ sAMAccountName: 'alice', mobile }) as DirectoryAccount;
  const phone = (address: string, verified: boolean): EnrolledContact => ({
    id: address,
    channel: 'sms',
    address,
    verified,
    addedAt: 0,
  });
  const enrollment = (...contacts: EnrolledContact[]) => ({ contacts }) as Enrollment;

  it('verified enrolled phones and the directory mobile, allowed countries only; pending phones never', () => {
    const enrolled = enrollment(
      phone('+4915112345678', true),
      phone('+4915112345678', true),
      phone('+15550100099', false),
      { id: 'e', channel: 'email', address: 'alice@example.com', verified: true, addedAt: 0 },
    );
    expect(smsNumbers(account('+1 555 010 0001'), enrolled, config())).toEqual({
      enrolled: ['+4915112345678'],
      directory: '+15550100001',
    });
    expect(smsNumbers(account('+15550100001'), enrolled, config({ codes: { smsCountryCodes: ['+49'] } }))).toEqual({
      enrolled: ['+4915112345678'],
      directory: null,
    });
    expect(smsNumbers(account('+15550100001'), enrolled, config({ codes: { smsCountryCodes: ['+1'] } }))).toEqual({
      enrolled: [],
      directory: '+15550100001',
    });
    expect(smsNumbers(account('+15550100001'), null, config({ codes: { useDirectoryContacts: false } }))).toEqual({
      enrolled: [],
      directory: null,
    });
  });

  it('a cap of 0 turns SMS off', () => {
    for (const key of ['smsPerUserPerDay', 'smsPerAddressPerDay', 'smsPerDay']) {
      const off = config({ rateLimits: { [key]: 0 } });
      expect(smsEnabled(off), key).toBe(false);
      expect(smsNumbers(account('+15550100001'), enrollment(phone('+4915112345678', true)), off)).toEqual({
        enrolled: [],
        directory: null,
      });
    }
    expect(smsEnabled(config())).toBe(true);
  });
});

describe('SMS caps', () => {
  it('per user, per address and in total, each for a day; the shared total last', () => {
    expect(smsLimits('alice', '192.0.2.7', config())).toEqual([
      { counter: 'sms:user:alice', window: { limit: 5, windowSeconds: 86_400 } },
      { counter: 'sms:address:192.0.2.7', window: { limit: 50, windowSeconds: 86_400 } },
      { counter: 'sms:total', window: { limit: 1000, windowSeconds: 86_400 } },
    ]);
  });

  /** admit and count as the store port promises them, in memory; only what watchSmsVolume uses. */
  function counters() {
    const counts = new Map<string, number>();
    const key = (counter: string, window: RateWindow, now: number) =>
      `${counter}@${Math.floor(now / (window.windowSeconds * 1000))}`;
    const store = {
      async admit(counter: string, window: RateWindow, now: number): Promise<Admission> {
        const current = counts.get(key(counter, window, now)) ?? 0;
        if (current >= window.limit) return { admitted: false, retryAfterSeconds: 1 };
        counts.set(key(counter, window, now), current + 1);
        return { admitted: true };
      },
      async count(counter: string, window: RateWindow, now: number) {
        return counts.get(key(counter, window, now)) ?? 0;
      },
    } as unknown as Store;
    return { store, counts };
  }

  function recordingLogger() {
    const warnings: { message: string; fields: LogFields | undefined }[] = [];
    const logger: Logger = {
      info: () => undefined,
      warn: (message, fields) => warnings.push({ message, fields }),
      error: () => undefined,
    };
    return { logger, warnings };
  }

  it('warns once when the daily total reaches 80 %, and again on the next day', async () => {
    const cfg = config({ rateLimits: { smsPerDay: 10 } });
    const { store } = counters();
    const { logger, warnings } = recordingLogger();
    const day = 86_400_000;
    const now = 20_000 * day + 3_600_000;
    const [, , total] = smsLimits('alice', '192.0.2.7', cfg);
    if (!total) throw new Error('no total cap');
    for (let sent = 1; sent <= 10; sent++) {
      await store.admit(total.counter, total.window, now);
      await watchSmsVolume(store, logger, cfg, now);
      expect(warnings.length, `after ${sent}`).toBe(sent >= 8 ? 1 : 0);
    }
    expect(warnings[0]).toEqual({ message: SMS_WARNING_MESSAGE, fields: { event: 'sms-volume', count: 8 } });
    expect(SMS_WARNING_MESSAGE).toBe('sms daily volume at 80 %');

    for (let sent = 1; sent <= 8; sent++) {
      await store.admit(total.counter, total.window, now + day);
      await watchSmsVolume(store, logger, cfg, now + day);
    }
    expect(warnings).toHaveLength(2);
  });

  it('the mark is 80 % rounded up, in exact arithmetic', async () => {
    for (const [perDay, mark] of [
      [15, 12],
      [3, 3],
      [1000, 800],
      [1, 1],
    ] as const) {
      const cfg = config({ rateLimits: { smsPerDay: perDay } });
      const { store } = counters();
      const { logger, warnings } = recordingLogger();
      let warnedAt = 0;
      for (let sent = 1; sent <= perDay && warnedAt === 0; sent++) {
        await store.admit('sms:total', { limit: perDay, windowSeconds: 86_400 }, 0);
        await watchSmsVolume(store, logger, cfg, 0);
        if (warnings.length > 0) warnedAt = sent;
      }
      expect(warnedAt, `smsPerDay ${perDay}`).toBe(mark);
    }
  });

  it('parallel sends that cross the mark together warn once', async () => {
    const cfg = config({ rateLimits: { smsPerDay: 5 } });
    const { store } = counters();
    const { logger, warnings } = recordingLogger();
    for (let i = 0; i < 5; i++) await store.admit('sms:total', { limit: 5, windowSeconds: 86_400 }, 0);
    await Promise.all(Array.from({ length: 20 }, () => watchSmsVolume(store, logger, cfg, 0)));
    expect(warnings).toHaveLength(1);
  });
});
