/** The challenges a flow shows (DESIGN §3 `challenge`), in the request's language. */
import type { Language } from '../language.js';
import { maskDestination } from '../masking.js';
import type { PasswordPolicyView } from '../passwordPolicy.js';
import { findQuestion } from '../questions.js';
import type { ChannelKind, Flow } from '../store.js';

export interface MaskedChannel {
  id: string;
  channel: ChannelKind;
  destination: string;
}

export type Challenge =
  | { type: 'question'; questionId: string; text: string; index: number; of: number }
  | { type: 'code'; channels: MaskedChannel[] }
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

export function codeChallenge(flow: Flow): Challenge {
  return {
    type: 'code',
    channels: flow.channels.map((c) => ({
      id: c.id,
      channel: c.channel,
      destination: maskDestination(c.channel, c.address),
    })),
  };
}
