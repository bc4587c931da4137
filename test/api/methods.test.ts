/**
 * Recovery methods (issue 16 item 2) through the local server: POST /api/methods/session (the password proof of
 * enroll), recovery codes, an authenticator app (begin, confirm), remove. The TOTP codes are computed here by an RFC
 * 6238 written in this file (HMAC-SHA-1 from node:crypto), not by the product's code.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../support/movableClock.js';
import { base32Decode, totpAtStep } from '../support/rfc6238.js';
import { DEMO, demoMail, enrollBody, startTestStack, type TestStack } from './harness.js';
import { scanTable } from './tableScan.js';

/** Generous request limits; the failed-proof limit per name stays the default (3 per 30 minutes). */
const rateLimits = {
  perUser: { limit: 1000, windowSeconds: 3600 },
  perAddress: { limit: 10_000, windowSeconds: 300 },
  failedPasswordsPerAddress: { limit: 10_000, windowSeconds: 3600 },
  // Every notice of an added or removed method is also texted: alice gets many here.
  smsPerUserPerDay: 100,
};
const MAX_TRIES = 5;

const stepAt = (ms: number) => Math.floor(ms / 30_000);

/** A 6-digit code that is right for none of the steps a confirm at `now` accepts. */
function wrongCode(secret: Buffer, now: number): string {
  const right = new Set([-1, 0, 1].map((d) => totpAtStep(secret, stepAt(now) + d)));
  for (;;) {
    const candidate = String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, '0');
    if (!right.has(candidate)) return candidate;
  }
}

describe('recovery methods (default policy)', () => {
  let stack: TestStack;
  const clock = movableClock();
  /** Every secret the API handed out: none may be in the table, the outbox file or a log line. */
  const secrets: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits }, clock });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const session = async (user: keyof typeof DEMO, headers: Record<string, string> = {}) => {
    const response = await stack.post('/api/methods/session', { username: user, password: DEMO[user] }, headers);
    expect(response.status, response.text).toBe(200);
    return response.body.methodsToken as string;
  };
  const begin = async (methodsToken: string) => {
    const response = await stack.post('/api/methods/authenticator/begin', { methodsToken });
    expect(response.status, response.text).toBe(200);
    secrets.push(response.body.secret);
    return base32Decode(response.body.secret);
  };
  const audits = async (user: string, event: string, outcome: string) =>
    (await stack.store.listAudit(user)).filter((e) => e.event === event && e.outcome === outcome);
  /** The e-mails with this subject and the text messages with this phrase. */
  const noticesTo = async (subject: string, phrase: string) =>
    (await stack.outboxLines()).filter(
      (line) => line.subject === subject || (line.channel === 'sms' && String(line.body).includes(phrase)),
    );
  const ADDED = [
    'A recovery method was added to your password self-service',
    'was added to your password self-service',
  ] as const;
  const REMOVED = [
    'A recovery method was removed from your password self-service',
    'was removed from your password self-service',
  ] as const;

  describe('POST /api/methods/session', () => {
    it('needs the right password: a wrong one is 401, and the failed-proof limit applies (then even the right one is 429)', async () => {
      for (let i = 0; i < 3; i++) {
        const wrong = await stack.post('/api/methods/session', { username: 'bob', password: 'Wrong!2026x' });
        expect(wrong.status).toBe(401);
        expect(wrong.body.error.code).toBe('BAD_CREDENTIALS');
      }
      const limited = await stack.post('/api/methods/session', { username: 'bob', password: DEMO.bob });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
    });

    it('an unknown name and a locked account are the same 401; an ineligible account is 403 after the proof', async () => {
      const unknown = await stack.post('/api/methods/session', { username: 'nobody', password: 'Orchid!2026a' });
      expect(unknown.status).toBe(401);
      const locked = await stack.post('/api/methods/session', { username: 'ivan', password: DEMO.ivan });
      expect(locked.status).toBe(401);
      const frank = await stack.post('/api/methods/session', { username: 'frank', password: DEMO.frank });
      expect(frank.status).toBe(403);
      expect(frank.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', reason: 'CANNOT_CHANGE_PASSWORD' });
    });

    it('refuses a malformed body before anything is counted', async () => {
      const long = await stack.post('/api/methods/session', { username: 'alice', password: 'x'.repeat(1025) });
      expect(long.status).toBe(400);
      const extra = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice, x: 1 });
      expect(extra.status).toBe(400);
    });

    it('answers with a token, its lifetime and what alice holds and the policy offers; the token is stored hashed', async () => {
      const response = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        methodsToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expiresInSeconds: 15 * 60,
        methods: {
          offered: ['questions', 'email', 'sms', 'authenticator', 'passkey', 'recoveryCode'],
          questions: { enrolled: false },
          authenticator: { enrolled: false },
          recoveryCodes: { remaining: 0 },
          passkeys: [],
          // Never enrolled, automatic enrollment off: no alternative of the policy can pass for her yet.
          canRecover: false,
        },
      });
      const raw = JSON.stringify(await scanTable(stack.dataDir));
      expect(raw).not.toContain(response.body.methodsToken);
      expect(await audits('alice', 'methods-session', 'success')).toHaveLength(1);
    });
  });

  describe('recovery codes', () => {
    let first: string[];

    it('issues 10 distinct codes of 120 bits (ASVS 6.5.2: 112 or more for a standard hash), shown once; the store keeps a set of 10 hashes', async () => {
      const methodsToken = await session('alice');
      const before = (await noticesTo(...ADDED)).length;
      const response = await stack.post('/api/methods/recovery-codes', { methodsToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ codes: expect.any(Array), issuedAt: expect.any(String) });
      first = response.body.codes;
      secrets.push(...first);
      expect(first).toHaveLength(10);
      expect(new Set(first).size).toBe(10);
      for (const code of first) {
        // Crockford base32: 5 bits a character.
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
        expect(code.replaceAll('-', '').length * 5).toBe(120);
      }
      const alice = await stack.demo.account('alice');
      const enrollment = await stack.store.getEnrollment(alice.objectGuid);
      expect(enrollment?.recoveryCodes?.hashes).toHaveLength(10);
      expect(enrollment).toMatchObject({ answers: [], contacts: [], language: 'en' });
      // Told on every channel: the directory mail and the directory mobile.
      const notices = await noticesTo(...ADDED);
      expect(notices.length - before).toBe(2);
      expect(notices.slice(before).map((n) => n.to)).toEqual(
        expect.arrayContaining([demoMail('alice'), '+15550100001']),
      );
      expect(notices.find((n) => n.channel === 'email')?.body).toContain('A set of recovery codes was added');
      expect(notices.find((n) => n.channel === 'sms')?.body).toContain('A set of recovery codes was added');
      expect(await audits('alice', 'recovery-codes', 'added')).toHaveLength(1);
    });

    it('a second set replaces the first whole: none of the old hashes is left, and the session lists 10 remaining', async () => {
      const alice = await stack.demo.account('alice');
      const old = (await stack.store.getEnrollment(alice.objectGuid))?.recoveryCodes;
      const methodsToken = await session('alice');
      const response = await stack.post('/api/methods/recovery-codes', { methodsToken });
      expect(response.status).toBe(200);
      secrets.push(...response.body.codes);
      expect(response.body.codes.some((code: string) => first.includes(code))).toBe(false);
      const now = (await stack.store.getEnrollment(alice.objectGuid))?.recoveryCodes;
      expect(now?.setId).not.toBe(old?.setId);
      expect(now?.hashes.some((hash) => old?.hashes.includes(hash))).toBe(false);
      const listed = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
      expect(listed.body.methods.recoveryCodes).toEqual({ remaining: 10, issuedAt: response.body.issuedAt });
    });

    it('a concurrent change of the enrollment is 409 WRONG_STEP, never overwritten', async () => {
      const methodsToken = await session('alice');
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => stack.post('/api/methods/recovery-codes', { methodsToken })),
      );
      for (const response of responses) {
        expect([200, 409]).toContain(response.status);
        if (response.status === 200) secrets.push(...response.body.codes);
        else expect(response.body.error.code).toBe('WRONG_STEP');
      }
      const alice = await stack.demo.account('alice');
      const stored = (await stack.store.getEnrollment(alice.objectGuid))?.recoveryCodes;
      expect(stored?.hashes).toHaveLength(10);
    });
  });

  describe('an authenticator app', () => {
    it('begin gives the seed as text and as an otpauth URI; confirm with a current code stores it, that step used', async () => {
      const methodsToken = await session('alice');
      const response = await stack.post('/api/methods/authenticator/begin', { methodsToken });
      expect(response.status).toBe(200);
      const { secret, otpauthUri } = response.body;
      secrets.push(secret);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(decodeURIComponent(uri.pathname)).toMatch(/CORP:alice$/);
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('issuer')).toBe('CORP');
      const seed = base32Decode(secret);
      expect(await audits('alice', 'authenticator', 'begun')).toHaveLength(1);

      // The shape is refused before it counts.
      const malformed = await stack.post('/api/methods/authenticator/confirm', { methodsToken, code: '12ab56' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.fields.code).toBeDefined();

      const wrong = await stack.post('/api/methods/authenticator/confirm', {
        methodsToken,
        code: wrongCode(seed, clock.now()),
      });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('VERIFICATION_FAILED');

      const now = clock.now();
      const confirmed = await stack.post('/api/methods/authenticator/confirm', {
        methodsToken,
        code: totpAtStep(seed, stepAt(now)),
      });
      expect(confirmed.status, confirmed.text).toBe(200);
      expect(confirmed.body).toEqual({ added: true, addedAt: expect.any(String) });
      const alice = await stack.demo.account('alice');
      const authenticator = (await stack.store.getEnrollment(alice.objectGuid))?.authenticator;
      expect(authenticator?.lastUsedStep).toBe(stepAt(now));
      expect(authenticator?.addedAt).toBe(Date.parse(confirmed.body.addedAt));

      // Confirmed: nothing is pending any more.
      const again = await stack.post('/api/methods/authenticator/confirm', {
        methodsToken,
        code: totpAtStep(seed, stepAt(now)),
      });
      expect(again.status).toBe(409);
      expect(await audits('alice', 'authenticator', 'wrong')).toHaveLength(1);
      expect(await audits('alice', 'authenticator', 'added')).toHaveLength(1);
      const listed = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
      expect(listed.body.methods.authenticator).toEqual({ enrolled: true, addedAt: confirmed.body.addedAt });
    });

    it('counts wrong codes on the session: codes.maxTries wrong ones end it (410 after)', async () => {
      const methodsToken = await session('judy');
      const seed = await begin(methodsToken);
      for (let i = 0; i < MAX_TRIES; i++) {
        const wrong = await stack.post('/api/methods/authenticator/confirm', {
          methodsToken,
          code: wrongCode(seed, clock.now()),
        });
        expect(wrong.status).toBe(403);
      }
      const right = await stack.post('/api/methods/authenticator/confirm', {
        methodsToken,
        code: totpAtStep(seed, stepAt(clock.now())),
      });
      expect(right.status).toBe(410);
      expect((await stack.post('/api/methods/recovery-codes', { methodsToken })).status).toBe(410);
      const judy = await stack.demo.account('judy');
      expect((await stack.store.getEnrollment(judy.objectGuid))?.authenticator ?? null).toBeNull();
    });

    it('20 parallel confirms with wrong codes never check more than codes.maxTries', async () => {
      const methodsToken = await session('judy');
      const seed = await begin(methodsToken);
      const before = (await audits('judy', 'authenticator', 'wrong')).length;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          stack.post('/api/methods/authenticator/confirm', { methodsToken, code: wrongCode(seed, clock.now()) }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      for (const status of statuses) expect([403, 409, 410]).toContain(status);
      expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(MAX_TRIES);
      const checked = (await audits('judy', 'authenticator', 'wrong')).length - before;
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(MAX_TRIES);
      const right = await stack.post('/api/methods/authenticator/confirm', {
        methodsToken,
        code: totpAtStep(seed, stepAt(clock.now())),
      });
      // Once maxTries were checked the session has ended; had fewer been, the right code would still pass.
      expect(right.status).toBe(checked === MAX_TRIES ? 410 : 200);
    });

    it('enrolling answers again keeps the methods (and then the questions count as enrolled)', async () => {
      const alice = await stack.demo.account('alice');
      const before = await stack.store.getEnrollment(alice.objectGuid);
      const enrolled = await stack.post(
        '/api/enroll',
        enrollBody(['first-pet-name', 'birth-city', 'first-school'], 'alice', DEMO.alice),
      );
      expect(enrolled.status, enrolled.text).toBe(200);
      const after = await stack.store.getEnrollment(alice.objectGuid);
      expect(after?.answers).toHaveLength(3);
      expect(after?.authenticator).toEqual(before?.authenticator);
      expect(after?.recoveryCodes).toEqual(before?.recoveryCodes);
      const listed = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
      expect(listed.body.methods).toMatchObject({ questions: { enrolled: true }, authenticator: { enrolled: true } });
    });

    it('remove takes it away, tells the user, and a second remove finds nothing to remove (409)', async () => {
      const methodsToken = await session('alice');
      const before = (await noticesTo(...REMOVED)).length;
      const removed = await stack.post('/api/methods/remove', { methodsToken, method: 'authenticator' });
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body).toEqual({
        removed: true,
        methods: {
          offered: expect.any(Array),
          questions: { enrolled: true },
          authenticator: { enrolled: false },
          recoveryCodes: { remaining: 10, issuedAt: expect.any(String) },
          passkeys: [],
          // Her answers and her directory mail still pass.
          canRecover: true,
        },
      });
      const notices = await noticesTo(...REMOVED);
      expect(notices.length - before).toBe(2);
      for (const notice of notices.slice(before)) expect(notice.body).toContain('An authenticator app was removed');
      expect((await stack.post('/api/methods/remove', { methodsToken, method: 'authenticator' })).status).toBe(409);
      expect((await stack.post('/api/methods/remove', { methodsToken, method: 'passkey' })).status).toBe(400);

      const codes = await stack.post('/api/methods/remove', { methodsToken, method: 'recoveryCodes' });
      expect(codes.status).toBe(200);
      expect(codes.body.methods.recoveryCodes).toEqual({ remaining: 0 });
      expect(await audits('alice', 'authenticator', 'removed')).toHaveLength(1);
      expect(await audits('alice', 'recovery-codes', 'removed')).toHaveLength(1);
    });
  });

  describe('the token', () => {
    it('is refused when malformed (400 naming it) and unknown (410)', async () => {
      const malformed = await stack.post('/api/methods/recovery-codes', { methodsToken: 'abc' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.fields.methodsToken).toBeDefined();
      const unknown = await stack.post('/api/methods/recovery-codes', {
        methodsToken: randomBytes(32).toString('base64url'),
      });
      expect(unknown.status).toBe(410);
    });

    it('lives reset.flowMinutes: 410 after', async () => {
      const methodsToken = await session('alice');
      clock.advance(14 * 60_000);
      const alive = await stack.post('/api/methods/authenticator/begin', { methodsToken });
      expect(alive.status).toBe(200);
      secrets.push(alive.body.secret);
      clock.advance(2 * 60_000);
      expect((await stack.post('/api/methods/authenticator/begin', { methodsToken })).status).toBe(410);
    });
  });

  it('keeps no recovery code and no authenticator seed in clear in the table, the outbox file or a log line', async () => {
    expect(secrets.length).toBeGreaterThan(20);
    const table = JSON.stringify(await scanTable(stack.dataDir));
    const outbox = await readFile(stack.outboxFile, 'utf8');
    const logs = stack.logs.join('\n');
    for (const secret of secrets) {
      const forms = [secret, secret.replaceAll('-', '')];
      if (/^[A-Z2-7]{32}$/.test(secret)) {
        const raw = base32Decode(secret);
        forms.push(raw.toString('base64'), raw.toString('base64url'), raw.toString('hex'));
      }
      for (const form of forms) {
        expect(table).not.toContain(form);
        expect(outbox).not.toContain(form);
        expect(logs).not.toContain(form);
      }
    }
  });
});

describe('recovery methods under preset standards (no questions)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { recovery: { preset: 'standards' }, rateLimits } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a user with no enrollment adds both methods; the enrollment is created empty in the request’s language', async () => {
    const session = await stack.post(
      '/api/methods/session',
      { username: 'judy', password: DEMO.judy },
      { 'accept-language': 'de' },
    );
    expect(session.status, session.text).toBe(200);
    expect(session.body.methods.offered).toEqual(['email', 'sms', 'authenticator', 'passkey', 'recoveryCode']);
    const { methodsToken } = session.body;
    const judy = await stack.demo.account('judy');
    expect(await stack.store.getEnrollment(judy.objectGuid)).toBeNull();

    const codes = await stack.post('/api/methods/recovery-codes', { methodsToken }, { 'accept-language': 'de' });
    expect(codes.status, codes.text).toBe(200);
    const begun = await stack.post('/api/methods/authenticator/begin', { methodsToken });
    expect(begun.status).toBe(200);
    const confirmed = await stack.post('/api/methods/authenticator/confirm', {
      methodsToken,
      code: totpAtStep(base32Decode(begun.body.secret), stepAt(stack.clock.now())),
    });
    expect(confirmed.status, confirmed.text).toBe(200);

    const enrollment = await stack.store.getEnrollment(judy.objectGuid);
    expect(enrollment).toMatchObject({ answers: [], contacts: [], language: 'de', sAMAccountName: 'judy' });
    expect(enrollment?.recoveryCodes?.hashes).toHaveLength(10);
    expect(enrollment?.authenticator).toMatchObject({ lastUsedStep: expect.any(Number) });
    // The notices speak the enrollment's language.
    const notices = (await stack.outboxLines()).filter((l) => l.to === demoMail('judy'));
    expect(notices.map((n) => n.subject)).toEqual([
      'Eine Wiederherstellungsmethode wurde zu Ihrer Kennwort-Selbstbedienung hinzugefügt',
      'Eine Wiederherstellungsmethode wurde zu Ihrer Kennwort-Selbstbedienung hinzugefügt',
    ]);
  });
});

describe('a method the policy does not offer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { recovery: { preset: 'adpwr' }, rateLimits } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is 400 VALIDATION naming the body, before the token is even looked at', async () => {
    const session = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
    expect(session.body.methods.offered).toEqual(['questions']);
    for (const path of ['/api/methods/recovery-codes', '/api/methods/authenticator/begin']) {
      const response = await stack.post(path, { methodsToken: session.body.methodsToken });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
      expect(response.body.error.fields.body).toBe('This recovery method is not offered here.');
    }
  });
});
