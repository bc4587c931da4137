/** The challenges a flow shows (docs/openapi.json `challenge`), in the request's language. */
import type { Language } from '../language.js';
import { maskDestination } from '../masking.js';
import type { PasskeyRequestOptions } from '../methods/passkeys.js';
import type { PasswordPolicyView } from '../passwordPolicy.js';
import { findQuestion } from '../questions.js';
import type { ChannelKind, Flow } from '../store.js';
import { CHOICE_OF_STEP, codeKindsNext, nextSteps } from './steps.js';

export interface MaskedChannel {
  id: string;
  channel: ChannelKind;
  destination: string;
}

/** A way on the user may choose (`code` with the channels a code may go to). */
export type MethodOption =
  | { method: 'questions' }
  | { method: 'code'; channels: MaskedChannel[] }
  | { method: 'authenticator' }
  | { method: 'recoveryCode' }
  | { method: 'passkey' };

export type Challenge =
  | { type: 'question'; questionId: string; text: string; index: number; of: number }
  | { type: 'code'; channels: MaskedChannel[] }
  | { type: 'authenticator' }
  | { type: 'recoveryCode' }
  | { type: 'passkey'; options: PasskeyRequestOptions }
  | { type: 'choose'; options: MethodOption[] }
  | { type: 'verified'; passwordPolicy?: PasswordPolicyView };

export function questionChallenge(flow: Flow, language: Language): Challenge {
  const questionId = flow.questionIds[flow.answered] ?? '';
  return {
    type: 'question',
    questionId,
    text: findQuestion(questionId)?.text[language] ?? '',
    index: flow.answered + 1,
    of: flow.questionIds.length,
  };
}

/** The channels a code may go to now: those of the code methods that can come next. */
function codeChannels(flow: Flow): MaskedChannel[] {
  const kinds = new Set<ChannelKind>(codeKindsNext(flow.alternatives, flow.passed));
  return flow.channels
    .filter((c) => kinds.has(c.channel))
    .map((c) => ({ id: c.id, channel: c.channel, destination: maskDestination(c.channel, c.address) }));
}

export function codeChallenge(flow: Flow): Challenge {
  return { type: 'code', channels: codeChannels(flow) };
}

/** The ways on, when more than one can come next. */
export function chooseChallenge(flow: Flow): Challenge {
  const options = nextSteps(flow.alternatives, flow.passed).map((step): MethodOption => {
    if (step === 'code') return { method: 'code', channels: codeChannels(flow) };
    return { method: CHOICE_OF_STEP[step] };
  });
  return { type: 'choose', options };
}

/**
 * The challenge of a flow at a method step or a choice (not verified, claimed or ended), but the passkey step: its
 * challenge is made and kept when it is shown (passkeyStep.ts showChallenge).
 */
export function stepChallenge(flow: Flow, language: Language): Challenge {
  switch (flow.step) {
    case 'question':
      return questionChallenge(flow, language);
    case 'code':
      return codeChallenge(flow);
    case 'choose':
      return chooseChallenge(flow);
    case 'authenticator':
      return { type: 'authenticator' };
    case 'recoveryCode':
      return { type: 'recoveryCode' };
    default:
      throw new Error(`no challenge for step ${flow.step}`);
  }
}
