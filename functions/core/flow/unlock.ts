/**
 * POST /api/unlock: on a verified unlock flow, set lockoutTime 0 when the computed lockout flag is set. The flow is
 * claimed with a conditional write first, so of parallel calls exactly one acts.
 */
import { isLockedOut } from '../eligibility.js';
import { SsprError } from '../errors.js';
import { notify } from '../notices.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import { tokenHashOf } from '../tokens.js';
import { refuseWhenBlocked, refuseWhenIneligible } from './failures.js';
import { actOnClaimed, liveFlow, writeFlow } from './flowState.js';

export async function unlockAccount(
  input: { flowId: string },
  source: RequestSource,
  ports: RequestPorts,
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
      // The enrollment names the notice's channels: it is read beside the account, before anything is written.
      const [account, enrollment] = await Promise.all([
        session.findAccount({ by: 'objectGuid', value: objectGuid }),
        ports.store.getEnrollment(objectGuid),
        refuseWhenBlocked(ports, claimed, 'unlock', audit),
      ]);
      if (!account) throw new SsprError('FLOW_EXPIRED');
      await refuseWhenIneligible(ports, session, account, claimed, 'unlock', audit);
      unlocked = isLockedOut(account);
      // The unlock and the fresh failure count side by side; once the account is unlocked the flow ends, and the
      // outcome is recorded and told side by side.
      await Promise.all([
        unlocked ? session.resetLockout(account) : undefined,
        ports.store.clearFailures(flow.subject),
      ]);
      await Promise.all([
        writeFlow(ports, claimed, { step: 'done' }),
        audit(flow.subject, 'unlock', unlocked ? 'unlocked' : 'not-locked'),
        unlocked ? notify(ports, account, enrollment, source, 'account-unlocked') : undefined,
      ]);
    } finally {
      await session.close();
    }
    return { unlocked };
  });
}
