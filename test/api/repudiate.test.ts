/**
 * "This wasn't me" (issue 16 item 5) through the local server: the notices of a reset (and of an enrollment) carry one
 * single-use link per event, the same for every address; POST /api/repudiate blocks self-service, ends the open flow,
 * audits and queues the operators' alert (never with the token); a token works once, also under a race, and not after
 * notifications.repudiationDays; it is never in clear in the table or the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../functions/core/store.js';
import { movableClock } from '../support/movableClock.js';
import {
  DEMO,
  demoMail,
  GENEROUS_ACTION_LIMITS,
  GOOD_ANSWERS,
  HELD_REQUESTS_TIMEOUT_MS,
  maskedDemoMail,
  startTestStack,
  type TestStack,
} from './harness.js';
import { type AnswerKey, ResetClient, secretsIn, unknownToken } from './resetClient.js';
import { scanTable } from './tableScan.js';

const HELPDESK = 'the Corp helpdesk on extension 4242';
const BASE_URL = 'https://sspr.corp.example.test/';
const HOME = 'bob.home@example.org';
const LINK = /https:\/\/sspr\.corp\.example\.test\/#\/not-me\?token=([A-Za-z0-9_-]{43})/g;
const DAY_MS = 86_400_000;

describe('POST /api/repudiate', () => {
  const clock = movableClock();
  let stack: TestStack;
  let api: ResetClient;
  let good: AnswerKey;
  const tokens = new Set<string>();

  /** The "This wasn't me" tokens of the outbox lines, remembered as secrets. */
  const tokensIn = (lines: Record<string, unknown>[]) =>
    lines.flatMap((line) => [...String(line.body).matchAll(LINK)].map((match) => match[1] as string));
  const linesSince = async (count: number) => (await stack.outboxLines()).slice(count);
  const repudiate = (token: unknown, localAddress?: string) =>
    stack.post('/api/repudiate', { token }, {}, localAddress);
  /** Enrolls a user and returns the token of its 'enrolled' notice. */
  const enrolledToken = async (user: keyof typeof DEMO) => {
    const before = (await stack.outboxLines()).length;
    await api.enroll(user);
    const found = tokensIn(await linesSince(before));
    expect(found).toHaveLength(1);
    for (const token of found) tokens.add(token);
    return found[0] as string;
  };

  beforeAll(async () => {
    stack = await startTestStack({
      clock,
      config: {
        rateLimits: { ...GENEROUS_ACTION_LIMITS, perAddress: { limit: 40, windowSeconds: 300 } },
        helpdesk: { contact: HELPDESK },
        notifications: { baseUrl: BASE_URL },
      },
    });
    api = new ResetClient(stack);
    await api.loadCatalog();
    good = api.goodKey();
  });

  afterAll(async () => {
    await stack?.close();
  });

  let resetToken: string;

  it('a reset tells every e-mail address with the same link to #/not-me under the base URL', async () => {
    // bob enrolls a second e-mail address and verifies it.
    const enrolled = await api.enroll('bob', { email: HOME });
    for (const token of tokensIn(await stack.outboxLines())) tokens.add(token);
    const code = await api.lastCode(HOME);
    const verified = await stack.post('/api/enroll/verify', {
      enrollmentToken: enrolled.body.enrollmentToken,
      channelId: enrolled.body.pendingContacts[0].id,
      code,
    });
    expect(verified.status, verified.text).toBe(200);

    const flowId = await api.verifiedFlow('bob', 'reset', good, {
      destination: maskedDemoMail('bob'),
      to: demoMail('bob'),
    });
    const before = (await stack.outboxLines()).length;
    const reset = await stack.post('/api/reset/password', { flowId, newPassword: 'Harbor!Lantern2031' });
    expect(reset.status, reset.text).toBe(200);

    const told = await linesSince(before);
    expect(told.map((line) => line.to).sort()).toEqual([demoMail('bob'), HOME].sort());
    const found = tokensIn(told);
    expect(found).toHaveLength(2);
    expect(new Set(found).size).toBe(1);
    resetToken = found[0] as string;
    tokens.add(resetToken);
    for (const line of told) {
      expect(String(line.body)).toContain(HELPDESK);
      expect(String(line.body)).toContain(`${BASE_URL}#/not-me?token=${resetToken}`);
    }
    // The token's record: hashed, for bob, the event, the default 7 days.
    const items = await scanTable(stack.dataDir);
    const records = items.filter(
      (item) => String(item.pk).startsWith('REPUDIATION#') && item.event === 'password-reset',
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ subject: 'bob', used: false, version: 1 });
    expect(Number(records[0]?.expiresAtMs) - Number(records[0]?.createdAt)).toBe(7 * DAY_MS);
  });

  it('the link blocks self-service, ends the open flow, audits and alerts the operators without the token', async () => {
    // bob opens a flow (someone else, say), which the report must end.
    const open = await api.started('bob', 'reset');
    const before = (await stack.outboxLines()).length;

    const reported = await repudiate(resetToken);
    expect(reported.status, reported.text).toBe(200);
    expect(reported.body).toEqual({ reported: true });

    const block = await stack.store.getBlock('bob', clock.now());
    expect(block).toMatchObject({ reason: 'repudiated' });
    expect((block?.until ?? 0) - clock.now()).toBeGreaterThan(23 * 3_600_000);

    // The open flow is over: its next step is refused (410 once the block ended it, 403 while blocked).
    const step = await api.answer(open.flowId, good.get(open.challenge.questionId) ?? '');
    expect([403, 410]).toContain(step.status);

    // A new start is a decoy that fails even with the right answers.
    const decoy = await api.started('bob', 'reset');
    const statuses: number[] = [];
    let next = decoy.challenge;
    for (let i = 0; i < 3 && next?.type === 'question'; i++) {
      const response = await api.answer(decoy.flowId, good.get(next.questionId) ?? '');
      statuses.push(response.status);
      if (response.status !== 200) break;
      next = response.body.challenge;
    }
    expect(statuses).toEqual([200, 200, 403]);

    const audit = await stack.store.listAudit('bob');
    expect(audit.find((event) => event.event === 'repudiated')).toMatchObject({
      outcome: 'blocked',
      reason: 'password-reset',
      sourceAddress: '127.0.0.1',
      requestId: reported.headers.get('x-request-id'),
    });

    const alerts = (await linesSince(before)).filter((line) => line.channel === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ to: 'operators' });
    expect(String(alerts[0]?.subject)).toContain('bob');
    expect(String(alerts[0]?.body)).toContain('bob');
    expect(String(alerts[0]?.body)).toContain('password-reset');
    expect(String(alerts[0]?.body)).toContain('127.0.0.1');
    expect(secretsIn(JSON.stringify(alerts), { strings: tokens })).toEqual([]);
    // Queued as an outbox item of channel alert, its params readable (nothing secret in them).
    const items = await scanTable(stack.dataDir);
    const alertItems = items.filter((item) => item.entity === 'outbox' && item.channel === 'alert');
    expect(alertItems).toHaveLength(1);
    expect(alertItems[0]).toMatchObject({ template: 'repudiation-alert', status: 'sent' });
  });

  it('while the report stands, the password opens no way back: enroll and the methods session are refused, nothing stored', async () => {
    const bob = await stack.demo.account('bob');
    const before = await stack.store.getEnrollment(bob.objectGuid);
    const outboxBefore = (await stack.outboxLines()).length;
    const again = await stack.post('/api/enroll', {
      username: 'bob',
      password: 'Harbor!Lantern2031',
      answers: GOOD_ANSWERS.map((a, i) => ({ questionId: api.catalog.ids[i] ?? '', answer: a.answer })),
    });
    expect(again.status, again.text).toBe(429);
    expect(again.body).toMatchObject({ error: { code: 'BLOCKED', retryAfterSeconds: expect.any(Number) } });
    const methods = await stack.post('/api/methods/session', { username: 'bob', password: 'Harbor!Lantern2031' });
    expect(methods.status, methods.text).toBe(429);
    expect(methods.body).toMatchObject({ error: { code: 'BLOCKED' } });
    // Nothing of the attempts landed: the enrollment as it was, no notice, the reported block still there.
    expect(await stack.store.getEnrollment(bob.objectGuid)).toEqual(before);
    expect((await stack.outboxLines()).length).toBe(outboxBefore);
    expect(await stack.store.getBlock('bob', clock.now())).toMatchObject({ reason: 'repudiated' });
    const audit = await stack.store.listAudit('bob');
    expect(audit.filter((e) => e.event === 'enroll' && e.outcome === 'BLOCKED')).toHaveLength(1);
    expect(audit.filter((e) => e.event === 'methods-session' && e.outcome === 'BLOCKED')).toHaveLength(1);
  });

  it('a second use, an unknown token → 410; an ill-formed token or body → 400', async () => {
    for (const token of [resetToken, unknownToken()]) {
      const response = await repudiate(token);
      expect(response.status, response.text).toBe(410);
      expect(response.body.error.code).toBe('FLOW_EXPIRED');
    }
    for (const body of [
      { token: 'short' },
      { token: 'x'.repeat(129) },
      { token: 42 },
      {},
      { token: unknownToken(), x: 1 },
    ]) {
      const response = await stack.post('/api/repudiate', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
  });

  it('20 parallel uses of one token: exactly one 200, the others 410, one alert', async () => {
    const token = await enrolledToken('judy');
    const before = (await stack.outboxLines()).length;
    const responses = await Promise.all(Array.from({ length: 20 }, () => repudiate(token)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...new Array<number>(19).fill(410)]);
    expect((await linesSince(before)).filter((line) => line.channel === 'alert')).toHaveLength(1);
    expect((await stack.store.listAudit('judy')).filter((event) => event.event === 'repudiated')).toHaveLength(1);
  });

  it('per address: the route is rate limited', async () => {
    const address = '127.0.0.7';
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await repudiate(unknownToken(), address)).status);
    expect(statuses.slice(0, 40).every((status) => status === 410)).toBe(true);
    expect(statuses[40]).toBe(429);
  });

  it('the token is never in clear in the table or the logs', async () => {
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    const table = JSON.stringify(await scanTable(stack.dataDir));
    expect(secretsIn(table, { strings: tokens })).toEqual([]);
    expect(secretsIn(stack.logs.join('\n'), { strings: tokens })).toEqual([]);
  });

  it('a token expires after notifications.repudiationDays (7 by default)', async () => {
    const token = await enrolledToken('alice');
    clock.advance(7 * DAY_MS + 60_000);
    try {
      const response = await repudiate(token);
      expect(response.status, response.text).toBe(410);
      expect(response.body.error.code).toBe('FLOW_EXPIRED');
      expect(await stack.store.getBlock('alice', clock.now())).toBeNull();
    } finally {
      clock.advance(-(7 * DAY_MS + 60_000));
    }
  });
});

/**
 * A report that lands while something of the account is in flight, laid out by events, not timing: a gate in the store
 * the handlers use holds enroll just before its write that lifts the block, and the report is made in that gap.
 */
describe('POST /api/repudiate against what is in flight', () => {
  const clock = movableClock();
  let stack: TestStack;
  let api: ResetClient;
  /** Armed for a subject: enroll's next block-lifting write of that subject waits here until released. */
  let gate: { subject: string; reached: () => void; release: Promise<void> } | null = null;
  // Every store method an enroll could lift a block with, so the gate holds whichever one it uses.
  const LIFTS = new Set<string | symbol>(['clearFailuresAndUnreportedBlock', 'clearBlockAndFailures', 'clearFailures']);

  beforeAll(async () => {
    stack = await startTestStack({
      functionTimeoutMs: HELD_REQUESTS_TIMEOUT_MS,
      clock,
      config: {
        rateLimits: { ...GENEROUS_ACTION_LIMITS, perAddress: { limit: 40, windowSeconds: 300 } },
        notifications: { baseUrl: BASE_URL },
      },
      wrapPorts: {
        store: (store: Store) =>
          new Proxy(store, {
            get: (target, prop) => {
              const value = Reflect.get(target, prop, target);
              if (!LIFTS.has(prop) || typeof value !== 'function') return value;
              return async (subject: string) => {
                const armed = gate;
                if (armed?.subject === subject) {
                  gate = null;
                  armed.reached();
                  await armed.release;
                }
                return (value as (subject: string) => Promise<void>).call(target, subject);
              };
            },
          }),
      },
    });
    api = new ResetClient(stack);
    await api.loadCatalog();
  });

  afterAll(async () => {
    await stack?.close();
  });

  const repudiate = (token: string) => stack.post('/api/repudiate', { token });
  /** Enrolls the user and returns the "This wasn't me" token of its notice. */
  const enrolledToken = async (user: keyof typeof DEMO) => {
    const before = (await stack.outboxLines()).length;
    await api.enroll(user);
    const lines = (await stack.outboxLines()).slice(before);
    const found = lines.flatMap((line) => [...String(line.body).matchAll(LINK)].map((match) => match[1] as string));
    expect(found).toHaveLength(1);
    return found[0] as string;
  };
  /** Enrolls the user again, held at the gate while `between` runs. */
  const enrollAround = async (user: keyof typeof DEMO, between: () => Promise<void>) => {
    let reached = () => {};
    let release = () => {};
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    gate = {
      subject: user,
      reached,
      release: new Promise<void>((resolve) => {
        release = resolve;
      }),
    };
    const enrolling = api.enroll(user);
    await atGate;
    try {
      await between();
    } finally {
      release();
    }
    return enrolling;
  };

  it.each([
    ['with no block before', null],
    ['with a block of failures before', 'answer'],
  ] as const)('a report made while an enroll is about to lift the block stays (%s)', async (_, before) => {
    const user = before === null ? 'alice' : 'judy';
    const token = await enrolledToken(user);
    if (before !== null) {
      // As three wrong answers would leave it (the API test of that is flowRaces.test.ts).
      await stack.store.putBlock({ subject: user, until: clock.now() + 3_600_000, reason: before });
    }
    await enrollAround(user, async () => {
      const reported = await repudiate(token);
      expect(reported.status, reported.text).toBe(200);
      expect(await stack.store.getBlock(user, clock.now())).toMatchObject({ reason: 'repudiated' });
    });
    expect(await stack.store.getBlock(user, clock.now())).toMatchObject({ reason: 'repudiated' });
    expect((await stack.store.listAudit(user)).filter((event) => event.event === 'repudiated')).toHaveLength(1);
  });

  it('a report ends the methods sessions opened before it: their tokens are refused after it', async () => {
    const token = await enrolledToken('bob');
    const opened = async () => {
      const response = await stack.post('/api/methods/session', { username: 'bob', password: DEMO.bob });
      expect(response.status, response.text).toBe(200);
      return response.body.methodsToken as string;
    };
    const before = await opened();
    // The token works until the report.
    expect((await stack.post('/api/methods/recovery-codes', { methodsToken: before })).status).toBe(200);
    const codesOf = async () =>
      (await stack.store.listEnrollments()).find((e) => e.sAMAccountName === 'bob')?.recoveryCodes ?? null;
    const issued = await codesOf();
    expect(issued).not.toBeNull();

    const reported = await repudiate(token);
    expect(reported.status, reported.text).toBe(200);

    for (const [path, body] of [
      ['/api/methods/recovery-codes', {}],
      ['/api/methods/authenticator/begin', {}],
      ['/api/methods/remove', { method: 'recoveryCodes' }],
    ] as const) {
      const refused = await stack.post(path, { methodsToken: before, ...body });
      expect(refused.status, `${path}: ${refused.text}`).toBe(410);
      expect(refused.body.error.code).toBe('FLOW_EXPIRED');
    }
    // Nothing was changed through it: the set issued before the report is still the account's.
    expect(await codesOf()).toEqual(issued);
  });
});
