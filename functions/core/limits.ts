/**
 * Rate limits and failed-proof limits (DESIGN §3 pinned details, §4 Rate limits) as named counters in fixed windows.
 * Each action has its own bucket per user and per address.
 */
import type { Config } from './config.js';
import { SsprError } from './errors.js';
import type { RateWindow, Store } from './store.js';

export type LimitedAction = 'enroll' | 'start' | 'change' | 'code-send' | 'contact-verify';

export interface Limit {
  counter: string;
  window: RateWindow;
}

export function addressLimit(action: LimitedAction, address: string, config: Config): Limit {
  return { counter: `${action}:address:${address}`, window: config.rateLimits.perAddress };
}

/** Per user: the resolved sAMAccountName when the name resolves, else the reduced typed name (DESIGN §3). */
export function userLimit(action: LimitedAction, userKey: string, config: Config): Limit {
  return { counter: `${action}:user:${userKey}`, window: config.rateLimits.perUser };
}

export function actionLimits(action: LimitedAction, userKey: string, address: string, config: Config): Limit[] {
  return [addressLimit(action, address, config), userLimit(action, userKey, config)];
}

export function failedPasswordLimitForUser(userKey: string, config: Config): Limit {
  return { counter: `failed-password:user:${userKey}`, window: config.rateLimits.failedPasswordsPerUser };
}

export function failedPasswordLimitForAddress(address: string, config: Config): Limit {
  return { counter: `failed-password:address:${address}`, window: config.rateLimits.failedPasswordsPerAddress };
}

/**
 * Admits one event into every limit, or none: when one refuses, the ones already admitted are given back and the
 * request is RATE_LIMITED. Each admission is one conditional write, so parallel requests never exceed a limit.
 */
export async function admitAll(store: Store, limits: Limit[], now: number): Promise<void> {
  const admitted: Limit[] = [];
  for (const limit of limits) {
    const admission = await store.admit(limit.counter, limit.window, now);
    if (!admission.admitted) {
      await giveBackAll(store, admitted, now);
      throw new SsprError('RATE_LIMITED', { retryAfterSeconds: admission.retryAfterSeconds });
    }
    admitted.push(limit);
  }
}

export async function giveBackAll(store: Store, limits: Limit[], now: number): Promise<void> {
  for (const limit of limits) await store.giveBack(limit.counter, limit.window, now);
}
