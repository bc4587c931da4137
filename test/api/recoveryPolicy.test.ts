/**
 * Reset and unlock under the recovery policy (docs/recovery.md): the seed presets keep their journeys, and a user who
 * holds an authenticator app or saved recovery codes passes with them, choosing the way on where the policy offers
 * several. Authenticators and recovery codes are put into the store here as the methods routes store them
 * (core/methods/*), so this suite is about the flow alone; a passkey is registered through the methods routes. Each
 * stack's secrets (seeds, recovery codes, passkey challenges, codes typed) are scanned for at the end of its suite in
 * every log line, error body, the outbox and the raw table (secretWatch.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRecoveryCode, newRecoveryCode } from '../../functions/core/methods/recoveryCodes.js';
import { DEMO, demoMail, GENEROUS_ACTION_LIMITS, maskedDemoMail, startTestStack, type TestStack } from './harness.js';
import { giveMethods, type Held, totp } from './heldMethods.js';
import { ResetClient, WRONG_ANSWERS } from './resetClient.js';
import { SecretWatch } from './secretWatch.js';
import { SoftAuthenticator } from './softAuthenticator.js';

/** The origin of the default notifications.baseUrl, which the relying party is derived from. */
const ORIGIN = 'http://127.0.0.1:8787';

async function startStack(config: object): Promise<{ stack: TestStack; client: ResetClient; watch: SecretWatch }> {
  const stack = await startTestStack({ config: { rateLimits: GENEROUS_ACTION_LIMITS, ...config } });
  const watch = new SecretWatch(stack);
  const client = new ResetClient(stack);
  await client.loadCatalog();
  return { stack, client, watch };
}

/** Watches what `giveMethods` handed the user. */
function watchHeld(watch: SecretWatch, held: Held) {
  if (held.authenticator) watch.seed(held.authenticator);
  watch.recoveryCodes(held.recoveryCodes ?? []);
}

describe('preset adpwr (the HealthCast seed)', () => {
  let stack: TestStack;
  let client: ResetClient;
  beforeAll(async () => {
    ({ stack, client } = await startStack({ recovery: { preset: 'adpwr' } }));
    expect((await client.enroll('alice')).status).toBe(200);
  });
  afterAll(() => stack?.close());

  it('passes on one right answer of three and asks no code, though alice has a mailbox', async () => {
    const { flowId, challenge } = await client.started('alice');
    expect(challenge).toMatchObject({ type: 'question', index: 1, of: 3 });
    const key = client.goodKey();
    const answered = await client.answer(flowId, key.get(challenge.questionId) ?? '');
    expect(answered.status).toBe(200);
    expect(answered.body.challenge.type).toBe('verified');
  });
});

describe('preset netwrix (the Netwrix seed)', () => {
  let stack: TestStack;
  let client: ResetClient;
  beforeAll(async () => {
    ({ stack, client } = await startStack({ recovery: { preset: 'netwrix' } }));
    expect((await client.enroll('alice')).status).toBe(200);
  });
  afterAll(() => stack?.close());

  it('asks every question right, then a code to the mailbox', async () => {
    const { flowId, challenge } = await client.started('alice');
    const key = client.goodKey();
    let current = challenge;
    for (let i = 1; i <= 3; i++) {
      expect(current).toMatchObject({ type: 'question', index: i });
      const answered = await client.answer(flowId, key.get(current.questionId) ?? '');
      expect(answered.status).toBe(200);
      current = answered.body.challenge;
    }
    expect(current.type).toBe('code');
    expect(current.channels.map((c: { channel: string }) => c.channel)).toEqual(['email', 'sms']);
  });

  it('fails on one wrong answer of three (all are required)', async () => {
    const { flowId, challenge } = await client.started('alice');
    const key = client.goodKey();
    const first = await client.answer(flowId, WRONG_ANSWERS[0] ?? '');
    expect(first.status).toBe(200);
    const second = await client.answer(flowId, key.get(first.body.challenge.questionId) ?? '');
    const third = await client.answer(flowId, key.get(second.body.challenge.questionId) ?? '');
    expect(third.status).toBe(403);
    expect(third.body.error.code).toBe('VERIFICATION_FAILED');
    expect(challenge.type).toBe('question');
  });
});

describe('the default preset with the new methods', () => {
  let stack: TestStack;
  let client: ResetClient;
  let watch: SecretWatch;
  let held: Held;
  beforeAll(async () => {
    ({ stack, client, watch } = await startStack({}));
    expect((await client.enroll('alice')).status).toBe(200);
    held = await giveMethods(stack, 'alice', { authenticator: true, recoveryCodes: true });
    watchHeld(watch, held);
  });
  afterAll(() => stack?.close());

  it('offers the questions, the authenticator and the recovery codes first; a code only after one of them', async () => {
    const { challenge } = await client.started('alice');
    expect(challenge).toEqual({
      type: 'choose',
      options: [{ method: 'questions' }, { method: 'authenticator' }, { method: 'recoveryCode' }],
    });
  });

  it('passes with the authenticator app and then an e-mail code; the same app code is refused in the next flow', async () => {
    const { flowId } = await client.started('alice');
    const chosen = await stack.post('/api/reset/choose', { flowId, method: 'authenticator' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.challenge).toEqual({ type: 'authenticator' });
    const code = totp(held.authenticator as Buffer, stack.clock.now());
    const answered = await client.answer(flowId, code);
    expect(answered.status).toBe(200);
    // After the app: a code to the mailbox or the phone, or the recovery codes (authenticator + recovery code).
    expect(answered.body.challenge).toEqual({
      type: 'choose',
      options: [
        {
          method: 'code',
          channels: [
            { id: expect.any(String), channel: 'email', destination: maskedDemoMail('alice') },
            { id: expect.any(String), channel: 'sms', destination: '•••0001' },
          ],
        },
        { method: 'recoveryCode' },
      ],
    });
    const channelId = answered.body.challenge.options[0].channels[0].id;
    const mailed = await client.sendAndRead(
      flowId,
      { type: 'code', channels: answered.body.challenge.options[0].channels },
      maskedDemoMail('alice'),
      demoMail('alice'),
    );
    const verified = await client.answer(flowId, mailed);
    expect(verified.status).toBe(200);
    expect(verified.body.challenge.type).toBe('verified');
    expect(channelId).toEqual(expect.any(String));

    // The same app code again, in a new flow: its time step is used.
    const again = await client.started('alice');
    await stack.post('/api/reset/choose', { flowId: again.flowId, method: 'authenticator' });
    const replay = await client.answer(again.flowId, code);
    expect(replay.status).toBe(200);
    expect(replay.body.challenge).toEqual({ type: 'authenticator' });
  });

  it('passes with a recovery code and the authenticator; a used recovery code never passes again', async () => {
    const recovery = held.recoveryCodes?.[0] ?? '';
    const { flowId } = await client.started('alice');
    await stack.post('/api/reset/choose', { flowId, method: 'recoveryCode' });
    const first = await client.answer(flowId, recovery.toLowerCase());
    expect(first.status).toBe(200);
    expect(first.body.challenge.type).toBe('code');

    const next = await client.started('alice');
    await stack.post('/api/reset/choose', { flowId: next.flowId, method: 'recoveryCode' });
    const reused = await client.answer(next.flowId, recovery);
    expect(reused.status).toBe(200);
    expect(reused.body.challenge).toEqual({ type: 'recoveryCode' });
  });

  it('refuses a choice the flow does not offer, and text that is not a code without counting it', async () => {
    const { flowId } = await client.started('alice');
    const passkey = await stack.post('/api/reset/choose', { flowId, method: 'passkey' });
    expect(passkey.status).toBe(400);
    expect(passkey.body.error.fields).toHaveProperty('method');
    const code = await stack.post('/api/reset/choose', { flowId, method: 'code' });
    expect(code.status).toBe(400);
    await stack.post('/api/reset/choose', { flowId, method: 'recoveryCode' });
    const typo = await client.answer(flowId, 'not a code');
    expect(typo.status).toBe(400);
    expect(typo.body.error.fields).toHaveProperty('answer');
  });

  it('leaves no seed, recovery code or code typed in a log line, an error body, the outbox or the table', async () => {
    // A wrong recovery code and a wrong app code typed, so refused and counted input is scanned for too.
    const { flowId } = await client.started('alice');
    await stack.post('/api/reset/choose', { flowId, method: 'recoveryCode' });
    const wrongCode = formatRecoveryCode(newRecoveryCode());
    expect((await client.answer(flowId, wrongCode)).body.challenge).toEqual({ type: 'recoveryCode' });
    await stack.post('/api/reset/choose', { flowId, method: 'authenticator' });
    const wrong = totp(held.authenticator as Buffer, stack.clock.now(), 7);
    expect((await client.answer(flowId, wrong)).body.challenge).toEqual({ type: 'authenticator' });
    await watch.expectNoneLeaked({ seeds: 1, recoveryCodes: 20, challenges: 0 });
  });
});

describe('preset standards (NIST SP 800-63B-4 AAL2 recovery)', () => {
  let stack: TestStack;
  let client: ResetClient;
  let watch: SecretWatch;
  let held: Held;
  beforeAll(async () => {
    ({ stack, client, watch } = await startStack({
      recovery: { preset: 'standards' },
      block: { maxWrongAnswers: 3 },
    }));
    held = await giveMethods(stack, 'bob', { authenticator: true, recoveryCodes: true });
    watchHeld(watch, held);
  });
  afterAll(() => stack?.close());

  it('never asks a question: the possessions first, then a code or the other possession', async () => {
    const { flowId, challenge } = await client.started('bob');
    expect(challenge).toEqual({ type: 'choose', options: [{ method: 'authenticator' }, { method: 'recoveryCode' }] });
    await stack.post('/api/reset/choose', { flowId, method: 'recoveryCode' });
    const first = await client.answer(flowId, held.recoveryCodes?.[1] ?? '');
    // The one way on (recovery code + e-mail: the authenticator comes first in its alternative), so no choice.
    expect(first.body.challenge).toEqual({
      type: 'code',
      channels: [{ id: expect.any(String), channel: 'email', destination: maskedDemoMail('bob') }],
    });
  });

  it('a user enrolled with a contact only has no way under standards: a decoy, like an unknown name', async () => {
    // Enroll takes no answers here (test/api/enrollNoQuestions.test.ts): heidi's enrollment is one unverified address.
    const enrolled = await stack.post('/api/enroll', {
      username: 'heidi',
      password: DEMO.heidi,
      email: 'heidi.home@example.com',
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    const heidi = await client.started('heidi');
    const nobody = await client.started('nobody-here');
    expect(heidi.challenge).toEqual(nobody.challenge);
    expect(nobody.challenge).toEqual({
      type: 'choose',
      options: [{ method: 'authenticator' }, { method: 'recoveryCode' }],
    });
  });

  it("a decoy's way fails like a real one's: its codes are never right", async () => {
    const { flowId } = await client.started('nobody-here');
    await stack.post('/api/reset/choose', { flowId, method: 'authenticator' });
    const answered = await client.answer(flowId, '123456');
    expect(answered.status).toBe(200);
    expect(answered.body.challenge).toEqual({ type: 'authenticator' });
  });

  it('passes with a passkey alone (registered through the methods routes), its challenges hashed while live and used once', async () => {
    const session = await stack.post('/api/methods/session', { username: 'alice', password: DEMO.alice });
    expect(session.status, session.text).toBe(200);
    const { methodsToken } = session.body;
    const begun = await stack.post('/api/methods/passkey/begin', { methodsToken });
    expect(begun.status, begun.text).toBe(200);
    await watch.expectLiveChallengeHashed(begun.body.options.challenge, 'methodsSession');
    const key = new SoftAuthenticator(ORIGIN);
    const finished = await stack.post('/api/methods/passkey/finish', {
      methodsToken,
      name: 'Laptop',
      credential: key.register(begun.body.options),
    });
    expect(finished.status, finished.text).toBe(200);

    const { flowId, challenge } = await client.started('alice');
    expect(challenge.type).toBe('passkey');
    await watch.expectLiveChallengeHashed(challenge.options.challenge, 'flow');
    const credential = key.assert(challenge.options);
    const answered = await stack.post('/api/reset/passkey', { flowId, credential });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.challenge.type).toBe('verified');
    // Used: the same assertion again is the wrong step, and its error body tells nothing of the challenge.
    const again = await stack.post('/api/reset/passkey', { flowId, credential });
    expect(again.status, again.text).toBe(409);
  });

  it('counts wrong possession codes with the sent codes: five wrong in the window block the user', async () => {
    const outcomes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { flowId } = await client.started('bob');
      await stack.post('/api/reset/choose', { flowId, method: 'authenticator' });
      const wrong = totp(held.authenticator as Buffer, stack.clock.now(), 5);
      outcomes.push((await client.answer(flowId, wrong)).status);
    }
    // The fifth wrong code fills the window (codes.maxTries = 5) and blocks; the sixth start is a decoy flow.
    expect(outcomes.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(outcomes[4]).toBe(403);
    const blocked = await stack.store.getBlock('bob', stack.clock.now());
    expect(blocked?.reason).toBe('code');
    // Blocked: the right code is not even checked, and is answered as a stranger's wrong one is.
    const { flowId } = await client.started('bob');
    expect((await stack.post('/api/reset/choose', { flowId, method: 'authenticator' })).status).toBe(200);
    const right = await client.answer(flowId, totp(held.authenticator as Buffer, stack.clock.now()));
    expect(right.status, right.text).toBe(200);
    expect(right.body.challenge).toEqual({ type: 'authenticator' });
    const refused = (await stack.store.listAudit('bob')).filter((e) => e.event === 'authenticator').at(-1);
    expect(refused).toMatchObject({ outcome: 'refused', reason: 'BLOCKED' });
    const guid = (await stack.demo.account('bob')).objectGuid;
    expect((await stack.store.getEnrollment(guid))?.authenticator?.lastUsedStep).toBeNull();
  });

  it('leaves no seed, recovery code, passkey challenge or code typed in a log line, an error body, the outbox or the table', async () => {
    await watch.expectNoneLeaked({ seeds: 1, recoveryCodes: 20, challenges: 2 });
  });
});
