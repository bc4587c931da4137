/**
 * Rate limits and failed-proof limits on enroll with the default config (DESIGN §3 pinned details, §4 Password proofs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryKind } from '../support/demoDirectory.js';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';

export function describeEnrollLimits(directory: DirectoryKind) {
  let stack: TestStack;
  const ids = ['first-pet-name', 'birth-city', 'first-school'];

  beforeAll(async () => {
    stack = await startTestStack({ directory });
    await stack.demo.applyDemoStates();
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('failed password proofs per name', () => {
    it('give RATE_LIMITED before AD would lock, and the user can still bind', async () => {
      const wrong = await Promise.all(
        [1, 2, 3].map(() => stack.post('/api/enroll', enrollBody(ids, 'bob', 'Wrong!2026zz'))),
      );
      expect(wrong.map((r) => r.status)).toEqual([401, 401, 401]);

      const refused = await stack.post('/api/enroll', enrollBody(ids, 'bob', DEMO.bob));
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(refused.body.error.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.body.error.retryAfterSeconds).toBeLessThanOrEqual(1800);
      expect(refused.headers.get('retry-after')).toBe(String(refused.body.error.retryAfterSeconds));

      // One bind per account in flight: parallel guesses that found the lease taken were refused without a bind.
      const bob = await stack.demo.account('bob');
      expect(bob.badPwdCount).toBeGreaterThanOrEqual(1);
      expect(bob.badPwdCount).toBeLessThanOrEqual(3);
      expect(bob.computedUserAccountControl & 0x10).toBe(0);
      expect(await stack.demo.verifyPassword('bob', DEMO.bob)).toEqual({ ok: true });
    });

    it('parallel wrong guesses never exceed the limit', async () => {
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => stack.post('/api/enroll', enrollBody(ids, 'judy', 'Wrong!2026zz'))),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      const { badPwdCount } = await stack.demo.account('judy');
      expect(badPwdCount).toBeGreaterThanOrEqual(1);
      expect(badPwdCount).toBeLessThanOrEqual(3);
    });

    it('unknown names are limited the same way', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await stack.post('/api/enroll', enrollBody(ids, 'ghost', 'Whatever!2026'))).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    });

    it('a UPN and the plain name share the resolved account’s limit', async () => {
      await stack.post('/api/enroll', enrollBody(ids, 'heidi', 'Wrong!2026zz'));
      await stack.post('/api/enroll', enrollBody(ids, 'CORP\\heidi', 'Wrong!2026zz'));
      await stack.post('/api/enroll', enrollBody(ids, 'heidi@corp.example.test', 'Wrong!2026zz'));
      const fourth = await stack.post('/api/enroll', enrollBody(ids, 'heidi@corp.example.test', DEMO.heidi));
      expect(fourth.status).toBe(429);
    });

    it('a successful proof does not reset the failed-proof count', async () => {
      await stack.post('/api/enroll', enrollBody(ids, 'alice', 'Wrong!2026zz'));
      await stack.post('/api/enroll', enrollBody(ids, 'alice', 'Wrong!2026zz'));
      expect((await stack.post('/api/enroll', enrollBody(ids, 'alice', DEMO.alice))).status).toBe(200);
      expect((await stack.post('/api/enroll', enrollBody(ids, 'alice', 'Wrong!2026zz'))).status).toBe(401);
      expect((await stack.post('/api/enroll', enrollBody(ids, 'alice', DEMO.alice))).status).toBe(429);
    });
  });

  describe('the badPwdCount guard', () => {
    it('refuses a bind when the DC already counts threshold − 2 bad passwords, as a wrong password', async () => {
      // paula's PSO locks after 3: one bad password elsewhere (e.g. at a Windows logon) leaves room for no guess here.
      expect(await stack.demo.verifyPassword('paula', 'Wrong!2026zz')).toEqual({ ok: false, subCode: '52e' });
      const response = await stack.post('/api/enroll', enrollBody(ids, 'paula', DEMO.paula));
      // Nothing in the answer comes from the DC: the same 401 a wrong password gets, no retryAfterSeconds.
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: expect.objectContaining({ code: 'BAD_CREDENTIALS' }) });
      expect(response.body.error.retryAfterSeconds).toBeUndefined();
      expect((await stack.demo.account('paula')).badPwdCount).toBe(1);
    });
  });

  describe('enroll requests per user', () => {
    it('the 11th request within the hour is RATE_LIMITED, and a VALIDATION refusal is not counted', async () => {
      for (let i = 0; i < 5; i++) {
        const invalid = await stack.post('/api/enroll', { ...enrollBody(ids, 'frank', DEMO.frank), answers: [] });
        expect(invalid.status).toBe(400);
      }
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await stack.post('/api/enroll', enrollBody(ids, 'frank', DEMO.frank))).status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });
}
