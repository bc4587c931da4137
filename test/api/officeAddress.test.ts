/**
 * Denial of service through an address (issue 15 item 6): the failed password proofs of one name never refuse the
 * other people behind the same address (an office's NAT), while a spray of many names from one address is still
 * slowed. rateLimits.failedPasswordsPerAddress counts names with a failed proof, not failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';
import { ResetClient } from './resetClient.js';

const NAMES_PER_ADDRESS = 5;

let stack: TestStack;
let ids: string[];

beforeAll(async () => {
  stack = await startTestStack({
    config: {
      rateLimits: {
        perUser: { limit: 1000, windowSeconds: 3600 },
        // Out of the way, so what is measured here is the address alone.
        failedPasswordsPerUser: { limit: 1000, windowSeconds: 1800 },
        failedPasswordsPerAddress: { limit: NAMES_PER_ADDRESS, windowSeconds: 3600 },
      },
    },
  });
  ids = (await new ResetClient(stack).loadCatalog()).ids.slice(0, 3);
});

afterAll(async () => {
  await stack?.close();
});

const enrollFrom = (address: string, username: string, password: string) =>
  stack.post('/api/enroll', enrollBody(ids, username, password), {}, address);

describe('failed password proofs from one address', () => {
  it("one name's failures, however many, never refuse another user at that address", async () => {
    const office = '127.0.0.2';
    for (let i = 0; i < 4 * NAMES_PER_ADDRESS; i++) {
      const response = await enrollFrom(office, 'ghost-of-the-office', `Wrong!2026-${i}`);
      expect(response.status, response.text).toBe(401);
    }
    const alice = await enrollFrom(office, 'alice', DEMO.alice);
    expect(alice.status, alice.text).toBe(200);
    // The change route shares the rule.
    const change = await stack.post(
      '/api/change',
      { username: 'bob', oldPassword: DEMO.bob, newPassword: 'Another!2026xyzQ' },
      {},
      office,
    );
    expect(change.status, change.text).toBe(200);
  });

  it('a spray of new names is refused once the address has failed with enough of them', async () => {
    const sprayer = '127.0.0.3';
    for (let i = 0; i < NAMES_PER_ADDRESS; i++) {
      expect((await enrollFrom(sprayer, `sprayed-${i}`, 'Spring!2026')).status).toBe(401);
    }
    const next = await enrollFrom(sprayer, 'sprayed-new', 'Spring!2026');
    expect(next.status).toBe(429);
    expect(next.body.error.code).toBe('RATE_LIMITED');
    expect(next.body.error.retryAfterSeconds).toBeGreaterThan(0);
    // A name already counted there takes no new place: it is not refused by the address.
    expect((await enrollFrom(sprayer, 'sprayed-0', 'Spring!2026')).status).toBe(401);
    // Another address is not touched.
    expect((await enrollFrom('127.0.0.4', 'heidi', DEMO.heidi)).status).not.toBe(429);
  });

  it('a proven password takes no place at its address', async () => {
    const address = '127.0.0.5';
    for (let i = 0; i < NAMES_PER_ADDRESS + 2; i++) {
      const response = await stack.post(
        '/api/change',
        { username: 'judy', oldPassword: i === 0 ? DEMO.judy : `Pine!2026-${i - 1}x`, newPassword: `Pine!2026-${i}x` },
        {},
        address,
      );
      expect(response.status, response.text).toBe(200);
    }
    for (let i = 0; i < NAMES_PER_ADDRESS - 1; i++) {
      expect((await enrollFrom(address, `after-success-${i}`, 'Spring!2026')).status).toBe(401);
    }
  });
});
