/**
 * The enroll page under the recovery policy in force: with questions it enrolls answers and contacts; without them
 * (`standards`, a custom policy that never names them) it is "your contacts for codes" and sends no answers
 * (docs/recovery.md "Enrollment without questions"). The rest of the setting up is on "your recovery methods".
 */
import { type PublicConfig, questionsOffered } from '../api.js';
import type { StringKey } from '../i18n.js';

export interface EnrollWording {
  /** Whether the page asks questions at all. */
  withQuestions: boolean;
  title: StringKey;
  /** The lead sentence; takes `{count}`, the questions to answer. */
  intro: StringKey;
  /** The sentence before the link to "your recovery methods". */
  methodsHint: StringKey;
  submit: StringKey;
  submitting: StringKey;
  successTitle: StringKey;
  successText: StringKey;
  again: StringKey;
}

export function enrollWording(config: PublicConfig): EnrollWording {
  if (questionsOffered(config)) {
    return {
      withQuestions: true,
      title: 'enroll.title',
      intro: 'enroll.intro',
      methodsHint: 'enroll.methodsHint',
      submit: 'enroll.submit',
      submitting: 'enroll.submitting',
      successTitle: 'success.title',
      successText: 'success.text',
      again: 'success.reenroll',
    };
  }
  return {
    withQuestions: false,
    title: 'contactsOnly.title',
    intro: 'contactsOnly.intro',
    methodsHint: 'contactsOnly.methodsHint',
    submit: 'contactsOnly.submit',
    submitting: 'contactsOnly.submitting',
    successTitle: 'contactsOnly.successTitle',
    successText: 'contactsOnly.successText',
    again: 'contactsOnly.again',
  };
}

/** The contact field that names a missing contact when there are no questions: e-mail unless it is off. */
export function contactFieldFor(config: PublicConfig): 'email' | 'phone' | undefined {
  if (config.enrollment.email !== 'off') return 'email';
  if (config.enrollment.phone !== 'off') return 'phone';
  return undefined;
}
