/**
 * POST /api/enroll under a recovery policy that never asks questions (preset `standards`, a custom policy without
 * them): enroll is the contacts only (docs/recovery.md "Enrollment without questions"). Answers are neither asked for
 * nor accepted; an e-mail or a phone is needed; a new contact is verified with POST /api/enroll/verify and then carries
 * the code step of a reset after a possession. With questions offered, answers stay required.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from './harness.js';

const rateLimits = { ...GENEROUS_ACTION_LIMITS, smsPerUserPerDay: 100 };
const answers = [
  { questionId: 'first-pet-name', answer: 'Rex the dog' },
  { questionId: 'birth-city', answer: 'Springfield Elementary' },
  { questionId: 'first-school', answer: 'Blue Volvo' },
];

async function lastCodeTo(stack: TestStack, to: string): Promise<string> {
  const line = (await stack.outboxLines()).filter((l) => l.to === to && typeof l.code === 'string').at(-1);
  if (!line) throw new Error(`no code was sent to ${to}`);
  return line.code as string;
}

describe('enroll under preset standards (no questions)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { recovery: { preset: 'standards' }, rateLimits } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('GET /api/config says which methods the policy offers: no questions', async () => {
    const response = await stack.request('GET', '/api/config');
    expect(response.status).toBe(200);
    expect(response.body.recovery).toEqual({ offered: ['email', 'sms', 'authenticator', 'passkey', 'recoveryCode'] });
  });

  it('refuses answers: 400 VALIDATION naming `answers`, before the password is tried; nothing stored or sent', async () => {
    const before = (await stack.outboxLines()).length;
    const response = await stack.post('/api/enroll', {
      username: 'heidi',
      password: DEMO.heidi,
      answers,
      email: 'heidi.home@example.com',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'VALIDATION',
      fields: { answers: 'Security questions are not used here: leave the answers out.' },
    });
    expect(Object.keys(response.body.error.fields)).toEqual(['answers']);
    // An empty list is answers sent all the same.
    const empty = await stack.post('/api/enroll', {
      username: 'heidi',
      password: DEMO.heidi,
      answers: [],
      email: 'x@example.com',
    });
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.error.fields)).toEqual(['answers']);
    const heidi = await stack.demo.account('heidi');
    expect(await stack.store.getEnrollment(heidi.objectGuid)).toBeNull();
    expect((await stack.outboxLines()).length).toBe(before);
    expect(await stack.store.listAudit('heidi')).toEqual([]);
  });

  it('needs a contact: without one it is 400 naming `email`, in the request language', async () => {
    const response = await stack.post(
      '/api/enroll',
      { username: 'heidi', password: DEMO.heidi },
      { 'accept-language': 'de' },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION');
    expect(response.body.error.fields).toEqual({
      email: 'Geben Sie eine E-Mail-Adresse oder Mobilnummer ein: Diese Seite speichert nur sie.',
    });
  });

  it('stores the contacts with no answers; the new address is verified with its code', async () => {
    const enrolled = await stack.post('/api/enroll', {
      username: 'heidi',
      password: DEMO.heidi,
      email: 'heidi.home@example.com',
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    expect(enrolled.body).toEqual({
      enrolled: true,
      questionIds: [],
      pendingContacts: [{ id: expect.any(String), channel: 'email', destination: 'h•••@example.com' }],
      enrollmentToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const heidi = await stack.demo.account('heidi');
    expect(await stack.store.getEnrollment(heidi.objectGuid)).toMatchObject({
      answers: [],
      contacts: [{ channel: 'email', address: 'heidi.home@example.com', verified: false }],
    });

    const [pending] = enrolled.body.pendingContacts;
    const verified = await stack.post('/api/enroll/verify', {
      enrollmentToken: enrolled.body.enrollmentToken,
      channelId: pending.id,
      code: await lastCodeTo(stack, 'heidi.home@example.com'),
    });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body).toEqual({ verified: true, channel: pending });
    expect((await stack.store.getEnrollment(heidi.objectGuid))?.contacts).toMatchObject([{ verified: true }]);
  });

  it('the verified contact carries a reset after a possession: recovery code, then a code to that address', async () => {
    const session = await stack.post('/api/methods/session', { username: 'heidi', password: DEMO.heidi });
    expect(session.status).toBe(200);
    // A contact alone is no alternative of standards.
    expect(session.body.methods.canRecover).toBe(false);
    const issued = await stack.post('/api/methods/recovery-codes', { methodsToken: session.body.methodsToken });
    expect(issued.status).toBe(200);
    const again = await stack.post('/api/methods/session', { username: 'heidi', password: DEMO.heidi });
    expect(again.body.methods.canRecover).toBe(true);

    const start = await stack.post('/api/reset/start', { username: 'heidi', purpose: 'reset' });
    expect(start.status).toBe(200);
    expect(start.body.challenge).toEqual({ type: 'recoveryCode' });
    const answered = await stack.post('/api/reset/answer', { flowId: start.body.flowId, answer: issued.body.codes[0] });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.challenge).toEqual({
      type: 'code',
      channels: [{ id: expect.any(String), channel: 'email', destination: 'h•••@example.com' }],
    });
  });

  it('the notice to the directory mail speaks of contacts, never of answers, and carries a "This wasn\'t me" link', async () => {
    const enrolled = await stack.post('/api/enroll', { username: 'judy', password: DEMO.judy, phone: '+15550100010' });
    expect(enrolled.status, enrolled.text).toBe(200);
    // The directory mobile, already on file, is kept as a new contact to confirm like any other.
    expect(enrolled.body.pendingContacts).toEqual([{ id: expect.any(String), channel: 'sms', destination: '•••0010' }]);
    const notices = (await stack.outboxLines()).filter((l) => l.to === 'judy@corp.example.test');
    expect(notices.map((n) => n.subject)).toEqual(['Your password self-service contacts were saved']);
    expect(notices[0]?.body).not.toMatch(/answer|question/i);
    expect(notices[0]?.body).toContain('#/not-me?token=');
  });

  it('enrolling again keeps the methods added with a session and replaces the contacts', async () => {
    const enrolled = await stack.post('/api/enroll', {
      username: 'heidi',
      password: DEMO.heidi,
      phone: '+15550109999',
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    expect(enrolled.body.questionIds).toEqual([]);
    const heidi = await stack.demo.account('heidi');
    const enrollment = await stack.store.getEnrollment(heidi.objectGuid);
    expect(enrollment?.answers).toEqual([]);
    expect(enrollment?.contacts).toMatchObject([{ channel: 'sms', address: '+15550109999', verified: false }]);
    expect(enrollment?.recoveryCodes?.hashes.length).toBe(9);
  });
});

describe('enroll under a custom policy without questions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      config: {
        recovery: { preset: 'custom', alternatives: [['recoveryCode', 'email']] },
        enrollment: { email: 'off' },
        rateLimits,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses answers as standards does; with e-mail off a missing contact names `phone`', async () => {
    const withAnswers = await stack.post('/api/enroll', { username: 'bob', password: DEMO.bob, answers });
    expect(withAnswers.status).toBe(400);
    expect(withAnswers.body.error.fields).toEqual({
      answers: 'Security questions are not used here: leave the answers out.',
      phone: 'Enter an e-mail address or a mobile number: they are what this page saves.',
    });
    const config = await stack.request('GET', '/api/config');
    expect(config.body.recovery).toEqual({ offered: ['email', 'recoveryCode'] });
  });
});

describe('enroll under standards with both contacts off: nothing to enroll', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      config: { recovery: { preset: 'standards' }, enrollment: { email: 'off', phone: 'off' }, rateLimits },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is 400 VALIDATION naming the body, before the password is tried', async () => {
    const response = await stack.post('/api/enroll', { username: 'bob', password: DEMO.bob });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual({
      body: 'There is nothing to enroll here: set up your recovery methods instead.',
    });
    expect(await stack.store.listAudit('bob')).toEqual([]);
  });
});

describe('enroll with questions offered (default policy): nothing changes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers are required: without them 400 naming `answers`; with them 200', async () => {
    const without = await stack.post('/api/enroll', { username: 'bob', password: DEMO.bob, email: 'b@example.com' });
    expect(without.status).toBe(400);
    expect(without.body.error.fields).toEqual({ answers: 'Answer exactly 3 questions.' });
    const config = await stack.request('GET', '/api/config');
    expect(config.body.recovery.offered).toContain('questions');
    const enrolled = await stack.post('/api/enroll', { username: 'bob', password: DEMO.bob, answers });
    expect(enrolled.status, enrolled.text).toBe(200);
    expect(enrolled.body.questionIds).toEqual(answers.map((a) => a.questionId));
  });
});
