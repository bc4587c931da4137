/**
 * What a reset or unlock shows around its steps so that nobody answers for a name that is not theirs, nor a step they
 * never set up (issue 16 item 4; docs/recovery.md "A wrong name or no enrollment"):
 * - on every step, the name in use as the server echoed it (the name as reduced from what was typed, the same for a
 *   name that exists and one that does not) with "Not you? Start again", back to the username with it filled in;
 * - on the first step the user sees, what that step is and what to do when they never set it up: the helpdesk (the
 *   `helpdesk.contact` string operators set in strings.json, as on the error pages), and setting up password reset
 *   once they can sign in, on Enroll or, under a policy without questions, "Your recovery methods" (both are always
 *   open to a user who proves their password).
 * Every name sees the same sentences: a decoy's first step is shaped like a real user's, so they tell nothing.
 */

import { getConfig, type Purpose, questionsOffered } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';

/** The flow page's step kinds whose first appearance gets the sentence, with its string. */
const FIRST_STEP_KEYS = {
  question: 'firstStep.question',
  choose: 'firstStep.choose',
  code: 'firstStep.code',
  authenticator: 'firstStep.authenticator',
  recoveryCode: 'firstStep.recoveryCode',
  passkey: 'firstStep.passkey',
} as const;

/** Kept across a language switch (the page's FlowCarry). */
export interface FlowHeaderCarry {
  name: string;
  firstKind?: string;
  awaitingFirst: boolean;
}

/** The marker a sentence's {username} is split at, so the name is its own element (not translated, bold). */
const MARK = '\u0001';

export class FlowHeader {
  private name: string;
  private firstKind: string | undefined;
  private awaitingFirst: boolean;
  /** Where a user sets up password reset: Enroll, or "Your recovery methods" under a policy without questions. */
  private setupPlace: 'menu.enroll.title' | 'menu.methods.title' = 'menu.enroll.title';

  constructor(
    private readonly tr: Translator,
    private readonly purpose: Purpose,
    carried: FlowHeaderCarry | undefined,
    private readonly onNotYou: () => void,
  ) {
    this.name = carried?.name ?? '';
    this.firstKind = carried?.firstKind;
    this.awaitingFirst = carried?.awaitingFirst ?? false;
    // Read long before a first step is drawn (the user types a name first); the page caches it per language.
    void getConfig(tr.language).then((result) => {
      if (result.ok && !questionsOffered(result.data)) this.setupPlace = 'menu.methods.title';
    });
  }

  /** A flow started for `name` (the server's echo); the next step drawn is its first. */
  started(name: string): void {
    this.name = name;
    this.firstKind = undefined;
    this.awaitingFirst = true;
  }

  carry(): FlowHeaderCarry {
    return { name: this.name, firstKind: this.firstKind, awaitingFirst: this.awaitingFirst };
  }

  /** The line above a step of kind `kind`: the name and "Not you?"; nothing on the username step itself. */
  nameLine(kind: string): HTMLElement | false {
    if (kind === 'username' || this.name === '') return false;
    const { t } = this.tr;
    const [before = '', after = ''] = t(this.purpose === 'reset' ? 'flowName.reset' : 'flowName.unlock', {
      username: MARK,
    }).split(MARK);
    return h(
      'div',
      { class: 'flow-name', id: 'flow-name' },
      h(
        'p',
        { class: 'flow-name__line' },
        before,
        h('strong', { translate: 'no', class: 'flow-name__name' }, this.name),
        after,
      ),
      h('button', { type: 'button', class: 'link-button', on: { click: () => this.onNotYou() } }, t('flowName.notYou')),
    );
  }

  /**
   * The sentence of the first step after a start, and of the steps of the same kind that follow it (the next
   * questions of the set, the code step after a send); gone for good once the flow moves on to another kind of step.
   */
  firstStepHelp(kind: string): HTMLElement | false {
    if (this.awaitingFirst) {
      this.awaitingFirst = false;
      this.firstKind = kind;
    }
    if (kind !== this.firstKind) {
      this.firstKind = undefined;
      return false;
    }
    const key = FIRST_STEP_KEYS[kind as keyof typeof FIRST_STEP_KEYS];
    if (!key) return false;
    const { t } = this.tr;
    return h(
      'div',
      { class: 'first-step', id: 'flow-first-step' },
      h('p', { class: 'first-step__text' }, t(key)),
      h('p', { class: 'first-step__text' }, t('firstStep.never', { helpdesk: t('helpdesk.contact') })),
      h('p', { class: 'first-step__text' }, t('firstStep.setUp', { setup: t(this.setupPlace) })),
    );
  }
}
