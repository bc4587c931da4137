/**
 * Section 6, Enumeration timing: `start` and a wrong `answer` for an unknown name, a user who is not enrolled, a
 * blocked user and an enrolled one, interleaved round by round so drift hits every kind alike. What an attacker sees
 * is the whole response time, so the answer is timed with its hash. Between rounds the bench clears the failure counts
 * (and any block) of every kind but the blocked one, through the store port, so each kind stays what it is named.
 */
import { unresolvedSubject } from '../functions/core/subjects.js';
import { LocalSecrets } from '../local/localSecrets.js';
import { answersFor, type BenchStack, expectStatus, startBenchStack } from './api.js';
import { BENCH_ANSWERS, DEMO, ms, OPEN_LIMITS_CONFIG, percent, WRONG_ANSWER } from './common.js';
import type { Row } from './report.js';
import { median, relativeSpread } from './stats.js';

export const ENUMERATION_BUDGET = 0.1;

const KINDS = [
  { kind: 'unknown', name: 'nobody.here' },
  { kind: 'not enrolled', name: 'heidi' },
  { kind: 'blocked', name: 'judy' },
  { kind: 'enrolled', name: 'bob' },
] as const;

export async function enumerationRows(starts = 100, answers = 30): Promise<Row[]> {
  const stack = await startBenchStack({ directory: 'memory', config: OPEN_LIMITS_CONFIG });
  const startTimes = new Map<string, number[]>(KINDS.map((k) => [k.kind, []]));
  const answerTimes = new Map<string, number[]>(KINDS.map((k) => [k.kind, []]));
  try {
    await prepare(stack);
    const decoyKey = await new LocalSecrets(stack.dataDir).decoyKey();
    const start = (name: string) => stack.post('/api/reset/start', { username: name, purpose: 'reset' });
    // Warm-up, not recorded.
    for (let i = 0; i < 5; i++)
      for (const { name } of KINDS) expectStatus(`start ${name}`, await start(name), 200, stack);
    for (let round = 0; round < starts; round++) {
      for (const { kind, name } of rotate(KINDS, round)) {
        const response = expectStatus(`start ${name}`, await start(name), 200, stack);
        startTimes.get(kind)?.push(response.ms);
      }
    }
    for (let round = 0; round < answers; round++) {
      for (const { kind, name } of rotate(KINDS, round)) {
        const flowId = expectStatus(`start ${name}`, await start(name), 200, stack).body.flowId;
        const response = expectStatus(
          `answer ${name}`,
          await stack.post('/api/reset/answer', { flowId, answer: WRONG_ANSWER }),
          // A blocked user's answer is not checked and moves the flow on like a wrong one (flow/failures.ts), so the
          // first wrong answer is 200 for every kind; the flow fails only after the last question.
          200,
          stack,
        );
        answerTimes.get(kind)?.push(response.ms);
        if (kind !== 'blocked') {
          // A name that resolves to nothing keeps its failures under its keyed hash.
          await stack.store.clearBlockAndFailures(kind === 'unknown' ? unresolvedSubject(decoyKey, name) : name);
        }
      }
    }
  } finally {
    await stack.close();
  }
  return [row('POST /api/reset/start', startTimes), row('POST /api/reset/answer (wrong, hash included)', answerTimes)];
}

function row(step: string, times: Map<string, number[]>): Row {
  const medians = KINDS.map(({ kind }) => ({ kind, median: median(times.get(kind) ?? []) }));
  const spread = relativeSpread(medians.map((m) => m.median));
  const n = times.get(KINDS[0].kind)?.length ?? 0;
  return {
    section: '6 Enumeration timing',
    name: `${step}: difference of medians`,
    figure: `${percent(spread)} (medians ${medians.map((m) => `${m.kind} ${ms(m.median)}`).join(' · ')} ms; n=${n} each)`,
    budget: `< ${percent(ENUMERATION_BUDGET)}`,
    pass: spread < ENUMERATION_BUDGET,
    value: spread * 100,
    unit: '%',
    note:
      'Local stack on the in-memory directory, revealAccountState off. Kinds: an unknown name, heidi (eligible, not ' +
      'enrolled), judy (enrolled, then blocked by three wrong answers), bob (enrolled). Requests one at a time, the ' +
      'kinds in a rotating order each round; the figure is (largest − smallest median) / smallest median.',
  };
}

/** The kinds in a different order each round, so no kind always follows the same one. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function prepare(stack: BenchStack) {
  for (const user of ['bob', 'judy'] as const) {
    expectStatus(
      `enroll ${user}`,
      await stack.post('/api/enroll', { username: user, password: DEMO[user], answers: answersFor(BENCH_ANSWERS) }),
      200,
      stack,
    );
  }
  const flowId = expectStatus(
    'start judy',
    await stack.post('/api/reset/start', { username: 'judy', purpose: 'reset' }),
    200,
  ).body.flowId;
  for (let i = 0; i < 3; i++) await stack.post('/api/reset/answer', { flowId, answer: WRONG_ANSWER });
  if (!(await stack.store.getBlock('judy', stack.clock.now()))) throw new Error('enumeration: judy was not blocked');
}
