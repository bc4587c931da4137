/**
 * POST /api/unlock: on a verified unlock flow, set lockoutTime 0 when the computed lockout flag is set. The flow is
 * claimed with a conditional write first, so of parallel calls exactly one acts.
 */
import { isLockedOut } from '../eligibility.js';
import { SsprError } from '../errors.js';
import { auditor, type RequestSource } from '../request.js';
import { tokenHashOf } from '../tokens.js';
import type { FlowPorts } from './ports.js';
import { actOnClaimed, liveFlow, notify, writeFlow } from './shared.js';

export async function unlockAccount(
  input: { flowId: string },
  source: RequestSource,
  ports: FlowPorts,
): Promise<{ unlocked: boolean }> {
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const flow = await liveFlow(ports, tokenHash, ports.clock.now());
  const objectGuid = flow.objectGuid;
  if (flow.purpose !== 'unlock' || flow.step !== 'verified' || !objectGuid) throw new SsprError('WRONG_STEP');
  const claimed = await writeFlow(ports, flow, { step: 'claimed' });

  return actOnClaimed(ports, claimed, async () => {
    const audit = auditor(ports, source);
    const session = await ports.directory.openSession();
    let unlocked = false;
    try {
      const account = await session.findAccount({ by: 'objectGuid', value: objectGuid });
      if (!account) throw new SsprError('FLOW_EXPIRED');
      if (isLockedOut(account)) {
        await session.resetLockout(account);
        unlocked = true;
      }
      await ports.store.clearFailures(flow.subject);
      await writeFlow(ports, claimed, { step: 'done' });
      await audit(flow.subject, 'unlock', unlocked ? 'unlocked' : 'not-locked');
      if (unlocked) {
        await notify(ports, account, await ports.store.getEnrollment(account.objectGuid), source, 'account-unlocked');
      }
    } finally {
      await session.close();
    }
    return { unlocked };
  });
}
