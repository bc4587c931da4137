/**
 * Password proofs never lock an AD account (issue 15 items 1 and 2, DESIGN §4 Password proofs), through the HTTP API
 * on a directory that answers with network delay, as a DC reached over a VPN does: the in-memory stand-in behind
 * test/support/directoryLatency.ts, or Samba AD behind test/support/tcpProxy.ts. Without the delay every directory
 * call of the stand-in ends in the same tick and parallel proofs never overlap.
 *
 * - Bursts of wrong passwords for paula (PSO, locks after 3), in parallel, on change and on enroll: with the default
 *   failed-proof limits, and with them out of the way (the bind lease and the badPwdCount guard alone must hold).
 * - judy (domain policy, locks after 5): wrong passwords just before and just after a failed-proof window boundary,
 *   all in flight together (a short window and a clock the test moves, so the boundary is crossed on purpose).
 * - The guard reads AD's count as AD does: a count older than the lockout observation window is 0; a guard refusal is
 *   a wrong password's answer, without a bind.
 *
 * Afterwards each user is not locked, her count stays within the guard's margin (threshold − 2: a bind is only made
 * below it) and her right password still binds.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryAccount } from '../../functions/core/directory.js';
import { CLOCK_SKEW_ALLOWANCE_MS } from '../../functions/core/lockoutGuard.js';
import type { DirectoryKind } from '../support/demoDirectory.js';
import { type MovableClock, movableClock, nextWindowBoundary } from '../support/movableClock.js';
import { applySambaDemoStates, loadSambaEnv, setLockoutObservationSeconds } from '../support/sambaDemo.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';
import {
  type ApiResponse,
  DEMO,
  enrollBody,
  GENEROUS_ACTION_LIMITS,
  startTestStack,
  type TestStack,
  type TestStackOptions,
} from './harness.js';
import { sleep } from './resetClient.js';

export interface ProofLockoutTarget {
  directory: DirectoryKind;
  /** Round trip added to every directory call (in-memory) or every LDAP exchange (Samba, half each way). */
  roundTripMs: number;
}

type Route = 'change' | 'enroll';
type User = 'paula' | 'judy';

const ROUTES: Route[] = ['change', 'enroll'];
/** README: paula's PSO locks after 3 bad passwords, the domain policy (judy) after 5; both observe 30 minutes. */
const THRESHOLD: Record<User, number> = { paula: 3, judy: 5 };
const OBSERVATION_SECONDS = 30 * 60;
const LOCKOUT = 0x10;
/** Bursts take a few directory round trips per request; this bounds them on a loaded machine, 200 ms latency included. */
const BURST_TIMEOUT_MS = 180_000;
/** Every test starts its own stack (and on Samba re-applies the demo states): more than vitest's default 30 s at 3×. */
const TEST_TIMEOUT_MS = 120_000;

const wrongPassword = (i: number) => `Wrong!${i}x${randomBytes(3).toString('hex')}Q`;
/** Long enough for paula's PSO (12), no demo name in it, never used before (Samba keeps each account's history). */
const freshPassword = () => `Tulip!${randomBytes(6).toString('hex')}Q`;

/**
 * What the tests watch of the handlers' directory: sessions opened, and verifyPassword calls in flight per account
 * (the most at once is what "at most one password bind per account in flight" is about).
 */
function directoryWatch() {
  const inFlight = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const watch = {
    sessions: 0,
    answered: 0,
    mostBindsInFlight: 0,
    reset() {
      watch.sessions = 0;
      watch.answered = 0;
      watch.mostBindsInFlight = 0;
    },
    changed() {
      for (const waiter of waiters.splice(0)) waiter();
    },
    /** Resolves once the condition holds, checked at every session opened and every response. */
    async until(condition: () => boolean) {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    onCall(method: string, args: readonly unknown[]): undefined | (() => void) {
      if (method === 'openSession') {
        watch.sessions += 1;
        watch.changed();
        return undefined;
      }
      if (method !== 'verifyPassword') return undefined;
      const dn = (args[0] as DirectoryAccount).dn.toLowerCase();
      const now = (inFlight.get(dn) ?? 0) + 1;
      inFlight.set(dn, now);
      watch.mostBindsInFlight = Math.max(watch.mostBindsInFlight, now);
      return () => inFlight.set(dn, (inFlight.get(dn) ?? 1) - 1);
    },
  };
  return watch;
}

export function describeProofLockout(target: ProofLockoutTarget) {
  const samba = target.directory === 'samba' ? loadSambaEnv() : null;
  const watch = directoryWatch();
  let proxy: TcpProxy | undefined;
  let questionIds: string[] = [];

  beforeAll(async () => {
    if (target.directory !== 'samba') return;
    if (!samba) throw new Error('SSPR_TEST_AD is set but Samba is not running: `bash scripts/samba-ad.sh start`');
    const dc = new URL(samba.SSPR_LDAP_URL);
    proxy = await startTcpProxy(dc.hostname, Number(dc.port || 636), { delayMs: target.roundTripMs / 2 });
  });

  afterAll(async () => {
    await proxy?.close();
    // The next Samba suite finds the demo states of DESIGN §7 (policies, counts and passwords included).
    if (samba) await applySambaDemoStates(samba);
  });

  /** A stack on the target, with the latency (or, on Samba, the proxy) and the watch, this config and clock. */
  async function startStack(config: unknown, clock?: MovableClock): Promise<TestStack> {
    const options: TestStackOptions = {
      directory: target.directory,
      config,
      ...(clock ? { clock } : {}),
      directoryLatency: {
        // Samba's delay is in the proxy; the wrapper only watches there.
        latency: target.directory === 'memory' ? target.roundTripMs : 0,
        onCall: (method, args) => watch.onCall(method, args),
      },
      ...(proxy ? { ldap: { urls: [`ldaps://127.0.0.1:${proxy.port}`] } } : {}),
    };
    const stack = await startTestStack(options);
    questionIds = (await stack.request('GET', '/api/config')).body.questions.map((q: { id: string }) => q.id);
    return stack;
  }

  /** Every demo user back in her state (count, lockout, password, policies) and the watch cleared, before a test. */
  async function fresh(stack: TestStack) {
    await stack.demo.applyDemoStates();
    watch.reset();
  }

  /** One stack for the tests of a describe whose counters do not get in each other's way. */
  function sharedStack(config: unknown, clock?: MovableClock) {
    const shared: { stack?: TestStack } = {};
    beforeAll(async () => {
      shared.stack = await startStack(config, clock);
    });
    beforeEach(async () => {
      if (shared.stack) await fresh(shared.stack);
    });
    afterAll(async () => {
      await shared.stack?.close();
    });
    return () => {
      if (!shared.stack) throw new Error('the shared stack did not start');
      return shared.stack;
    };
  }

  /** A password proof on a route; its response is counted for watch.until. */
  async function prove(t: TestStack, route: Route, username: string, password: string): Promise<ApiResponse> {
    const response =
      route === 'change'
        ? await t.post('/api/change', { username, oldPassword: password, newPassword: freshPassword() })
        : await t.post('/api/enroll', enrollBody(questionIds, username, password));
    watch.answered += 1;
    watch.changed();
    return response;
  }

  /** A refused wrong password: BAD_CREDENTIALS, or RATE_LIMITED by the failed-proof limits; never anything else. */
  function expectRefused(responses: ApiResponse[]) {
    for (const response of responses) {
      const expected = response.status === 429 ? 'RATE_LIMITED' : 'BAD_CREDENTIALS';
      expect([401, 429], response.text).toContain(response.status);
      expect(response.body.error.code).toBe(expected);
    }
  }

  /**
   * Not locked, the count within the guard's margin, the right password binds (which clears the count); with
   * `viaApi`, the route then accepts the right password too (where the failed-proof limits leave room for it).
   */
  async function expectStillUsable(t: TestStack, user: User, route: Route, viaApi: boolean) {
    const account = await t.demo.account(user);
    expect(account.computedUserAccountControl & LOCKOUT, `${user} is locked out`).toBe(0);
    expect(account.badPwdCount).toBeLessThanOrEqual(THRESHOLD[user] - 2);
    expect(watch.mostBindsInFlight, 'password binds for one account in flight at once').toBeLessThanOrEqual(1);
    expect(await t.demo.verifyPassword(user, DEMO[user])).toEqual({ ok: true });
    if (viaApi) {
      const right = await prove(t, route, user, DEMO[user]);
      expect(right.status, right.text).toBe(200);
    }
  }

  const label = `${target.directory === 'memory' ? 'in-memory directory' : 'Samba AD'}, ${target.roundTripMs} ms round trip`;

  describe(`password proofs never lock an account (${label})`, () => {
    describe('paula (locks after 3), 3 parallel wrong passwords, default limits', () => {
      // A stack each: the default failed-proof limit (3 per name per 30 minutes) is used up by one test.
      let own: TestStack | undefined;
      afterEach(async () => {
        await own?.close();
        own = undefined;
      });

      for (const route of ROUTES) {
        it(
          `on ${route} → not locked, count ≤ 1, her password binds`,
          async () => {
            own = await startStack({});
            await fresh(own);
            const t = own;
            expectRefused(await Promise.all([0, 1, 2].map((i) => prove(t, route, 'paula', wrongPassword(i)))));
            // The failed-proof limit is used up: her right password is checked by a bind only.
            await expectStillUsable(t, 'paula', route, false);
          },
          BURST_TIMEOUT_MS,
        );
      }
    });

    describe('failed-proof limits out of the way: the bind lease and the guard alone', () => {
      const clock = movableClock();
      const stack = sharedStack({ rateLimits: GENEROUS_ACTION_LIMITS }, clock);

      for (const route of ROUTES) {
        it(
          `paula, 20 parallel wrong passwords on ${route} → not locked, count ≤ 1, ${route} works`,
          async () => {
            const t = stack();
            const wrong = Array.from({ length: 20 }, (_, i) => prove(t, route, 'paula', wrongPassword(i)));
            expectRefused(await Promise.all(wrong));
            await expectStillUsable(t, 'paula', route, true);
          },
          BURST_TIMEOUT_MS,
        );
      }

      for (const [user, route] of [
        ['paula', 'enroll'],
        ['paula', 'change'],
        ['judy', 'enroll'],
      ] as const) {
        it(
          `${user}: threshold − 1 bad passwords older than the observation window count as 0 → ${route} works`,
          async () => {
            const t = stack();
            const observationSeconds = samba ? 3 : OBSERVATION_SECONDS;
            // Samba: the window shortened on the DC (the PSO's for paula, the domain's for judy), then waited out for
            // real: AD forgives by time only, and no event says when. (fresh() puts the 30 minutes back.)
            if (samba)
              await setLockoutObservationSeconds(samba, user === 'paula' ? 'pso' : 'domain', observationSeconds);
            for (let i = 0; i < THRESHOLD[user] - 1; i++) {
              expect(await t.demo.verifyPassword(user, wrongPassword(i))).toEqual({ ok: false, subCode: '52e' });
            }
            const lastBadPassword = Date.now();
            expect((await t.demo.account(user)).badPwdCount).toBe(THRESHOLD[user] - 1);
            if (samba) await sleep(Math.max(0, lastBadPassword + (observationSeconds + 1) * 1000 - Date.now()));
            // In memory the stand-in and the guard share the stack's clock: moving it lets the window pass.
            else clock.advance((observationSeconds + 1) * 1000);
            // The guard reads a count as forgiven only CLOCK_SKEW_ALLOWANCE_MS after the window (a DC's clock may lag
            // ours); this DC keeps the stack's time, so the stack's clock is moved on by that allowance as well. On
            // Samba the few minutes it gains over these tests are far inside the 30-minute window of the others.
            clock.advance(CLOCK_SKEW_ALLOWANCE_MS);

            const response = await prove(t, route, user, DEMO[user]);
            expect(response.status, response.text).toBe(200);
            // Not badPwdCount 0: Samba leaves a forgiven count stored after a good bind (it reads it as 0 and writes
            // nothing), the stand-in clears it.
            expect((await t.demo.account(user)).computedUserAccountControl & LOCKOUT).toBe(0);
          },
          TEST_TIMEOUT_MS,
        );
      }

      it(
        'a guard refusal is a wrong password: 401 BAD_CREDENTIALS, the same body, no Retry-After, no bind',
        async () => {
          const t = stack();
          // One bad password elsewhere (a Windows logon): 1 ≥ 3 − 2, so the guard refuses paula's right password.
          expect(await t.demo.verifyPassword('paula', wrongPassword(0))).toEqual({ ok: false, subCode: '52e' });
          /** What an observer sees: the status, the body without its request id, the Retry-After header. */
          const seen = (response: ApiResponse) => {
            const { requestId, ...error } = response.body?.error ?? {};
            expect(requestId).toEqual(expect.any(String));
            return { status: response.status, error, retryAfter: response.headers.get('retry-after') };
          };
          for (const route of ROUTES) {
            const guarded = seen(await prove(t, route, 'paula', DEMO.paula));
            expect(guarded).toEqual(seen(await prove(t, route, 'alice', wrongPassword(1))));
            expect(guarded).toEqual(seen(await prove(t, route, 'nobody.here', wrongPassword(2))));
            expect(guarded).toEqual({
              status: 401,
              error: { code: 'BAD_CREDENTIALS', message: expect.any(String) },
              retryAfter: null,
            });
          }
          // No bind: her right password would have cleared the count, a wrong one raised it.
          expect((await t.demo.account('paula')).badPwdCount).toBe(1);
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('judy (locks after 5) across a failed-proof window boundary', () => {
      // 3 failed proofs per name per minute: the three after the boundary are admitted by the limit again.
      const WINDOW_SECONDS = 60;
      const clock = movableClock();
      const stack = sharedStack(
        {
          rateLimits: {
            ...GENEROUS_ACTION_LIMITS,
            failedPasswordsPerUser: { limit: 3, windowSeconds: WINDOW_SECONDS },
          },
        },
        clock,
      );

      for (const route of ROUTES) {
        it(
          `3 wrong passwords on ${route} just before the boundary and 3 just after, in flight together → judy not locked`,
          async () => {
            const t = stack();
            // A boundary with an unused window before it (the previous test used the one it crossed into), at least
            // 10 s ahead so the clock only moves forward: by two windows at most, far inside the 30-minute
            // observation window, so on Samba the guard still reads the DC's fresh counts as fresh.
            const boundary = nextWindowBoundary(clock.now() + (WINDOW_SECONDS + 10) * 1000, WINDOW_SECONDS);
            clock.set(boundary - 10_000);
            const before = [0, 1, 2].map((i) => prove(t, route, 'judy', wrongPassword(i)));
            // Each of the three got past the limits to the directory (or was already answered): they are counted in
            // the window before the boundary.
            await watch.until(() => watch.sessions + watch.answered >= 3);
            expect(clock.now()).toBeLessThan(boundary);
            clock.set(boundary + 100);
            const after = [3, 4, 5].map((i) => prove(t, route, 'judy', wrongPassword(i)));
            const responses = await Promise.all([...before, ...after]);
            // None was refused by the failed-proof limit: three in each window, so all six reached the guard.
            expect(responses.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
            expectRefused(responses);
            await expectStillUsable(t, 'judy', route, false);
          },
          BURST_TIMEOUT_MS,
        );
      }
    });
  });
}
