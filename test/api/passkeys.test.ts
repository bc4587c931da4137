/**
 * Passkeys (issue 16) through the local server: registered with the methods routes by a software authenticator written
 * in test/api/softAuthenticator.ts (P-256, attestation none, its own CBOR), named, at most 5, removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from '../support/movableClock.js';
import { DEMO, startTestStack, type TestStack } from './harness.js';
import { SoftAuthenticator } from './softAuthenticator.js';
import { holdersOfChallenge, putRawItem, scanTable } from './tableScan.js';

const rateLimits = {
  perUser: { limit: 1000, windowSeconds: 3600 },
  perAddress: { limit: 10_000, windowSeconds: 300 },
  failedPasswordsPerAddress: { limit: 10_000, windowSeconds: 3600 },
  smsPerUserPerDay: 100,
};
const ORIGIN = 'http://127.0.0.1:8787';

/**
 * Puts the record holding a live challenge back as a release before hashing wrote it: the challenge in clear under
 * `passkeyChallenge`, no hash. Returns the raw table afterwards.
 */
async function storeInClear(stack: TestStack, entity: 'flow' | 'methodsSession', challenge: string) {
  const [held] = holdersOfChallenge(await scanTable(stack.dataDir), entity, challenge);
  expect(held).toBeDefined();
  const { passkeyChallengeHash: _, ...older } = held as Record<string, unknown>;
  await putRawItem(stack.dataDir, { ...older, passkeyChallenge: challenge });
  expect(holdersOfChallenge(await scanTable(stack.dataDir), entity, challenge)).toEqual([]);
}

/** The raw items still holding `challenge` in clear under the attribute an older release wrote. */
const clearChallenges = async (stack: TestStack, challenge: string) =>
  (await scanTable(stack.dataDir)).filter((item) => item.passkeyChallenge === challenge);

describe('passkeys (methods routes)', () => {
  let stack: TestStack;
  const clock = movableClock();

  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits }, clock });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const session = async (user: keyof typeof DEMO) => {
    const response = await stack.post('/api/methods/session', { username: user, password: DEMO[user] });
    expect(response.status, response.text).toBe(200);
    return response.body.methodsToken as string;
  };
  const begin = async (methodsToken: string) => {
    const response = await stack.post('/api/methods/passkey/begin', { methodsToken });
    expect(response.status, response.text).toBe(200);
    return response.body.options;
  };
  const finish = (methodsToken: string, name: string, credential: unknown) =>
    stack.post('/api/methods/passkey/finish', { methodsToken, name, credential });
  const audits = async (user: string, outcome: string) =>
    (await stack.store.listAudit(user)).filter((e) => e.event === 'passkey' && e.outcome === outcome);

  it('begins with creation options for the base URL, user verification required, attestation none', async () => {
    const methodsToken = await session('alice');
    const options = await begin(methodsToken);
    expect(options).toMatchObject({
      rp: { id: '127.0.0.1', name: 'CORP' },
      user: { name: 'alice', displayName: 'alice' },
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
    const guid = (await stack.demo.account('alice')).objectGuid;
    // The user handle is derived from the objectGUID, not the GUID itself.
    expect(Buffer.from(options.user.id, 'base64url').toString('utf8')).not.toContain(guid.slice(0, 8));
    expect(Buffer.from(options.user.id, 'base64url')).toHaveLength(32);
  });

  it('registers a named passkey, lists it, tells the user, and refuses the 6th', async () => {
    const methodsToken = await session('judy');
    const keys: SoftAuthenticator[] = [];
    for (let n = 1; n <= 5; n++) {
      const key = new SoftAuthenticator(ORIGIN);
      const response = await finish(methodsToken, `  Key ${n}  `, key.register(await begin(methodsToken)));
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        added: true,
        passkey: { id: key.id, name: `Key ${n}`, addedAt: expect.any(String) },
      });
      keys.push(key);
    }
    const sixth = await stack.post('/api/methods/passkey/begin', { methodsToken });
    expect(sixth.status).toBe(400);
    expect(sixth.body.error.code).toBe('VALIDATION');
    const again = await stack.post('/api/methods/session', { username: 'judy', password: DEMO.judy });
    expect(again.body.methods.passkeys.map((p: { name: string }) => p.name)).toEqual([
      'Key 1',
      'Key 2',
      'Key 3',
      'Key 4',
      'Key 5',
    ]);
    expect(await audits('judy', 'added')).toHaveLength(5);
    const notices = (await stack.outboxLines()).filter((l) => String(l.body).includes('A passkey'));
    expect(notices.length).toBeGreaterThanOrEqual(5);

    // The options of a begin exclude the passkeys held; remove one by id, and a new one can be begun.
    const removed = await stack.post('/api/methods/remove', { methodsToken, method: 'passkey', id: keys[2]?.id });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.methods.passkeys).toHaveLength(4);
    expect(removed.body.methods.passkeys.map((p: { id: string }) => p.id)).not.toContain(keys[2]?.id);
    expect(await audits('judy', 'removed')).toHaveLength(1);
    const options = await begin(methodsToken);
    expect(options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual(
      [keys[0], keys[1], keys[3], keys[4]].map((k) => k?.id),
    );
    const gone = await stack.post('/api/methods/remove', { methodsToken, method: 'passkey', id: keys[2]?.id });
    expect(gone.status).toBe(409);
    const noId = await stack.post('/api/methods/remove', { methodsToken, method: 'passkey' });
    expect(noId.status).toBe(400);
  });

  it('refuses a bad name before anything is counted, and a finish without a begin', async () => {
    const methodsToken = await session('bob');
    const key = new SoftAuthenticator(ORIGIN);
    const withoutBegin = await finish(
      methodsToken,
      'Laptop',
      key.register({ challenge: 'AAAA', rp: { id: '127.0.0.1' } }),
    );
    expect(withoutBegin.status).toBe(409);
    const options = await begin(methodsToken);
    for (const name of ['', '   ', 'x'.repeat(65)]) {
      const response = await finish(methodsToken, name, key.register(options));
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.error.fields)).toEqual(['name']);
    }
    expect((await finish(methodsToken, 'x'.repeat(64), key.register(options))).status).toBe(200);
  });

  it('refuses a wrong origin, a missing UV flag and another challenge, each counted; 5 end the session', async () => {
    const methodsToken = await session('alice');
    const key = new SoftAuthenticator(ORIGIN);
    const wrongOrigin = await finish(
      methodsToken,
      'k',
      key.register(await begin(methodsToken), { origin: 'https://evil.example' }),
    );
    expect(wrongOrigin.status).toBe(403);
    expect(wrongOrigin.body.error.code).toBe('VERIFICATION_FAILED');
    const noUv = await finish(methodsToken, 'k', key.register(await begin(methodsToken), { noUv: true }));
    expect(noUv.status).toBe(403);
    const stale = await begin(methodsToken);
    await begin(methodsToken);
    expect((await finish(methodsToken, 'k', key.register(stale))).status).toBe(403);
    const otherRp = await begin(methodsToken);
    expect((await finish(methodsToken, 'k', key.register({ ...otherRp, rp: { id: 'evil.example' } }))).status).toBe(
      403,
    );
    expect((await finish(methodsToken, 'k', key.register(await begin(methodsToken), { noUv: true }))).status).toBe(403);
    expect(await audits('alice', 'wrong')).toHaveLength(5);
    expect((await stack.post('/api/methods/passkey/begin', { methodsToken })).status).toBe(410);
  });

  it('a registration begun before challenges were hashed (in clear on the session) has none: a new begin is asked', async () => {
    const methodsToken = await session('bob');
    const key = new SoftAuthenticator(ORIGIN);
    const options = await begin(methodsToken);
    await storeInClear(stack, 'methodsSession', options.challenge);
    const wrongBefore = (await audits('bob', 'wrong')).length;
    // Treated as no registration begun: the wrong step, nothing counted, the clear challenge never checked against.
    const finished = await finish(methodsToken, 'Old', key.register(options));
    expect(finished.status, finished.text).toBe(409);
    expect(finished.body.error.code).toBe('WRONG_STEP');
    expect(await audits('bob', 'wrong')).toHaveLength(wrongBefore);
    // A new begin replaces the session's record: the clear challenge is gone from the table, and the new one passes.
    const again = await begin(methodsToken);
    expect(await clearChallenges(stack, options.challenge)).toEqual([]);
    expect((await finish(methodsToken, 'New', key.register(again))).status).toBe(200);
  });

  it('of 20 parallel finishes of one credential, one adds it', async () => {
    const methodsToken = await session('heidi');
    const key = new SoftAuthenticator(ORIGIN);
    const credential = key.register(await begin(methodsToken));
    const results = await Promise.all(Array.from({ length: 20 }, () => finish(methodsToken, 'Phone', credential)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).length).toBeGreaterThan(0);
    const again = await stack.post('/api/methods/session', { username: 'heidi', password: DEMO.heidi });
    expect(again.body.methods.passkeys).toHaveLength(1);
  });
});

describe('a reset with a passkey (preset standards: a passkey alone passes)', () => {
  let stack: TestStack;
  const clock = movableClock();

  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits, recovery: { preset: 'standards' } }, clock });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A passkey registered for `user` through the methods routes. */
  const register = async (user: keyof typeof DEMO) => {
    const session = await stack.post('/api/methods/session', { username: user, password: DEMO[user] });
    expect(session.status, session.text).toBe(200);
    const { methodsToken } = session.body;
    const begun = await stack.post('/api/methods/passkey/begin', { methodsToken });
    expect(begun.status, begun.text).toBe(200);
    const key = new SoftAuthenticator(ORIGIN);
    const finished = await stack.post('/api/methods/passkey/finish', {
      methodsToken,
      name: 'Laptop',
      credential: key.register(begun.body.options),
    });
    expect(finished.status, finished.text).toBe(200);
    return key;
  };
  /** A reset flow at its passkey step (chosen when a choice comes first). */
  const passkeyFlow = async (user: string) => {
    const start = await stack.post('/api/reset/start', { username: user, purpose: 'reset' });
    expect(start.status, start.text).toBe(200);
    let challenge = start.body.challenge;
    if (challenge.type === 'choose') {
      expect(challenge.options).toContainEqual({ method: 'passkey' });
      const chosen = await stack.post('/api/reset/choose', { flowId: start.body.flowId, method: 'passkey' });
      expect(chosen.status, chosen.text).toBe(200);
      challenge = chosen.body.challenge;
    }
    expect(challenge.type).toBe('passkey');
    return { flowId: start.body.flowId as string, options: challenge.options };
  };
  const answer = (flowId: string, credential: unknown) => stack.post('/api/reset/passkey', { flowId, credential });
  const codeFailures = (user: string) => stack.store.failureCount(user, 'code', stack.clock.now());

  let alice: SoftAuthenticator;

  it('passes with a passkey alone, its counter stored and its use recorded', async () => {
    alice = await register('alice');
    const { flowId, options } = await passkeyFlow('alice');
    expect(options).toMatchObject({
      rpId: '127.0.0.1',
      userVerification: 'required',
      allowCredentials: [{ id: alice.id, type: 'public-key', transports: ['internal'] }],
    });
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
    const response = await answer(flowId, alice.assert(options));
    expect(response.status, response.text).toBe(200);
    expect(response.body.challenge.type).toBe('verified');
    const guid = (await stack.demo.account('alice')).objectGuid;
    const stored = (await stack.store.getEnrollment(guid))?.passkeys?.[0];
    expect(stored?.counter).toBe(alice.counter);
    expect(stored?.lastUsedAt).not.toBeNull();
    expect(await codeFailures('alice')).toBe(0);
    // The flow's challenge was used: answering again is the wrong step.
    expect((await answer(flowId, alice.assert(options))).status).toBe(409);
  });

  it('refuses a replayed assertion (a counter that did not move) and counts it', async () => {
    const { flowId, options } = await passkeyFlow('alice');
    const guid = (await stack.demo.account('alice')).objectGuid;
    const stored = (await stack.store.getEnrollment(guid))?.passkeys?.[0]?.counter ?? 0;
    expect(stored).toBeGreaterThan(0);
    const replay = await answer(flowId, alice.assert(options, { counter: stored }));
    expect(replay.status, replay.text).toBe(200);
    // Refused: the step is asked again with a new challenge.
    expect(replay.body.challenge.type).toBe('passkey');
    expect(replay.body.challenge.options.challenge).not.toBe(options.challenge);
    expect(await codeFailures('alice')).toBe(1);
    // The same assertion on the new challenge is refused too (it signed the old one).
    const again = await answer(flowId, alice.assert(options));
    expect(again.body.challenge.type).toBe('passkey');
    expect(await codeFailures('alice')).toBe(2);
  });

  it('refuses a wrong origin, a missing UV flag and another user’s credential, each counted', async () => {
    const judy = await register('judy');
    const bob = await register('bob');
    let { flowId, options } = await passkeyFlow('judy');
    const tries = [
      () => judy.assert(options, { origin: 'https://evil.example' }),
      () => judy.assert(options, { noUv: true }),
      () => bob.assert(options),
    ];
    for (const [n, make] of tries.entries()) {
      const response = await answer(flowId, make());
      expect(response.status, response.text).toBe(200);
      expect(response.body.challenge.type).toBe('passkey');
      options = response.body.challenge.options;
      expect(await codeFailures('judy')).toBe(n + 1);
    }
    expect(
      (await stack.store.listAudit('judy')).filter((e) => e.event === 'passkey' && e.outcome === 'wrong'),
    ).toHaveLength(3);
    // The right one still passes after them.
    const right = await answer(flowId, judy.assert(options));
    expect(right.body.challenge.type).toBe('verified');
    ({ flowId, options } = await passkeyFlow('bob'));
    expect((await answer(flowId, bob.assert(options))).body.challenge.type).toBe('verified');
  });

  it('of 20 parallel answers with one assertion, one passes', async () => {
    const { flowId, options } = await passkeyFlow('alice');
    const credential = alice.assert(options);
    const results = await Promise.all(Array.from({ length: 20 }, () => answer(flowId, credential)));
    expect(results.filter((r) => r.status === 200 && r.body.challenge.type === 'verified')).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
  });

  it('a flow stored before challenges were hashed (in clear) has none: the answer is the wrong step, a new one is asked', async () => {
    const { flowId, options } = await passkeyFlow('alice');
    await storeInClear(stack, 'flow', options.challenge);
    const failures = await codeFailures('alice');
    // Treated as no challenge shown: the wrong step, nothing counted, the clear challenge never checked against.
    const answered = await answer(flowId, alice.assert(options));
    expect(answered.status, answered.text).toBe(409);
    expect(answered.body.error.code).toBe('WRONG_STEP');
    expect(await codeFailures('alice')).toBe(failures);
    // Choosing the passkey again shows a new challenge; its write replaces the record, so the clear one is gone.
    const chosen = await stack.post('/api/reset/choose', { flowId, method: 'passkey' });
    expect(chosen.status, chosen.text).toBe(200);
    expect(chosen.body.challenge.type).toBe('passkey');
    expect(await clearChallenges(stack, options.challenge)).toEqual([]);
    const right = await answer(flowId, alice.assert(chosen.body.challenge.options));
    expect(right.body.challenge.type).toBe('verified');
  });

  it('a decoy never shows a passkey step', async () => {
    const start = await stack.post('/api/reset/start', { username: 'nobody-here', purpose: 'reset' });
    expect(start.status).toBe(200);
    expect(start.body.challenge.type).not.toBe('passkey');
    if (start.body.challenge.type === 'choose') {
      expect(start.body.challenge.options).not.toContainEqual({ method: 'passkey' });
    }
  });
});
