/**
 * Section 6, Enumeration timing of the possession steps (issue 16 item 3: a decoy's method menu and steps are shaped
 * like a real user's under the same policy, and must take as long). Under the `standards` preset, which offers an
 * authenticator app and saved recovery codes first: an unknown name, heidi (eligible, not enrolled), judy (holding
 * both, then blocked by five wrong app codes) and bob (holding both). Per round and kind: start, choose the app, a
 * wrong app code, choose the recovery codes, a wrong recovery code, the kinds in a rotating order each round. bob's
 * codes are checked (his seed opened, the window's codes computed, his recovery code hashes compared); a decoy's are
 * not. Between rounds the failure counts of every kind but the blocked one are cleared, untimed, so no kind turns into
 * another.
 *
 * Each row states every kind's median as a ratio to bob's, measured in the same run (the reference), and passes when
 * the largest over the smallest stays under 1.10 (DESIGN §10: medians differ by less than 10 %).
 */

import { formatRecoveryCode, newRecoveryCode } from '../functions/core/methods/recoveryCodes.js';
import { unresolvedSubject } from '../functions/core/subjects.js';
import { LocalSecrets } from '../local/localSecrets.js';
import { giveMethods, totp } from '../test/api/heldMethods.js';
import { type BenchStack, expectStatus, startBenchStack } from './api.js';
import { ms, OPEN_LIMITS_CONFIG } from './common.js';
import { methodsStack } from './possessionSteps.js';
import { PROOF_TIMING_BUDGET } from './proofTiming.js';
import type { Row } from './report.js';
import { median } from './stats.js';

const SECTION = '6 Enumeration timing';
const KINDS = [
  { kind: 'enrolled', name: 'bob' },
  { kind: 'unknown', name: 'nobody.here' },
  { kind: 'not enrolled', name: 'heidi' },
  { kind: 'blocked', name: 'judy' },
] as const;
const STEPS = [
  'POST /api/reset/start',
  'POST /api/reset/choose (authenticator)',
  'POST /api/reset/answer (authenticator, wrong)',
  'POST /api/reset/choose (recovery code)',
  'POST /api/reset/answer (recovery code, wrong)',
] as const;
type Step = (typeof STEPS)[number];

export async function possessionEnumerationRows(rounds = 40): Promise<Row[]> {
  const stack = await startBenchStack({
    directory: 'memory',
    config: { ...OPEN_LIMITS_CONFIG, recovery: { preset: 'standards' } },
  });
  const times = new Map<string, number[]>();
  try {
    const held = await prepare(stack);
    const decoyKey = await new LocalSecrets(stack.dataDir).decoyKey();
    const round = async (n: number, recording: boolean) => {
      for (const { kind, name } of rotate(KINDS, n)) {
        const taken = await walk(stack, name, totp(held, stack.clock.now(), 7));
        if (recording) {
          for (const [step, took] of taken)
            times.set(`${step}:${kind}`, [...(times.get(`${step}:${kind}`) ?? []), took]);
        }
        if (kind !== 'blocked') {
          await stack.store.clearBlockAndFailures(kind === 'unknown' ? unresolvedSubject(decoyKey, name) : name);
        }
      }
    };
    for (let n = 0; n < 5; n++) await round(n, false);
    for (let n = 0; n < rounds; n++) await round(n, true);
  } finally {
    await stack.close();
  }
  return STEPS.map((step) => row(step, times, rounds));
}

/** One flow of `name` through both possession steps with wrong codes; each step's time. */
async function walk(stack: BenchStack, name: string, wrongTotp: string): Promise<[Step, number][]> {
  const post = async (step: Step, path: string, body: object) => {
    const response = expectStatus(`${step} ${name}`, await stack.post(path, body), 200, stack);
    return response;
  };
  const start = await post('POST /api/reset/start', '/api/reset/start', { username: name, purpose: 'reset' });
  const flowId = start.body.flowId as string;
  const steps: [Step, number][] = [['POST /api/reset/start', start.ms]];
  const app = await post('POST /api/reset/choose (authenticator)', '/api/reset/choose', {
    flowId,
    method: 'authenticator',
  });
  steps.push(['POST /api/reset/choose (authenticator)', app.ms]);
  const appAnswer = await post('POST /api/reset/answer (authenticator, wrong)', '/api/reset/answer', {
    flowId,
    answer: wrongTotp,
  });
  steps.push(['POST /api/reset/answer (authenticator, wrong)', appAnswer.ms]);
  const codes = await post('POST /api/reset/choose (recovery code)', '/api/reset/choose', {
    flowId,
    method: 'recoveryCode',
  });
  steps.push(['POST /api/reset/choose (recovery code)', codes.ms]);
  const wrongCode = formatRecoveryCode(newRecoveryCode());
  const codeAnswer = await post('POST /api/reset/answer (recovery code, wrong)', '/api/reset/answer', {
    flowId,
    answer: wrongCode,
  });
  steps.push(['POST /api/reset/answer (recovery code, wrong)', codeAnswer.ms]);
  for (const [response, type] of [
    [appAnswer, 'authenticator'],
    [codeAnswer, 'recoveryCode'],
  ] as const) {
    if (response.body.challenge?.type !== type) {
      throw new Error(`possession enumeration: ${name} was not asked again: ${JSON.stringify(response.body)}`);
    }
  }
  return steps;
}

/** bob and judy hold an app and recovery codes; judy is then blocked by five wrong app codes. Returns bob's seed. */
async function prepare(stack: BenchStack): Promise<Buffer> {
  const methods = methodsStack(stack);
  const bob = await giveMethods(methods, 'bob', { authenticator: true, recoveryCodes: true });
  const judy = await giveMethods(methods, 'judy', { authenticator: true, recoveryCodes: true });
  for (let i = 0; i < 5; i++) {
    const start = await stack.post('/api/reset/start', { username: 'judy', purpose: 'reset' });
    const flowId = start.body.flowId;
    await stack.post('/api/reset/choose', { flowId, method: 'authenticator' });
    await stack.post('/api/reset/answer', { flowId, answer: totp(judy.authenticator as Buffer, stack.clock.now(), 7) });
  }
  if (!(await stack.store.getBlock('judy', stack.clock.now())))
    throw new Error('possession enumeration: judy was not blocked');
  return bob.authenticator as Buffer;
}

function row(step: Step, times: Map<string, number[]>, n: number): Row {
  const medians = KINDS.map(({ kind }) => ({ kind, median: median(times.get(`${step}:${kind}`) ?? []) }));
  const reference = medians[0]?.median ?? Number.NaN;
  const values = medians.map((m) => m.median);
  const ratio = Math.max(...values) / Math.min(...values);
  const toReference = medians
    .slice(1)
    .map((m) => `${m.kind} ${(m.median / reference).toFixed(2)}`)
    .join(' · ');
  return {
    section: SECTION,
    name: `${step}, preset standards: largest / smallest median`,
    figure:
      `${ratio.toFixed(2)} (to bob's ${ms(reference)} ms: ${toReference}; ` +
      `medians ${medians.map((m) => `${m.kind} ${ms(m.median)}`).join(' · ')} ms; n=${n} each)`,
    budget: `< ${PROOF_TIMING_BUDGET.toFixed(2)}`,
    pass: ratio < PROOF_TIMING_BUDGET,
    value: Math.round(ratio * 1000) / 1000,
    unit: 'ratio',
    note:
      'Local stack on the in-memory directory (no delay: these steps call no directory on any path), ' +
      'revealAccountState off, limits open, preset standards. Kinds: bob (holds an app and recovery codes; the ' +
      'reference), an unknown name, heidi (not enrolled), judy (holds both, blocked by five wrong app codes). Per ' +
      'round: start, choose the app, a wrong app code, choose the recovery codes, a wrong recovery code; one at a ' +
      'time, the kinds in a rotating order each round; failure counts cleared between rounds (untimed) but judy’s.',
  };
}

/** The kinds in a different order each round, so no kind always follows the same one. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
