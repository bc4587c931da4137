/** What several sections share: the bench's config, answers, and the formatting of figures. */
import { DEMO_PASSWORDS } from '../test/support/demoUsers.js';

/**
 * The config of the steps, connection and enumeration sections: the rules at their defaults, with limits far above
 * what a run sends, so no request of the bench is refused by a limit and every sample is the step's real work.
 * (The load section sets its own, tight per-address limit.)
 */
export const OPEN_LIMITS_CONFIG = {
  rateLimits: {
    perUser: { limit: 1_000_000, windowSeconds: 3600 },
    perAddress: { limit: 1_000_000, windowSeconds: 300 },
    failedPasswordsPerUser: { limit: 1_000_000, windowSeconds: 1800 },
    failedPasswordsPerAddress: { limit: 1_000_000, windowSeconds: 3600 },
    smsPerUserPerDay: 1_000_000,
    smsPerAddressPerDay: 1_000_000,
    smsPerDay: 1_000_000,
  },
};

export const BENCH_ANSWERS = ['Rex the dog', 'Springfield Elementary', 'Blue Volvo'];
export const WRONG_ANSWER = 'definitely not it';
export const DEMO = DEMO_PASSWORDS;

/** A new password that meets the demo policies (length 12+, complexity, no name) and was never used before. */
export function freshPassword(tag: string, i: number | string): string {
  return `Bench!${tag}${i}x${Math.random().toString(36).slice(2, 8)}Q7`;
}

export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
