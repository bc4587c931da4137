/**
 * POST /api/methods/remove never silently takes an account's last way back (docs/recovery.md "Removing the last way
 * back"): a removal after which no alternative of the policy can pass is 400 VALIDATION naming `confirm` unless the
 * request says `confirm: "leave-no-recovery"`; the methods summary says `canRecover` so the page warns before the click.
 * Under preset standards, where the alternatives are few enough to run out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpNow } from '../support/rfc6238.js';
import { DEMO, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from './harness.js';
import { SoftAuthenticator } from './softAuthenticator.js';

const rateLimits = { ...GENEROUS_ACTION_LIMITS, smsPerUserPerDay: 100 };
const ORIGIN = 'http://127.0.0.1:8787';
const LAST_WAY_BACK =
  'After this your account has no way left to reset its password by itself. To remove it anyway, confirm with "leave-no-recovery".';

describe('removing the last way back (preset standards)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { recovery: { preset: 'standards' }, rateLimits } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const session = async (user: keyof typeof DEMO) => {
    const response = await stack.post('/api/methods/session', { username: user, password: DEMO[user] });
    expect(response.status, response.text).toBe(200);
    return response.body as { methodsToken: string; methods: Record<string, unknown> };
  };
  const removedNotices = async (to: string) =>
    (await stack.outboxLines()).filter(
      (line) => line.to === to && line.subject === 'A recovery method was removed from your password self-service',
    );
  const audits = async (user: string, event: string) =>
    (await stack.store.listAudit(user)).filter((e) => e.event === event && e.outcome === 'removed');

  it('judy (directory mail) holds nothing: canRecover false; recovery codes make it true (code, then e-mail)', async () => {
    const first = await session('judy');
    expect(first.methods.canRecover).toBe(false);
    const issued = await stack.post('/api/methods/recovery-codes', { methodsToken: first.methodsToken });
    expect(issued.status).toBe(200);
    expect((await session('judy')).methods.canRecover).toBe(true);
  });

  it('removing the recovery codes would leave nothing: 400 naming `confirm`, and nothing is removed or told', async () => {
    const { methodsToken } = await session('judy');
    const judy = await stack.demo.account('judy');
    const before = await stack.store.getEnrollment(judy.objectGuid);
    const refused = await stack.post('/api/methods/remove', { methodsToken, method: 'recoveryCodes' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION', fields: { confirm: LAST_WAY_BACK } });
    expect(Object.keys(refused.body.error.fields)).toEqual(['confirm']);
    expect((await stack.store.getEnrollment(judy.objectGuid))?.recoveryCodes).toEqual(before?.recoveryCodes);
    expect(await removedNotices('judy@corp.example.test')).toEqual([]);
    expect(await audits('judy', 'recovery-codes')).toEqual([]);

    // Another value is no confirmation: the field is named by the schema.
    const wrong = await stack.post('/api/methods/remove', { methodsToken, method: 'recoveryCodes', confirm: 'yes' });
    expect(wrong.status).toBe(400);
    expect(Object.keys(wrong.body.error.fields)).toEqual(['confirm']);
  });

  it('with an authenticator too, either one may go alone; the second then needs the confirmation', async () => {
    const { methodsToken } = await session('judy');
    const begun = await stack.post('/api/methods/authenticator/begin', { methodsToken });
    expect(begun.status).toBe(200);
    const confirmed = await stack.post('/api/methods/authenticator/confirm', {
      methodsToken,
      code: totpNow(begun.body.secret, stack.clock.now()),
    });
    expect(confirmed.status, confirmed.text).toBe(200);

    const codesGone = await stack.post('/api/methods/remove', { methodsToken, method: 'recoveryCodes' });
    expect(codesGone.status, codesGone.text).toBe(200);
    // The authenticator and the directory mail still pass.
    expect(codesGone.body.methods).toMatchObject({ recoveryCodes: { remaining: 0 }, canRecover: true });

    const refused = await stack.post('/api/methods/remove', { methodsToken, method: 'authenticator' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ confirm: LAST_WAY_BACK });

    const removed = await stack.post('/api/methods/remove', {
      methodsToken,
      method: 'authenticator',
      confirm: 'leave-no-recovery',
    });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.methods).toMatchObject({ authenticator: { enrolled: false }, canRecover: false });
    expect(await audits('judy', 'authenticator')).toHaveLength(1);
    expect(await removedNotices('judy@corp.example.test')).toHaveLength(2);
    // No way left: a reset start is a decoy now, like an unknown name's.
    const judyStart = await stack.post('/api/reset/start', { username: 'judy', purpose: 'reset' });
    const nobody = await stack.post('/api/reset/start', { username: 'nobody-here', purpose: 'reset' });
    expect(judyStart.body.challenge).toEqual(nobody.body.challenge);
  });

  it('a passkey alone passes: removing the only one needs the confirmation, one of two does not', async () => {
    const { methodsToken } = await session('heidi');
    const register = async (name: string) => {
      const begun = await stack.post('/api/methods/passkey/begin', { methodsToken });
      expect(begun.status, begun.text).toBe(200);
      const key = new SoftAuthenticator(ORIGIN);
      const finished = await stack.post('/api/methods/passkey/finish', {
        methodsToken,
        name,
        credential: key.register(begun.body.options),
      });
      expect(finished.status, finished.text).toBe(200);
      return finished.body.passkey.id as string;
    };
    const laptop = await register('Laptop');
    const phone = await register('Phone');
    expect((await session('heidi')).methods.canRecover).toBe(true);

    const one = await stack.post('/api/methods/remove', { methodsToken, method: 'passkey', id: laptop });
    expect(one.status, one.text).toBe(200);
    expect(one.body.methods.canRecover).toBe(true);
    expect(one.body.methods.passkeys).toEqual([expect.objectContaining({ id: phone, name: 'Phone' })]);

    const last = await stack.post('/api/methods/remove', { methodsToken, method: 'passkey', id: phone });
    expect(last.status).toBe(400);
    expect(last.body.error.fields).toEqual({ confirm: LAST_WAY_BACK });
    const confirmed = await stack.post('/api/methods/remove', {
      methodsToken,
      method: 'passkey',
      id: phone,
      confirm: 'leave-no-recovery',
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.methods).toMatchObject({ passkeys: [], canRecover: false });
  });

  it('an account that already could not recover is asked too (heidi: recovery codes, no contact)', async () => {
    const { methodsToken } = await session('heidi');
    const issued = await stack.post('/api/methods/recovery-codes', { methodsToken });
    expect(issued.status).toBe(200);
    expect((await session('heidi')).methods.canRecover).toBe(false);
    const refused = await stack.post('/api/methods/remove', { methodsToken, method: 'recoveryCodes' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ confirm: LAST_WAY_BACK });
  });
});
