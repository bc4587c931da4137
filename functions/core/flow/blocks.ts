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
import type { Block, Flow } from '../store.js';

/**
 * The rest of a block after a wrong answer whose reservation wrote it (store.reserveFailure: the reservation that
 * fills the window writes the block in the same write, and only if none is live, so parallel blocking failures write
 * one block and a live block is never pushed out): called once per written block, so it is told once. The subject's
 * open flows end; a flow that slipped past that (a start racing the block) meets the block at its next step.
 */
export async function blockSubject(
  ports: RequestPorts,
  flow: Flow,
  block: Block,
  audit: Audit,
  source: RequestSource,
): Promise<void> {
  const { config, store } = ports;
  await Promise.all([store.endOpenFlows(flow.subject), audit(flow.subject, 'block', 'blocked', block.reason)]);

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
