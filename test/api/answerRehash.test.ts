/**
 * DESIGN §5: answers hashed with older scrypt parameters are hashed again after a right answer, through the HTTP API on
 * the in-memory directory. The enrollment is first given hashes at a lower cost (as an older release would have made
 * them), with the stack's own pepper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScryptAnswerHasher } from '../../functions/adapters/answerHasher.js';
import { normalizeAnswer } from '../../functions/core/answers.js';
import type { Store } from '../../functions/core/store.js';
import { LocalSecrets } from '../../local/localSecrets.js';
import { GENEROUS_ACTION_LIMITS, GOOD_ANSWERS, startTestStack, type TestStack } from './harness.js';
import { ResetClient } from './resetClient.js';

const USER = 'alice';
const OLD_N = 2 ** 14;

let stack: TestStack;
let api: ResetClient;
/** While set, the store's replaceAnswerHash fails as an outage would. */
let replaceFails = false;

beforeAll(async () => {
  stack = await startTestStack({
    config: { rateLimits: GENEROUS_ACTION_LIMITS },
    wrapPorts: {
      store: (store: Store) =>
        new Proxy(store, {
          get: (target, prop) => {
            const value = Reflect.get(target, prop, target);
            if (prop !== 'replaceAnswerHash' || typeof value !== 'function') return value;
            return (...args: Parameters<Store['replaceAnswerHash']>) => {
              if (replaceFails) return Promise.reject(new Error('DynamoStore.replaceAnswerHash failed: Timeout'));
              return (value as Store['replaceAnswerHash']).apply(target, args);
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

/** Enrolls the user, then puts back every answer hashed at the lower cost; returns the enrollment as stored. */
async function enrolledAtOldCost() {
  await api.enroll(USER);
  const account = await stack.demo.account(USER);
  const enrollment = await stack.store.getEnrollment(account.objectGuid);
  if (!enrollment) throw new Error(`${USER} is not enrolled`);
  const old = new ScryptAnswerHasher(new LocalSecrets(stack.dataDir), { N: OLD_N });
  const answers = await Promise.all(
    enrollment.answers.map(async (a, i) => ({
      questionId: a.questionId,
      hash: await old.hash(normalizeAnswer(GOOD_ANSWERS[i]?.answer ?? '')),
    })),
  );
  const downgraded = { ...enrollment, answers };
  await stack.store.putEnrollment(downgraded);
  return { account, enrollment: downgraded };
}

/** Starts a flow and answers its first question right; returns the question id. */
async function answerFirstRight(): Promise<string> {
  const { flowId, challenge } = await api.started(USER, 'reset');
  const response = await api.answer(flowId, api.goodKey().get(challenge.questionId) ?? '');
  expect(response.status, response.text).toBe(200);
  expect(response.body.challenge.type).toBe('code');
  return challenge.questionId;
}

describe('rehash on the next successful use', () => {
  it('the answer given right is hashed again at the current cost; the others wait for their own use', async () => {
    const { account, enrollment } = await enrolledAtOldCost();
    const questionId = await answerFirstRight();

    const after = await stack.store.getEnrollment(account.objectGuid);
    const byQuestion = new Map(after?.answers.map((a) => [a.questionId, a.hash]));
    const raised = byQuestion.get(questionId);
    expect(raised?.N).toBe(2 ** 17);
    expect(raised?.salt).not.toBe(enrollment.answers.find((a) => a.questionId === questionId)?.hash.salt);
    for (const answer of enrollment.answers.filter((a) => a.questionId !== questionId)) {
      expect(byQuestion.get(answer.questionId)).toEqual(answer.hash);
    }
    // Nothing else of the enrollment moved (a rehash is not a change the user made).
    expect({ ...after, answers: [] }).toEqual({ ...enrollment, answers: [] });

    // The new hash still takes the same answer: answered right again, through the API.
    const { flowId, challenge } = await api.started(USER, 'reset');
    const again = await api.answer(flowId, api.goodKey().get(challenge.questionId) ?? '');
    expect(again.body.challenge?.type, again.text).toBe('code');
  }, 60_000);

  it('a rehash that fails never fails the answer: it is logged, without the answer', async () => {
    const { account, enrollment } = await enrolledAtOldCost();
    const logged = stack.logs.length;
    replaceFails = true;
    try {
      await answerFirstRight();
    } finally {
      replaceFails = false;
    }
    expect(await stack.store.getEnrollment(account.objectGuid)).toEqual(enrollment);
    const lines = stack.logs.slice(logged).filter((line) => line.includes('answer-rehash'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ outcome: 'failed', errorName: 'Error', subject: USER });
    for (const { answer } of GOOD_ANSWERS) expect(lines[0]?.toLowerCase()).not.toContain(answer.toLowerCase());
  }, 60_000);
});
