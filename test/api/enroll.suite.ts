/** POST /api/enroll through the local server (DESIGN §3, §4 Password proofs, Enrollment). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryKind } from '../support/demoDirectory.js';
import { DEMO, enrollBody, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from './harness.js';
import { durableItems, scanTable } from './tableScan.js';

export function describeEnrollApi(directory: DirectoryKind) {
  let stack: TestStack;
  let questionIds: string[];

  // Generous per-user and per-failure limits here: the limits themselves are tested in enroll-limits.test.ts.
  const config = {
    rateLimits: GENEROUS_ACTION_LIMITS,
  };

  beforeAll(async () => {
    stack = await startTestStack({ config, directory });
    const response = await stack.request('GET', '/api/config');
    questionIds = response.body.questions.map((q: { id: string }) => q.id);
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(async () => {
    await stack.demo.applyDemoStates();
  });

  const body = (username: string, password: string, extra: object = {}) =>
    enrollBody(questionIds, username, password, extra);

  describe('enrolling', () => {
    it('alice enrolls with her password and three answers', async () => {
      const response = await stack.post(
        '/api/enroll',
        body('alice', DEMO.alice, { email: 'alice.private@example.com' }),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        enrolled: true,
        questionIds: questionIds.slice(0, 3),
        pendingContacts: [{ id: expect.any(String), channel: 'email', destination: 'a•••@example.com' }],
        enrollmentToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toBeTruthy();

      const alice = await stack.demo.account('alice');
      const enrollment = await stack.store.getEnrollment(alice.objectGuid);
      expect(enrollment?.sAMAccountName).toBe('alice');
      expect(enrollment?.contacts).toEqual([
        expect.objectContaining({ channel: 'email', address: 'alice.private@example.com', verified: false }),
      ]);
      expect(enrollment?.language).toBe('en');
    });

    it('tells the user by e-mail to the directory mail, with no secret', async () => {
      const before = (await stack.outboxLines()).length;
      const response = await stack.post('/api/enroll', body('bob', DEMO.bob));
      expect(response.status).toBe(200);
      const sent = (await stack.outboxLines()).slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ channel: 'email', to: 'bob@corp.example.test' });
      expect(sent[0]?.code).toBeUndefined();
    });

    it('stores the language of the request', async () => {
      const response = await stack.post('/api/enroll', body('judy', DEMO.judy), {
        'accept-language': 'de-DE,de;q=0.9',
      });
      expect(response.status).toBe(200);
      const judy = await stack.demo.account('judy');
      expect((await stack.store.getEnrollment(judy.objectGuid))?.language).toBe('de');
    });

    it.each([['CORP\\alice'], ['corp\\ALICE'], ['alice@corp.example.test']])('%s enrolls alice', async (username) => {
      const response = await stack.post('/api/enroll', body(username, DEMO.alice));
      expect(response.status).toBe(200);
      const alice = await stack.demo.account('alice');
      const enrollment = await stack.store.getEnrollment(alice.objectGuid);
      expect(enrollment?.sAMAccountName).toBe('alice');
    });

    it('re-enrolling replaces the old answers and notifies the old verified e-mail too', async () => {
      const first = await stack.post('/api/enroll', body('heidi', DEMO.heidi));
      expect(first.status).toBe(200);
      const heidi = await stack.demo.account('heidi');
      const before = await stack.store.getEnrollment(heidi.objectGuid);

      const second = await stack.post('/api/enroll', {
        username: 'heidi',
        password: DEMO.heidi,
        answers: [
          { questionId: questionIds[3], answer: 'a different answer' },
          { questionId: questionIds[4], answer: 'another new answer' },
          { questionId: questionIds[5], answer: 'third new answer' },
        ],
      });
      expect(second.status).toBe(200);
      const after = await stack.store.getEnrollment(heidi.objectGuid);
      expect(after?.answers.map((a) => a.questionId)).toEqual(questionIds.slice(3, 6));
      expect(after?.answers.map((a) => a.hash.hash)).not.toEqual(before?.answers.map((a) => a.hash.hash));
      expect(after?.enrolledAt).toBe(before?.enrolledAt);
    });

    it('keeps no answer in clear in the table', async () => {
      await stack.post('/api/enroll', body('alice', DEMO.alice));
      const raw = JSON.stringify(await scanTable(stack.dataDir)).toLowerCase();
      for (const answer of ['rex the dog', 'springfield elementary', 'blue volvo', 'ivan answer one']) {
        expect(raw).not.toContain(answer);
      }
      expect(raw).not.toContain(DEMO.alice.toLowerCase());
    });
  });

  describe('the account must be proven before its state is told', () => {
    it.each([
      ['carol', 'DISABLED'],
      ['dave', 'EXPIRED'],
      ['erin', 'MUST_CHANGE_PASSWORD'],
      ['frank', 'CANNOT_CHANGE_PASSWORD'],
      ['grace', 'LOGON_HOURS'],
      ['oscar', 'PROTECTED_ACCOUNT'],
      ['peggy', 'PASSWORD_EXPIRED'],
    ] as const)('%s with the right password: 403 NOT_ELIGIBLE %s', async (user, reason) => {
      const response = await stack.post('/api/enroll', body(user, DEMO[user]));
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', reason });
      const account = await stack.demo.account(user);
      expect(await stack.store.getEnrollment(account.objectGuid)).toBeNull();
    });

    it.each(['carol', 'oscar', 'grace'] as const)('%s with a wrong password: 401, no reason', async (user) => {
      const response = await stack.post('/api/enroll', body(user, 'Wrong!2026zz'));
      expect(response.status).toBe(401);
      expect(response.body.error.reason).toBeUndefined();
    });

    it('locked ivan, a wrong password and an unknown user get the same 401', async () => {
      const responses = await Promise.all([
        stack.post('/api/enroll', body('ivan', DEMO.ivan)),
        stack.post('/api/enroll', body('alice', 'Wrong!2026zz')),
        stack.post('/api/enroll', body('nosuchuser', 'Whatever!2026')),
        stack.post('/api/enroll', body('Administrator', 'Whatever!2026')),
        stack.post('/api/enroll', body('krbtgt', 'Whatever!2026')),
        stack.post('/api/enroll', body('svc-sspr', 'Whatever!2026')),
      ]);
      const shapes = responses.map((r) => ({
        status: r.status,
        code: r.body.error.code,
        message: r.body.error.message,
        keys: Object.keys(r.body.error).sort(),
      }));
      for (const shape of shapes) expect(shape).toEqual(shapes[0]);
      expect(shapes[0]).toMatchObject({ status: 401, code: 'BAD_CREDENTIALS' });
      expect(shapes[0]?.message).toMatch(/Unlock/);
    });

    it('a locked account is answered without a bind: its badPwdCount does not move', async () => {
      const before = (await stack.demo.account('ivan')).badPwdCount;
      await stack.post('/api/enroll', body('ivan', 'Wrong!2026zz'));
      expect((await stack.demo.account('ivan')).badPwdCount).toBe(before);
    });
  });

  describe('usernames', () => {
    it.each(['*', 'al*', 'alice)(objectClass=*', '*)(|(sAMAccountName=*', 'alice\\2a', 'a\u0000lice', 'ali?e'])(
      '%j never matches another account',
      async (username) => {
        const response = await stack.post('/api/enroll', body(username, DEMO.alice));
        expect([400, 401]).toContain(response.status);
        if (response.status === 400) expect(response.body.error.fields.username).toBeTruthy();
      },
    );

    it.each(['OTHER\\alice', 'alice@other.example', '', 'a'.repeat(21)])(
      '%j is VALIDATION naming the forms',
      async (u) => {
        const response = await stack.post('/api/enroll', body(u, DEMO.alice));
        expect(response.status).toBe(400);
        expect(response.body.error.fields.username).toMatch(/CORP\\/);
      },
    );
  });

  describe('answer rules give 400 naming the field', () => {
    const withAnswers = (answers: [string, string, string], ids = questionIds) => ({
      username: 'alice',
      password: DEMO.alice,
      answers: answers.map((answer, i) => ({ questionId: ids[i], answer })),
    });

    it.each([
      ['too short', ['abc', 'second answer', 'third answer'], 'answers.0.answer', /at least 4/],
      ['too long', ['x'.repeat(129), 'second answer', 'third answer'], 'answers.0.answer', /at most 128/],
      ['one character repeated', ['aaaa', 'second answer', 'third answer'], 'answers.0.answer', /repeated/],
      ['spaced repeated', ['a a a a', 'second answer', 'third answer'], 'answers.0.answer', /repeated/],
      ['empty', ['   ', 'second answer', 'third answer'], 'answers.0.answer', /Enter an answer/],
      [
        'duplicate names the later one',
        ['same answer', 'Same  Answer', 'third answer'],
        'answers.1.answer',
        /different/,
      ],
    ] as const)('%s', async (_name, answers, field, pattern) => {
      const response = await stack.post('/api/enroll', withAnswers([...answers] as [string, string, string]));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
      expect(response.body.error.fields[field]).toMatch(pattern);
    });

    it('the question itself, in another language of the catalog', async () => {
      const config = await stack.request('GET', '/api/config', { headers: { 'accept-language': 'fr' } });
      const frenchText: string = config.body.questions[5].text;
      const response = await stack.post('/api/enroll', withAnswers([frenchText.toUpperCase(), 'second', 'third one']));
      expect(response.status).toBe(400);
      expect(response.body.error.fields['answers.0.answer']).toMatch(/question itself/);
    });

    it('a duplicate question, an unknown question, and the wrong number of answers', async () => {
      const duplicate = await stack.post(
        '/api/enroll',
        withAnswers(['first answer', 'second answer', 'third answer'], [
          questionIds[0],
          questionIds[0],
          questionIds[1],
        ] as string[]),
      );
      expect(duplicate.body.error.fields['answers.1.questionId']).toBeTruthy();
      const unknown = await stack.post(
        '/api/enroll',
        withAnswers(['first answer', 'second answer', 'third answer'], [
          'no-such-question',
          questionIds[1],
          questionIds[2],
        ] as string[]),
      );
      expect(unknown.body.error.fields['answers.0.questionId']).toBeTruthy();
      const tooFew = await stack.post('/api/enroll', {
        ...withAnswers(['first answer', 'second answer', 'third']),
        answers: [],
      });
      expect(tooFew.body.error.fields.answers).toMatch(/exactly 3/);
    });

    it('messages come in the request language', async () => {
      const response = await stack.post('/api/enroll', withAnswers(['abc', 'second answer', 'third answer']), {
        'accept-language': 'de',
      });
      expect(response.body.error.fields['answers.0.answer']).toMatch(/mindestens 4 Zeichen/);
    });

    it('contacts: a bad e-mail, a bad phone, CR/LF in an address', async () => {
      const base = body('alice', DEMO.alice);
      for (const [extra, field] of [
        [{ email: 'not-an-address' }, 'email'],
        [{ email: 'a@example.com\r\nBcc: x@evil.test' }, 'email'],
        [{ phone: '0155501' }, 'phone'],
        [{ phone: '+1 555 0100' }, 'phone'],
      ] as const) {
        const response = await stack.post('/api/enroll', { ...base, ...extra });
        expect(response.status, JSON.stringify(extra)).toBe(400);
        expect(response.body.error.fields[field]).toBeTruthy();
      }
    });

    it('an empty password is refused before any bind', async () => {
      const before = (await stack.demo.account('alice')).badPwdCount;
      const response = await stack.post('/api/enroll', body('alice', ''));
      expect(response.status).toBe(400);
      expect(response.body.error.fields.password).toBeTruthy();
      expect((await stack.demo.account('alice')).badPwdCount).toBe(before);
    });
  });

  describe('refused requests store nothing but counters and audit events', () => {
    it('after every kind of 4xx the durable items are unchanged', async () => {
      const before = durableItems(await scanTable(stack.dataDir));
      const refused = [
        await stack.post('/api/enroll', body('alice', 'Wrong!2026zz')),
        await stack.post('/api/enroll', body('carol', DEMO.carol)),
        await stack.post('/api/enroll', body('ivan', DEMO.ivan)),
        await stack.post('/api/enroll', body('nosuchuser', 'Whatever!2026')),
        await stack.post('/api/enroll', { ...body('alice', DEMO.alice), answers: [] }),
        await stack.post('/api/enroll', { ...body('alice', DEMO.alice), extra: 1 }),
      ];
      expect(refused.map((r) => r.status)).toEqual([401, 403, 401, 401, 400, 400]);
      expect(durableItems(await scanTable(stack.dataDir))).toEqual(before);
    });

    it('audits each outcome with the source address and request id', async () => {
      const response = await stack.post('/api/enroll', body('carol', DEMO.carol), { 'user-agent': 'audit-test' });
      const events = await stack.store.listAudit('carol');
      const event = events.find((e) => e.requestId === response.body.error.requestId);
      expect(event).toMatchObject({
        event: 'enroll',
        outcome: 'NOT_ELIGIBLE',
        reason: 'DISABLED',
        sourceAddress: '127.0.0.1',
        userAgent: 'audit-test',
      });
    });
  });

  describe('secrets stay out of logs and the outbox', () => {
    it('no password or answer appears in any captured log line or outbox message', async () => {
      await stack.post('/api/enroll', body('alice', DEMO.alice, { email: 'alice.second@example.com' }));
      await stack.post('/api/enroll', body('alice', 'Wrong!2026zz'));
      const haystack = `${stack.logs.join('\n')}\n${JSON.stringify(await stack.outboxLines())}`.toLowerCase();
      expect(stack.logs.length).toBeGreaterThan(0);
      for (const secret of [
        ...Object.values(DEMO),
        'Wrong!2026zz',
        'Rex the dog',
        'Springfield Elementary',
        'Blue Volvo',
      ]) {
        expect(haystack).not.toContain(secret.toLowerCase());
      }
    });
  });
}
