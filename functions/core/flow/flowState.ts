/**
 * The flow state rules every flow route shares: reading a live flow, writing its next version, releasing a claim whose
 * action failed, and reading again whether the account may still use self-service.
 */
import { type DirectoryAccount, type DirectorySession, DirectoryUnavailableError } from '../directory.js';
import { checkEligibility, type EligibilityResult } from '../eligibility.js';
import { SsprError } from '../errors.js';
import { eligibilityGroups } from '../groups.js';
import type { RequestPorts } from '../requestPorts.js';
import type { Flow } from '../store.js';

/** The live flow (unknown, expired, replaced, failed and finished flows are all FLOW_EXPIRED). */
export async function liveFlow(ports: RequestPorts, tokenHash: string, now: number): Promise<Flow> {
  const flow = await ports.store.getFlow(tokenHash, now);
  if (!flow || flow.step === 'failed' || flow.step === 'done') throw new SsprError('FLOW_EXPIRED');
  // Another request holds it: the loser of a race learns nothing about the winner's outcome.
  if (flow.pending !== null || flow.step === 'claimed') throw new SsprError('WRONG_STEP');
  return flow;
}

/** One conditional write: the next version of the flow, or WRONG_STEP when another request wrote first. */
export async function writeFlow(ports: RequestPorts, flow: Flow, changes: Partial<Flow>): Promise<Flow> {
  const next: Flow = { ...flow, ...changes, version: flow.version + 1 };
  if (!(await ports.store.updateFlow(next))) throw new SsprError('WRONG_STEP');
  return next;
}

/**
 * Runs the action of a claimed flow. When it fails for a reason other than a domain refusal, the claim is released:
 * back to verified after a directory outage (the user may try again), ended for anything else (410 after), so a flow
 * never stays claimed with nothing running.
 */
export async function actOnClaimed<T>(ports: RequestPorts, claimed: Flow, act: () => Promise<T>): Promise<T> {
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
  ports: RequestPorts,
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
