/**
 * Security tests of reset and unlock (DESIGN §4 Enumeration protection, §5 conditional writes, §8 security tests), on the
 * in-memory directory: the same statuses, body keys, point of failure and sequence of directory and store calls for
 * every kind of user; parallel requests on every counter; no secret in the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory, DirectorySession } from '../../functions/core/directory.js';
import type { Store } from '../../functions/core/store.js';
import { type ApiResponse, DEMO, startTestStack, type TestStack } from './harness.js';
import { keyPaths, otherCode, ResetClient, secretsIn, sleep, WRONG_ANSWERS } from './resetClient.js';

const LOCKOUT = 0x10;

/** Starts have a per-user limit of their own; the address is left out of the way. */
const WIDE_ADDRESS = { perAddress: { limit: 10_000, windowSeconds: 300 } };

const allStacks: TestStack[] = [];
const clients: ResetClient[] = [];

afterAll(async () => {
  for (const stack of allStacks) await stack.close();
});

/** Records the names of the port methods called while `on` is set (arguments ignored). */
class CallRecorder {
  readonly calls: string[] = [];
  on = false;

  wrap<T extends object>(target: T, prefix: string): T {
    return new Proxy(target, {
      get: (obj, prop) => {
        const value = Reflect.get(obj, prop, obj);
        if (typeof value !== 'function' || typeof prop === 'symbol') return value;
        return (...args: unknown[]) => {
          if (this.on) this.calls.push(`${prefix}.${prop}`);
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (prefix === 'directory' && prop === 'openSession') {
            return (result as Promise<DirectorySession>).then((session) => this.wrap(session, 'session'));
          }
          return result;
        };
      },
    });
  }

  /** The calls one request makes (requests run one at a time here). */
  async during(request: () => Promise<ApiResponse>): Promise<{ response: ApiResponse; calls: string[] }> {
    await sleep(20);
    this.calls.length = 0;
    this.on = true;
    const response = await request();
    // Anything the handler finishes after answering still belongs to this request.
    await sleep(50);
    this.on = false;
    return { response, calls: [...this.calls] };
  }
}

type Journey = { response: ApiResponse; calls: string[] }[];

/** A stack whose store and directory ports record their calls, with alice and paula enrolled and judy blocked. */
async function recordingStack(config: object) {
  const recorder = new CallRecorder();
  const stack = await startTestStack({
    config,
    wrapPorts: {
      store: (store: Store) => recorder.wrap(store, 'store'),
      directory: (directory: Directory) => recorder.wrap(directory, 'directory'),
    },
  });
  allStacks.push(stack);
  const api = new ResetClient(stack);
  clients.push(api);
  await api.loadCatalog();
  for (const user of ['alice', 'paula', 'judy'] as const) await api.enroll(user);
  await stack.store.putBlock({ subject: 'judy', until: api.now() + 86_400_000, reason: 'answer' });

  /** start, then wrong answers until one past the end; each request's response and port calls. */
  const journey = async (username: string): Promise<Journey> => {
    const steps = [await recorder.during(() => api.start(username, 'reset'))];
    const flowId = steps[0]?.response.body?.flowId ?? '';
    for (const answer of WRONG_ANSWERS) steps.push(await recorder.during(() => api.answer(flowId, answer)));
    return steps;
  };
  return { stack, api, journey };
}

const shape = (steps: Journey) =>
  steps.map(({ response }) => ({
    status: response.status,
    keys: keyPaths(response.body),
    code: response.body?.error?.code,
    message: response.body?.error?.message,
    challenge: response.body?.challenge ? { type: response.body.challenge.type, of: response.body.challenge.of } : null,
    index: response.body?.challenge?.index,
  }));

const USERS = {
  enrolled: 'alice',
  unknown: 'nosuchuser',
  notEnrolled: 'bob',
  disabled: 'carol',
  protected: 'oscar',
  blocked: 'judy',
};

/**
 * Every kind of user against the enrolled one: statuses, body keys, errors, and the port calls of each request. With
 * `blocksOnThirdAnswer`, the enrolled user's third wrong answer writes a block, which an already blocked user's never
 * does (answers during a block never extend it): the blocked user's calls are compared with those of a name that does
 * not exist and was blocked the same way, so being blocked tells nothing about whether a name exists.
 */
async function compareJourneys(journey: (username: string) => Promise<Journey>, blocksOnThirdAnswer = false) {
  // Warm-up (secrets, connections, policies read once): not compared. paula is enrolled, like alice.
  await journey('warmup');
  await journey('paula');

  const journeys: Record<string, Journey> = {};
  for (const [kind, user] of Object.entries(USERS)) journeys[kind] = await journey(user);

  const reference = journeys.enrolled ?? [];
  expect(shape(reference).map((s) => s.status)).toEqual([200, 200, 200, 403, 410]);
  expect(shape(reference)[3]?.code).toBe('VERIFICATION_FAILED');
  expect(shape(reference)[4]?.code).toBe('FLOW_EXPIRED');
  expect(shape(reference).map((s) => s.index)).toEqual([1, 2, 3, undefined, undefined]);
  // The recorder saw the handlers' calls (the stack really wrapped its ports).
  const referenceCalls = reference.map((step) => step.calls);
  expect(referenceCalls[0]).toEqual(expect.arrayContaining(['directory.openSession', 'session.findAccount']));
  expect(referenceCalls[1]).toEqual(expect.arrayContaining(['store.getFlow']));

  const shapes = Object.fromEntries(Object.entries(journeys).map(([kind, steps]) => [kind, shape(steps)]));
  const calls = Object.fromEntries(
    Object.entries(journeys).map(([kind, steps]) => [kind, steps.map((step) => step.calls)]),
  );
  const blockedUnknown = blocksOnThirdAnswer ? (await journey(USERS.unknown)).map((step) => step.calls) : undefined;
  for (const [kind, user] of Object.entries(USERS)) {
    // The name in use ("Not you?", issue 16 item 4) is echoed as typed on every step that answers, for every kind.
    const echoed = journeys[kind]?.filter((step) => step.response.status === 200).map((s) => s.response.body.username);
    expect(echoed, `${kind}: the name echoed`).toEqual([user, user, user]);
  }
  for (const kind of Object.keys(USERS)) {
    expect(shapes[kind], `${kind}: statuses, keys, errors`).toEqual(shapes.enrolled);
    const expected = kind === 'blocked' && blockedUnknown ? blockedUnknown : calls.enrolled;
    expect(calls[kind], `${kind}: directory and store calls per request`).toEqual(expected);
  }
}

describe('enumeration protection (revealAccountState: false)', () => {
  it('unknown, not enrolled, disabled, protected, blocked and enrolled users: same answers, same port calls', async () => {
    // No new block inside the compared paths here (the next test has them).
    const { journey } = await recordingStack({
      rateLimits: { ...WIDE_ADDRESS, perUser: { limit: 1000, windowSeconds: 3600 } },
      block: { maxWrongAnswers: 100 },
    });
    await compareJourneys(journey);
  }, 300_000);

  it('the same with the default block rule, where the third wrong answer blocks', async () => {
    // The e-mail that tells alice of her block goes through the outbox port, which is not recorded here.
    const { stack, api, journey } = await recordingStack({
      rateLimits: { ...WIDE_ADDRESS, perUser: { limit: 1000, windowSeconds: 3600 } },
    });
    await compareJourneys(journey, true);
    expect(await stack.store.getBlock('alice', api.now())).not.toBeNull();
  }, 300_000);

  it('decoy questions are stable per name and asked in random order, like real ones', async () => {
    const api = clients[0];
    if (!api) throw new Error('no stack');
    const firstQuestions = async (username: string) => {
      const ids = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const response = await api.start(username, 'unlock');
        expect(response.status).toBe(200);
        ids.add(response.body.challenge.questionId);
      }
      return ids;
    };
    const enrolled = await firstQuestions('paula');
    expect([...enrolled].every((id) => api.catalog.ids.slice(0, 3).includes(id))).toBe(true);
    expect(enrolled.size).toBeGreaterThan(1);
    for (const name of ['nosuchuser', 'bob']) {
      const decoy = await firstQuestions(name);
      expect(decoy.size, name).toBeGreaterThan(1);
      expect(decoy.size, name).toBeLessThanOrEqual(3);
      for (const id of decoy) expect(api.catalog.ids).toContain(id);
    }
  });
});

describe('parallel requests', () => {
  let stack: TestStack;
  let api: ResetClient;

  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits: WIDE_ADDRESS } });
    allStacks.push(stack);
    api = new ResetClient(stack);
    clients.push(api);
    await api.loadCatalog();
  });

  /**
   * `workers` clients send at once and keep sending (after a short pause on 409) until the flow ends for them.
   * Returns every response.
   */
  const hammer = async (workers: number, send: (attempt: number) => Promise<ApiResponse>) => {
    const responses: ApiResponse[] = [];
    let attempt = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let round = 0; round < 200; round++) {
          const response = await send(attempt++);
          responses.push(response);
          if (response.status === 409) await sleep(5 + Math.random() * 25);
          else if (response.status !== 200) return;
        }
      }),
    );
    return responses;
  };

  const tally = (responses: ApiResponse[]) => {
    const counts: Record<string, number> = {};
    for (const r of responses) {
      const key = r.status >= 400 ? `${r.status} ${r.body?.error?.code}` : String(r.status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  const onlyLosers = (counts: Record<string, number>, winners: string[]) =>
    Object.keys(counts).filter(
      (key) => !winners.includes(key) && key !== '409 WRONG_STEP' && key !== '410 FLOW_EXPIRED',
    );

  it('20 parallel wrong answers on one flow count exactly 3', async () => {
    await api.enroll('bob');
    const { flowId } = await api.started('bob', 'reset');
    const responses = await hammer(20, (i) => api.answer(flowId, WRONG_ANSWERS[i % WRONG_ANSWERS.length] ?? ''));
    const counts = tally(responses);
    expect(counts['200'], JSON.stringify(counts)).toBe(2);
    expect(counts['403 VERIFICATION_FAILED'], JSON.stringify(counts)).toBe(1);
    expect(onlyLosers(counts, ['200', '403 VERIFICATION_FAILED'])).toEqual([]);
    expect(await stack.store.failureCount('bob', 'answer', api.now())).toBe(3);
    expect(await stack.store.getBlock('bob', api.now())).toMatchObject({ reason: 'answer' });
  });

  it('20 parallel code sends on one flow send one code; 20 parallel guesses count exactly 5', async () => {
    await api.enroll('alice');
    const { flowId, challenge } = await api.started('alice', 'reset');
    const codeStep = await api.passQuestions(flowId, challenge, api.goodKey());
    const email = (codeStep.channels as { id: string; destination: string }[]).find(
      (c) => c.destination === 'a•••@corp.example.test',
    );
    if (!email) throw new Error(`no e-mail channel in ${JSON.stringify(codeStep)}`);

    const sends = await Promise.all(Array.from({ length: 20 }, () => api.sendCode(flowId, email.id)));
    const sendCounts = tally(sends);
    expect(sendCounts['202'], JSON.stringify(sendCounts)).toBe(1);
    expect(
      Object.keys(sendCounts).filter((key) => !['202', '409 WRONG_STEP', '429 RATE_LIMITED'].includes(key)),
    ).toEqual([]);
    expect(await api.codeCount('alice@corp.example.test')).toBe(1);
    const code = await api.lastCode('alice@corp.example.test');

    const responses = await hammer(20, (i) => api.answer(flowId, otherCode(code, i + 1)));
    const counts = tally(responses);
    expect(counts['200'], JSON.stringify(counts)).toBe(4);
    expect(counts['403 VERIFICATION_FAILED'], JSON.stringify(counts)).toBe(1);
    expect(onlyLosers(counts, ['200', '403 VERIFICATION_FAILED'])).toEqual([]);
    expect(await stack.store.failureCount('alice', 'code', api.now())).toBe(5);
    expect(await stack.store.getBlock('alice', api.now())).toMatchObject({ reason: 'code' });
    expect((await api.answer(flowId, code)).status).toBe(410);
  });

  it('20 parallel unlocks on one verified flow: exactly one acts', async () => {
    expect((await stack.demo.account('ivan')).computedUserAccountControl & LOCKOUT).toBe(LOCKOUT);
    const flowId = await api.verifiedFlow('ivan', 'unlock', api.ivanKey(), {
      destination: 'i•••@corp.example.test',
      to: 'ivan@corp.example.test',
    });
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.unlock(flowId)));
    const counts = tally(responses);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    expect(onlyLosers(counts, ['200'])).toEqual([]);
    expect(responses.find((r) => r.status === 200)?.body).toEqual({ unlocked: true });
    expect((await stack.demo.account('ivan')).computedUserAccountControl & LOCKOUT).toBe(0);
    const notices = (await stack.outboxLines()).filter((l) => l.to === 'ivan@corp.example.test' && !l.code);
    expect(notices).toHaveLength(1);
  });

  it('50 parallel starts for one user admit exactly the per-user limit (10), also for a name that does not exist', async () => {
    const [existing, unknown] = await Promise.all(
      ['judy', 'phantom'].map((username) =>
        Promise.all(Array.from({ length: 50 }, (_, i) => api.start(username, i % 2 ? 'reset' : 'unlock'))),
      ),
    );
    for (const responses of [existing ?? [], unknown ?? []]) {
      const counts = tally(responses);
      expect(counts, JSON.stringify(counts)).toEqual({ '200': 10, '429 RATE_LIMITED': 40 });
      // One open flow per user: of the ten flows started at once, exactly one is still reachable.
      const tokens = responses.filter((r) => r.status === 200).map((r) => r.body.flowId as string);
      const answers = await Promise.all(tokens.map((flowId) => api.answer(flowId, 'some wrong answer')));
      expect(tally(answers)).toEqual({ '200': 1, '410 FLOW_EXPIRED': 9 });
    }
  });
});

describe('secrets', () => {
  it('no password, answer or flow token in any captured log line', async () => {
    const strings = [...Object.values(DEMO), ...clients.flatMap((c) => [...c.answersGiven, ...c.flowIds])];
    const codes = clients.flatMap((c) => [...c.codes]);
    expect(clients.flatMap((c) => [...c.flowIds]).length).toBeGreaterThan(20);
    for (const stack of allStacks) {
      expect(stack.logs.length).toBeGreaterThan(0);
      expect(secretsIn(stack.logs.join('\n'), { strings, codes })).toEqual([]);
      expect(secretsIn(JSON.stringify(await stack.outboxLines()), { strings })).toEqual([]);
    }
  });
});
