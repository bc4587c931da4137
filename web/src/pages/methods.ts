/**
 * Your recovery methods (issue 16; POST /api/methods/*): the username and current password open a methods session,
 * then the page shows what the account holds and lets the user create recovery codes (shown once: printed, downloaded,
 * and "I saved these codes" ticked before going on), add an authenticator app (a QR code drawn in the page from the
 * otpauth URI, the key as text in groups of four with a copy button, then a current code of it), add passkeys
 * (passkeys.ts), and remove any of them after a confirm step. The token, the codes and the key live in memory only
 * (a language switch carries them); when the session has ended (410) the page says so and asks for the password again.
 */
import {
  type ApiError,
  type ApiResult,
  beginAuthenticator,
  confirmAuthenticator,
  createRecoveryCodes,
  type ManagedMethod,
  type RecoveryMethods,
  removeMethod,
  startMethodsSession,
} from '../api.js';
import { type Child, focusElement, h, replaceChildren } from '../dom.js';
import { groupsOfFour, qrCode } from '../qrCode.js';
import { hrefFor } from '../router.js';
import { type FieldRef, field, isCritical, passwordInput, textInput, usernameInput } from '../ui.js';
import { criticalView } from './critical.js';
import { afterAdding, contactsSection, isLastWayBack, lastWayBackWarning, noRecoveryNotice } from './methodsSafety.js';
import { addPasskeyStep, type MethodsHost, type PasskeyView, passkeysSection, removePasskeyStep } from './passkeys.js';
import { StepForm } from './stepForm.js';
import type { PageContext, PageHandle } from './types.js';

type View =
  | { kind: 'signIn' }
  | { kind: 'overview' }
  | { kind: 'codes'; codes: string[]; issuedAt: string }
  | { kind: 'authenticator'; secret: string; otpauthUri: string }
  | { kind: 'remove'; method: ManagedMethod; lastWayBack?: boolean }
  | PasskeyView
  | { kind: 'critical'; error: ApiError };

export interface MethodsCarry {
  username?: string;
  token?: string;
  methods?: RecoveryMethods;
  view?: View;
}

function asCarry(value: unknown): MethodsCarry {
  return typeof value === 'object' && value !== null ? (value as MethodsCarry) : {};
}

export function mountMethods(ctx: PageContext, carried: unknown): PageHandle {
  const { tr } = ctx;
  const { t } = tr;
  const carry = asCarry(carried);
  const pageTitle = t('methods.title');
  let username = carry.username ?? '';
  let token = carry.token ?? '';
  let methods: RecoveryMethods | undefined = carry.methods;
  let view: View = token && methods && carry.view ? carry.view : { kind: 'signIn' };
  let mounted = true;

  const date = (iso: string | undefined): string =>
    iso ? new Intl.DateTimeFormat(tr.language, { dateStyle: 'long' }).format(new Date(iso)) : '';

  function render(next: View, focus: boolean, notice?: string): void {
    if (!mounted) return;
    view = next;
    ctx.setBusy(false);
    ctx.setTitle(pageTitle);
    if (next.kind === 'critical') {
      ctx.root.replaceChildren(criticalView(tr, next.error, () => signOut()));
      if (focus) focusElement(ctx.root.querySelector('h1') as HTMLElement);
      return;
    }
    const form = build(next);
    replaceChildren(
      ctx.root,
      h('h1', { class: 'page-title', tabindex: -1 }, pageTitle),
      notice && h('p', { class: 'notice', role: 'status' }, notice),
      form.element,
    );
    if (focus) form.focusHeading();
  }

  function signOut(notice?: string): void {
    token = '';
    methods = undefined;
    render({ kind: 'signIn' }, true, notice);
  }

  function build(current: Exclude<View, { kind: 'critical' }>): StepForm {
    switch (current.kind) {
      case 'signIn':
        return signInStep();
      case 'overview':
        return overviewStep();
      case 'codes':
        return codesStep(current.codes, current.issuedAt);
      case 'authenticator':
        return authenticatorStep(current.secret, current.otpauthUri);
      case 'addPasskey':
        return addPasskeyStep(passkeyHost, current.options);
      case 'removePasskey':
        return removePasskeyStep(passkeyHost, current.passkey, current.lastWayBack === true);
      default:
        return removeStep(current.method, current.lastWayBack === true);
    }
  }

  /** A request's error: the session ended (sign in again), a page of its own, or the box on this step. */
  function handleError(form: StepForm, error: ApiError, aliases: Record<string, string> = {}): void {
    if (error.code === 'FLOW_EXPIRED' && token !== '') signOut(t('methods.expired'));
    else if (isCritical(error)) {
      token = '';
      render({ kind: 'critical', error }, true);
    } else form.showError(error, aliases);
  }

  async function request<T>(form: StepForm, run: () => Promise<ApiResult<T>>): Promise<ApiResult<T> | undefined> {
    form.clearErrors();
    form.setBusy(true);
    const result = await run();
    if (!mounted) return undefined;
    form.setBusy(false);
    return result;
  }

  const passkeyHost: MethodsHost = {
    tr,
    setBusy: ctx.setBusy,
    token: () => token,
    methods: () => methods,
    setMethods: (next) => {
      methods = next;
    },
    show: (next, notice) => render(next, true, notice),
    mounted: () => mounted,
    request,
    handleError,
    date,
  };

  function signInStep(): StepForm {
    const input = usernameInput(username);
    const userRef = field('methods-username', 'username', t('enroll.username'), input, {
      hint: t('enroll.username.hint'),
    });
    const password = passwordInput(tr, 'password', 'current-password');
    const passwordRef = field('methods-password', 'password', t('enroll.password'), password.input, {
      wrap: password.wrap,
    });
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('methods.signIn.title'),
        intro: [h('p', { class: 'lead' }, t('methods.signIn.intro'))],
        fields: [userRef, passwordRef],
        body: [userRef.element, passwordRef.element],
        submitLabel: t('methods.signIn.submit'),
        busyLabel: t('methods.signIn.working'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu'))],
        onSubmit: async () => {
          username = input.value.trim();
          const problems = new Map<string, string>();
          if (username === '') problems.set('username', t('enroll.username.required'));
          if (password.input.value === '') problems.set('password', tr.problem('password.required'));
          if (problems.size > 0) return form.showProblems(problems);
          const result = await request(form, () =>
            startMethodsSession({ username, password: password.input.value }, tr.language),
          );
          password.input.value = '';
          if (!result) return;
          if (!result.ok) return handleError(form, result.error);
          token = result.data.methodsToken;
          methods = result.data.methods;
          render({ kind: 'overview' }, true);
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function overviewStep(): StepForm {
    const held = methods as RecoveryMethods;
    const offered = new Set(held.offered);
    const sections: Child[] = [];
    const action = (label: string, run: () => void, secondary = false): HTMLButtonElement =>
      h(
        'button',
        {
          type: 'button',
          class: secondary ? 'button button--secondary' : 'button',
          on: {
            click: () => {
              if (!form.isBusy) run();
            },
          },
        },
        label,
      );
    const section = (id: string, title: string, text: string, actions: Child[]): HTMLElement =>
      h(
        'section',
        { class: 'method', 'aria-labelledby': `${id}-title` },
        h('h3', { id: `${id}-title` }, title),
        h('p', { class: 'method__text' }, text),
        actions.some(Boolean) && h('div', { class: 'actions' }, actions),
      );

    if (offered.has('questions') || held.questions.enrolled) {
      sections.push(
        section(
          'methods-questions',
          t('methods.questions.title'),
          t(held.questions.enrolled ? 'methods.questions.enrolled' : 'methods.questions.none'),
          [h('a', { class: 'link', href: hrefFor('enroll') }, t('methods.questions.change'))],
        ),
      );
    }
    sections.push(contactsSection(tr, offered));
    sections.push(passkeysSection(passkeyHost, () => form));
    const app = held.authenticator;
    if (offered.has('authenticator') || app.enrolled) {
      sections.push(
        section(
          'methods-authenticator',
          t('methods.authenticator.title'),
          app.enrolled
            ? t('methods.authenticator.enrolled', { date: date(app.addedAt) })
            : t('methods.authenticator.none'),
          [
            !app.enrolled &&
              offered.has('authenticator') &&
              action(t('methods.authenticator.add'), () => void addAuthenticator()),
            app.enrolled &&
              action(
                t('methods.authenticator.remove'),
                () => render({ kind: 'remove', method: 'authenticator' }, true),
                true,
              ),
          ],
        ),
      );
    }
    const codes = held.recoveryCodes;
    if (offered.has('recoveryCode') || codes.remaining > 0) {
      sections.push(
        section(
          'methods-codes',
          t('methods.codes.title'),
          codes.remaining > 0
            ? t('methods.codes.remaining', { count: codes.remaining, date: date(codes.issuedAt) })
            : t('methods.codes.none'),
          [
            offered.has('recoveryCode') &&
              action(
                t(codes.remaining > 0 ? 'methods.codes.replace' : 'methods.codes.create'),
                () => void newCodes(),
                codes.remaining > 0,
              ),
            codes.remaining > 0 &&
              action(t('methods.codes.remove'), () => render({ kind: 'remove', method: 'recoveryCodes' }, true), true),
          ],
        ),
      );
    }

    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('methods.overview.title'),
        intro: [h('p', { class: 'lead' }, t('methods.overview.intro')), noRecoveryNotice(tr, held)],
        fields: [],
        body: sections,
        busyLabel: t('flow.working'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu'))],
        onSubmit: () => undefined,
      },
      ctx.setBusy,
    );

    async function newCodes(): Promise<void> {
      const result = await request(form, () => createRecoveryCodes(token, tr.language));
      if (!result) return;
      if (!result.ok) return handleError(form, result.error);
      if (methods) {
        methods = {
          ...afterAdding(methods),
          recoveryCodes: { remaining: result.data.codes.length, issuedAt: result.data.issuedAt },
        };
      }
      render({ kind: 'codes', codes: result.data.codes, issuedAt: result.data.issuedAt }, true);
    }

    async function addAuthenticator(): Promise<void> {
      const result = await request(form, () => beginAuthenticator(token, tr.language));
      if (!result) return;
      if (!result.ok) return handleError(form, result.error);
      render({ kind: 'authenticator', secret: result.data.secret, otpauthUri: result.data.otpauthUri }, true);
    }
    return form;
  }

  function codesStep(codes: string[], issuedAt: string): StepForm {
    const listTitle = t('methods.codesShown.listTitle', { username });
    const printable = h(
      'div',
      { class: 'recovery-codes', id: 'recovery-codes' },
      h('h3', { id: 'recovery-codes-title' }, listTitle),
      h(
        'ol',
        { 'aria-labelledby': 'recovery-codes-title' },
        codes.map((code) => h('li', {}, h('span', { class: 'code-text', translate: 'no' }, code))),
      ),
    );
    const print = h(
      'button',
      { type: 'button', class: 'button button--secondary', on: { click: () => window.print() } },
      t('methods.codesShown.print'),
    );
    const download = h(
      'button',
      { type: 'button', class: 'button button--secondary', on: { click: () => downloadCodes() } },
      t('methods.codesShown.download'),
    );
    const saved = h('input', { type: 'checkbox', id: 'methods-saved', name: 'saved' });
    const savedError = h('p', { class: 'field-error', id: 'methods-saved-error' });
    saved.setAttribute('aria-describedby', savedError.id);
    const savedRef: FieldRef = {
      path: 'saved',
      control: saved,
      error: savedError,
      label: t('methods.codesShown.saved'),
      element: h(
        'div',
        { class: 'field' },
        h('div', { class: 'checkbox' }, saved, h('label', { for: saved.id }, t('methods.codesShown.saved'))),
        savedError,
      ),
    };
    saved.addEventListener('change', () => {
      if (saved.checked) {
        savedError.textContent = '';
        saved.removeAttribute('aria-invalid');
      }
    });

    function downloadCodes(): void {
      const text = [
        t('methods.codesShown.listTitle', { username }),
        t('methods.codesShown.fileNote', { date: date(issuedAt) }),
        '',
        ...codes.map((code, index) => `${index + 1}. ${code}`),
        '',
      ].join('\r\n');
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
      const link = h('a', { href: url, download: 'recovery-codes.txt', hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }

    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('methods.codesShown.title'),
        intro: [h('p', { class: 'lead' }, t('methods.codesShown.intro'))],
        fields: [savedRef],
        body: [printable, h('div', { class: 'actions' }, print, download), savedRef.element],
        submitLabel: t('flow.continue'),
        busyLabel: t('flow.working'),
        onSubmit: () => {
          if (!saved.checked) {
            form.showProblems(new Map([['saved', t('methods.codesShown.savedRequired')]]));
            return;
          }
          render({ kind: 'overview' }, true, t('methods.codesShown.done'));
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  function authenticatorStep(secret: string, otpauthUri: string): StepForm {
    const keyId = 'methods-secret';
    const status = h('p', { class: 'hint', role: 'status' });
    const copy = h(
      'button',
      {
        type: 'button',
        class: 'button button--secondary',
        on: {
          click: () => {
            status.textContent = '';
            navigator.clipboard.writeText(secret).then(
              () => {
                status.textContent = t('methods.setup.copied');
              },
              () => {
                status.textContent = t('methods.setup.copyFailed');
              },
            );
          },
        },
      },
      t('methods.setup.copy'),
    );
    const code = textInput('code', {
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      pattern: '[0-9 ]*',
      maxlength: '9',
    });
    const codeRef = field('methods-authenticator-code', 'code', t('methods.setup.codeLabel'), code, {
      hint: t('authenticator.hint'),
    });
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t('methods.setup.title'),
        intro: [h('p', { class: 'lead' }, t('methods.setup.scan'))],
        fields: [codeRef],
        body: [
          qrCode(otpauthUri, t('methods.setup.qrAlt'), 'methods-qr'),
          h('p', { id: `${keyId}-label` }, t('methods.setup.keyTitle')),
          h(
            'div',
            { class: 'secret' },
            h(
              'code',
              { class: 'code-text', id: keyId, translate: 'no', 'aria-labelledby': `${keyId}-label ${keyId}` },
              groupsOfFour(secret),
            ),
            copy,
          ),
          status,
          codeRef.element,
        ],
        submitLabel: t('methods.setup.submit'),
        busyLabel: t('flow.checking'),
        secondary: [
          h(
            'button',
            { type: 'button', class: 'link-button', on: { click: () => render({ kind: 'overview' }, true) } },
            t('flow.cancel'),
          ),
        ],
        onSubmit: async () => {
          const typed = code.value.replace(/[\s-]/g, '');
          if (!/^[0-9]{6}$/.test(typed)) {
            form.showProblems(new Map([['code', tr.problem('code.format', { length: 6 })]]));
            return;
          }
          const result = await request(form, () => confirmAuthenticator(token, typed, tr.language));
          if (!result) return;
          if (!result.ok) {
            if (result.error.code === 'VERIFICATION_FAILED') {
              code.value = '';
              form.showProblems(new Map([['code', t('methods.setup.wrong')]]), t('code.wrongTitle'));
              return;
            }
            return handleError(form, result.error);
          }
          if (methods) {
            methods = { ...afterAdding(methods), authenticator: { enrolled: true, addedAt: result.data.addedAt } };
          }
          render({ kind: 'overview' }, true, t('methods.setup.done'));
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  /** `lastWayBack`: the server said this removal leaves no way back; the step warns and confirms it. */
  function removeStep(method: ManagedMethod, lastWayBack: boolean): StepForm {
    const app = method === 'authenticator';
    const form: StepForm = new StepForm(
      tr,
      {
        heading: t(app ? 'methods.remove.authenticatorTitle' : 'methods.remove.codesTitle'),
        intro: [
          h('p', { class: 'lead' }, t(app ? 'methods.remove.authenticatorText' : 'methods.remove.codesText')),
          lastWayBack && lastWayBackWarning(tr),
        ],
        fields: [],
        body: [],
        submitLabel: t(lastWayBack ? 'methods.lastWayBack.confirm' : 'methods.remove.submit'),
        busyLabel: t('flow.working'),
        secondary: [
          h(
            'button',
            { type: 'button', class: 'link-button', on: { click: () => render({ kind: 'overview' }, true) } },
            t('flow.cancel'),
          ),
        ],
        onSubmit: async () => {
          const result = await request(form, () => removeMethod(token, method, tr.language, lastWayBack));
          if (!result) return;
          if (!result.ok && isLastWayBack(result.error))
            return render({ kind: 'remove', method, lastWayBack: true }, true);
          if (!result.ok) return handleError(form, result.error);
          methods = result.data.methods;
          render({ kind: 'overview' }, true, t(app ? 'methods.remove.authenticatorDone' : 'methods.remove.codesDone'));
        },
      },
      ctx.setBusy,
    );
    return form;
  }

  render(view, false);

  return {
    dispose() {
      mounted = false;
    },
    snapshot(): MethodsCarry {
      mounted = false;
      const input = ctx.root.querySelector<HTMLInputElement>('#methods-username');
      if (input) username = input.value;
      return { username, token, methods, view };
    },
  };
}
