import type { Config } from './config.js';
import { isValidEmail } from './contacts.js';
import type { DirectoryAccount, DirectorySession } from './directory.js';
import { isHiddenAccount } from './eligibility.js';
import { SsprError } from './errors.js';
import { admitAll, smsLimits } from './limits.js';
import { smsNumbers } from './notices.js';
import type { RequestPorts } from './requestPorts.js';
import type { AuditEvent, Block, Enrollment } from './store.js';
import { reduceUsername } from './username.js';

/** The audit event names of helpdesk actions (the outcome says what happened). */
export const HELPDESK_EVENTS = {
  /** outcome `unblocked` (a block was lifted) or `not-blocked` (only failure counts were cleared). */
  unblock: 'helpdesk-unblock',
  /** outcome `removed`; reason: how many notices were queued, e.g. `notified:2`. */
  unenroll: 'helpdesk-unenroll',
} as const;

/** Who acted, and from where: recorded in every audit event a helpdesk action writes. */
export interface Operator {
  /** e.g. `jdoe` (from --operator), or `root@host` (the OS user) by default. */
  name: string;
  /** e.g. `cli:host` (there is no client IP address for a command line). */
  address: string;
  /** e.g. `sspr-cli/0.1.0`. */
  tool: string;
  /** One id per command run, shared by the events it writes. */
  requestId: string;
}

export function recordOperatorAudit(
  ports: Pick<RequestPorts, 'store' | 'clock' | 'config'>,
  operator: Operator,
  subject: string,
  event: string,
  outcome: string,
  reason?: string,
): Promise<void> {
  const record: AuditEvent = {
    subject,
    at: ports.clock.now(),
    event,
    outcome,
    ...(reason ? { reason } : {}),
    sourceAddress: operator.address,
    userAgent: operator.tool,
    requestId: operator.requestId,
    operator: operator.name,
  };
  return ports.store.recordAudit(record, ports.config.audit.retentionDays);
}

export type UserLookup =
  /** The account, as the request functions resolve it; subject = its sAMAccountName lower-cased. */
  | { found: true; subject: string; account: DirectoryAccount }
  /** No such account (or one self-service never shows): `name` is the form-independent name (username.ts). */
  | { found: false; name: string }
  /** Not a name in any of the accepted forms. */
  | { found: false; name: null };

/**
 * Resolves a name the way start and enroll do (DESIGN §3 Usernames), so the subject matches the one their counters,
 * blocks and audit events use. Hidden accounts (RID 500–502, krbtgt, the bind account, non-users) are not found.
 */
export async function lookUpUser(
  session: DirectorySession,
  serviceAccountDn: string,
  config: Config,
  typed: string,
): Promise<UserLookup> {
  const reduced = reduceUsername(typed, config.domain);
  if (!reduced.ok) return { found: false, name: null };
  const account = await session.findAccount(reduced.lookup);
  if (!account || isHiddenAccount(account, serviceAccountDn)) return { found: false, name: reduced.name };
  return { found: true, subject: account.sAMAccountName.toLowerCase(), account };
}

export interface UnblockResult {
  /** The block that was lifted, or null when there was none in force. */
  block: Block | null;
  /** Failure counts in the current windows before they were cleared. */
  failures: { answer: number; code: number };
}

/**
 * Lifts the subject's block and clears its failure counts (otherwise the next failure would block again at once), in
 * one request.
 */
export async function unblockSubject(
  ports: Pick<RequestPorts, 'store' | 'clock' | 'config'>,
  operator: Operator,
  subject: string,
): Promise<UnblockResult> {
  const now = ports.clock.now();
  const block = await ports.store.getBlock(subject, now);
  const failures = {
    answer: await ports.store.failureCount(subject, 'answer', now),
    code: await ports.store.failureCount(subject, 'code', now),
  };
  await ports.store.clearBlockAndFailures(subject);
  const cleared = `failures:${failures.answer}+${failures.code}`;
  await recordOperatorAudit(
    ports,
    operator,
    subject,
    HELPDESK_EVENTS.unblock,
    block ? 'unblocked' : 'not-blocked',
    block ? `${block.reason};${cleared}` : cleared,
  );
  return { block, failures };
}

export type UnenrollResult =
  | { removed: true; enrollment: Enrollment; notified: { email: number; sms: number; smsSkipped: number } }
  /** Not enrolled, or the enrollment changed since it was read (a re-enrollment: look again). */
  | { removed: false; reason: 'not-enrolled' | 'changed' };

/**
 * Removes the enrollment the helpdesk looked at (conditional on it being unchanged) and tells the user on every
 * channel they have: the directory mail and the verified enrolled e-mails, and by SMS the verified enrolled phones, or
 * else the directory mobile, within the SMS caps (a notice over a cap is skipped and audited). Pending, unverified
 * contacts are never told: nobody proved they belong to the user.
 */
export async function unenrollAccount(
  ports: Pick<RequestPorts, 'store' | 'outbox' | 'clock' | 'config'>,
  operator: Operator,
  account: DirectoryAccount,
  seen: Enrollment | null,
): Promise<UnenrollResult> {
  const subject = account.sAMAccountName.toLowerCase();
  if (!seen) return { removed: false, reason: 'not-enrolled' };
  if (!(await ports.store.deleteEnrollment(account.objectGuid, seen.updatedAt))) {
    const now = await ports.store.getEnrollment(account.objectGuid);
    return { removed: false, reason: now ? 'changed' : 'not-enrolled' };
  }
  const [notified] = await Promise.all([
    tellUser(ports, operator, account, seen),
    // The removed enrollment's questions leave the decoy weights (questionPopularity.ts).
    ports.store.tallyQuestionChoices(
      [],
      seen.answers.map((a) => a.questionId),
    ),
  ]);
  await recordOperatorAudit(
    ports,
    operator,
    subject,
    HELPDESK_EVENTS.unenroll,
    'removed',
    `notified:${notified.email + notified.sms}`,
  );
  return { removed: true, enrollment: seen, notified };
}

async function tellUser(
  ports: Pick<RequestPorts, 'store' | 'outbox' | 'clock' | 'config'>,
  operator: Operator,
  account: DirectoryAccount,
  enrollment: Enrollment,
) {
  const template = 'enrollment-removed';
  const now = ports.clock.now();
  const params = { displayName: account.displayName ?? account.sAMAccountName, at: new Date(now).toISOString() };
  const language = enrollment.language;
  const emails = new Map<string, string>();
  const verified = enrollment.contacts.filter((c) => c.channel === 'email' && c.verified).map((c) => c.address);
  for (const address of [account.mail, ...verified]) {
    if (address && isValidEmail(address)) emails.set(address.toLowerCase(), address);
  }
  for (const to of emails.values()) await ports.outbox.enqueue({ channel: 'email', to, template, params, language });

  const numbers = smsNumbers(account, enrollment, ports.config);
  const texted = numbers.enrolled.length > 0 ? numbers.enrolled : numbers.directory ? [numbers.directory] : [];
  const subject = account.sAMAccountName.toLowerCase();
  let sms = 0;
  let smsSkipped = 0;
  for (const to of texted) {
    try {
      await admitAll(ports.store, smsLimits(subject, operator.address, ports.config), now);
    } catch (error) {
      if (!(error instanceof SsprError) || error.code !== 'RATE_LIMITED') throw error;
      await recordOperatorAudit(ports, operator, subject, 'sms-notice', 'RATE_LIMITED', template);
      smsSkipped++;
      continue;
    }
    await ports.outbox.enqueue({ channel: 'sms', to, template, params, language });
    sms++;
  }
  return { email: emails.size, sms, smsSkipped };
}
