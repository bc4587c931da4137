/**
 * Reset and unlock through the local server (DESIGN §3 HTTP API, §4 Reset and unlock, Rate limits, Notifications):
 * flows, questions, e-mail codes, failures and blocks, reveal mode, the limits on start and code sends. Run once per
 * directory (the in-memory stand-in and Samba AD). Each describe starts its own stack with the config it needs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unresolvedSubject } from '../../functions/core/subjects.js';
import { LocalSecrets } from '../../local/localSecrets.js';
import type { DirectoryKind } from '../support/demoDirectory.js';
import { DEMO, GOOD_ANSWERS, startTestStack, type TestStack, type TestStackOptions } from './harness.js';
import {
  type AnswerKey,
  expectRetryAfter,
  FLOW_TOKEN,
  IVAN_ANSWERS,
  otherCode,
  ResetClient,
  secretsIn,
  unknownToken,
  WRONG_ANSWERS,
} from './resetClient.js';
import { scanTable } from './tableScan.js';

const LOCKOUT = 0x10;
const DAY = 86_400;
const HELPDESK = 'the Corp helpdesk on extension 4242';

/** Limits out of the way where a test is not about them. */
const GENEROUS = {
  perUser: { limit: 1000, windowSeconds: 3600 },
  perAddress: { limit: 10_000, windowSeconds: 300 },
  failedPasswordsPerUser: { limit: 1000, windowSeconds: 1800 },
  failedPasswordsPerAddress: { limit: 10_000, windowSeconds: 3600 },
};

const MAIL = (user: string) => `${user}@corp.example.test`;
const MASKED = (user: string) => `${user.charAt(0)}•••@corp.example.test`;

export function describeResetApi(directory: DirectoryKind) {
  const open = async (options: TestStackOptions = {}) => {
    const stack = await startTestStack({ directory, ...options });
    const client = new ResetClient(stack);
    await client.loadCatalog();
    return { stack, client };
  };

  const isLocked = async (stack: TestStack, user: string) =>
    ((await stack.demo.account(user)).computedUserAccountControl & LOCKOUT) !== 0;

  describe('flows, questions and codes (enumeration protection on, the defaults)', () => {
    let stack: TestStack;
    let api: ResetClient;
    let ivan: AnswerKey;
    let good: AnswerKey;

    beforeAll(async () => {
      ({ stack, client: api } = await open({ config: { rateLimits: GENEROUS, helpdesk: { contact: HELPDESK } } }));
      await stack.demo.applyDemoStates();
      ivan = api.ivanKey();
      good = api.goodKey();
    });

    afterAll(async () => {
      await stack?.demo.applyDemoStates();
      await stack?.close();
    });

    it('ivan unlocks his account: a question, an e-mail code, verified, unlocked; the used flow is gone', async () => {
      await stack.demo.lockOut('ivan');
      expect(await isLocked(stack, 'ivan')).toBe(true);

      const started = await api.start('ivan', 'unlock');
      expect(started.status, started.text).toBe(200);
      expect(started.headers.get('cache-control')).toBe('no-store');
      expect(started.headers.get('x-request-id')).toBeTruthy();
      expect(started.body).toEqual({
        flowId: expect.stringMatching(FLOW_TOKEN),
        expiresInSeconds: expect.any(Number),
        username: 'ivan',
        challenge: { type: 'question', questionId: expect.any(String), text: expect.any(String), index: 1, of: 3 },
      });
      expect(started.body.expiresInSeconds).toBeGreaterThan(15 * 60 - 10);
      expect(started.body.expiresInSeconds).toBeLessThanOrEqual(15 * 60);
      const { flowId, challenge } = started.body;
      expect(api.catalog.ids.slice(0, 3)).toContain(challenge.questionId);
      expect(challenge.text).toBe(api.catalog.texts.get(challenge.questionId));

      const answered = await api.answer(flowId, ivan.get(challenge.questionId) ?? '');
      expect(answered.status, answered.text).toBe(200);
      expect(answered.body).toEqual({
        username: 'ivan',
        challenge: {
          type: 'code',
          channels: [{ id: expect.any(String), channel: 'email', destination: 'i•••@corp.example.test' }],
        },
      });
      const channelId: string = answered.body.challenge.channels[0].id;
      expect(channelId).not.toContain('ivan');

      const sent = await api.sendCode(flowId, channelId);
      expect(sent.status, sent.text).toBe(202);
      expect(sent.body).toEqual({
        sent: true,
        username: 'ivan',
        destination: 'i•••@corp.example.test',
        expiresInSeconds: expect.any(Number),
        resendAfterSeconds: expect.any(Number),
      });
      expect(sent.body.expiresInSeconds).toBeGreaterThan(10 * 60 - 10);
      expect(sent.body.expiresInSeconds).toBeLessThanOrEqual(10 * 60);
      expect(sent.body.resendAfterSeconds).toBeGreaterThan(50);
      expect(sent.body.resendAfterSeconds).toBeLessThanOrEqual(60);

      const code = await api.lastCode(MAIL('ivan'));
      expect(code).toMatch(/^\d{6}$/);
      const verified = await api.answer(flowId, code);
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });

      const before = (await stack.outboxLines()).length;
      const unlocked = await api.unlock(flowId);
      expect(unlocked.status, unlocked.text).toBe(200);
      expect(unlocked.body).toEqual({ unlocked: true });
      expect(await isLocked(stack, 'ivan')).toBe(false);
      expect(await stack.demo.verifyPassword('ivan', DEMO.ivan)).toEqual({ ok: true });

      // Told by e-mail to the directory mail, with the helpdesk and no secret.
      const told = (await stack.outboxLines()).slice(before);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ channel: 'email', to: MAIL('ivan') });
      expect(told[0]?.code).toBeUndefined();
      expect(String(told[0]?.body)).toContain(HELPDESK);
      expect(secretsIn(JSON.stringify(told), { strings: [flowId, ...IVAN_ANSWERS], codes: [code] })).toEqual([]);

      for (const again of [await api.unlock(flowId), await api.answer(flowId, code)]) {
        expect(again.status, again.text).toBe(410);
        expect(again.body.error.code).toBe('FLOW_EXPIRED');
      }
    });

    it('a locked user may reset too: verified, with his own password policy', async () => {
      await stack.demo.lockOut('ivan');
      const { flowId, challenge } = await api.started('ivan', 'reset');
      const codeStep = await api.passQuestions(flowId, challenge, ivan);
      const code = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));
      const verified = await api.answer(flowId, code);
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toEqual({
        username: 'ivan',
        challenge: {
          type: 'verified',
          passwordPolicy: {
            minLength: 8,
            maxLength: expect.any(Number),
            complexity: true,
            historyLength: 5,
            minAgeDays: 0,
            rules: expect.any(Array),
          },
        },
      });
      const { rules } = verified.body.challenge.passwordPolicy;
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect(typeof rule).toBe('string');

      // Bound to its purpose: a verified reset flow does not unlock.
      const wrongRoute = await api.unlock(flowId);
      expect(wrongRoute.status, wrongRoute.text).toBe(409);
      expect(wrongRoute.body.error.code).toBe('WRONG_STEP');
      expect(await isLocked(stack, 'ivan')).toBe(true);
    });

    it('the AD-PWR path: a wrong answer, a right one, the code, verified; the unlock clears the count', async () => {
      await stack.demo.lockOut('ivan');
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const wrong = await api.answer(flowId, WRONG_ANSWERS[0] ?? '');
      expect(wrong.status, wrong.text).toBe(200);
      expect(wrong.body.challenge).toMatchObject({ type: 'question', index: 2, of: 3 });
      expect(wrong.body.challenge.questionId).not.toBe(challenge.questionId);
      expect(await stack.store.failureCount('ivan', 'answer', api.now())).toBe(1);

      const codeStep = await api.passQuestions(flowId, wrong.body.challenge, ivan);
      expect(codeStep.type).toBe('code');
      const code = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));
      const verified = await api.answer(flowId, code);
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
      const unlocked = await api.unlock(flowId);
      expect(unlocked.body).toEqual({ unlocked: true });
      expect(await stack.store.failureCount('ivan', 'answer', api.now())).toBe(0);
    });

    it('an account that is not locked: { unlocked: false }', async () => {
      await stack.demo.unlock('ivan');
      const flowId = await api.verifiedFlow('ivan', 'unlock', ivan, { destination: MASKED('ivan'), to: MAIL('ivan') });
      const response = await api.unlock(flowId);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ unlocked: false });
      expect((await api.unlock(flowId)).status).toBe(410);
    });

    it('answers are compared after normalization (case, outer and inner white space)', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const right = ivan.get(challenge.questionId) ?? '';
      const response = await api.answer(flowId, `  ${right.toUpperCase().replaceAll(' ', '   ')} `);
      expect(response.status, response.text).toBe(200);
      expect(response.body.challenge.type).toBe('code');
    });

    it('heidi has no channel: all three answers must be right, then verified with no code step', async () => {
      await api.enroll('heidi');
      const failing = await api.started('heidi', 'reset');
      // One wrong answer can never be made good: the flow still fails only after the third answer.
      const first = await api.answer(failing.flowId, WRONG_ANSWERS[0] ?? '');
      expect(first.status).toBe(200);
      const second = await api.answer(failing.flowId, good.get(first.body.challenge.questionId) ?? '');
      expect(second.status).toBe(200);
      expect(second.body.challenge).toMatchObject({ type: 'question', index: 3 });
      const third = await api.answer(failing.flowId, good.get(second.body.challenge.questionId) ?? '');
      expect(third.status, third.text).toBe(403);
      expect(third.body.error.code).toBe('VERIFICATION_FAILED');

      const { flowId, challenge } = await api.started('heidi', 'reset');
      const seen: number[] = [];
      let next = challenge;
      while (next.type === 'question') {
        seen.push(next.index);
        const response = await api.answer(flowId, good.get(next.questionId) ?? '');
        expect(response.status, response.text).toBe(200);
        next = response.body.challenge;
      }
      expect(seen).toEqual([1, 2, 3]);
      expect(next).toEqual({ type: 'verified', passwordPolicy: expect.objectContaining({ minLength: 8 }) });
    });

    it('flow tokens: other strings are VALIDATION, unknown ones FLOW_EXPIRED; a new start replaces the old flow', async () => {
      for (const flowId of ['abc', 'a'.repeat(42), 'a'.repeat(44), '+'.repeat(43), `${'a'.repeat(42)}=`]) {
        for (const response of [
          await api.answer(flowId, 'some answer'),
          await api.sendCode(flowId, 'channel'),
          await api.unlock(flowId),
        ]) {
          expect(response.status, `${flowId}: ${response.text}`).toBe(400);
          expect(response.body.error.code).toBe('VALIDATION');
          expect(response.body.error.fields.flowId).toBeTruthy();
        }
      }
      const unknown = unknownToken();
      for (const response of [
        await api.answer(unknown, 'some answer'),
        await api.sendCode(unknown, 'channel'),
        await api.unlock(unknown),
      ]) {
        expect(response.status, response.text).toBe(410);
        expect(response.body.error.code).toBe('FLOW_EXPIRED');
      }

      const first = await api.started('ivan', 'unlock');
      const second = await api.started('ivan', 'unlock');
      expect(second.flowId).not.toBe(first.flowId);
      const old = await api.answer(first.flowId, ivan.get(first.challenge.questionId) ?? '');
      expect(old.status, old.text).toBe(410);
      expect(old.body.error.code).toBe('FLOW_EXPIRED');
      expect((await api.answer(second.flowId, ivan.get(second.challenge.questionId) ?? '')).status).toBe(200);
    });

    it('start and answer bodies are checked: purpose, username forms, unknown fields', async () => {
      const cases: [unknown, string][] = [
        [{ username: 'ivan', purpose: 'delete' }, 'purpose'],
        [{ username: 'ivan' }, 'purpose'],
        [{ username: 'iv*an', purpose: 'reset' }, 'username'],
        [{ username: 'OTHER\\ivan', purpose: 'reset' }, 'username'],
      ];
      for (const [body, field] of cases) {
        const response = await stack.post('/api/reset/start', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.error.fields[field], JSON.stringify(body)).toBeTruthy();
      }
      const extra = await stack.post('/api/reset/start', { username: 'ivan', purpose: 'reset', extra: 1 });
      expect(extra.status).toBe(400);
      const { flowId } = await api.started('ivan', 'reset');
      const extraAnswer = await stack.post('/api/reset/answer', { flowId, answer: 'x', questionId: 'q' });
      expect(extraAnswer.status).toBe(400);
      const missing = await stack.post('/api/reset/answer', { flowId });
      expect(missing.status).toBe(400);
      expect(missing.body.error.fields.answer).toBeTruthy();
    });

    it('steps: unlock or a code send at the question step, an answer before any code was sent → WRONG_STEP', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      for (const response of [await api.unlock(flowId), await api.sendCode(flowId, 'no-channel-yet')]) {
        expect(response.status, response.text).toBe(409);
        expect(response.body.error.code).toBe('WRONG_STEP');
      }
      const codeStep = await api.passQuestions(flowId, challenge, ivan);
      expect(codeStep.type).toBe('code');
      const early = await api.answer(flowId, '123456');
      expect(early.status, early.text).toBe(409);
      expect(early.body.error.code).toBe('WRONG_STEP');
      expect(await stack.store.failureCount('ivan', 'code', api.now())).toBe(0);
      expect((await api.unlock(flowId)).status).toBe(409);
    });

    it('codes: a non-numeric code is VALIDATION and not counted; a resend within 60 s is RATE_LIMITED', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const codeStep = await api.passQuestions(flowId, challenge, ivan);
      const code = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));
      for (const bad of ['abcdef', '12345', '1234567', '12 345', '-12345']) {
        const response = await api.answer(flowId, bad);
        expect(response.status, `${bad}: ${response.text}`).toBe(400);
        expect(response.body.error.code).toBe('VALIDATION');
        expect(response.body.error.fields.answer).toBeTruthy();
      }
      expect(await stack.store.failureCount('ivan', 'code', api.now())).toBe(0);

      const sentBefore = await api.codeCount(MAIL('ivan'));
      const resend = await api.sendCode(flowId, codeStep.channels[0].id);
      expectRetryAfter(resend, 'RATE_LIMITED', 1, 60);
      expect(await api.codeCount(MAIL('ivan'))).toBe(sentBefore);

      const verified = await api.answer(flowId, code);
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
    });

    it('a wrong code with tries left gives the same challenge; the 5th wrong code fails the flow and blocks', async () => {
      await api.enroll('bob');
      const { flowId, challenge } = await api.started('bob', 'reset');
      const codeStep = await api.passQuestions(flowId, challenge, good);
      expect(codeStep).toEqual({
        type: 'code',
        channels: [{ id: expect.any(String), channel: 'email', destination: MASKED('bob') }],
      });
      const code = await api.sendAndRead(flowId, codeStep, MASKED('bob'), MAIL('bob'));
      for (let i = 1; i <= 4; i++) {
        const wrong = await api.answer(flowId, otherCode(code, i));
        expect(wrong.status, wrong.text).toBe(200);
        expect(wrong.body).toEqual({ username: 'bob', challenge: codeStep });
      }
      expect(await stack.store.failureCount('bob', 'code', api.now())).toBe(4);
      const before = (await stack.outboxLines()).length;
      const fifth = await api.answer(flowId, otherCode(code, 5));
      expect(fifth.status, fifth.text).toBe(403);
      expect(fifth.body.error.code).toBe('VERIFICATION_FAILED');
      const after = await api.answer(flowId, code);
      expect(after.status, after.text).toBe(410);

      expect(await stack.store.failureCount('bob', 'code', api.now())).toBe(5);
      const block = await stack.store.getBlock('bob', api.now());
      expect(block).toMatchObject({ subject: 'bob', reason: 'code' });
      expect((block?.until ?? 0) - api.now()).toBeGreaterThan((DAY - 120) * 1000);
      expect((block?.until ?? 0) - api.now()).toBeLessThanOrEqual(DAY * 1000);

      // The block is told by e-mail to the directory mail, with the helpdesk and no secret.
      const told = (await stack.outboxLines()).slice(before);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ channel: 'email', to: MAIL('bob') });
      expect(told[0]?.code).toBeUndefined();
      expect(String(told[0]?.body)).toContain(HELPDESK);
      expect(secretsIn(JSON.stringify(told), { strings: [flowId, DEMO.bob, ...good.values()], codes: [code] })).toEqual(
        [],
      );
      // Audited per user (event names are the implementation's; a block event exists).
      const events = await stack.store.listAudit('bob');
      expect(events.some((e) => /block/i.test(`${e.event} ${e.outcome}`))).toBe(true);
      expect(events.find((e) => e.requestId === fifth.body.error.requestId)).toMatchObject({
        sourceAddress: '127.0.0.1',
      });
    });

    it('a blocked user gets a decoy: even the right answers fail on the third; re-enrolling lifts the block', async () => {
      expect(await stack.store.getBlock('bob', api.now())).not.toBeNull();
      const decoy = await api.started('bob', 'reset');
      expect(decoy.challenge).toMatchObject({ type: 'question', index: 1, of: 3 });
      const statuses: number[] = [];
      let next = decoy.challenge;
      for (let i = 0; i < 3; i++) {
        const response = await api.answer(decoy.flowId, good.get(next.questionId) ?? GOOD_ANSWERS[0]?.answer ?? '');
        statuses.push(response.status);
        if (response.status !== 200) {
          expect(response.body.error.code).toBe('VERIFICATION_FAILED');
          break;
        }
        expect(response.body.challenge.type).toBe('question');
        next = response.body.challenge;
      }
      expect(statuses).toEqual([200, 200, 403]);

      await api.enroll('bob');
      expect(await stack.store.getBlock('bob', api.now())).toBeNull();
      expect(await stack.store.failureCount('bob', 'code', api.now())).toBe(0);
      expect(await stack.store.failureCount('bob', 'answer', api.now())).toBe(0);
      const { flowId, challenge } = await api.started('bob', 'reset');
      expect((await api.passQuestions(flowId, challenge, good)).type).toBe('code');
    });

    it('failing the questions: VERIFICATION_FAILED on the third answer, 410 after, blocked for 24 h', async () => {
      await api.enroll('judy');
      const { flowId } = await api.started('judy', 'unlock');
      expect(await api.failQuestions(flowId)).toEqual([200, 200, 403]);
      const after = await api.answer(flowId, 'yet another guess');
      expect(after.status).toBe(410);
      expect(after.body.error.code).toBe('FLOW_EXPIRED');
      expect(await stack.store.failureCount('judy', 'answer', api.now())).toBe(3);
      expect(await stack.store.getBlock('judy', api.now())).toMatchObject({ subject: 'judy', reason: 'answer' });
    });

    it('code channels: the directory mail and verified enrolled e-mail only, with opaque ids', async () => {
      await api.enroll('paula', { email: 'paula.private@example.com' });
      // Pending (unverified) contacts are never offered.
      const pending = await api.started('paula', 'reset');
      expect(await api.passQuestions(pending.flowId, pending.challenge, good)).toEqual({
        type: 'code',
        channels: [{ id: expect.any(String), channel: 'email', destination: MASKED('paula') }],
      });

      // Verified here through the store port (the contact verification route is its own work).
      const paula = await stack.demo.account('paula');
      const enrollment = await stack.store.getEnrollment(paula.objectGuid);
      if (!enrollment) throw new Error('paula is not enrolled');
      await stack.store.putEnrollment({
        ...enrollment,
        contacts: enrollment.contacts.map((contact) => ({ ...contact, verified: true })),
      });

      const { flowId, challenge } = await api.started('paula', 'reset');
      const codeStep = await api.passQuestions(flowId, challenge, good);
      expect(codeStep.type).toBe('code');
      const channels = codeStep.channels as { id: string; channel: string; destination: string }[];
      expect(channels.map((c) => c.destination).sort()).toEqual([MASKED('paula'), 'p•••@example.com'].sort());
      expect(new Set(channels.map((c) => c.id)).size).toBe(2);
      for (const channel of channels) {
        expect(channel.channel).toBe('email');
        expect(channel.id).not.toMatch(/paula|example/);
      }
      const code = await api.sendAndRead(flowId, codeStep, 'p•••@example.com', 'paula.private@example.com');
      const verified = await api.answer(flowId, code);
      expect(verified.body.challenge.type).toBe('verified');

      // A block is told to the directory mail and to the verified enrolled e-mail.
      const before = (await stack.outboxLines()).length;
      const failing = await api.started('paula', 'unlock');
      expect(await api.failQuestions(failing.flowId)).toEqual([200, 200, 403]);
      expect(await stack.store.getBlock('paula', api.now())).not.toBeNull();
      const told = (await stack.outboxLines()).slice(before);
      expect(told.map((line) => line.to).sort()).toEqual([MAIL('paula'), 'paula.private@example.com'].sort());
      for (const line of told) expect(line.code).toBeUndefined();
    });

    it('wrong codes count per user across flows: 3 in one flow, 2 in the next → blocked', async () => {
      await api.enroll('alice');
      const first = await api.started('alice', 'reset');
      const firstStep = await api.passQuestions(first.flowId, first.challenge, good);
      const firstCode = await api.sendAndRead(first.flowId, firstStep, MASKED('alice'), MAIL('alice'));
      for (let i = 1; i <= 3; i++) expect((await api.answer(first.flowId, otherCode(firstCode, i))).status).toBe(200);

      const second = await api.started('alice', 'reset');
      const secondStep = await api.passQuestions(second.flowId, second.challenge, good);
      const secondCode = await api.sendAndRead(second.flowId, secondStep, MASKED('alice'), MAIL('alice'));
      expect((await api.answer(second.flowId, otherCode(secondCode, 1))).status).toBe(200);
      const fifth = await api.answer(second.flowId, otherCode(secondCode, 2));
      expect([200, 403]).toContain(fifth.status);
      expect(await stack.store.failureCount('alice', 'code', api.now())).toBe(5);
      expect(await stack.store.getBlock('alice', api.now())).toMatchObject({ reason: 'code' });
      // Blocked: not even the right code passes any more.
      const right = await api.answer(second.flowId, secondCode);
      expect([403, 410]).toContain(right.status);
    });

    it('audits each step per user with the request id, source address and user agent', async () => {
      const headers = { 'user-agent': 'reset-audit-test' };
      const started = await stack.post('/api/reset/start', { username: 'ivan', purpose: 'unlock' }, headers);
      expect(started.status).toBe(200);
      api.flowIds.add(started.body.flowId);
      const answered = await api.answer(
        started.body.flowId,
        ivan.get(started.body.challenge.questionId) ?? '',
        headers,
      );
      expect(answered.status).toBe(200);
      const ghost = await stack.post('/api/reset/start', { username: 'nosuchuser', purpose: 'reset' }, headers);
      expect(ghost.status).toBe(200);
      api.flowIds.add(ghost.body.flowId);

      const events = await stack.store.listAudit('ivan');
      for (const response of [started, answered]) {
        const requestId = response.headers.get('x-request-id');
        expect(events.find((e) => e.requestId === requestId)).toMatchObject({
          subject: 'ivan',
          sourceAddress: '127.0.0.1',
          userAgent: 'reset-audit-test',
        });
      }
      // A name that resolves to nothing is audited under its keyed hash, never as typed.
      const ghostSubject = unresolvedSubject(await new LocalSecrets(stack.dataDir).decoyKey(), 'nosuchuser');
      const ghostEvents = await stack.store.listAudit(ghostSubject);
      expect(ghostEvents.some((e) => e.requestId === ghost.headers.get('x-request-id'))).toBe(true);
      expect(await stack.store.listAudit('nosuchuser')).toEqual([]);
      const all = JSON.stringify([...events, ...ghostEvents]);
      expect(secretsIn(all, { strings: [...api.flowIds, ...IVAN_ANSWERS] })).toEqual([]);
    });

    it('no password, answer or flow token in the logs; no answer, password or token in the outbox', async () => {
      expect(api.flowIds.size).toBeGreaterThan(5);
      expect(stack.logs.length).toBeGreaterThan(0);
      const logs = stack.logs.join('\n');
      const strings = [...Object.values(DEMO), ...api.answersGiven, ...api.flowIds];
      expect(secretsIn(logs, { strings, codes: api.codes })).toEqual([]);
      expect(secretsIn(JSON.stringify(await stack.outboxLines()), { strings })).toEqual([]);
    });

    it('the table holds no flow token, answer or code in clear (DESIGN §1, §5)', async () => {
      expect(api.codes.size).toBeGreaterThan(5);
      const table = JSON.stringify(await scanTable(stack.dataDir));
      const strings = [...Object.values(DEMO), ...api.answersGiven, ...api.flowIds];
      expect(secretsIn(table, { strings, codes: api.codes })).toEqual([]);
    });
  });

  describe('with correctAnswersRequired 3 (Netwrix)', () => {
    let stack: TestStack;
    let api: ResetClient;

    beforeAll(async () => {
      ({ stack, client: api } = await open({ config: { rateLimits: GENEROUS, reset: { correctAnswersRequired: 3 } } }));
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('a wrong answer fails the flow after the third answer; three right ones lead to the code', async () => {
      const ivan = api.ivanKey();
      const failing = await api.started('ivan', 'unlock');
      const wrong = await api.answer(failing.flowId, WRONG_ANSWERS[0] ?? '');
      expect(wrong.status).toBe(200);
      const right = await api.answer(failing.flowId, ivan.get(wrong.body.challenge.questionId) ?? '');
      expect(right.status).toBe(200);
      expect(right.body.challenge).toMatchObject({ type: 'question', index: 3 });
      const last = await api.answer(failing.flowId, ivan.get(right.body.challenge.questionId) ?? '');
      expect(last.status, last.text).toBe(403);
      expect(last.body.error.code).toBe('VERIFICATION_FAILED');

      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const indexes: number[] = [];
      let next = challenge;
      while (next.type === 'question') {
        indexes.push(next.index);
        next = (await api.answer(flowId, ivan.get(next.questionId) ?? '')).body.challenge;
      }
      expect(indexes).toEqual([1, 2, 3]);
      expect(next).toMatchObject({ type: 'code', channels: [{ destination: MASKED('ivan') }] });
    });
  });

  describe('codes.useDirectoryContacts: false', () => {
    let stack: TestStack;
    let api: ResetClient;

    beforeAll(async () => {
      ({ stack, client: api } = await open({
        config: { rateLimits: GENEROUS, codes: { useDirectoryContacts: false } },
      }));
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('ivan has no channel then: all three answers, verified without a code', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const indexes: number[] = [];
      let next = challenge;
      while (next.type === 'question') {
        indexes.push(next.index);
        const response = await api.answer(flowId, api.ivanKey().get(next.questionId) ?? '');
        expect(response.status, response.text).toBe(200);
        next = response.body.challenge;
      }
      expect(indexes).toEqual([1, 2, 3]);
      expect(next).toEqual({ type: 'verified' });
    });
  });

  describe('reveal mode (revealAccountState: true)', () => {
    let stack: TestStack;
    let api: ResetClient;
    let dataDir: string;
    const config = { revealAccountState: true, rateLimits: GENEROUS };

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sspr-reset-reveal-'));
      ({ stack, client: api } = await open({ config, dataDir }));
      await stack.demo.applyDemoStates();
    });

    afterAll(async () => {
      await stack?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    const restart = async (clockOffsetSeconds: number) => {
      await stack.close();
      ({ stack, client: api } = await open({ config, dataDir, clockOffsetSeconds }));
    };

    it('tells why a start is refused: NOT_ENROLLED, NOT_ELIGIBLE with the reason', async () => {
      // Locked, must-change and password-expired accounts pass the eligibility check at start.
      for (const user of ['bob', 'erin', 'peggy']) {
        const response = await api.start(user);
        expect(response.status, `${user}: ${response.text}`).toBe(403);
        expect(response.body.error.code, user).toBe('NOT_ENROLLED');
      }
      for (const [user, reason] of [
        ['carol', 'DISABLED'],
        ['dave', 'EXPIRED'],
        ['frank', 'CANNOT_CHANGE_PASSWORD'],
        ['grace', 'LOGON_HOURS'],
        ['oscar', 'PROTECTED_ACCOUNT'],
      ]) {
        const response = await api.start(user ?? '', 'reset');
        expect(response.status, `${user}: ${response.text}`).toBe(403);
        expect(response.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', reason });
      }
      await stack.demo.lockOut('ivan');
      expect((await api.start('ivan', 'unlock')).status).toBe(200);
    });

    it('a failed flow blocks: BLOCKED with retryAfterSeconds ≈ a day, through a restart, until a day later', async () => {
      await api.enroll('judy');
      const { flowId } = await api.started('judy', 'reset');
      expect(await api.failQuestions(flowId)).toEqual([200, 200, 403]);
      expectRetryAfter(await api.start('judy'), 'BLOCKED', DAY - 120, DAY);
      expect((await api.answer(flowId, 'one more guess')).status).toBe(410);

      await restart(0);
      expectRetryAfter(await api.start('judy', 'unlock'), 'BLOCKED', DAY - 300, DAY);

      await restart(DAY + 60);
      const later = await api.start('judy');
      expect(later.status, later.text).toBe(200);
    });

    it('two wrong answers, a new flow, one more wrong answer: blocked; re-enrolling lifts the block', async () => {
      // A day later (the restart above): the earlier window has passed.
      const good = api.goodKey();
      const first = await api.started('judy', 'reset');
      for (const answer of WRONG_ANSWERS.slice(0, 2)) expect((await api.answer(first.flowId, answer)).status).toBe(200);
      expect(await stack.store.failureCount('judy', 'answer', api.now())).toBe(2);

      const second = await api.started('judy', 'reset');
      expect((await api.answer(first.flowId, 'the abandoned flow')).status).toBe(410);
      const third = await api.answer(second.flowId, WRONG_ANSWERS[2] ?? '');
      expect([200, 403]).toContain(third.status);
      expect(await stack.store.failureCount('judy', 'answer', api.now())).toBe(3);
      expect(await stack.store.getBlock('judy', api.now())).toMatchObject({ reason: 'answer' });
      expectRetryAfter(await api.start('judy'), 'BLOCKED', DAY - 120, DAY);

      await api.enroll('judy');
      const { flowId, challenge } = await api.started('judy', 'reset');
      expect((await api.passQuestions(flowId, challenge, good)).type).toBe('code');
    });
  });

  describe('codes over time (restarts on the same data with a shifted clock)', () => {
    let stack: TestStack;
    let api: ResetClient;
    let dataDir: string;
    const config = { rateLimits: GENEROUS };

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sspr-reset-codes-'));
      ({ stack, client: api } = await open({ config, dataDir }));
    });

    afterAll(async () => {
      await stack?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    const restart = async (clockOffsetSeconds: number) => {
      await stack.close();
      ({ stack, client: api } = await open({ config, dataDir, clockOffsetSeconds }));
    };

    it('an expired code counts as a wrong try; a new code still works while the flow lives', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const codeStep = await api.passQuestions(flowId, challenge, api.ivanKey());
      const code = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));

      await restart(11 * 60);
      const expired = await api.answer(flowId, code);
      expect(expired.status, expired.text).toBe(200);
      expect(expired.body).toEqual({ username: 'ivan', challenge: codeStep });
      expect(await stack.store.failureCount('ivan', 'code', api.now())).toBe(1);

      const fresh = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));
      const verified = await api.answer(flowId, fresh);
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
    });

    it('a new code replaces the first one (after the 60 s between sends)', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const codeStep = await api.passQuestions(flowId, challenge, api.ivanKey());
      const first = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));

      await restart(11 * 60 + 61);
      const second = await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan'));
      if (second === first) return; // one chance in a million: the same six digits twice
      const dead = await api.answer(flowId, first);
      expect(dead.status, dead.text).toBe(200);
      expect(dead.body).toEqual({ username: 'ivan', challenge: codeStep });
      const verified = await api.answer(flowId, second);
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
    });

    it('a flow lives 15 minutes from its start', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      await restart(11 * 60 + 61 + 15 * 60 + 1);
      const late = await api.answer(flowId, api.ivanKey().get(challenge.questionId) ?? '');
      expect(late.status, late.text).toBe(410);
      expect(late.body.error.code).toBe('FLOW_EXPIRED');
    });
  });

  describe('limits per user and per flow (perUser limit 4 a day, no wait between sends)', () => {
    let stack: TestStack;
    let api: ResetClient;

    beforeAll(async () => {
      ({ stack, client: api } = await open({
        config: {
          codes: { resendSeconds: 0 },
          // Windows are fixed (aligned to the epoch): a day-long one keeps a window edge out of the test.
          rateLimits: { ...GENEROUS, perUser: { limit: 4, windowSeconds: DAY } },
        },
      }));
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('a 4th send in one flow is RATE_LIMITED until the flow expires; the last code still works', async () => {
      const { flowId, challenge } = await api.started('ivan', 'unlock');
      const codeStep = await api.passQuestions(flowId, challenge, api.ivanKey());
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) codes.push(await api.sendAndRead(flowId, codeStep, MASKED('ivan'), MAIL('ivan')));
      const fourth = await api.sendCode(flowId, codeStep.channels[0].id);
      expectRetryAfter(fourth, 'RATE_LIMITED', 15 * 60 - 60, 15 * 60);
      expect(await api.codeCount(MAIL('ivan'))).toBe(3);
      const verified = await api.answer(flowId, codes[2] ?? '');
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
    });

    it('code sends per user: across flows, the 5th in the window is RATE_LIMITED', async () => {
      await api.enroll('bob');
      const good = api.goodKey();
      const first = await api.started('bob', 'reset');
      const firstStep = await api.passQuestions(first.flowId, first.challenge, good);
      for (let i = 0; i < 3; i++) await api.sendAndRead(first.flowId, firstStep, MASKED('bob'), MAIL('bob'));

      const second = await api.started('bob', 'reset');
      const secondStep = await api.passQuestions(second.flowId, second.challenge, good);
      await api.sendAndRead(second.flowId, secondStep, MASKED('bob'), MAIL('bob'));
      // The flow has sent one code only: the refusal is the user's limit, not the flow's.
      expectRetryAfter(await api.sendCode(second.flowId, secondStep.channels[0].id), 'RATE_LIMITED', 1, DAY);
      expect(await api.codeCount(MAIL('bob'))).toBe(4);
    });

    it('starts per user, also for a name that does not exist; VALIDATION refusals are not counted', async () => {
      for (let i = 0; i < 3; i++)
        expect((await stack.post('/api/reset/start', { username: 'ghost' })).status).toBe(400);
      for (let i = 0; i < 4; i++) expect((await api.start('ghost', i % 2 ? 'reset' : 'unlock')).status).toBe(200);
      expectRetryAfter(await api.start('ghost'), 'RATE_LIMITED', 1, DAY);
      // The reduced, lower-cased typed name is the key.
      expectRetryAfter(await api.start('CORP\\GHOST', 'unlock'), 'RATE_LIMITED', 1, DAY);

      // An existing account: every form of its name shares the resolved sAMAccountName's bucket (DESIGN §3 Usernames).
      for (const name of ['judy', 'CORP\\judy', 'JUDY', 'judy']) expect((await api.start(name)).status, name).toBe(200);
      expectRetryAfter(await api.start('judy@corp.example.test'), 'RATE_LIMITED', 1, DAY);
      expectRetryAfter(await api.start('judy'), 'RATE_LIMITED', 1, DAY);
      expect((await api.start('heidi')).status).toBe(200);
    });
  });

  describe('limits per address (perAddress limit 2 a day)', () => {
    let stack: TestStack;
    let api: ResetClient;

    beforeAll(async () => {
      ({ stack, client: api } = await open({
        config: {
          codes: { resendSeconds: 0 },
          rateLimits: { ...GENEROUS, perAddress: { limit: 2, windowSeconds: DAY } },
        },
      }));
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('starts and code sends each have their own bucket per address', async () => {
      expect((await api.start('ghost-a')).status).toBe(200);
      expect((await api.start('ghost-b', 'unlock')).status).toBe(200);
      expectRetryAfter(await api.start('ghost-c'), 'RATE_LIMITED', 1, DAY);
      expect((await api.start('ghost-c', 'reset', {}, '127.0.0.2')).status).toBe(200);

      const started = await api.start('ivan', 'unlock', {}, '127.0.0.3');
      expect(started.status, started.text).toBe(200);
      const { flowId } = started.body;
      const codeStep = await api.passQuestions(flowId, started.body.challenge, api.ivanKey());
      const channelId = codeStep.channels[0].id;
      expect((await api.sendCode(flowId, channelId)).status).toBe(202);
      expect((await api.sendCode(flowId, channelId)).status).toBe(202);
      expectRetryAfter(await api.sendCode(flowId, channelId), 'RATE_LIMITED', 1, DAY);
      const elsewhere = await api.sendCode(flowId, channelId, '127.0.0.2');
      expect(elsewhere.status, elsewhere.text).toBe(202);
      const verified = await api.answer(flowId, await api.lastCode(MAIL('ivan')));
      expect(verified.body).toEqual({ username: 'ivan', challenge: { type: 'verified' } });
    });
  });

  describe('block.lockDirectoryAccount: true', () => {
    let stack: TestStack;
    let api: ResetClient;

    beforeAll(async () => {
      ({ stack, client: api } = await open({
        config: { rateLimits: GENEROUS, block: { lockDirectoryAccount: true } },
      }));
      await stack.demo.applyDemoStates();
    });

    afterAll(async () => {
      await stack?.demo.applyDemoStates();
      await stack?.close();
    });

    it('a block also locks the AD account', async () => {
      await api.enroll('bob');
      expect(await isLocked(stack, 'bob')).toBe(false);
      const { flowId } = await api.started('bob', 'reset');
      expect(await api.failQuestions(flowId)).toEqual([200, 200, 403]);
      expect(await stack.store.getBlock('bob', api.now())).not.toBeNull();
      expect(await isLocked(stack, 'bob')).toBe(true);
      expect(await stack.demo.verifyPassword('bob', DEMO.bob)).toEqual({ ok: false, subCode: '775' });
    });

    it('a name that does not exist fails the same way, with nothing to lock', async () => {
      const { flowId } = await api.started('nosuchuser', 'reset');
      expect(await api.failQuestions(flowId)).toEqual([200, 200, 403]);
      expect((await api.start('nosuchuser')).status).toBe(200);
    });
  });
}
