import { describe, expect, it } from 'vitest';
import type { DirectoryPolicy } from '../../functions/core/directory.js';
import { badPasswordsNow, CLOCK_SKEW_ALLOWANCE_MS, mayBind } from '../../functions/core/lockoutGuard.js';
import { filetimeFromMs } from '../support/sambaDemo.js';

const policy = (lockoutThreshold: number, lockoutObservationSeconds = 1800): DirectoryPolicy => ({
  source: 'domain',
  minLength: 8,
  complexity: true,
  historyLength: 5,
  minAgeSeconds: 0,
  maxAgeSeconds: 0,
  lockoutThreshold,
  lockoutDurationSeconds: 1800,
  lockoutObservationSeconds,
});

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('badPasswordsNow: the count as AD reads it at the next bind', () => {
  it('keeps a count whose last bad password is inside the observation window', () => {
    const at = filetimeFromMs(NOW - 1799_000);
    expect(badPasswordsNow({ badPwdCount: 2, badPasswordTime: at }, policy(5), NOW)).toBe(2);
  });

  it('reads a count older than the window (and a skew allowance) as 0', () => {
    const justOld = NOW - 1800_000 - CLOCK_SKEW_ALLOWANCE_MS;
    expect(badPasswordsNow({ badPwdCount: 3, badPasswordTime: filetimeFromMs(justOld) }, policy(5), NOW)).toBe(0);
    // Within the allowance the DC may still count it: it still counts here.
    const inAllowance = NOW - 1800_000 - CLOCK_SKEW_ALLOWANCE_MS + 1000;
    expect(badPasswordsNow({ badPwdCount: 3, badPasswordTime: filetimeFromMs(inAllowance) }, policy(5), NOW)).toBe(3);
  });

  it('keeps a count with no time (never read as forgiven)', () => {
    expect(badPasswordsNow({ badPwdCount: 4, badPasswordTime: 0n }, policy(5), NOW)).toBe(4);
  });
});

describe('mayBind: a wrong password never reaches the threshold', () => {
  it('binds below threshold − 2 and refuses from it (DESIGN §4)', () => {
    expect([0, 1, 2, 3, 4].map((count) => mayBind(count, policy(5)))).toEqual([true, true, true, false, false]);
    expect([0, 1, 2].map((count) => mayBind(count, policy(3)))).toEqual([true, false, false]);
  });

  it('at threshold 2 binds only from 0, at threshold 1 never, with none always', () => {
    expect([0, 1].map((count) => mayBind(count, policy(2)))).toEqual([true, false]);
    expect(mayBind(0, policy(1))).toBe(false);
    expect(mayBind(50, policy(0))).toBe(true);
  });

  it('leaves every threshold at least one short after the bind it allows', () => {
    for (let threshold = 1; threshold <= 20; threshold++) {
      for (let count = 0; count < threshold; count++) {
        if (mayBind(count, policy(threshold))) expect(count + 1).toBeLessThan(threshold);
      }
    }
  });
});
