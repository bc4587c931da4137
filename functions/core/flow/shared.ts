/** Steps every flow route shares: reading a live flow, blocking a subject, telling the user. */
import { isValidEmail } from '../contacts.js';
import { decoyObjectGuid } from '../decoys.js';
import type { DirectoryAccount } from '../directory.js';
import { SsprError, validationError } from '../errors.js';
import type { Audit, RequestSource } from '../request.js';
import type { Block, Enrollment, FailureKind, Flow } from '../store.js';
import { hashToken, isTokenFormat } from '../tokens.js';
import type { FlowPorts } from './ports.js';

/** A flow token of the pinned form, or VALIDATION naming the field. */
export function tokenHashOf(flowId: string, field = 'flowId'): string {
  if (!isTokenFormat(flowId)) throw validationError({ [field]: { message: 'flow.invalid' } });
  return hashToken(flowId);
}

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
 * Counts a failure for the flow's subject and blocks self-service when the window holds enough of them; returns
 * whether it blocked. The block is written before the caller fails the flow, so a crash between the two never grants
 * another guess, and a blocked flow gets no further answer.
 */
export async function countFailure(
  ports: FlowPorts,
  flow: Flow,
  kind: FailureKind,
  audit: Audit,
  source: RequestSource,
): Promise<boolean> {
  const { config, store, clock } = ports;
  const now = clock.now();
  const count = await store.recordFailure(flow.subject, kind, config.block.windowHours * 3600, now);
  const limit = kind === 'answer' ? config.block.maxWrongAnswers : config.codes.maxTries;
  if (count < limit) return false;

  const block: Block = { subject: flow.subject, until: now + config.block.hours * 3_600_000, reason: kind };
  await store.putBlock(block);
  await audit(flow.subject, 'block', 'blocked', kind);

  // The same directory call on every path, decoy or not (enumeration protection).
  const session = await ports.directory.openSession();
  try {
    const account = await session.findAccount(
      flow.objectGuid ? { by: 'objectGuid', value: flow.objectGuid } : { by: 'sAMAccountName', value: flow.subject },
    );
    const decoyKey = await ports.secrets.decoyKey();
    const enrollment = await store.getEnrollment(account?.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject));
    if (!account || flow.decoy) return true;
    if (config.block.lockDirectoryAccount) await lockDirectoryAccount(ports, account, audit, flow.subject);
    await notify(ports, account, enrollment, source, 'self-service-blocked', {
      until: new Date(block.until).toISOString(),
    });
    return true;
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

/**
 * Tells the user by e-mail: the directory mail and the verified enrolled e-mail addresses, in the enrollment's
 * language (never the request's: an attacker must not choose the victim's language).
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
  const at = new Date(ports.clock.now()).toISOString();
  for (const to of recipients.values()) {
    await ports.outbox.enqueue({
      channel: 'email',
      to,
      template,
      params: {
        displayName: account.displayName ?? account.sAMAccountName,
        at,
        ...(template === 'self-service-blocked' ? {} : { sourceAddress: source.address }),
        ...extra,
      },
      language: enrollment?.language ?? source.language,
    });
  }
}
