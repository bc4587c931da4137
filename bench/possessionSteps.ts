/**
 * Section 2, Steps of the possession methods (issue 16): POST /api/reset/choose, and POST /api/reset/answer with a
 * right authenticator code and with a right recovery code, under the `standards` preset on the in-memory directory,
 * where bob holds both (put into the store as the methods routes store them: test/api/heldMethods.ts). Each flow is a
 * start, a choice and one right code, the method alternating; the next start replaces the flow. The stack's clock moves
 * one TOTP step (30 s) before each flow, so every app code is of a step not used yet; a used-up set of recovery codes
 * is replaced, untimed.
 *
 * The budgets are ratios to POST /api/reset/start measured in the same run, on the same stack, interleaved with the
 * steps: a slow machine slows both, so the row says whether the step costs what it should next to a known step, not
 * how fast the machine was that day. A possession answer does about a start's store work (the flow read and claimed,
 * the enrollment, a failure reserved and given back, the code used up with a conditional write, the audit, the flow
 * written) with no directory call; a choice is a flow read, a block read and one write.
 */

import { giveMethods, totp } from '../test/api/heldMethods.js';
import { memoryDemoDirectory } from '../test/support/demoDirectory.js';
import { movableClock } from '../test/support/movableClock.js';
import { type BenchStack, expectStatus, startBenchStack, type Timed } from './api.js';
import { ms, OPEN_LIMITS_CONFIG } from './common.js';
import type { Row } from './report.js';
import { summarize } from './stats.js';

const SECTION = '2 Steps (possession methods, in-memory directory)';
const USER = 'bob';
const TOTP_STEP_MS = 30_000;

/**
 * p50 of the step over p50 of POST /api/reset/start in the same run, from the store round trips each makes (counted by
 * wrapping the store port): start about 8 (two limits, the enrollment and the block read together, the flow and its
 * pointer, the audit); a choice 4 (the flow and its pointer, the block, the flow written): half, with a margin; a right
 * code 10 or 11 (the flow and its pointer, the claim, the enrollment, the block and the reservation, the use, the audit,
 * the give-back, the flow written), nearly all one after another where start reads three at once: twice at most.
 */
export const POSSESSION_STEP_BUDGET = { choose: 0.75, answer: 2.0 };

const STEPS = [
  'POST /api/reset/start',
  'POST /api/reset/choose',
  'POST /api/reset/answer (authenticator)',
  'POST /api/reset/answer (recovery code)',
] as const;
type Step = (typeof STEPS)[number];
type Possession = 'authenticator' | 'recoveryCode';

export async function possessionStepRows(flows = 80): Promise<Row[]> {
  const clock = movableClock();
  const stack = await startBenchStack({
    directory: 'memory',
    config: { ...OPEN_LIMITS_CONFIG, recovery: { preset: 'standards' } },
    clock,
  });
  const samples = new Map<Step, number[]>(STEPS.map((step) => [step, []]));
  try {
    const methods = methodsStack(stack);
    const held = await giveMethods(methods, USER, { authenticator: true, recoveryCodes: true });
    let codes = [...(held.recoveryCodes ?? [])];
    const nextRecoveryCode = async () => {
      if (codes.length === 0)
        codes = [...((await giveMethods(methods, USER, { recoveryCodes: true })).recoveryCodes ?? [])];
      return codes.shift() as string;
    };
    const run = async (count: number, recording: boolean) => {
      for (let i = 0; i < count; i++) {
        clock.advance(TOTP_STEP_MS);
        const method: Possession = i % 2 === 0 ? 'authenticator' : 'recoveryCode';
        const code =
          method === 'authenticator' ? totp(held.authenticator as Buffer, clock.now()) : await nextRecoveryCode();
        const times = await oneFlow(stack, method, code);
        if (!recording) continue;
        samples.get('POST /api/reset/start')?.push(times.start);
        samples.get('POST /api/reset/choose')?.push(times.choose);
        const answer =
          method === 'authenticator'
            ? 'POST /api/reset/answer (authenticator)'
            : 'POST /api/reset/answer (recovery code)';
        samples.get(answer)?.push(times.answer);
      }
    };
    // Unrecorded first (JIT, connections, caches), as steps.ts does.
    await run(Math.ceil(flows / 4), false);
    await run(flows, true);
  } finally {
    await stack.close();
  }
  return rows(samples);
}

/** The bench stack as giveMethods wants it: its store, clock and data directory, and the stand-in's demo view. */
export function methodsStack(stack: BenchStack) {
  if (!stack.memoryDirectory) throw new Error('possession bench: needs the in-memory directory');
  return {
    store: stack.store,
    clock: stack.clock,
    dataDir: stack.dataDir,
    demo: memoryDemoDirectory(stack.memoryDirectory),
  };
}

/** One flow: start, choose `method`, the right code; each request's time. */
async function oneFlow(stack: BenchStack, method: Possession, code: string) {
  const start = expectStatus(
    'start',
    await stack.post('/api/reset/start', { username: USER, purpose: 'reset' }),
    200,
    stack,
  );
  const flowId = start.body.flowId as string;
  const choose = expectStatus('choose', await stack.post('/api/reset/choose', { flowId, method }), 200, stack);
  const answer = expectStatus(
    `answer ${method}`,
    await stack.post('/api/reset/answer', { flowId, answer: code }),
    200,
    stack,
  );
  // A right code goes on to the next method (a choice or the e-mail code), never back to its own step.
  const next = (answer as Timed).body.challenge?.type;
  if (next === method || next === undefined) {
    throw new Error(`possession bench: a right ${method} code led to ${JSON.stringify(answer.body)}`);
  }
  return { start: start.ms, choose: choose.ms, answer: answer.ms };
}

function rows(samples: Map<Step, number[]>): Row[] {
  const reference = summarize(samples.get('POST /api/reset/start') ?? []);
  return STEPS.slice(1).map((step): Row => {
    const net = summarize(samples.get(step) ?? []);
    const ratio = net.p50 / reference.p50;
    const budget = step === 'POST /api/reset/choose' ? POSSESSION_STEP_BUDGET.choose : POSSESSION_STEP_BUDGET.answer;
    return {
      section: SECTION,
      name: `${step}: p50 / p50 of POST /api/reset/start`,
      figure:
        `${ratio.toFixed(2)} (p50 ${ms(net.p50)} · p95 ${ms(net.p95)} · p99 ${ms(net.p99)} ms, n=${net.n}; ` +
        `start p50 ${ms(reference.p50)} · p99 ${ms(reference.p99)} ms, n=${reference.n})`,
      budget: `≤ ${budget.toFixed(2)}`,
      pass: ratio <= budget,
      value: Math.round(ratio * 1000) / 1000,
      unit: 'ratio',
      note:
        'Preset standards, limits open, the in-memory directory with no delay; bob holds an authenticator and ' +
        'recovery codes (put into the store as the methods routes store them). Per flow: start, choose, one right ' +
        'code (the method alternating), requests one at a time, timed by the client, after an unrecorded quarter of ' +
        'the plan. The reference is the start step of the same flows, so a slow machine moves both.',
    };
  });
}
