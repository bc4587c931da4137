/**
 * Where a flow goes next under the recovery policy (core/recovery/policy.ts): the methods the user holds pick the
 * alternatives they can complete at start; after each method that passes, the flow is verified once one alternative
 * is complete, else it asks the one method that can come next, or lets the user choose when several can.
 * A code to an e-mail address and a code by SMS are one step: the code challenge lists the channels of both kinds.
 */
import type { Config } from '../config.js';
import {
  type Alternative,
  applicableAlternatives,
  correctAnswersNeeded,
  isSatisfied,
  nextMethods,
  offeredMethods,
  type RecoveryMethod,
} from '../recovery/policy.js';
import { policyAlternatives } from '../recovery/presets.js';
import type { Enrollment, FlowChannel, FlowStep } from '../store.js';

/** A step that proves one method (or, for `code`, one of the two code methods). */
export type MethodStep = 'question' | 'code' | 'authenticator' | 'recoveryCode' | 'passkey';

export const STEP_OF: Record<RecoveryMethod, MethodStep> = {
  questions: 'question',
  email: 'code',
  sms: 'code',
  authenticator: 'authenticator',
  recoveryCode: 'recoveryCode',
  passkey: 'passkey',
};

/** What the user chooses (the `choose` challenge's `method`, POST /api/reset/choose) for each method step. */
export const CHOICE_OF_STEP = {
  question: 'questions',
  code: 'code',
  authenticator: 'authenticator',
  recoveryCode: 'recoveryCode',
  passkey: 'passkey',
} as const satisfies Record<MethodStep, string>;

export type Choice = (typeof CHOICE_OF_STEP)[MethodStep];
export const CHOICES: readonly Choice[] = Object.values(CHOICE_OF_STEP);

/** The method step a choice leads to. */
export function stepOfChoice(choice: Choice): MethodStep {
  const entry = Object.entries(CHOICE_OF_STEP).find(([, c]) => c === choice);
  return (entry?.[0] ?? 'question') as MethodStep;
}

/** The steps that may come next, in the policy's method order, each once. */
export function nextSteps(alternatives: readonly Alternative[], passed: readonly RecoveryMethod[]): MethodStep[] {
  return [...new Set(nextMethods(alternatives, passed).map((m) => STEP_OF[m]))];
}

/** The flow's step once `passed` passed: verified, the one step that can come next, or a choice. */
export function stepAfter(alternatives: readonly Alternative[], passed: readonly RecoveryMethod[]): FlowStep {
  if (isSatisfied(alternatives, passed)) return 'verified';
  const steps = nextSteps(alternatives, passed);
  if (steps.length === 0) return 'failed';
  return steps.length === 1 ? (steps[0] as MethodStep) : 'choose';
}

/** The code methods that may come next: which of the flow's channels the code step offers. */
export function codeKindsNext(alternatives: readonly Alternative[], passed: readonly RecoveryMethod[]) {
  return nextMethods(alternatives, passed).filter((m): m is 'email' | 'sms' => m === 'email' || m === 'sms');
}

/**
 * The methods a user holds for this flow: questions once they enrolled at least as many answers as a flow asks; a code
 * method for each kind of channel the flow can send to; the methods enrolled beside the answers.
 */
export function methodsHeld(
  enrollment: Enrollment | null,
  channels: readonly FlowChannel[],
  config: Config,
): Set<RecoveryMethod> {
  const held = new Set<RecoveryMethod>();
  if (enrollment && enrollment.answers.length >= config.reset.questionsAsked) held.add('questions');
  for (const channel of channels) held.add(channel.channel);
  if (enrollment?.authenticator) held.add('authenticator');
  if (enrollment?.recoveryCodes && enrollment.recoveryCodes.hashes.length > 0) held.add('recoveryCode');
  if (enrollment?.passkeys && enrollment.passkeys.length > 0) held.add('passkey');
  return held;
}

/**
 * The alternatives a flow can pass by. An enrolled user: the policy's alternatives they can complete. A user never
 * enrolled, under automatic enrollment (the Netwrix seed): one code to a contact the directory holds for them.
 */
export function flowAlternatives(
  enrollment: Enrollment | null,
  channels: readonly FlowChannel[],
  config: Config,
): Alternative[] {
  const held = methodsHeld(enrollment, channels, config);
  if (enrollment) return applicableAlternatives(policyAlternatives(config), held);
  if (!config.recovery.automaticEnrollment) return [];
  const automatic: Alternative[] = [
    { methods: ['email'], onlyWithout: [] },
    { methods: ['sms'], onlyWithout: [] },
  ];
  return applicableAlternatives(automatic, held);
}

/** The right answers the question step of these alternatives needs, at most the questions asked. */
export function correctRequiredFor(alternatives: readonly Alternative[], asked: number, config: Config): number {
  const needed = correctAnswersNeeded(alternatives, {
    withOther: config.reset.correctAnswersRequired,
    withoutOther: config.reset.correctAnswersRequiredWithoutCode,
  });
  return Math.min(asked, needed);
}

/**
 * The alternatives of a decoy flow (a name that will never pass), shaped like a real user's under the same policy. A
 * policy that asks questions gives every decoy those of a user who holds only answers (its questions are chosen with
 * the decoy key, as they always were). One without questions gives a decoy every method it offers but a passkey, so
 * its first step is the choice a user who enrolled all of them sees (a code is never first there: contacts stay
 * hidden). What a decoy cannot look like (a user who holds fewer methods, one with a passkey) is listed in
 * docs/recovery.md.
 */
export function decoyAlternatives(config: Config): Alternative[] {
  const policy = policyAlternatives(config);
  const withQuestions = applicableAlternatives(policy, new Set<RecoveryMethod>(['questions']));
  if (withQuestions.length > 0) return withQuestions;
  const held = new Set([...offeredMethods(policy)].filter((m) => m !== 'passkey' && m !== 'questions'));
  return applicableAlternatives(policy, held);
}
