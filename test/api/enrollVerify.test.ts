/** POST /api/enroll/verify: new contacts are confirmed with a code before they are ever offered (DESIGN §3). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';
import { scanTable } from './tableScan.js';

let stack: TestStack;
let dataDir: string;
const ids = ['first-pet-name', 'birth-city', 'first-school'];
const generous = {
  rateLimits: {
    perUser: { limit: 1000, windowSeconds: 3600 },
    perAddress: { limit: 10_000, windowSeconds: 300 },
  },
};

beforeAll(async () => {
  // Owned here, not by the stack, so the expiry test can restart the stack on the same data.
  dataDir = await mkdtemp(join(tmpdir(), 'sspr-verify-'));
  stack = await startTestStack({ config: generous, dataDir });
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function lastCodeTo(to: string): Promise<string> {
  const line = (await stack.outboxLines()).filter((l) => l.to === to && typeof l.code === 'string').at(-1);
  if (!line) throw new Error(`no code was sent to ${to}`);
  return line.code as string;
}

async function resetChannels(username: string): Promise<{ channel: string; destination: string }[]> {
  const start = await stack.post('/api/reset/start', { username, purpose: 'reset' });
  const answers: Record<string, string> = {
    'first-pet-name': 'Rex the dog',
    'birth-city': 'Springfield Elementary',
    'first-school': 'Blue Volvo',
  };
  const answered = await stack.post('/api/reset/answer', {
    flowId: start.body.flowId,
    answer: answers[start.body.challenge.questionId],
  });
  if (answered.body.challenge?.type === 'code') return answered.body.challenge.channels;
  return [];
}

describe('contact verification', () => {
  it('a new e-mail gets a code, is not offered until verified, and is offered after', async () => {
    const enrolled = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'bob', DEMO.bob, { email: 'bob.home@example.com' }),
    );
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.enrollmentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [pending] = enrolled.body.pendingContacts;
    expect(pending).toEqual({ id: expect.any(String), channel: 'email', destination: 'b•••@example.com' });

    expect((await resetChannels('bob')).map((c) => c.destination)).toEqual(['b•••@corp.example.test']);

    const code = await lastCodeTo('bob.home@example.com');
    const verified = await stack.post('/api/enroll/verify', {
      enrollmentToken: enrolled.body.enrollmentToken,
      channelId: pending.id,
      code,
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ verified: true, channel: pending });

    expect((await resetChannels('bob')).map((c) => c.destination).sort()).toEqual(
      ['b•••@corp.example.test', 'b•••@example.com'].sort(),
    );
    // The same code cannot be used twice.
    const again = await stack.post('/api/enroll/verify', {
      enrollmentToken: enrolled.body.enrollmentToken,
      channelId: pending.id,
      code,
    });
    expect(again.status).toBe(400);
  });

  it('a new phone gets its code by SMS', async () => {
    const enrolled = await stack.post('/api/enroll', enrollBody(ids, 'heidi', DEMO.heidi, { phone: '+15550109999' }));
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.pendingContacts).toEqual([{ id: expect.any(String), channel: 'sms', destination: '•••9999' }]);
    const line = (await stack.outboxLines()).filter((l) => l.to === '+15550109999').at(-1);
    expect(line).toMatchObject({ channel: 'sms', code: expect.stringMatching(/^\d{6}$/) });
  });

  it('an unchanged verified contact stays verified on re-enroll; a changed one waits for its code', async () => {
    const first = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'judy', DEMO.judy, { email: 'judy.home@example.com' }),
    );
    const [contact] = first.body.pendingContacts;
    const code = await lastCodeTo('judy.home@example.com');
    expect(
      (
        await stack.post('/api/enroll/verify', {
          enrollmentToken: first.body.enrollmentToken,
          channelId: contact.id,
          code,
        })
      ).status,
    ).toBe(200);

    const same = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'judy', DEMO.judy, { email: 'Judy.Home@example.com' }),
    );
    expect(same.status).toBe(200);
    expect(same.body.pendingContacts).toEqual([]);
    expect(same.body.enrollmentToken).toBeUndefined();

    const before = (await stack.outboxLines()).length;
    const changed = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'judy', DEMO.judy, { email: 'judy.new@example.com' }),
    );
    expect(changed.body.pendingContacts).toHaveLength(1);
    const sent = (await stack.outboxLines()).slice(before);
    // The old verified address hears about the change before it is replaced; the new one gets its code.
    expect(sent.map((l) => l.to)).toEqual(
      expect.arrayContaining(['judy.home@example.com', 'judy@corp.example.test', 'judy.new@example.com']),
    );
    expect(sent.find((l) => l.to === 'judy.home@example.com')?.code).toBeUndefined();
  });

  it('wrong codes: VERIFICATION_FAILED until codes.maxTries, then 410; they never count toward blocks', async () => {
    const enrolled = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'alice', DEMO.alice, { email: 'alice.x@example.com' }),
    );
    const [contact] = enrolled.body.pendingContacts;
    const right = await lastCodeTo('alice.x@example.com');
    const wrong = right === '000000' ? '111111' : '000000';
    const body = { enrollmentToken: enrolled.body.enrollmentToken, channelId: contact.id, code: wrong };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await stack.post('/api/enroll/verify', body)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    const after = await stack.post('/api/enroll/verify', { ...body, code: right });
    expect(after.status).toBe(410);
    expect(await stack.store.failureCount('alice', 'code', stack.clock.now())).toBe(0);
    expect(await stack.store.getBlock('alice', stack.clock.now())).toBeNull();
  });

  it('20 parallel wrong guesses never buy more than codes.maxTries', async () => {
    const enrolled = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'alice', DEMO.alice, { email: 'alice.y@example.com' }),
    );
    const [contact] = enrolled.body.pendingContacts;
    const right = await lastCodeTo('alice.y@example.com');
    const guesses = Array.from({ length: 20 }, (_, i) => String(100000 + i)).filter((g) => g !== right);
    const responses = await Promise.all(
      guesses.map((code) =>
        stack.post('/api/enroll/verify', {
          enrollmentToken: enrolled.body.enrollmentToken,
          channelId: contact.id,
          code,
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 403).length).toBeLessThanOrEqual(5);
    expect(responses.every((r) => [403, 409, 410].includes(r.status))).toBe(true);
  });

  it('bad input: token form, code form, unknown channel, unknown token', async () => {
    const enrolled = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'alice', DEMO.alice, { email: 'alice.z@example.com' }),
    );
    const token = enrolled.body.enrollmentToken;
    const channelId = enrolled.body.pendingContacts[0].id;
    const cases: [object, number, string][] = [
      [{ enrollmentToken: 'short', channelId, code: '123456' }, 400, 'enrollmentToken'],
      [{ enrollmentToken: token, channelId, code: '12345' }, 400, 'code'],
      [{ enrollmentToken: token, channelId, code: 'abcdef' }, 400, 'code'],
      [{ enrollmentToken: token, channelId: 'nope', code: '123456' }, 400, 'channelId'],
      [{ enrollmentToken: 'A'.repeat(43), channelId, code: '123456' }, 410, ''],
      [{ enrollmentToken: token, channelId, code: '123456', extra: 1 }, 400, 'extra'],
    ];
    for (const [body, status, field] of cases) {
      const response = await stack.post('/api/enroll/verify', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      if (field) expect(response.body.error.fields[field]).toBeTruthy();
    }
  });

  it('keeps no contact code in clear in the table', async () => {
    const raw = JSON.stringify(await scanTable(stack.dataDir));
    const codes = (await stack.outboxLines()).map((l) => l.code).filter((c): c is string => typeof c === 'string');
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(raw).not.toMatch(new RegExp(`(?<![A-Za-z0-9_-])${code}(?![A-Za-z0-9_-])`));
  });
});

describe('the enrollment token lives reset.flowMinutes', () => {
  it('is alive until then (a wrong code is 403) and 410 after', async () => {
    const enrolled = await stack.post(
      '/api/enroll',
      enrollBody(ids, 'alice', DEMO.alice, { email: 'alice.t@example.com' }),
    );
    const code = await lastCodeTo('alice.t@example.com');
    const body = { enrollmentToken: enrolled.body.enrollmentToken, channelId: enrolled.body.pendingContacts[0].id };
    const wrong = code === '000000' ? '111111' : '000000';

    await stack.close();
    stack = await startTestStack({ config: generous, dataDir, clockOffsetSeconds: 14 * 60 });
    expect((await stack.post('/api/enroll/verify', { ...body, code: wrong })).status).toBe(403);

    await stack.close();
    stack = await startTestStack({ config: generous, dataDir, clockOffsetSeconds: 16 * 60 });
    expect((await stack.post('/api/enroll/verify', { ...body, code })).status).toBe(410);
  });
});

describe('phones at enrollment follow the SMS rules', () => {
  let strict: TestStack;
  beforeAll(async () => {
    strict = await startTestStack({
      config: {
        ...generous,
        codes: { smsCountryCodes: ['+49'] },
        rateLimits: { ...generous.rateLimits, smsPerUserPerDay: 1 },
      },
    });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('a number outside codes.smsCountryCodes is VALIDATION naming the phone, and never texted', async () => {
    const response = await strict.post('/api/enroll', enrollBody(ids, 'bob', DEMO.bob, { phone: '+15550101234' }));
    expect(response.status).toBe(400);
    expect(response.body.error.fields.phone).toMatch(/\+49/);
    expect((await strict.outboxLines()).some((l) => l.to === '+15550101234')).toBe(false);
  });

  it('the verification text counts in the SMS caps: over the cap the enrollment is refused and nothing is stored', async () => {
    const first = await strict.post('/api/enroll', enrollBody(ids, 'bob', DEMO.bob, { phone: '+4915112345678' }));
    expect(first.status).toBe(200);
    const bob = await strict.demo.account('bob');
    const before = await strict.store.getEnrollment(bob.objectGuid);
    const sentBefore = (await strict.outboxLines()).length;
    const second = await strict.post('/api/enroll', enrollBody(ids, 'bob', DEMO.bob, { phone: '+4915187654321' }));
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe('RATE_LIMITED');
    expect(await strict.store.getEnrollment(bob.objectGuid)).toEqual(before);
    // Refused before anything was sent: not even the "your answers were saved" notice.
    expect(await strict.outboxLines()).toHaveLength(sentBefore);
  });
});
