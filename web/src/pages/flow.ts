/**
 * Reset password and Unlock account (DESIGN §3 /api/reset/*, /api/unlock; §4 Reset and unlock; docs/recovery.md):
 * the username, then each challenge the server sends — a choice of ways on (POST /api/reset/choose, or a code send
 * straight from it), one question at a time, a code sent to a chosen contact, a code from the authenticator app, a
 * recovery code, a passkey (passkeyStep.ts) — then for a reset the new password, and a last page that says what to
 * do next. Where the flow offered a choice, each method step has "Use another way" back to it. The flow id, and nothing
 * the user typed for a secret, is kept in memory across a language switch; passwords live only in their inputs.
 */
import {
  type ApiError,
  type ApiResult,
  answerChallenge,
  type Challenge,
  type Channel,
  type CodeSent,
  chooseMethod,
  getConfig,
  type MethodOption,
  type PasswordPolicy,
  type Purpose,
  sendCode,
  setPassword,
  startFlow,
  unlockAccount,
} from '../api.js';
import { focusElement, h, replaceChildren } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';
import { type FieldRef, field, isCritical, textInput, usernameInput } from '../ui.js';
import type { RequestOptionsJSON } from '../webauthn.js';
import { criticalView, verificationFailedView } from './critical.js';
import { doneView, type Outcome } from './done.js';
import { FlowHeader, type FlowHeaderCarry } from './flowHeader.js';
import { newPasswordFields, showViolations } from './newPassword.js';
import { type PasskeyStepHost, passkeyStep } from './passkeyStep.js';
import { StepForm } from './stepForm.js';
import type { PageContext, PageHandle } from './types.js';

interface SentState {
  channelId: string;
  destination: string;
  expiresInSeconds: number;
  /** Epoch ms when a new code may be asked for. */
  resendAt: number;
}

type Step =
  | { kind: 'username' }
  | { kind: 'question'; challenge: Extract<Challenge, { type: 'question' }> }
  | { kind: 'code'; channels: Channel[]; sent?: SentState }
  | { kind: 'choose'; options: MethodOption[] }
  | { kind: 'authenticator' }
  | { kind: 'recoveryCode' }
  | { kind: 'passkey'; options: RequestOptionsJSON }
  | { kind: 'password'; policy: PasswordPolicy }
  | { kind: 'unlock' }
  | { kind: 'done'; outcome: Outcome; alsoUnlocked: boolean }
  | { kind: 'failed'; requestId: string }
  | { kind: 'critical'; error: ApiError };

export interface FlowCarry {
  username?: string;
  flowId?: string;
  step?: Step;
  notice?: string;
  choice?: MethodOption[];
  atChoice?: boolean;
  header?: FlowHeaderCarry;
}

/** A possession code as the server reads it: spaces and hyphens dropped (and Crockford's O, I, L for a recovery code). */
function normalizedPossession(kind: 'authenticator' | 'recoveryCode', typed: string): string {
  const plain = typed.replace(/[\s-]/g, '');
  return kind === 'authenticator' ? plain : plain.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

function asCarry(value: unknown): FlowCarry {
  return typeof value === 'object' && value !== null ? (value as FlowCarry) : {};
}

/** The policy to show when a verified reset challenge carries none (older API): the domain's, from /api/config. */
async function fallbackPolicy(tr: Translator): Promise<PasswordPolicy> {
  const config = await getConfig(tr.language);
  if (config.ok) return config.data.passwordPolicy;
  return { minLength: 1, maxLength: 256, complexity: false, historyLength: 0, minAgeDays: 0, rules: [] };
}

export function mountFlow(ctx: PageContext, purpose: Purpose, carried: unknown): PageHandle {
  const { tr } = ctx;
  const { t } = tr;
  const carry = asCarry(carried);
  const pageTitle = t(purpose === 'reset' ? 'menu.reset.title' : 'menu.unlock.title');
  let username = carry.username ?? '';
  let flowId = carry.flowId ?? '';
  let step: Step = carry.step ?? { kind: 'username' };
  /** The options of the flow's latest choice, while the method chosen from it is under way ("Use another way"). */
  let choice: MethodOption[] | undefined = carry.choice;
  /** Whether the server's flow stands at that choice (a code can be sent from it directly). */
  let atChoice = carry.atChoice ?? false;
  let mounted = true;
  let codeLength = 6;
  const timers = new Set<number>();
  const header = new FlowHeader(tr, purpose, carry.header, () => notYou());

  void getConfig(tr.language).then((result) => {
    if (!result.ok) return;
    codeLength = result.data.reset.codeLength;
  });

  function clearTimers(): void {
    for (const id of timers) clearInterval(id);
    timers.clear();
  }

  /** Renders a step. `focus` moves focus to its heading (a new step), false keeps it (first load, language switch). */
  function render(next: Step, focus: boolean, notice?: string): void {
    if (!mounted) return;
    clearTimers();
    step = next;
    ctx.setBusy(false);
    ctx.setTitle(pageTitle);
    let target: HTMLElement | undefined;
    switch (next.kind) {
      case 'done':
        ctx.root.replaceChildren(doneView(tr, next.outcome, next.alsoUnlocked));
        break;
      case 'failed':
        ctx.root.replaceChildren(verificationFailedView(tr, next.requestId));
        break;
      case 'critical':
        ctx.root.replaceChildren(
          criticalView(tr, next.error, () => {
            endFlow();
            render({ kind: 'username' }, true);
          }),
        );
        break;
      default: {
        const form = buildStep(next);
        replaceChildren(
          ctx.root,
          h('h1', { class: 'page-title', tabindex: -1 }, pageTitle),
          notice && h('p', { class: 'notice', role: 'status' }, notice),
          header.nameLine(next.kind),
          form.element,
        );
        const help = header.firstStepHelp(next.kind);
        if (help) form.heading.after(help);
        target = form.heading;
        if (next.kind === 'unlock') void doUnlock(form);
      }
    }
    if (focus) focusElement(target ?? (ctx.root.querySelector('h1') as HTMLElement));
  }

  /** "Not you? Start again": the username step, with what was typed in it and focused, for correction. */
  function notYou(): void {
    endFlow();
    render({ kind: 'username' }, false);
    const input = ctx.root.querySelector<HTMLInputElement>('#flow-username');
    input?.focus();
    input?.setSelectionRange(input.value.length, input.value.length);
  }

  function endFlow(): void {
    flowId = '';
    choice = undefined;
    atChoice = false;
  }

  /** Where a request's error goes: its own page, a fresh start, or the box on this step. */
  function handleError(form: StepForm, error: ApiError, aliases: Record<string, string> = {}): void {
    if (error.code === 'VERIFICATION_FAILED') {
      endFlow();
      render({ kind: 'failed', requestId: error.requestId }, true);
    } else if (error.code === 'WRONG_STEP') {
      endFlow();
      render({ kind: 'username' }, true, t('flow.restarted'));
    } else if (isCritical(error)) {
      endFlow();
      render({ kind: 'critical', error }, true);
    } else {
      form.showError(error, aliases);
    }
  }

  /**
   * The next step for a challenge the server sent. `from` is the request that sent it: after a start or a method that
   * passed, the choice made before no longer applies (another question of the same set keeps it).
   */
  async function advance(challenge: Challenge, from: 'start' | 'answer' | 'choose'): Promise<void> {
    atChoice = challenge.type === 'choose';
    if (challenge.type === 'choose') {
      choice = challenge.options;
      render({ kind: 'choose', options: choice }, true);
      return;
    }
    if (from !== 'choose' && !(challenge.type === 'question' && step.kind === 'question')) choice = undefined;
    if (challenge.type === 'question') render({ kind: 'question', challenge }, true);
    else if (challenge.type === 'code') render({ kind: 'code', channels: challenge.channels }, true);
    else if (challenge.type === 'authenticator' || challenge.type === 'recoveryCode') {
      render({ kind: challenge.type }, true);
    } else if (challenge.type === 'passkey') render({ kind: 'passkey', options: challenge.options }, true);
    else if (purpose === 'unlock') render({ kind: 'unlock' }, true);
    else render({ kind: 'password', policy: challenge.passwordPolicy ?? (await fallbackPolicy(tr)) }, true);
  }

  async function request<T>(form: StepForm, run: () => Promise<ApiResult<T>>): Promise<ApiResult<T> | undefined> {
    form.clearErrors();
    form.setBusy(true);
    const result = await run();
    if (!mounted) return undefined;
    form.setBusy(false);
    return result;
  }

  function buildStep(current: Step): StepForm {
    switch (current.kind) {
      case 'username':
        return usernameStep();
      case 'question':
        return questionStep(current.challenge);
      case 'code':
        return codeStep(current);
      case 'choose':
        return chooseStep(current.options);
      case 'authenticator':
      case 'recoveryCode':
        return possessionStep(current.kind);
      case 'passkey':
        return passkeyStep(passkeyHost, current.options);
      case 'password':
        return passwordStep(current.policy);
      default:
        return unlockStep();
    }
  }

  const passkeyHost: PasskeyStepHost = {
    tr,
    setBusy: ctx.setBusy,
    flowId: () => flowId,
    mounted: () => mounted,
    request,
    handleError,
    advance: (challenge) => advance(challenge, 'answer'),
    keep: (options) => {
      step = { kind: 'passkey', options };
    },
    anotherWay: () => anotherWay(),
  };

  function usernameStep(): StepForm {
    const input = usernameInput(username);
    const ref = field('flow-username', 'username', t('enroll.username'), input, { hint: t('enroll.username.hint') });
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('flow.username.title'),
        intro: [h('p', { class: 'lead' }, t(purpose === 'reset' ? 'flow.reset.intro' : 'flow.unlock.intro'))],
        fields: [ref],
        body: [ref.element],
        submitLabel: t('flow.continue'),
        busyLabel: t('flow.working'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu'))],
        onSubmit: async () => {
          username = input.value.trim();
          if (username === '') {
            form.showProblems(new Map([['username', t('enroll.username.required')]]));
            return;
          }
          const result = await request(form, () => startFlow(username, purpose, tr.language));
          if (!result) return;
          if (!result.ok) return handleError(form, result.error);
          flowId = result.data.flowId;
          header.started(result.data.username ?? username);
          await advance(result.data.challenge, 'start');
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function questionStep(challenge: Extract<Challenge, { type: 'question' }>): StepForm {
    const input = textInput('answer', { autocomplete: 'off' });
    const ref = field('flow-answer', 'answer', challenge.text, input);
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('flow.question.title', { index: challenge.index, of: challenge.of }),
        intro: [h('p', { class: 'lead' }, t('flow.question.intro'))],
        fields: [ref],
        body: [ref.element],
        submitLabel: t('flow.continue'),
        busyLabel: t('flow.checking'),
        secondary: [anotherWay(), h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
        onSubmit: async () => {
          if (input.value.trim() === '') {
            form.showProblems(new Map([['answer', tr.problem('answer.required')]]));
            return;
          }
          const result = await request(form, () => answerChallenge(flowId, input.value, tr.language));
          if (!result) return;
          if (!result.ok) return handleError(form, result.error);
          await advance(result.data.challenge, 'answer');
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function codeStep(state: Extract<Step, { kind: 'code' }>): StepForm {
    const radios = state.channels.map((channel, index) =>
      h('input', {
        type: 'radio',
        name: 'channel',
        value: channel.id,
        id: `flow-channel-${index}`,
        checked: state.sent ? state.sent.channelId === channel.id : index === 0,
      }),
    );
    const channelError = h('p', { class: 'field-error', id: 'flow-channel-error' });
    const channels = h(
      'fieldset',
      { class: 'group choices', 'aria-describedby': channelError.id },
      h('legend', {}, t('code.channels')),
      state.channels.map((channel, index) =>
        h(
          'div',
          { class: 'choice' },
          radios[index],
          h(
            'label',
            { for: `flow-channel-${index}` },
            t(channel.channel === 'email' ? 'code.viaEmail' : 'code.viaSms'),
            ' ',
            h('span', { class: 'destination', translate: 'no' }, channel.destination),
          ),
        ),
      ),
      channelError,
    );
    const firstRadio = radios[0] ?? h('input', { type: 'radio' });
    const channelRef: FieldRef = {
      path: 'channelId',
      control: firstRadio,
      error: channelError,
      label: t('code.channelLabel'),
      element: channels,
    };

    const codeInput = textInput('code', {
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      pattern: '[0-9]*',
      maxlength: String(Math.max(codeLength, 6) + 4),
    });
    const codeRef = field('flow-code', 'code', t('code.label'), codeInput, {
      hint: t('code.hint', { length: codeLength }),
    });
    const sent = state.sent;
    const resend = h('button', { type: 'button', class: 'button button--secondary' }, t('code.resend'));
    const sentNote = sent
      ? h(
          'p',
          { class: 'notice', role: 'status' },
          t('code.sent', {
            destination: sent.destination,
            minutes: Math.max(1, Math.round(sent.expiresInSeconds / 60)),
          }),
        )
      : false;

    const selected = (): string => radios.find((radio) => radio.checked)?.value ?? '';

    const send = async (): Promise<void> => {
      const channelId = selected();
      if (!channelId) {
        form.showProblems(new Map([['channelId', t('code.chooseChannel')]]));
        return;
      }
      const result = await request(form, () => sendCode(flowId, channelId, tr.language));
      if (!result) return;
      if (!result.ok) return handleError(form, result.error);
      const data: CodeSent = result.data;
      render(
        {
          kind: 'code',
          channels: state.channels,
          sent: {
            channelId,
            destination: data.destination,
            expiresInSeconds: data.expiresInSeconds,
            resendAt: Date.now() + data.resendAfterSeconds * 1000,
          },
        },
        false,
      );
      // The new code input is where the user goes next.
      const next = ctx.root.querySelector<HTMLInputElement>('#flow-code');
      next?.focus();
    };

    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('code.title'),
        intro: [h('p', { class: 'lead' }, t(sent ? 'code.introSent' : 'code.intro'))],
        fields: sent ? [channelRef, codeRef] : [channelRef],
        body: [channels, sentNote, sent && codeRef.element],
        submitLabel: t(sent ? 'flow.continue' : 'code.send'),
        busyLabel: t(sent ? 'flow.checking' : 'code.sending'),
        secondary: [sent && resend, anotherWay(), h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
        onSubmit: async () => {
          if (!sent) return send();
          const code = codeInput.value.replace(/\s/g, '');
          if (!new RegExp(`^[0-9]{${codeLength}}$`).test(code)) {
            form.showProblems(new Map([['code', tr.problem('code.format', { length: codeLength })]]));
            return;
          }
          const result = await request(form, () => answerChallenge(flowId, code, tr.language));
          if (!result) return;
          if (!result.ok) return handleError(form, result.error, { answer: 'code' });
          if (result.data.challenge.type === 'code') {
            codeInput.value = '';
            form.showProblems(new Map([['code', t('code.wrong')]]), t('code.wrongTitle'));
            return;
          }
          await advance(result.data.challenge, 'answer');
        },
      },
      ctx.setBusy,
    );

    if (sent) {
      resend.addEventListener('click', () => {
        if (!form.isBusy) void send();
      });
      const tick = (): void => {
        const left = Math.ceil((sent.resendAt - Date.now()) / 1000);
        if (left > 0) {
          resend.disabled = true;
          resend.textContent = t('code.resendIn', { seconds: left });
        } else {
          resend.disabled = false;
          resend.textContent = t('code.resend');
          clearTimers();
        }
      };
      tick();
      if (resend.disabled) timers.add(window.setInterval(tick, 1000));
    }
    return form;
  }

  /** "Use another way": back to the flow's choice, when it offered one (nothing is sent until an option is picked). */
  function anotherWay(): HTMLElement | false {
    const options = choice;
    if (!options || options.length < 2) return false;
    return h(
      'button',
      {
        type: 'button',
        class: 'link-button',
        on: { click: () => render({ kind: 'choose', options }, true) },
      },
      t('choose.another'),
    );
  }

  /** The label of one option's button (a code option has one button per channel). */
  function optionLabel(option: MethodOption, channel?: Channel): string {
    switch (option.method) {
      case 'questions':
        return t('choose.questions');
      case 'authenticator':
        return t('choose.authenticator');
      case 'recoveryCode':
        return t('choose.recoveryCode');
      case 'passkey':
        return t('choose.passkey');
      default:
        return t(channel?.channel === 'sms' ? 'choose.codeSms' : 'choose.codeEmail', {
          destination: channel?.destination ?? '',
        });
    }
  }

  function chooseStep(options: MethodOption[]): StepForm {
    const buttons: HTMLButtonElement[] = [];
    const option = (label: string, run: () => Promise<void>): HTMLElement => {
      const button = h(
        'button',
        {
          type: 'button',
          class: 'option',
          on: {
            click: () => {
              if (!form.isBusy) void run();
            },
          },
        },
        label,
      );
      buttons.push(button);
      return h('li', {}, button);
    };
    const busy = (value: boolean): void => {
      for (const button of buttons) button.disabled = value;
    };

    const choose = async (method: MethodOption['method']): Promise<boolean> => {
      const result = await request(form, () => chooseMethod(flowId, method, tr.language));
      if (!result) return false;
      if (!result.ok) {
        handleError(form, result.error);
        return false;
      }
      if (method !== 'code') await advance(result.data.challenge, 'choose');
      else atChoice = false;
      return true;
    };

    const send = async (channels: Channel[], channel: Channel): Promise<void> => {
      busy(true);
      try {
        // Sending a code is choosing it when the flow stands at the choice; from a method step, choose it first.
        if (!atChoice && !(await choose('code'))) return;
        const result = await request(form, () => sendCode(flowId, channel.id, tr.language));
        if (!result) return;
        if (!result.ok) return handleError(form, result.error);
        atChoice = false;
        const data: CodeSent = result.data;
        render(
          {
            kind: 'code',
            channels,
            sent: {
              channelId: channel.id,
              destination: data.destination,
              expiresInSeconds: data.expiresInSeconds,
              resendAt: Date.now() + data.resendAfterSeconds * 1000,
            },
          },
          true,
        );
      } finally {
        if (mounted) busy(false);
      }
    };

    const items = options.flatMap((each) =>
      each.method === 'code'
        ? each.channels.map((channel) => option(optionLabel(each, channel), () => send(each.channels, channel)))
        : [
            option(optionLabel(each), async () => {
              busy(true);
              try {
                await choose(each.method);
              } finally {
                if (mounted) busy(false);
              }
            }),
          ],
    );

    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('choose.title'),
        intro: [h('p', { class: 'lead' }, t('choose.intro'))],
        fields: [],
        body: [h('ul', { class: 'options' }, items)],
        busyLabel: t('flow.working'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
        onSubmit: () => undefined,
      },
      ctx.setBusy,
    );
    return form;
  }

  /** An authenticator app's code or a recovery code, answered with POST /api/reset/answer. */
  function possessionStep(kind: 'authenticator' | 'recoveryCode'): StepForm {
    const app = kind === 'authenticator';
    const input = app
      ? textInput('code', {
          autocomplete: 'one-time-code',
          inputmode: 'numeric',
          pattern: '[0-9 ]*',
          maxlength: '9',
        })
      : textInput('recoveryCode', { autocomplete: 'off', autocapitalize: 'characters', maxlength: '48' });
    const ref = app
      ? field('flow-authenticator-code', 'code', t('authenticator.label'), input, { hint: t('authenticator.hint') })
      : field('flow-recovery-code', 'code', t('recoveryCode.label'), input, { hint: t('recoveryCode.hint') });
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t(app ? 'authenticator.title' : 'recoveryCode.title'),
        intro: [h('p', { class: 'lead' }, t(app ? 'authenticator.intro' : 'recoveryCode.intro'))],
        fields: [ref],
        body: [ref.element],
        submitLabel: t('flow.continue'),
        busyLabel: t('flow.checking'),
        secondary: [anotherWay(), h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
        onSubmit: async () => {
          const code = normalizedPossession(kind, input.value);
          // The server's shapes (a recovery code: 24 characters, core/methods/recoveryCodes.ts): a typo never costs a try.
          const shaped = app ? /^[0-9]{6}$/.test(code) : /^[0-9A-Z]{24}$/.test(code);
          if (!shaped) {
            const problem = app ? tr.problem('code.format', { length: 6 }) : tr.problem('recoveryCode.format');
            form.showProblems(new Map([['code', problem]]));
            return;
          }
          const result = await request(form, () => answerChallenge(flowId, input.value, tr.language));
          if (!result) return;
          if (!result.ok) return handleError(form, result.error, { answer: 'code' });
          if (result.data.challenge.type === kind) {
            input.value = '';
            form.showProblems(new Map([['code', t('possession.wrong')]]), t('code.wrongTitle'));
            return;
          }
          await advance(result.data.challenge, 'answer');
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function passwordStep(policy: PasswordPolicy): StepForm {
    const created = newPasswordFields(tr, 'flow', policy);
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('password.title'),
        intro: [h('p', { class: 'lead' }, t('password.intro'))],
        fields: [created.newRef, created.confirmRef],
        body: [created.newRef.element, created.confirmRef.element],
        submitLabel: t('password.submit'),
        busyLabel: t('password.submitting'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
        onSubmit: async () => {
          const problems = created.problems();
          if (problems.size > 0) return form.showProblems(problems);
          const newPassword = created.newInput.value;
          const result = await request(form, () => setPassword(flowId, newPassword, tr.language));
          created.clear();
          if (!result) return;
          if (result.ok) {
            endFlow();
            render({ kind: 'done', outcome: 'passwordChanged', alsoUnlocked: result.data.unlocked === true }, true);
            return;
          }
          if (result.error.code === 'PASSWORD_POLICY') {
            return showViolations(tr, form, result.error);
          }
          handleError(form, result.error);
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function unlockStep(): StepForm {
    // Shown while the unlock request runs; its button lets the user try again after a network error.
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('unlock.title'),
        intro: [h('p', { class: 'lead' }, t('unlock.intro'))],
        fields: [],
        body: [],
        submitLabel: t('unlock.submit'),
        busyLabel: t('unlock.working'),
        onSubmit: () => void doUnlock(form),
      },
      ctx.setBusy,
    );
    return form;
  }

  async function doUnlock(form: StepForm): Promise<void> {
    const result = await request(form, () => unlockAccount(flowId, tr.language));
    if (!result) return;
    if (!result.ok) return handleError(form, result.error);
    endFlow();
    render({ kind: 'done', outcome: result.data.unlocked ? 'unlocked' : 'notLocked', alsoUnlocked: false }, true);
  }

  // A link-out or a language switch may carry a username; the first render keeps focus where the shell put it.
  const resumable = step.kind === 'username' || flowId !== '' || ['done', 'failed', 'critical'].includes(step.kind);
  render(resumable ? step : { kind: 'username' }, false, carry.notice);

  return {
    dispose() {
      mounted = false;
      clearTimers();
    },
    snapshot(): FlowCarry {
      mounted = false;
      clearTimers();
      const input = ctx.root.querySelector<HTMLInputElement>('#flow-username');
      if (input) username = input.value;
      // An unlock step re-runs its request when mounted again; that is what the user asked for.
      return { username, flowId, step, choice, atChoice, header: header.carry() };
    },
  };
}
