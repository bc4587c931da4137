/**
 * POST /api/reset/choose: the user picks the way on among those the policy offers at this point of the flow (the
 * `choose` challenge's options), or switches to another of them from a method step. A choice proves nothing and costs
 * no try; what was answered on a method before stays (a sent code stays valid, questions already answered count).
 */
import { SsprError, validationError } from '../errors.js';
import { auditor, type RequestSource } from '../request.js';
import type { RequestPorts } from '../requestPorts.js';
import type { FlowStep } from '../store.js';
import { tokenHashOf } from '../tokens.js';
import type { Challenge } from './challenge.js';
import { endRefused } from './failures.js';
import { openFlowName } from './flowName.js';
import { liveFlow, writeFlow } from './flowState.js';
import { showChallenge } from './passkeyStep.js';
import { CHOICES, type Choice, nextSteps, stepOfChoice } from './steps.js';

/** The choices POST /api/reset/choose takes (steps.ts CHOICE_OF_STEP). */
export const CHOOSABLE_METHODS: readonly Choice[] = CHOICES;
export type ChoosableMethod = Choice;

/** The steps a choice may be made from: a choice, or any method step (to switch). */
const CHOOSING_STEPS: readonly FlowStep[] = ['choose', 'question', 'code', 'authenticator', 'recoveryCode', 'passkey'];

export interface ChooseInput {
  flowId: string;
  method: ChoosableMethod;
}

export async function chooseMethod(
  input: ChooseInput,
  source: RequestSource,
  ports: RequestPorts,
): Promise<{ username: string; challenge: Challenge }> {
  const tokenHash = tokenHashOf(input.flowId, 'flowId');
  const flow = await liveFlow(ports, tokenHash, ports.clock.now());
  if (!CHOOSING_STEPS.includes(flow.step)) throw new SsprError('WRONG_STEP');
  const step = stepOfChoice(input.method);
  if (!nextSteps(flow.alternatives, flow.passed).includes(step)) {
    throw validationError({ method: { message: 'method.unknown' } });
  }
  // Every flow reads the block, so a decoy's choice costs what a real one's does; only a real flow is refused: a decoy
  // never passes, and refusing its choice during a block would tell a blocked account from an unknown name.
  const blocked = await ports.store.getBlock(flow.subject, ports.clock.now());
  if (blocked && !flow.decoy) await endRefused(ports, flow, 'choose', auditor(ports, source), 'BLOCKED');
  const next = flow.step === step ? flow : await writeFlow(ports, flow, { step });
  return {
    username: openFlowName(input.flowId, flow.sealedName),
    challenge: await showChallenge(next, source.language, ports),
  };
}
