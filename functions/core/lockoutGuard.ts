/**
 * The lockout guard of password proofs (DESIGN §4 Password proofs): no proof, however many run at once or however
 * they fall across our own windows, takes an AD account to its lockout threshold.
 *
 * Two parts. A lease per name (taken before the account is read, one conditional write) lets at most one password bind
 * per account be in flight, so the badPwdCount read after it is the count the DC will add to. The count is then read
 * as AD reads it (older than the observation window: 0), and a bind only runs while a wrong password still leaves the
 * account short of the threshold with room to spare for the user's own logons elsewhere.
 */
import type { Config } from './config.js';
import type { BadPasswords, DirectoryPolicy } from './directory.js';
import { filetimeToMs } from './eligibility.js';

/**
 * How far a DC's clock may be behind ours when we judge a count as too old to count: a count the DC still counts must
 * never read as 0 here. Domain members and Lambda both keep time by NTP; a minute is generous for that.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 60_000;

/** The count as AD will see it at the next bind: one whose last bad password is older than the window is 0. */
export function badPasswordsNow(bad: BadPasswords, policy: DirectoryPolicy, nowMs: number): number {
  if (bad.badPwdCount <= 0) return 0;
  if (bad.badPasswordTime <= 0n) return bad.badPwdCount;
  const observationMs = policy.lockoutObservationSeconds * 1000;
  const lastMs = filetimeToMs(bad.badPasswordTime);
  return lastMs + observationMs + CLOCK_SKEW_ALLOWANCE_MS <= nowMs ? 0 : bad.badPwdCount;
}

/**
 * Whether a bind may run at this count. DESIGN §4: refused at threshold − 2 and above, so a wrong guess leaves the
 * account two short. Two thresholds make that rule say "never": at 2 one wrong bind still leaves one short, so one
 * may run from 0; at 1 any wrong bind locks, so none runs. With no threshold (0) accounts never lock.
 */
export function mayBind(count: number, policy: DirectoryPolicy): boolean {
  const threshold = policy.lockoutThreshold;
  if (threshold <= 0) return true;
  return count < Math.max(threshold - 2, 1) && count + 1 < threshold;
}

/** The lease's name: one per name key, and so one per account (subjects.ts nameKey of its sAMAccountName). */
export function bindLeaseName(nameKey: string): string {
  return `password-bind:${nameKey}`;
}

/**
 * How long a lease holds if its holder never gives it back (a crashed function): past the longest a proof may take
 * from the lease to the DC's answer to its bind (the lookup, the policy read and the bind, each within the operation
 * timeout, the bind's connection within the connect timeout), so a lease never runs out under a bind still in flight.
 */
export function bindLeaseMs(config: Config): number {
  return config.directory.connectTimeoutMs + 4 * config.directory.operationTimeoutMs;
}
