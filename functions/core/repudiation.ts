/**
 * "This wasn't me" (issue 16 item 5; NIST SP 800-63B-4 asks for a notice with a way to repudiate after every recovery):
 * every notice of a reset, an unlock, a change, a recovery method added or removed and answers (re)enrolled carries a
 * single-use link. One token per event, shared by every message of the event, stored only as its hash and living
 * notifications.repudiationDays. Using it blocks self-service for the account, ends its open flow and its methods
 * sessions, audits and alerts the operators through the outbox (channel alert: the notifier publishes to the alarm
 * topic; request functions never send). The route says nothing about accounts beyond whether the token was good.
 */
import { SsprError } from './errors.js';
import { addressLimit, admitAll } from './limits.js';
import { ALERT_TEMPLATE, type RepudiableTemplate } from './notifications.js';
import { auditor, type RequestSource } from './request.js';
import type { RequestPorts } from './requestPorts.js';
import type { Block } from './store.js';
import { hashToken, newToken, tokenHashOf } from './tokens.js';

const DAY_MS = 86_400_000;

/** Where an alert item goes: the notifier sends channel alert to the alarm topic, whatever the item names. */
export const ALERT_DESTINATION = 'operators';

export type RepudiationPorts = Pick<RequestPorts, 'store' | 'outbox' | 'clock' | 'config' | 'logger'>;

/**
 * While a report stands, the account's own way back stays closed: enrolling and "your recovery methods" are refused
 * until the helpdesk lifts the block. Whoever made the reported change may know the password, and a password proof is
 * all enrolling asks, so contacts or an authenticator of theirs must not land on the account meanwhile. Asked only
 * after the password was proven: it tells nothing to anyone who could not already sign in. Returned, not thrown, so the
 * caller settles what the proof left running before it refuses.
 */
export async function refusalWhileReported(
  ports: Pick<RequestPorts, 'store' | 'clock'>,
  account: { sAMAccountName: string },
): Promise<SsprError | null> {
  const now = ports.clock.now();
  const block = await ports.store.getBlock(account.sAMAccountName.toLowerCase(), now);
  if (block?.reason !== 'repudiated') return null;
  return new SsprError('BLOCKED', { retryAfterSeconds: Math.ceil((block.until - now) / 1000) });
}

/** When a token issued at `now` stops working. */
export function repudiationExpiry(now: number, days: number): number {
  return now + days * DAY_MS;
}

/**
 * Issues the token of one notice event of the account and stores its hash; the caller puts the token (a secret: the
 * templates that take it are sealed in the outbox) into every e-mail of the event.
 */
export async function issueRepudiation(
  ports: Pick<RequestPorts, 'store' | 'clock' | 'config'>,
  account: { objectGuid: string; sAMAccountName: string },
  event: RepudiableTemplate,
): Promise<string> {
  const token = newToken();
  const now = ports.clock.now();
  await ports.store.createRepudiation({
    tokenHash: hashToken(token),
    objectGuid: account.objectGuid,
    // The flow's subject: the resolved sAMAccountName, lower-cased, as start keys it.
    subject: account.sAMAccountName.toLowerCase(),
    event,
    createdAt: now,
    expiresAt: repudiationExpiry(now, ports.config.notifications.repudiationDays),
    used: false,
    version: 1,
  });
  return token;
}

/**
 * The block a repudiation writes, given the live block (if any): a new one for block.hours, or none when a reported
 * one already lasts at least as long. A repudiation is the user's own report, so unlike a failure it may lengthen a
 * block; a longer block of failures keeps its end but becomes a reported one, as enrolling again lifts a block of
 * failures and never a reported one.
 */
export function repudiationBlock(subject: string, live: Block | null, now: number, hours: number): Block | null {
  const until = now + hours * 3_600_000;
  if (live && live.until >= until) {
    return live.reason === 'repudiated' ? null : { subject, until: live.until, reason: 'repudiated' };
  }
  return { subject, until, reason: 'repudiated' };
}

/**
 * POST /api/repudiate: uses the token once (one conditional write decides between parallel uses), then blocks
 * self-service for its account, ends its open flow and methods sessions, audits and queues the operators' alert. An
 * unknown, expired or used token is FLOW_EXPIRED; an ill-formed one VALIDATION; per address the route is rate limited.
 */
export async function repudiate(
  input: { token: string },
  source: RequestSource,
  ports: RepudiationPorts,
): Promise<{ reported: true }> {
  const { store, clock, config } = ports;
  const tokenHash = tokenHashOf(input.token, 'token');
  const now = clock.now();
  await admitAll(store, [addressLimit('repudiate', source.address, config)], now);
  const record = await store.useRepudiation(tokenHash, now);
  if (!record) throw new SsprError('FLOW_EXPIRED');

  const { subject, event } = record;
  if (!(await store.putNewBlock({ subject, until: now + config.block.hours * 3_600_000, reason: 'repudiated' }, now))) {
    // A live block of failures: kept, or lengthened to a full block from now.
    const longer = repudiationBlock(subject, await store.getBlock(subject, now), now, config.block.hours);
    if (longer) await store.putBlock(longer);
  }
  const audit = auditor(ports, source);
  // Its methods sessions end too: one opened by whoever made the reported change could still add a way in.
  await Promise.all([
    store.endOpenFlows(subject),
    store.endMethodsSessions(subject),
    audit(subject, 'repudiated', 'blocked', event),
  ]);
  await ports.outbox.enqueue({
    channel: 'alert',
    to: ALERT_DESTINATION,
    template: ALERT_TEMPLATE,
    params: { subject, event, at: new Date(now).toISOString(), sourceAddress: source.address },
    language: 'en',
  });
  return { reported: true };
}
