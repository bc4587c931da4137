/**
 * An account whose UPN prefix is not its sAMAccountName (judy, UPN juniper.j@corp.example.test): both forms reach
 * one failed-proof bucket and one bind lease, those of the account's own name (core/passwordProof.ts, the moved
 * path), so mixing the forms buys no extra guess and no second bind in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySeed } from '../../local/memoryDirectory.js';
import { DEMO, enrollBody, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from './harness.js';
import { ResetClient } from './resetClient.js';

const UPN = 'juniper.j@corp.example.test';

const withOtherUpn = (seed: DirectorySeed): DirectorySeed => ({
  ...seed,
  accounts: seed.accounts.map((account) =>
    account.sAMAccountName === 'judy' ? { ...account, userPrincipalName: UPN } : account,
  ),
});

let stack: TestStack;
let ids: string[];

beforeAll(async () => {
  stack = await startTestStack({ memorySeed: withOtherUpn });
  ids = (await new ResetClient(stack).loadCatalog()).ids.slice(0, 3);
});

afterAll(async () => {
  await stack?.close();
});

describe('a UPN whose prefix is not the sAMAccountName', () => {
  it('shares the failed-proof bucket of the account, whichever form comes first', async () => {
    const statuses: number[] = [];
    for (const typed of [UPN, 'judy', UPN, 'CORP\\judy']) {
      statuses.push((await stack.post('/api/enroll', enrollBody(ids, typed, 'Wrong!2026zz'))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('echoes the UPN prefix as typed on a start, never the sAMAccountName it resolved to', async () => {
    const started = await stack.post('/api/reset/start', { username: 'Juniper.J@CORP.example.test', purpose: 'reset' });
    expect(started.status, started.text).toBe(200);
    // judy exists and holds that UPN; echoing "judy" would tell so (and a made-up prefix echoes as itself).
    expect(started.body.username).toBe('juniper.j');
  });

  it('binds one proof at a time across both forms: parallel wrong guesses leave room below the threshold', async () => {
    const fresh = await startTestStack({
      memorySeed: withOtherUpn,
      config: { rateLimits: GENEROUS_ACTION_LIMITS },
      directoryLatency: { latency: 20 },
    });
    try {
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          fresh.post('/api/change', {
            username: i % 2 === 0 ? UPN : 'judy',
            oldPassword: `Wrong!2026-${i}`,
            newPassword: 'Another!2026xyzQ',
          }),
        ),
      );
      expect(responses.every((r) => r.status === 401)).toBe(true);
      const judy = await fresh.demo.account('judy');
      // Domain policy: lockout after 5; a bind runs only below 3.
      expect(judy.badPwdCount).toBeLessThanOrEqual(3);
      expect(judy.computedUserAccountControl & 0x10).toBe(0);
      const right = await fresh.post('/api/change', {
        username: UPN,
        oldPassword: DEMO.judy,
        newPassword: 'Another!2026xyzQ',
      });
      expect(right.status, right.text).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
