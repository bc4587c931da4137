/**
 * Codes and notices by SMS through the local server, on the in-memory directory (DESIGN §4 Reset and unlock,
 * Notifications, Rate limits): the directory mobile and verified enrolled phones as code channels, the country-code
 * allow-list, and the daily SMS caps (per user, per address, in total; an 80 % warning), also under parallel sends.
 * Each describe runs its own stack, so one's counters never limit another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../functions/core/config.js';
import type { Flow } from '../../functions/core/store.js';
import { hashToken, newToken } from '../../functions/core/tokens.js';
import {
  type ApiResponse,
  DEMO,
  demoMail,
  GENEROUS_ACTION_LIMITS,
  maskedDemoMail,
  startTestStack,
  type TestStack,
} from './harness.js';
import { expectRetryAfter, type Purpose, ResetClient, secretsIn } from './resetClient.js';
import { scanTable } from './tableScan.js';

const DAY = 86_400;
const LOCKOUT = 0x10;
const WARNING = 'sms daily volume at 80 %';

const ALICE_MOBILE = '+15550100001';
const JUDY_MOBILE = '+15550100010';
const BOB_PHONE = '+4915112345678';

/** Resends allowed at once: these tests are about the SMS caps (the per-action limits are GENEROUS_ACTION_LIMITS). */
const FREE_SENDS = { resendSeconds: 0, maxSends: 10 };

type Channel = { id: string; channel: 'email' | 'sms'; destination: string };

async function open(config: object) {
  const stack = await startTestStack({ config });
  const api = new ResetClient(stack);
  await api.loadCatalog();
  return { stack, api };
}

/** start → the right answers → the code challenge. */
async function codeStep(api: ResetClient, user: string, purpose: Purpose = 'reset') {
  const { flowId, challenge } = await api.started(user, purpose);
  const step = await api.passQuestions(flowId, challenge, api.goodKey());
  expect(step?.type, JSON.stringify(step)).toBe('code');
  return { flowId, channels: step.channels as Channel[] };
}

function channelTo(channels: Channel[], destination: string): string {
  const channel = channels.find((c) => c.destination === destination);
  if (!channel) throw new Error(`no channel ${destination} in ${JSON.stringify(channels)}`);
  return channel.id;
}

/**
 * Contact verification (POST /api/enroll/verify) is being built alongside this suite; until it lands, the enrolled
 * phone is marked verified through the store port, which is all that route does to the enrollment in the end.
 */
async function markPhoneVerified(stack: TestStack, user: string, phone: string) {
  const account = await stack.demo.account(user);
  const enrollment = await stack.store.getEnrollment(account.objectGuid);
  if (!enrollment) throw new Error(`${user} is not enrolled`);
  const contacts = enrollment.contacts.map((c) =>
    c.channel === 'sms' && c.address === phone ? { ...c, verified: true } : c,
  );
  expect(contacts.some((c) => c.channel === 'sms' && c.address === phone && c.verified)).toBe(true);
  await stack.store.putEnrollment({ ...enrollment, contacts });
}

/** Seconds until the daily window ends (windows are fixed UTC days). */
function untilWindowEnds(stack: TestStack): number {
  return DAY - (Math.floor(stack.clock.now() / 1000) % DAY);
}

/**
 * The server counted its seconds before the response reached the test, so a second boundary may lie between the two
 * readings: its figure may be one more than ours (CI saw 72652 against 72651).
 */
function expectCapped(stack: TestStack, response: ApiResponse) {
  const seconds = untilWindowEnds(stack);
  expectRetryAfter(response, 'RATE_LIMITED', seconds - 30, seconds + 1);
}

function tally(responses: ApiResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of responses) {
    const key = r.status === 202 ? '202' : `${r.status} ${r.body?.error?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function smsLines(stack: TestStack, to?: string) {
  return (await stack.outboxLines()).filter((l) => l.channel === 'sms' && (to === undefined || l.to === to));
}

function warnings(stack: TestStack): Record<string, unknown>[] {
  return stack.logs.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.message === WARNING ? [entry] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Flows at their code step for users made up for the purpose, each with one SMS channel. The demo directory has too
 * few users for 20 open flows at once (one open flow per user); the code route reads only the flow, so these stand in
 * for 20 users who answered their questions.
 */
async function codeFlows(stack: TestStack, count: number, prefix: string) {
  const now = stack.clock.now();
  const flows: { flowId: string; channelId: string; to: string }[] = [];
  for (let i = 0; i < count; i++) {
    const flowId = newToken();
    const to = `+1555020${String(flows.length).padStart(4, '0')}`;
    const flow: Flow = {
      tokenHash: hashToken(flowId),
      purpose: 'reset',
      subject: `${prefix}-${i}`,
      objectGuid: null,
      decoy: false,
      language: 'en',
      questionIds: [],
      answered: 1,
      correct: 1,
      correctRequired: 1,
      alternatives: [{ methods: ['questions', 'sms'], onlyWithout: [] }],
      passed: ['questions'],
      channels: [{ id: 'sms-channel', channel: 'sms', address: to }],
      step: 'code',
      pending: null,
      code: null,
      codeTries: 0,
      sends: 0,
      lastSentAt: null,
      passwordTries: 0,
      createdAt: now,
      expiresAt: now + 15 * 60_000,
      version: 1,
    };
    await stack.store.createFlow(flow);
    flows.push({ flowId, channelId: 'sms-channel', to });
  }
  return flows;
}

/** No code in the logs, nor anywhere in the raw table (sealed while queued, removed once sent; flows hold an HMAC). */
async function expectNoCodeAnywhere(stack: TestStack, codes: Iterable<string>) {
  const all = [...codes];
  expect(all.length).toBeGreaterThan(0);
  expect(secretsIn(stack.logs.join('\n'), { strings: [], codes: all })).toEqual([]);
  expect(secretsIn(JSON.stringify(await scanTable(stack.dataDir)), { strings: [], codes: all })).toEqual([]);
}

describe('SMS codes (directory contacts on, every country)', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    ({ stack, api } = await open({ rateLimits: GENEROUS_ACTION_LIMITS }));
    await api.enroll('alice');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('alice resets with a code texted to her directory mobile', async () => {
    const { flowId, channels } = await codeStep(api, 'alice', 'reset');
    expect(channels).toEqual([
      { id: expect.any(String), channel: 'email', destination: maskedDemoMail('alice') },
      { id: expect.any(String), channel: 'sms', destination: '•••0001' },
    ]);
    expect(new Set(channels.map((c) => c.id)).size).toBe(2);

    const sent = await api.sendCode(flowId, channelTo(channels, '•••0001'));
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body).toEqual({
      sent: true,
      username: 'alice',
      destination: '•••0001',
      expiresInSeconds: 600,
      resendAfterSeconds: 60,
    });

    const lines = await smsLines(stack, ALICE_MOBILE);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      at: expect.any(String),
      channel: 'sms',
      to: ALICE_MOBILE,
      body: expect.stringContaining('Your password self-service code is'),
      code: expect.stringMatching(/^\d{6}$/),
    });
    expect(await api.codeCount(demoMail('alice'))).toBe(0);

    const verified = await api.answer(flowId, await api.lastCode(ALICE_MOBILE));
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.challenge).toMatchObject({ type: 'verified', passwordPolicy: { minLength: 8 } });
  });

  it('alice unlocks with an SMS code; the unlock is told by e-mail and by SMS', async () => {
    await stack.demo.lockOut('alice');
    const { flowId, channels } = await codeStep(api, 'alice', 'unlock');
    expect((await api.sendCode(flowId, channelTo(channels, '•••0001'))).status).toBe(202);
    const verified = await api.answer(flowId, await api.lastCode(ALICE_MOBILE));
    expect(verified.body).toEqual({ username: 'alice', challenge: { type: 'verified' } });

    const before = (await stack.outboxLines()).length;
    const unlocked = await api.unlock(flowId);
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.body).toEqual({ unlocked: true });
    expect((await stack.demo.account('alice')).computedUserAccountControl & LOCKOUT).toBe(0);

    const told = (await stack.outboxLines()).slice(before);
    expect(told.map((l) => [l.channel, l.to])).toEqual([
      ['email', demoMail('alice')],
      ['sms', ALICE_MOBILE],
    ]);
    expect(told[1]?.body).toContain('Your account was unlocked through self-service');
    for (const line of told) expect(line.code).toBeUndefined();
  });

  it('bob enrolls a personal phone (he has no directory mobile): offered once verified, never before', async () => {
    const enrolled = await api.enroll('bob', { phone: BOB_PHONE });
    expect(enrolled.body.pendingContacts).toEqual([{ id: expect.any(String), channel: 'sms', destination: '•••5678' }]);

    const pending = await codeStep(api, 'bob');
    expect(pending.channels).toEqual([
      { id: expect.any(String), channel: 'email', destination: maskedDemoMail('bob') },
    ]);

    await markPhoneVerified(stack, 'bob', BOB_PHONE);
    const { flowId, channels } = await codeStep(api, 'bob');
    expect(channels).toEqual([
      { id: expect.any(String), channel: 'email', destination: maskedDemoMail('bob') },
      { id: expect.any(String), channel: 'sms', destination: '•••5678' },
    ]);
    const sent = await api.sendCode(flowId, channelTo(channels, '•••5678'));
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body.destination).toBe('•••5678');
    const verified = await api.answer(flowId, await api.lastCode(BOB_PHONE));
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.challenge.type).toBe('verified');
  });

  it('a number enrolled and found in the directory is one channel', async () => {
    await api.enroll('judy', { phone: JUDY_MOBILE });
    await markPhoneVerified(stack, 'judy', JUDY_MOBILE);
    const { channels } = await codeStep(api, 'judy');
    expect(channels.map((c) => [c.channel, c.destination])).toEqual([
      ['email', maskedDemoMail('judy')],
      ['sms', '•••0010'],
    ]);
  });

  it('no code in the logs or in the raw table', async () => {
    expect(api.codes.size).toBeGreaterThanOrEqual(3);
    await expectNoCodeAnywhere(stack, api.codes);
    expect(secretsIn(stack.logs.join('\n'), { strings: [...Object.values(DEMO), ...api.flowIds] })).toEqual([]);
  });
});

describe('codes.smsCountryCodes ["+49"]', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    ({ stack, api } = await open({ rateLimits: GENEROUS_ACTION_LIMITS, codes: { smsCountryCodes: ['+49'] } }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('alice’s +1 mobile is not offered, nor texted after an unlock; bob’s +49 phone is', async () => {
    await api.enroll('alice');
    const alice = await codeStep(api, 'alice', 'unlock');
    expect(alice.channels).toEqual([
      { id: expect.any(String), channel: 'email', destination: maskedDemoMail('alice') },
    ]);

    await stack.demo.lockOut('alice');
    const code = await api.sendAndRead(
      alice.flowId,
      { type: 'code', channels: alice.channels },
      maskedDemoMail('alice'),
      demoMail('alice'),
    );
    expect((await api.answer(alice.flowId, code)).body.challenge.type).toBe('verified');
    expect((await api.unlock(alice.flowId)).body).toEqual({ unlocked: true });

    await api.enroll('bob', { phone: BOB_PHONE });
    await markPhoneVerified(stack, 'bob', BOB_PHONE);
    const bob = await codeStep(api, 'bob');
    expect(bob.channels.map((c) => c.destination)).toEqual([maskedDemoMail('bob'), '•••5678']);
    expect((await api.sendCode(bob.flowId, channelTo(bob.channels, '•••5678'))).status).toBe(202);

    // Nothing ever went to a number outside the list.
    const texted = (await smsLines(stack)).map((l) => l.to);
    expect(texted.length).toBeGreaterThan(0);
    for (const to of texted) expect(String(to)).toMatch(/^\+49/);
  });
});

describe('SMS per user per day (smsPerUserPerDay 2)', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    ({ stack, api } = await open({
      rateLimits: { ...GENEROUS_ACTION_LIMITS, smsPerUserPerDay: 2 },
      codes: FREE_SENDS,
    }));
    for (const user of ['alice', 'judy'] as const) await api.enroll(user);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('the 3rd SMS of a user in a day is RATE_LIMITED, across flows; e-mail and other users go on', async () => {
    const first = await codeStep(api, 'alice');
    const sms = channelTo(first.channels, '•••0001');
    for (let i = 0; i < 2; i++) expect((await api.sendCode(first.flowId, sms)).status).toBe(202);
    expectCapped(stack, await api.sendCode(first.flowId, sms));
    expect(await api.codeCount(ALICE_MOBILE)).toBe(2);
    // The refusal used none of the flow's sends: e-mail still goes, and the last SMS code still works.
    expect((await api.sendCode(first.flowId, channelTo(first.channels, maskedDemoMail('alice')))).status).toBe(202);

    const second = await codeStep(api, 'alice');
    expectCapped(stack, await api.sendCode(second.flowId, channelTo(second.channels, '•••0001')));
    expect(await api.codeCount(ALICE_MOBILE)).toBe(2);

    const judy = await codeStep(api, 'judy');
    expect((await api.sendCode(judy.flowId, channelTo(judy.channels, '•••0010'))).status).toBe(202);
  });

  it('an unlock notice counts in the cap; at the cap it is skipped and audited, never failing the unlock', async () => {
    const unlockJudy = async () => {
      await stack.demo.lockOut('judy');
      const { flowId, channels } = await codeStep(api, 'judy', 'unlock');
      const code = await api.sendAndRead(flowId, { type: 'code', channels }, maskedDemoMail('judy'), demoMail('judy'));
      expect((await api.answer(flowId, code)).body.challenge.type).toBe('verified');
      const before = (await stack.outboxLines()).length;
      const unlocked = await api.unlock(flowId);
      expect(unlocked.status, unlocked.text).toBe(200);
      expect(unlocked.body).toEqual({ unlocked: true });
      const told = (await stack.outboxLines()).slice(before).map((l) => [l.channel, l.to]);
      return { told, requestId: unlocked.headers.get('x-request-id') };
    };

    // judy's code above was her first SMS of the day; the notice is her second.
    expect((await unlockJudy()).told).toEqual([
      ['email', demoMail('judy')],
      ['sms', JUDY_MOBILE],
    ]);
    const reset = await codeStep(api, 'judy');
    expectCapped(stack, await api.sendCode(reset.flowId, channelTo(reset.channels, '•••0010')));

    const atCap = await unlockJudy();
    expect(atCap.told).toEqual([['email', demoMail('judy')]]);
    const events = await stack.store.listAudit('judy');
    expect(events.find((e) => e.event === 'sms-notice')).toMatchObject({
      outcome: 'RATE_LIMITED',
      reason: 'account-unlocked',
      requestId: atCap.requestId,
    });
  });

  it('20 parallel sends on one flow and then more: exactly 2 texts in all', async () => {
    const [flow] = await codeFlows(stack, 1, 'one-user');
    if (!flow) throw new Error('no flow');
    const parallel = await Promise.all(Array.from({ length: 20 }, () => api.sendCode(flow.flowId, flow.channelId)));
    const counts = tally(parallel);
    expect(Object.keys(counts).filter((k) => !['202', '409 WRONG_STEP', '429 RATE_LIMITED'].includes(k))).toEqual([]);
    const sentInParallel = counts['202'] ?? 0;
    expect(sentInParallel).toBeGreaterThanOrEqual(1);
    expect(sentInParallel).toBeLessThanOrEqual(2);

    // The sends that lost the race on the flow gave their admission back: the cap counts texts, not requests.
    const later: ApiResponse[] = [];
    for (let i = 0; i < 3; i++) later.push(await api.sendCode(flow.flowId, flow.channelId));
    expect(later.filter((r) => r.status === 202)).toHaveLength(2 - sentInParallel);
    expectCapped(stack, later.at(-1) as ApiResponse);
    expect(await api.codeCount(flow.to)).toBe(2);
  });
});

describe('SMS per address per day (smsPerAddressPerDay 3)', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    ({ stack, api } = await open({
      rateLimits: { ...GENEROUS_ACTION_LIMITS, smsPerAddressPerDay: 3 },
      codes: FREE_SENDS,
    }));
    for (const user of ['alice', 'judy'] as const) await api.enroll(user);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('the 4th SMS from one address is RATE_LIMITED, whoever it is for; another address goes on', async () => {
    const alice = await codeStep(api, 'alice');
    const sms = channelTo(alice.channels, '•••0001');
    for (let i = 0; i < 3; i++) expect((await api.sendCode(alice.flowId, sms, '127.0.0.2')).status).toBe(202);
    expectCapped(stack, await api.sendCode(alice.flowId, sms, '127.0.0.2'));

    const judy = await codeStep(api, 'judy');
    expectCapped(stack, await api.sendCode(judy.flowId, channelTo(judy.channels, '•••0010'), '127.0.0.2'));
    expect((await api.sendCode(judy.flowId, channelTo(judy.channels, '•••0010'), '127.0.0.3')).status).toBe(202);
    expect(await api.codeCount(ALICE_MOBILE)).toBe(3);
    expect(await api.codeCount(JUDY_MOBILE)).toBe(1);
  });

  it('20 parallel sends from one address, each on its own flow: exactly 3 go out', async () => {
    const flows = await codeFlows(stack, 20, 'address-load');
    const responses = await Promise.all(flows.map((f) => api.sendCode(f.flowId, f.channelId, '127.0.0.4')));
    expect(tally(responses)).toEqual({ '202': 3, '429 RATE_LIMITED': 17 });
    const texted = new Set((await smsLines(stack)).map((l) => l.to));
    expect(flows.filter((f) => texted.has(f.to))).toHaveLength(3);
  });
});

describe('SMS in total per day (smsPerDay 5), with the 80 % warning', () => {
  let stack: TestStack;
  let api: ResetClient;
  let config: Config;

  beforeAll(async () => {
    ({ stack, api } = await open({ rateLimits: { ...GENEROUS_ACTION_LIMITS, smsPerDay: 5 }, codes: FREE_SENDS }));
    config = stack.config;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('across users: the 6th SMS of the day is RATE_LIMITED; the warning comes once, at the 4th', async () => {
    expect(config.rateLimits.smsPerDay).toBe(5);
    const flows = await codeFlows(stack, 6, 'total');
    const statuses: number[] = [];
    for (const [i, flow] of flows.entries()) {
      const response = await api.sendCode(flow.flowId, flow.channelId);
      statuses.push(response.status);
      expect(warnings(stack), `after send ${i + 1}`).toHaveLength(i + 1 >= 4 ? 1 : 0);
      if (i === 5) expectCapped(stack, response);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect(warnings(stack)[0]).toMatchObject({ level: 'warn', message: WARNING, event: 'sms-volume', count: 4 });

    // A real user's code is refused by SMS, not by e-mail; an unlock notice is skipped, the unlock is not.
    await api.enroll('alice');
    await stack.demo.lockOut('alice');
    const alice = await codeStep(api, 'alice', 'unlock');
    expectCapped(stack, await api.sendCode(alice.flowId, channelTo(alice.channels, '•••0001')));
    const code = await api.sendAndRead(
      alice.flowId,
      { type: 'code', channels: alice.channels },
      maskedDemoMail('alice'),
      demoMail('alice'),
    );
    expect((await api.answer(alice.flowId, code)).body.challenge.type).toBe('verified');
    expect((await api.unlock(alice.flowId)).body).toEqual({ unlocked: true });
    expect(await smsLines(stack, ALICE_MOBILE)).toEqual([]);
    expect(warnings(stack)).toHaveLength(1);
  });

  it('no code in the logs or in the raw table', async () => {
    const codes = (await smsLines(stack)).map((l) => String(l.code));
    expect(codes).toHaveLength(5);
    await expectNoCodeAnywhere(stack, [...codes, ...api.codes]);
  });
});

describe('SMS in total per day under 20 parallel sends (smsPerDay 5)', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    ({ stack, api } = await open({ rateLimits: { ...GENEROUS_ACTION_LIMITS, smsPerDay: 5 }, codes: FREE_SENDS }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('20 users at once: exactly 5 texts; the warning once', async () => {
    const flows = await codeFlows(stack, 20, 'total-load');
    const responses = await Promise.all(flows.map((f) => api.sendCode(f.flowId, f.channelId)));
    expect(tally(responses)).toEqual({ '202': 5, '429 RATE_LIMITED': 15 });
    expect(await smsLines(stack)).toHaveLength(5);
    expect(warnings(stack)).toHaveLength(1);
    expect(warnings(stack)[0]?.count).toBeGreaterThanOrEqual(4);
  });
});
