/**
 * Rate limits and failed-proof limits (DESIGN §3 pinned details, §4 Rate limits) as named counters in fixed windows.
 * Each action has its own bucket per user and per address.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from './config.js';
import { SsprError } from './errors.js';
import type { Logger } from './log.js';
import type { RateWindow, Store } from './store.js';

export type LimitedAction = 'enroll' | 'start' | 'change' | 'code-send' | 'contact-verify' | 'methods' | 'repudiate';

export interface Limit {
  counter: string;
  window: RateWindow;
}

/**
 * What a per-address limit counts (DESIGN §4 Rate limits): an IPv4 address as it is, an IPv6 address per /64, since one
 * client (a home, a phone) is routinely handed a whole /64 and could otherwise step through 2^64 addresses. An
 * IPv4-mapped IPv6 address is its IPv4 address. Anything else (no address known) is counted as given.
 */
export function addressKey(address: string): string {
  const plain = address.trim().toLowerCase();
  const mapped = plain.startsWith('::ffff:') ? plain.slice(7) : plain;
  if (isIPv4(mapped)) return mapped;
  // A zone (fe80::1%eth0) names an interface of the receiving host, not another client.
  const withoutZone = plain.split('%')[0] ?? plain;
  if (!isIPv6(withoutZone)) return plain;
  return `${ipv6Groups(withoutZone).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros (an embedded IPv4 tail as two groups). */
function ipv6Groups(address: string): string[] {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

export function addressLimit(action: LimitedAction, address: string, config: Config): Limit {
  return { counter: `${action}:address:${addressKey(address)}`, window: config.rateLimits.perAddress };
}

/**
 * Per user: `userKey` is the name's key (subjects.ts nameKey: the same for every form of a name, hashed so no typed
 * name is kept in clear), or a flow's subject on the steps after start.
 */
export function userLimit(action: LimitedAction, userKey: string, config: Config): Limit {
  return { counter: `${action}:user:${userKey}`, window: config.rateLimits.perUser };
}

export function actionLimits(action: LimitedAction, userKey: string, address: string, config: Config): Limit[] {
  return [addressLimit(action, address, config), userLimit(action, userKey, config)];
}

export function failedPasswordLimitForUser(userKey: string, config: Config): Limit {
  return { counter: `failed-password:user:${userKey}`, window: config.rateLimits.failedPasswordsPerUser };
}

/**
 * Names with a failed password proof from one address (rateLimits.failedPasswordsPerAddress): a spray of many names
 * from one address is slowed, while one name's failures (limited per user anyway) never refuse the other people behind
 * that address, such as an office's NAT. A name counts once per window, on its first failure from the address (see
 * failedPasswordNameAtAddress).
 */
export function failedPasswordLimitForAddress(address: string, config: Config): Limit {
  return {
    counter: `failed-password:address:${addressKey(address)}`,
    window: config.rateLimits.failedPasswordsPerAddress,
  };
}

/** Whether a name already has a failed proof from this address in the window: a latch of one, in the same window. */
export function failedPasswordNameAtAddress(address: string, nameKey: string, config: Config): Limit {
  return {
    counter: `failed-password:address-name:${addressKey(address)}:${nameKey}`,
    window: { limit: 1, windowSeconds: config.rateLimits.failedPasswordsPerAddress.windowSeconds },
  };
}

/** SMS caps count per day (DESIGN §4 Rate limits, §6 rateLimits.sms*PerDay): fixed windows of a UTC day. */
export const SMS_WINDOW_SECONDS = 86_400;

/** The share of rateLimits.smsPerDay, in percent, at which the operator is warned (the alarm reads that log line). */
export const SMS_WARNING_PERCENT = 80;

export const SMS_WARNING_MESSAGE = 'sms daily volume at 80 %';

function smsTotalLimit(config: Config): Limit {
  return { counter: 'sms:total', window: { limit: config.rateLimits.smsPerDay, windowSeconds: SMS_WINDOW_SECONDS } };
}

/**
 * The caps every SMS counts against, code or notice: per user, per address and in total, each per day. The total
 * comes last, so a refusal by a narrower cap never touches the counter that all users share.
 */
export function smsLimits(userKey: string, address: string, config: Config): Limit[] {
  const day = (limit: number): RateWindow => ({ limit, windowSeconds: SMS_WINDOW_SECONDS });
  return [
    { counter: `sms:user:${userKey}`, window: day(config.rateLimits.smsPerUserPerDay) },
    { counter: `sms:address:${addressKey(address)}`, window: day(config.rateLimits.smsPerAddressPerDay) },
    smsTotalLimit(config),
  ];
}

/** A cap of 0 is how an operator turns SMS off: no number is offered for a code a cap would refuse every time. */
export function smsEnabled(config: Config): boolean {
  const { smsPerUserPerDay, smsPerAddressPerDay, smsPerDay } = config.rateLimits;
  return smsPerUserPerDay > 0 && smsPerAddressPerDay > 0 && smsPerDay > 0;
}

/**
 * Called after an SMS was admitted: warns once per day when the total reaches SMS_WARNING_PERCENT of smsPerDay. Every
 * send at or past the mark sees a count over it, so a one-event latch counter in the same daily window decides which
 * one warns: exactly one, also when parallel sends cross together.
 */
export async function watchSmsVolume(store: Store, logger: Logger, config: Config, now: number): Promise<void> {
  const total = smsTotalLimit(config);
  // In integers: 15 * 0.8 is 12.000000000000002 in floating point, which would put the mark at 13.
  const mark = Math.ceil((total.window.limit * SMS_WARNING_PERCENT) / 100);
  if (mark < 1) return;
  const count = await store.count(total.counter, total.window, now);
  if (count < mark) return;
  const latch = await store.admit('sms:total:warned', { limit: 1, windowSeconds: SMS_WINDOW_SECONDS }, now);
  if (latch.admitted) logger.warn(SMS_WARNING_MESSAGE, { event: 'sms-volume', count });
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

/**
 * admitAll's contract with the admissions made side by side: one round trip instead of one per limit. A refused one
 * gives back the others, so the counters end as admitAll leaves them; in between, a parallel request may see one
 * more than will stay (stricter, never looser). Not for the SMS caps, where the shared total must not move when a
 * narrower cap refuses.
 */
export async function admitTogether(store: Store, limits: Limit[], now: number): Promise<void> {
  const admissions = await Promise.all(limits.map((limit) => store.admit(limit.counter, limit.window, now)));
  const refused = admissions.find((admission) => !admission.admitted);
  if (!refused) return;
  await giveBackAll(
    store,
    limits.filter((_, i) => admissions[i]?.admitted),
    now,
  );
  throw new SsprError('RATE_LIMITED', { retryAfterSeconds: refused.retryAfterSeconds });
}

/** Giving back only ever relaxes a limit, so the counters go back together; a crash midway leaves them stricter. */
export async function giveBackAll(store: Store, limits: Limit[], now: number): Promise<void> {
  await Promise.all(limits.map((limit) => store.giveBack(limit.counter, limit.window, now)));
}
