/**
 * POST /api/reset/password (DESIGN §3, §4 Passwords): on a verified reset flow, set the new password with an
 * administrative reset, then lockoutTime 0. The flow is claimed with a conditional write, so of parallel calls one
 * acts; a PASSWORD_POLICY refusal puts it back for another try, and the reset.passwordTries-th refusal ends it.
 * Minimum age never blocks a forgotten-password reset.
 */

import { isLockedOut } from '../eligibility.js';
import { SsprError, validationError } from '../errors.js';
import { notify } from '../notices.js';
import { checkNewPassword, newPasswordProblem } from '../passwordCheck.js';
import { refusalOf } from '../passwordWrite.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import { tokenHashOf } from '../tokens.js';
import { refuseWhenBlocked, refuseWhenIneligible } from './failures.js';
import { actOnClaimed, liveFlow, writeFlow } from './flowState.js';

export async function setPassword(
  input: { flowId: string; newPassword: string },
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ passwordChanged: true; unlocked: boolean }> {
  const { config, clock, store } = ports;
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const problem = newPasswordProblem(input.newPassword);
  if (problem) throw validationError({ newPassword: problem });
  const flow = await liveFlow(ports, tokenHash, clock.now());
  const objectGuid = flow.objectGuid;
  if (flow.purpose !== 'reset' || flow.step !== 'verified' || !objectGuid) throw new SsprError('WRONG_STEP');
  const claimed = await writeFlow(ports, flow, { step: 'claimed' });
  const audit = auditor(ports, source);

  // A refusal the user can fix: the flow goes back to verified, until the last allowed try ends it.
  const refuse = async (error: SsprError): Promise<never> => {
    if (error.code === 'PASSWORD_POLICY') {
      const passwordTries = claimed.passwordTries + 1;
      const ended = passwordTries >= config.reset.passwordTries;
      await writeFlow(ports, claimed, { passwordTries, step: ended ? 'failed' : 'verified' });
      await audit(flow.subject, 'reset', 'PASSWORD_POLICY', error.details.violations?.join(','));
    } else {
      await writeFlow(ports, claimed, { step: 'verified' });
    }
    throw error;
  };

  return actOnClaimed(ports, claimed, async () => {
    const session = await ports.directory.openSession();
    try {
      // The enrollment names the notice's channels: it is read beside the account, before anything is written.
      const [account, enrollment] = await Promise.all([
        session.findAccount({ by: 'objectGuid', value: objectGuid }),
        store.getEnrollment(objectGuid),
        refuseWhenBlocked(ports, claimed, 'reset', audit),
      ]);
      if (!account) {
        await writeFlow(ports, claimed, { step: 'failed' });
        throw new SsprError('FLOW_EXPIRED');
      }
      await refuseWhenIneligible(ports, session, account, claimed, 'reset', audit);
      const policy = await session.effectivePolicy(account);
      const violations = checkNewPassword(input.newPassword, policy, account);
      if (violations.length > 0) await refuse(new SsprError('PASSWORD_POLICY', { violations }));

      const outcome = await session.resetPassword(account, input.newPassword);
      if (!outcome.ok) {
        const historyEnforced = await session.enforcesHistoryOnReset();
        await refusalOf(outcome, {
          kind: 'reset',
          account,
          historyEnforced,
          minAgeSeconds: policy.minAgeSeconds,
          now: clock.now(),
          subject: flow.subject,
          requestId: source.requestId,
          audit,
          logger: ports.logger,
        }).catch((error: SsprError) => refuse(error));
      }

      // The reset also unlocks: lockoutTime 0, whatever the lock state (it resets badPwdCount too), while the failure
      // count starts afresh. Once the account is unlocked the flow ends, and the outcome is recorded and told, side by
      // side.
      const wasLocked = isLockedOut(account);
      await Promise.all([session.resetLockout(account), store.clearFailures(flow.subject)]);
      await Promise.all([
        writeFlow(ports, claimed, { step: 'done' }),
        audit(flow.subject, 'reset', 'success', wasLocked ? 'unlocked' : undefined),
        notify(ports, account, enrollment, source, 'password-reset'),
      ]);
      return { passwordChanged: true, unlocked: wasLocked };
    } finally {
      await session.close();
    }
  });
}
