/**
 * Blocks: what happens when a failure fills its window (DESIGN §4 Reset and unlock): the subject is blocked, its open
 * flows end, the AD account is locked too when the operator asks for it, and the user is told. The failure windows
 * and their reservations are in failures.ts.
 */
import { decoyObjectGuid } from '../decoys.js';
import type { DirectoryAccount } from '../directory.js';
import { notify } from '../notices.js';
import type { Audit, RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Block, FailureKind, Flow } from '../store.js';

/**
 * Blocks self-service for the flow's subject after a failure that filled its window. The block is written before the
 * caller fails the flow, so a crash between the two never grants another guess, and only if none is live: parallel
 * blocking failures write one block, told once, and a live block is never pushed out. A new block ends the subject's
 * open flows; a flow that slipped past that (a start racing the block) meets the block at its next step.
 */
export async function blockSubject(
  ports: RequestPorts,
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
async function lockDirectoryAccount(ports: RequestPorts, account: DirectoryAccount, audit: Audit, subject: string) {
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
