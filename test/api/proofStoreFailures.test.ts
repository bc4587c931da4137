/**
 * A store that fails around a password proof (DESIGN §4 Password proofs): the failed-proof slots go back as a logged
 * best effort, and the read a change starts beside the bind decides nothing unless the password is proven.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../functions/core/store.js';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';

/** Store methods that throw while their name is in `failing`, as a store that is down would. */
const failing = new Set<keyof Store>();
const failingStore = (store: Store): Store =>
  new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (failing.has(name as keyof Store)) return Promise.reject(new Error(`store down (test): ${String(name)}`));
        return value.apply(target, args);
      };
    },
  });

describe('a store failure around a password proof (in-memory directory)', () => {
  let stack: TestStack;
  const ids = ['first-pet-name', 'birth-city', 'first-school'];

  beforeAll(async () => {
    stack = await startTestStack({ wrapPorts: { store: failingStore } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(async () => {
    failing.clear();
    await stack.demo.applyDemoStates();
  });

  const change = (username: string, oldPassword: string, newPassword: string) =>
    stack.post('/api/change', { username, oldPassword, newPassword });
  const warnings = (message: string) =>
    stack.logs
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level === 'warn' && entry.message === message);

  it('change: slots that cannot go back do not undo a changed password; they stay taken, and it is logged', async () => {
    failing.add('giveBack');
    const changed = await change('alice', DEMO.alice, 'Meadow!2026xa');
    failing.clear();
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toEqual({ passwordChanged: true });
    expect(await stack.demo.verifyPassword('alice', 'Meadow!2026xa')).toEqual({ ok: true });
    expect(warnings('failed-proof slots not given back')).toContainEqual(
      expect.objectContaining({ event: 'change', subject: 'alice', errorName: 'Error' }),
    );

    // The slot that stayed taken counts as a failed proof: two wrong passwords reach the limit of three.
    const wrong = [];
    for (let i = 0; i < 2; i++) wrong.push((await change('alice', 'Wrong!2026zz', 'Meadow!2026xb')).status);
    expect(wrong).toEqual([401, 401]);
    expect((await change('alice', 'Meadow!2026xa', 'Meadow!2026xb')).body.error.code).toBe('RATE_LIMITED');
  });

  it('change: the enrollment read beside the bind fails → 500 before anything is written; the old password stays', async () => {
    failing.add('getEnrollment');
    const refused = await change('bob', DEMO.bob, 'Meadow!2026xc');
    failing.clear();
    expect(refused.status, refused.text).toBe(500);
    expect(refused.body.error.code).toBe('INTERNAL');
    expect(await stack.demo.verifyPassword('bob', DEMO.bob)).toEqual({ ok: true });
    expect(await stack.demo.verifyPassword('bob', 'Meadow!2026xc')).toMatchObject({ ok: false });
  });

  it('change: a wrong password with that read failing beside it is still BAD_CREDENTIALS', async () => {
    failing.add('getEnrollment');
    const refused = await change('judy', 'Wrong!2026zz', 'Meadow!2026xd');
    failing.clear();
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.error.code).toBe('BAD_CREDENTIALS');
  });

  it('enroll: slots that cannot go back do not stop the enrollment; it is logged', async () => {
    failing.add('giveBack');
    const enrolled = await stack.post('/api/enroll', enrollBody(ids, 'heidi', DEMO.heidi));
    failing.clear();
    expect(enrolled.status, enrolled.text).toBe(200);
    expect(enrolled.body.enrolled).toBe(true);
    expect(warnings('failed-proof slots not given back')).toContainEqual(
      expect.objectContaining({ event: 'enroll', subject: 'heidi' }),
    );
  });
});
