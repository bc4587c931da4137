/**
 * POST /api/reset/passkey: the assertion that answers a flow's passkey step (issue 16). The rules of codes hold
 * (failures.ts): the flow is claimed and the hash of the step's challenge cleared in one conditional write (single
 * use), a failure of kind `code` is reserved for the user before the assertion is checked and given back when it was
 * right; a wrong or unverifiable assertion (another origin or challenge, no user verification, a credential the account
 * does not hold, a counter that did not move) counts as a wrong code. A right one is used up with Store.usePasskey (a
 * conditional write on the counter read) before the flow moves on, so one assertion passes at most one flow.
 */
import { decoyObjectGuid } from '../decoys.js';
import { SsprError } from '../errors.js';
import { type AuthenticationResponseJSON, verifyPasskeyAssertion } from '../methods/passkeys.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import { tokenHashOf } from '../tokens.js';
import { challengeAfter } from './answer.js';
import type { Challenge } from './challenge.js';
import { reserveFailure, settleCheck } from './failures.js';
import { openFlowName } from './flowName.js';
import { liveFlow, writeFlow } from './flowState.js';
import { afterPossession } from './possession.js';

export interface PasskeyAnswerInput {
  flowId: string;
  credential: AuthenticationResponseJSON;
}

export async function answerPasskey(
  input: PasskeyAnswerInput,
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ username: string; challenge: Challenge }> {
  const { config, clock, store } = ports;
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const flow = await liveFlow(ports, tokenHash, clock.now());
  // A flow written before challenges were hashed holds its challenge in clear, which the store does not read: it has
  // none, so its answer is WRONG_STEP (nothing counted) and the user asks for a new one by choosing the passkey again.
  const challengeHash = flow.passkeyChallengeHash ?? null;
  if (flow.step !== 'passkey' || challengeHash === null) throw new SsprError('WRONG_STEP');
  const audit = auditor(ports, source);
  // Claimed, and the challenge used up, in one write: of parallel answers one checks it.
  const claimed = await writeFlow(ports, flow, { pending: source.requestId, passkeyChallengeHash: null });

  const decoyKey = await ports.secrets.decoyKey();
  const [enrollment, reservation] = await Promise.all([
    store.getEnrollment(flow.objectGuid ?? decoyObjectGuid(decoyKey, flow.subject)),
    reserveFailure(ports, flow, 'code'),
  ]);
  const checked = !flow.decoy && reservation.reserved && flow.objectGuid !== null && enrollment !== null;
  let right = false;
  if (checked && flow.objectGuid !== null) {
    const held = enrollment?.passkeys ?? [];
    const verified = await verifyPasskeyAssertion(config, input.credential, held, challengeHash);
    right =
      verified !== null &&
      (await store.usePasskey(
        flow.objectGuid,
        verified.passkey.id,
        verified.passkey.counter,
        verified.newCounter,
        clock.now(),
      ));
  }
  const record = { event: 'passkey', right: 'verified' } as const;
  const verdict = await settleCheck(ports, flow, 'code', reservation, right, record, audit, source);

  const next = await writeFlow(ports, claimed, {
    pending: null,
    ...afterPossession(flow, 'passkey', verdict, config.codes.maxTries),
  });
  return {
    username: openFlowName(input.flowId, flow.sealedName),
    challenge: await challengeAfter(next, source, ports),
  };
}
