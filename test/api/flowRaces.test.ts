/**
 * Failures per user across flows (DESIGN §4 Reset and unlock, §5), through the HTTP API on the in-memory directory: a
 * user may open many flows (a new start replaces the open one, but an answer already past that check goes on), so the
 * limits must hold across flows. Ten flows each send one wrong answer (or code) while an eleventh holds the right one:
 * at most the limit is checked, the right flow cannot finish, and the block holds at every later step. The races are
 * laid out by events, not timing: each wrong answer is held at the store just before its flow's claim until all are in
 * flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerHasher } from '../../functions/core/ports.js';
import type { AuditEvent } from '../../functions/core/store.js';
import {
  type ApiResponse,
  DEMO,
  demoMail,
  GENEROUS_ACTION_LIMITS,
  HELD_REQUESTS_TIMEOUT_MS,
  maskedDemoMail,
  startTestStack,
  type TestStack,
} from './harness.js';
import { otherCode, ResetClient, WRONG_ANSWERS } from './resetClient.js';
import { claimGate } from './storeGate.js';

const USER = 'bob';
const LIMIT_ANSWERS = 3;
const LIMIT_CODES = 5;
const RACERS = 10;

/** Counts the answer hashes compared with an enrolled one (a dummy comparison checks nothing). */
class CheckCounter {
  checked = 0;

  wrap(hasher: AnswerHasher): AnswerHasher {
    return {
      hash: (answer) => hasher.hash(answer),
      verify: (answer, stored) => {
        if (stored !== null) this.checked++;
        return hasher.verify(answer, stored);
      },
      needsRehash: (stored) => hasher.needsRehash(stored),
    };
  }
}

let stack: TestStack;
let api: ResetClient;
const gate = claimGate();
const hashes = new CheckCounter();

beforeAll(async () => {
  stack = await startTestStack({
    config: { rateLimits: GENEROUS_ACTION_LIMITS },
    wrapPorts: { store: (store) => gate.wrap(store), hasher: (hasher) => hashes.wrap(hasher) },
    functionTimeoutMs: HELD_REQUESTS_TIMEOUT_MS,
  });
  api = new ResetClient(stack);
  await api.loadCatalog();
});

afterAll(async () => {
  await stack?.close();
});

const MAIL = demoMail(USER);
const MASKED = maskedDemoMail(USER);

/** The user's audit events since `since` with this event and outcome. */
async function audited(since: number, event: string, outcome: string): Promise<AuditEvent[]> {
  return (await stack.store.listAudit(USER)).filter((e) => e.at >= since && e.event === event && e.outcome === outcome);
}

/**
 * A fresh start for the user: the demo password back (in case a step that should have been refused changed it), and
 * enrolling again lifts the block and clears both counts.
 */
async function fresh() {
  stack.memoryDirectory?.setPassword(USER, DEMO[USER]);
  await api.enroll(USER);
  return { since: api.now(), good: api.goodKey() };
}

/**
 * RACERS flows, each with one wrong answer (or code) sent and held just before its claim; resolves once all are held.
 * `release` lets them all go at once and gives their responses.
 */
async function wrongInFlight(kind: 'answer' | 'code'): Promise<{ release: () => Promise<ApiResponse[]> }> {
  const good = api.goodKey();
  const sent: Promise<ApiResponse>[] = [];
  for (let i = 0; i < RACERS; i++) {
    const { flowId, challenge } = await api.started(USER, 'reset');
    let wrong = WRONG_ANSWERS[i % WRONG_ANSWERS.length] ?? 'a wrong answer';
    if (kind === 'code') {
      const codeStep = await api.passQuestions(flowId, challenge, good);
      wrong = otherCode(await api.sendAndRead(flowId, codeStep, MASKED, MAIL));
    }
    gate.arm();
    sent.push(api.answer(flowId, wrong));
    await gate.heldCount(i + 1);
    gate.disarm();
  }
  return {
    release: async () => {
      gate.release();
      return Promise.all(sent);
    },
  };
}

type Step = 'code send' | 'code answer' | 'password' | 'unlock';

/** Opens the right flow (the user's open one now) and takes it up to `step`; returns what the step needs. */
async function rightFlowAt(step: Step) {
  const { flowId, challenge } = await api.started(USER, step === 'unlock' ? 'unlock' : 'reset');
  const codeStep = await api.passQuestions(flowId, challenge, api.goodKey());
  expect(codeStep.type).toBe('code');
  const channelId = codeStep.channels[0].id as string;
  if (step === 'code send') return { flowId, channelId, code: '' };
  const code = await api.sendAndRead(flowId, codeStep, MASKED, MAIL);
  if (step === 'code answer') return { flowId, channelId, code };
  const verified = await api.answer(flowId, code);
  expect(verified.body.challenge?.type, verified.text).toBe('verified');
  return { flowId, channelId, code };
}

/** Tries the step on the right flow; returns the response. */
async function tryStep(step: Step, flow: { flowId: string; channelId: string; code: string }) {
  switch (step) {
    case 'code send':
      return api.sendCode(flow.flowId, flow.channelId);
    case 'code answer':
      return api.answer(flow.flowId, flow.code);
    case 'password':
      return stack.post('/api/reset/password', { flowId: flow.flowId, newPassword: 'Harbor!Lantern2031' });
    case 'unlock':
      return api.unlock(flow.flowId);
  }
}

/**
 * The step was refused and nothing was done: 410 when the new block ended the user's open flows, 403 when the flow
 * outlived that and met the block at the step itself.
 */
async function expectRefused(response: ApiResponse, how: 'ended' | 'failed') {
  expect(response.status, response.text).toBe(how === 'ended' ? 410 : 403);
  expect(response.body.error.code).toBe(how === 'ended' ? 'FLOW_EXPIRED' : 'VERIFICATION_FAILED');
  expect((await stack.demo.verifyPassword(USER, DEMO[USER])).ok).toBe(true);
}

/** The audit event of a step. */
const STEP_EVENTS: Record<Step, string> = {
  'code send': 'code-send',
  'code answer': 'code',
  password: 'reset',
  unlock: 'unlock',
};

const STEPS: Step[] = ['code send', 'code answer', 'password', 'unlock'];

describe('wrong answers raced over parallel flows', () => {
  it.each(STEPS)(
    'at most the limit is checked, and the right flow cannot go on to its %s',
    async (step) => {
      const { since } = await fresh();
      const checkedBefore = hashes.checked;
      const racers = await wrongInFlight('answer');
      // The right flow starts last, so it is the user's open flow, and gets as far as `step` while the others wait.
      const right = await rightFlowAt(step);
      const responses = await racers.release();

      // Of the wrong answers, the limit's worth were checked; the rest were refused unchecked, their flows failed.
      expect(await audited(since, 'answer', 'wrong')).toHaveLength(LIMIT_ANSWERS);
      expect(hashes.checked - checkedBefore).toBe(LIMIT_ANSWERS + 1);
      for (const response of responses) expect([200, 403], response.text).toContain(response.status);
      const block = await stack.store.getBlock(USER, api.now());
      expect(block).toMatchObject({ subject: USER, reason: 'answer' });
      // One block, told once.
      expect(await audited(since, 'block', 'blocked')).toHaveLength(1);

      await expectRefused(await tryStep(step, right), 'ended');
      expect((await stack.store.getBlock(USER, api.now()))?.until).toBe(block?.until);
    },
    300_000,
  );
});

describe('wrong codes raced over parallel flows', () => {
  it.each(STEPS.slice(1))(
    'at most the limit is checked, and the right flow cannot go on to its %s',
    async (step) => {
      const { since } = await fresh();
      const racers = await wrongInFlight('code');
      const right = await rightFlowAt(step);
      const responses = await racers.release();

      expect(await audited(since, 'code', 'wrong')).toHaveLength(LIMIT_CODES);
      for (const response of responses) expect([200, 403], response.text).toContain(response.status);
      const block = await stack.store.getBlock(USER, api.now());
      expect(block).toMatchObject({ subject: USER, reason: 'code' });
      expect(await audited(since, 'block', 'blocked')).toHaveLength(1);

      await expectRefused(await tryStep(step, right), 'ended');
    },
    300_000,
  );
});

describe('every step checks the block, whichever flow it came from', () => {
  // A block written while a start was between its block check and its flow (so the block's ending of open flows
  // missed it): put straight into the store here, which ends no flow.
  it.each(STEPS)(
    'the %s of a flow that outlived the block is refused',
    async (step) => {
      const { since } = await fresh();
      const right = await rightFlowAt(step);
      const until = api.now() + 3_600_000;
      await stack.store.putBlock({ subject: USER, until, reason: 'answer' });
      await expectRefused(await tryStep(step, right), 'failed');
      expect(await audited(since, STEP_EVENTS[step], 'refused')).toMatchObject([{ reason: 'BLOCKED' }]);
      // The flow is over.
      expect((await tryStep(step, right)).status).toBe(410);
      expect((await stack.store.getBlock(USER, api.now()))?.until).toBe(until);
    },
    180_000,
  );
});

describe('answers during a block (DESIGN §5: never extend it)', () => {
  it('a right answer during a block is refused unchecked and audited as refused because blocked, not wrong', async () => {
    const { since, good } = await fresh();
    const { flowId, challenge } = await api.started(USER, 'reset');
    const until = api.now() + 3_600_000;
    await stack.store.putBlock({ subject: USER, until, reason: 'answer' });
    const checkedBefore = hashes.checked;

    const answered = await api.answer(flowId, good.get(challenge.questionId) ?? '');
    // Refused answers move the flow on as wrong ones do: the point of failure stays the last question.
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.challenge).toMatchObject({ type: 'question', index: 2 });
    expect(hashes.checked).toBe(checkedBefore);
    expect(await audited(since, 'answer', 'refused')).toMatchObject([{ reason: 'BLOCKED' }]);
    expect(await audited(since, 'answer', 'wrong')).toEqual([]);
    expect(await audited(since, 'answer', 'right')).toEqual([]);
    expect(await stack.store.failureCount(USER, 'answer', api.now())).toBe(0);
    expect((await stack.store.getBlock(USER, api.now()))?.until).toBe(until);
  });

  it('after three wrong answers block, the victim’s own right answers neither extend the block nor count', async () => {
    const { since, good } = await fresh();
    const failing = await api.started(USER, 'reset');
    expect(await api.failQuestions(failing.flowId)).toEqual([200, 200, 403]);
    const block = await stack.store.getBlock(USER, api.now());
    expect(block).not.toBeNull();
    const told = (await stack.outboxLines()).filter(
      (line) => line.to === MAIL && /blocked/i.test(String(line.subject)),
    );
    expect(told.length).toBeGreaterThan(0);
    const before = (await stack.outboxLines()).length;

    // The victim tries again, with the right answers: a decoy flow (blocked), every answer refused unchecked.
    const victim = await api.started(USER, 'reset');
    const statuses: number[] = [];
    let challenge = victim.challenge;
    for (let i = 0; i < 3; i++) {
      const response = await api.answer(victim.flowId, good.get(challenge.questionId) ?? '');
      statuses.push(response.status);
      challenge = response.body.challenge;
    }
    expect(statuses).toEqual([200, 200, 403]);
    expect(await stack.store.getBlock(USER, api.now())).toEqual(block);
    expect(await audited(since, 'answer', 'wrong')).toHaveLength(3);
    expect((await audited(since, 'answer', 'refused')).map((e) => e.reason)).toEqual(['BLOCKED', 'BLOCKED', 'BLOCKED']);
    expect(await audited(since, 'block', 'blocked')).toHaveLength(1);
    // Told once: no second notice for answers during the block.
    expect((await stack.outboxLines()).slice(before)).toEqual([]);
  });
});

describe('eligibility is read again when the password is set or the account unlocked', () => {
  it.each(['password', 'unlock'] as const)(
    'an account disabled after verification: its %s is refused',
    async (step) => {
      const { since } = await fresh();
      const right = await rightFlowAt(step);
      stack.memoryDirectory?.setAttributes(USER, { userAccountControl: 0x202 });
      try {
        const response = await tryStep(step, right);
        expect(response.status, response.text).toBe(403);
        expect(response.body.error.code).toBe('VERIFICATION_FAILED');
        // The flow is over.
        expect((await tryStep(step, right)).status).toBe(410);
        expect(await audited(since, step === 'password' ? 'reset' : 'unlock', 'refused')).toMatchObject([
          { reason: 'DISABLED' },
        ]);
      } finally {
        stack.memoryDirectory?.setAttributes(USER, { userAccountControl: 0x200 });
      }
      expect((await stack.demo.verifyPassword(USER, DEMO[USER])).ok).toBe(true);
    },
  );
});

describe('in reveal mode (revealAccountState: true)', () => {
  it('the refusal of a password step for an account disabled since verification names the reason', async () => {
    const reveal = await startTestStack({ config: { rateLimits: GENEROUS_ACTION_LIMITS, revealAccountState: true } });
    try {
      const client = new ResetClient(reveal);
      await client.loadCatalog();
      await client.enroll(USER);
      const flowId = await client.verifiedFlow(USER, 'reset', client.goodKey(), { destination: MASKED, to: MAIL });
      reveal.memoryDirectory?.setAttributes(USER, { userAccountControl: 0x202 });
      const response = await reveal.post('/api/reset/password', { flowId, newPassword: 'Harbor!Lantern2031' });
      expect(response.status, response.text).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', reason: 'DISABLED' });
    } finally {
      await reveal.close();
    }
  }, 60_000);
});
