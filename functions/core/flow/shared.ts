/** Steps every flow route shares: reading a live flow, blocking a subject, telling the user. */
import type { Config } from '../config.js';
import { directoryPhone, isSmsAllowed, isValidEmail } from '../contacts.js';
import { decoyObjectGuid } from '../decoys.js';
import { type DirectoryAccount, type DirectorySession, DirectoryUnavailableError } from '../directory.js';
import { checkEligibility, type EligibilityResult } from '../eligibility.js';
import { SsprError } from '../errors.js';
import { eligibilityGroups } from '../groups.js';
import { admitAll, smsEnabled, smsLimits, watchSmsVolume } from '../limits.js';
import { type Audit, auditor, type RequestSource } from '../request.js';
import type { Block, Enrollment, FailureKind, Flow } from '../store.js';
import type { FlowPorts } from './ports.js';

/** The live flow (unknown, expired, replaced, failed and finished flows are all FLOW_EXPIRED). */
export async function liveFlow(ports: FlowPorts, tokenHash: string, now: number): Promise<Flow> {
  const flow = await ports.store.getFlow(tokenHash, now);
  if (!flow || flow.step === 'failed' || flow.step === 'done') throw new SsprError('FLOW_EXPIRED');
  // Another request holds it: the loser of a race learns nothing about the winner's outcome.
  if (flow.pending !== null || flow.step === 'claimed') throw new SsprError('WRONG_STEP');
  return flow;
}

/** One conditional write: the next version of the flow, or WRONG_STEP when another request wrote first. */
export async function writeFlow(ports: FlowPorts, flow: Flow, changes: Partial<Flow>): Promise<Flow> {
  const next: Flow = { ...flow, ...changes, version: flow.version + 1 };
  if (!(await ports.store.updateFlow(next))) throw new SsprError('WRONG_STEP');
  return next;
}

/**
 * Runs the action of a claimed flow. When it fails for a reason other than a domain refusal, the claim is released:
 * back to verified after a directory outage (the user may try again), ended for anything else (410 after), so a flow
 * never stays claimed with nothing running.
 */
export async function actOnClaimed<T>(ports: FlowPorts, claimed: Flow, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof SsprError)) {
      const step = error instanceof DirectoryUnavailableError ? 'verified' : 'failed';
      // A write that lost (the action had already moved the flow on) changes nothing.
      await writeFlow(ports, claimed, { step }).catch(() => undefined);
    }
    throw error;
  }
}

/**
 * Whether the account may still use self-service, read again when the password is set or the account unlocked: an
 * account disabled, protected or moved into a deny group since the flow started is refused (the rules of start).
 */
export async function stillEligible(
  ports: FlowPorts,
  session: DirectorySession,
  account: DirectoryAccount,
): Promise<EligibilityResult> {
  const nowMs = ports.clock.now();
  const groups = await eligibilityGroups(ports.directory, ports.config.eligibility, {
    nowMs,
    logger: ports.logger,
    session,
  });
  return checkEligibility('start', account, { nowMs, groups });
}

/**
 * Blocks self-service for the flow's subject after a failure that filled its window. The block is written before the
 * caller fails the flow, so a crash between the two never grants another guess, and only if none is live: parallel
 * blocking failures write one block, told once, and a live block is never pushed out. A new block ends the subject's
 * open flows; a flow that slipped past that (a start racing the block) meets the block at its next step.
 */
export async function blockSubject(
  ports: FlowPorts,
  flow: Flow,
  kind: FailureKind,
  audit: Audit,
  source: RequestSource,
): Promise<void> {
  const { config, store, clock } = ports;
  const now = clock.now();
  const block: Block = { subject: flow.subject, until: now + config.block.hours * 3_600_000, reason: kind };
  if (!(await store.putNewBlock(block, now))) return;
  await Promise.all([store.endOpenFlows(flow.subject), audit(flow.subject, 'block', 'blocked', kind)]);

  // The same directory call on every path, decoy or not (enumeration protection).
  const session = await ports.directory.openSession();
  try {
    const account = await session.findAccount(
      flow.objectGuid ? { by: 'objectGuid', value: flow.objectGuid } : { by: 'sAMAccountName', value: flow.subject },
    );
    const decoyKey = await ports.secrets.decoyKey();
    const enrollment = await store.getEnrollment(account?.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject));
    if (!account || flow.decoy) return;
    if (config.block.lockDirectoryAccount) await lockDirectoryAccount(ports, account, audit, flow.subject);
    await notify(ports, account, enrollment, source, 'self-service-blocked', {
      until: new Date(block.until).toISOString(),
    });
  } finally {
    await session.close();
  }
}

/**
 * AD-PWR's rule, off by default: lock the AD account too, by binding a random value on one DC until it answers 775
 * (at most threshold + 2 binds). With no lockout threshold there is nothing to reach: skipped and audited.
 */
async function lockDirectoryAccount(ports: FlowPorts, account: DirectoryAccount, audit: Audit, subject: string) {
  const session = await ports.directory.openSession();
  try {
    const policy = await session.effectivePolicy(account);
    if (policy.lockoutThreshold === 0) {
      await audit(subject, 'lock-account', 'skipped', 'NO_LOCKOUT_THRESHOLD');
      return;
    }
    for (let i = 0; i < policy.lockoutThreshold + 2; i++) {
      const outcome = await session.verifyPassword(account, randomPassword());
      if (!outcome.ok && outcome.subCode === '775') {
        await audit(subject, 'lock-account', 'locked');
        return;
      }
    }
    await audit(subject, 'lock-account', 'failed');
  } finally {
    await session.close();
  }
}

function randomPassword(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url').slice(0, 32);
}

/** The notices that also go by SMS (DESIGN §4 Notifications): the ones a user must hear of even without e-mail. */
const SMS_NOTICES: readonly string[] = ['password-reset', 'account-unlocked'];

/**
 * The numbers that may be texted for this user: the verified enrolled phones, and the directory mobile when the
 * operator trusts directory contacts (codes.useDirectoryContacts); each in E.164 and in an allowed country. Empty
 * while SMS is off (a cap of 0).
 */
export function smsNumbers(
  account: DirectoryAccount,
  enrollment: Enrollment | null,
  config: Config,
): { enrolled: string[]; directory: string | null } {
  if (!smsEnabled(config)) return { enrolled: [], directory: null };
  const allowed = (number: string | null): number is string =>
    number !== null && isSmsAllowed(number, config.codes.smsCountryCodes);
  const enrolled = (enrollment?.contacts ?? [])
    .filter((c) => c.channel === 'sms' && c.verified)
    .map((c) => c.address)
    .filter(allowed);
  const mobile = config.codes.useDirectoryContacts ? directoryPhone(account.mobile) : null;
  return { enrolled: [...new Set(enrolled)], directory: allowed(mobile) ? mobile : null };
}

/**
 * Tells the user by e-mail: the directory mail and the verified enrolled e-mail addresses, in the enrollment's
 * language (never the request's: an attacker must not choose the victim's language). A reset or an unlock is also
 * texted, to the verified enrolled phone or else the directory mobile, within the SMS caps: a notice over a cap is
 * skipped and audited, never failing what it reports.
 */
export async function notify(
  ports: FlowPorts,
  account: DirectoryAccount,
  enrollment: Enrollment | null,
  source: RequestSource,
  template: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const recipients = new Map<string, string>();
  const verified = (enrollment?.contacts ?? [])
    .filter((c) => c.channel === 'email' && c.verified)
    .map((c) => c.address);
  for (const address of [account.mail, ...verified]) {
    if (address && isValidEmail(address)) recipients.set(address.toLowerCase(), address);
  }
  const now = ports.clock.now();
  const params = {
    displayName: account.displayName ?? account.sAMAccountName,
    at: new Date(now).toISOString(),
    ...(template === 'self-service-blocked' ? {} : { sourceAddress: source.address }),
    ...extra,
  };
  const language = enrollment?.language ?? source.language;
  await Promise.all(
    [...recipients.values()].map((to) => ports.outbox.enqueue({ channel: 'email', to, template, params, language })),
  );

  if (!SMS_NOTICES.includes(template)) return;
  const numbers = smsNumbers(account, enrollment, ports.config);
  const texted = numbers.enrolled.length > 0 ? numbers.enrolled : numbers.directory ? [numbers.directory] : [];
  // The flow's subject: the resolved sAMAccountName, lower-cased, as start keys it.
  const subject = account.sAMAccountName.toLowerCase();
  for (const to of texted) {
    try {
      await admitAll(ports.store, smsLimits(subject, source.address, ports.config), now);
    } catch (error) {
      if (!(error instanceof SsprError) || error.code !== 'RATE_LIMITED') throw error;
      await auditor(ports, source)(subject, 'sms-notice', 'RATE_LIMITED', template);
      continue;
    }
    await ports.outbox.enqueue({ channel: 'sms', to, template, params, language });
    await watchSmsVolume(ports.store, ports.logger, ports.config, now);
  }
}
