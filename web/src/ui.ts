/**
 * Building blocks the flow pages share: labelled fields with their error line, password inputs with a show/hide
 * toggle, the error box, the live password checklist, and the sentences for errors that are not tied to a field.
 */
import { type ApiError, loadedConfig, type PasswordPolicy, questionsOffered } from './api.js';
import { type Child, focusElement, h, replaceChildren } from './dom.js';
import type { StringKey, Translator } from './i18n.js';
import { hrefFor } from './router.js';

export interface FieldRef {
  path: string;
  control: HTMLInputElement;
  error: HTMLElement;
  label: string;
  element: HTMLElement;
}

/** A labelled input with an optional hint and its error line, wired with for/id, aria-describedby and aria-invalid. */
export function field(
  id: string,
  path: string,
  label: string,
  control: HTMLInputElement,
  options: { hint?: string; after?: Child; wrap?: HTMLElement } = {},
): FieldRef {
  control.id = id;
  const hintId = `${id}-hint`;
  const error = h('p', { class: 'field-error', id: `${id}-error` });
  const describedBy = [options.hint ? hintId : '', control.getAttribute('aria-describedby') ?? '', error.id];
  control.setAttribute('aria-describedby', describedBy.filter(Boolean).join(' '));
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    options.hint && h('p', { class: 'hint', id: hintId }, options.hint),
    options.wrap ?? control,
    error,
    options.after,
  );
  return { path, control, error, label, element };
}

export function setFieldError(ref: FieldRef, text: string | undefined): void {
  ref.error.textContent = text ?? '';
  if (text) ref.control.setAttribute('aria-invalid', 'true');
  else ref.control.removeAttribute('aria-invalid');
}

export function textInput(name: string, attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', {
    type: 'text',
    name,
    autocapitalize: 'none',
    autocorrect: 'off',
    spellcheck: 'false',
    required: true,
    ...attrs,
  });
}

export function usernameInput(value = ''): HTMLInputElement {
  const input = textInput('username', { autocomplete: 'username' });
  input.value = value;
  return input;
}

/**
 * A password input (paste allowed) and a toggle button that shows or hides what was typed. The toggle is a real
 * button with aria-pressed, named by its visible text and pointing at the input with aria-controls.
 */
export function passwordInput(
  tr: Translator,
  name: string,
  autocomplete: 'current-password' | 'new-password',
): { input: HTMLInputElement; wrap: HTMLElement } {
  const input = h('input', { type: 'password', name, autocomplete, spellcheck: 'false', required: true });
  const toggle = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' }, tr.t('password.show'));
  toggle.addEventListener('click', () => {
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    toggle.setAttribute('aria-pressed', String(!showing));
    toggle.textContent = tr.t(showing ? 'password.show' : 'password.hide');
  });
  queueMicrotask(() => {
    if (input.id) toggle.setAttribute('aria-controls', input.id);
  });
  // The label names the input; the toggle's own text names it, so it reads "Show" next to "New password".
  return { input, wrap: h('div', { class: 'password-wrap' }, input, toggle) };
}

/** The red box below the page's instructions: role=alert (announced), focused when shown. */
export class AlertBox {
  readonly element = h('div', { class: 'alert', role: 'alert', tabindex: -1, hidden: true });

  show(children: Child[]): void {
    replaceChildren(this.element, children);
    this.element.hidden = false;
    focusElement(this.element);
  }

  hide(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}

/** Links to each field with a problem (the GOV.UK error-summary pattern). */
export function problemList(tr: Translator, problems: [FieldRef, string][]): HTMLElement | false {
  if (problems.length === 0) return false;
  return h(
    'ul',
    { class: 'alert__list' },
    problems.map(([ref, problem]) =>
      h(
        'li',
        {},
        h(
          'a',
          {
            href: `#${ref.control.id}`,
            on: {
              click: (event) => {
                event.preventDefault(); // keep the route in the hash
                ref.control.focus();
              },
            },
          },
          tr.t('enroll.problemItem', { label: ref.label, problem }),
        ),
      ),
    ),
  );
}

/**
 * "You can try again in 5 minutes (at 14:32)." in the UI language; the clock time only where it helps (not for a few
 * seconds, nor for a day away, where "in 24 hours" says it better).
 */
export function retryAfterSentence(tr: Translator, seconds: number, now: Date = new Date()): string {
  const relative = new Intl.RelativeTimeFormat(tr.language, { numeric: 'always' });
  const when =
    seconds < 60
      ? relative.format(Math.max(1, Math.ceil(seconds)), 'second')
      : seconds < 2 * 3600
        ? relative.format(Math.ceil(seconds / 60), 'minute')
        : relative.format(Math.ceil(seconds / 3600), 'hour');
  if (seconds < 120 || seconds >= 20 * 3600) return tr.t('enroll.retryAfterShort', { when });
  const time = new Intl.DateTimeFormat(tr.language, { hour: 'numeric', minute: '2-digit' }).format(
    new Date(now.getTime() + seconds * 1000),
  );
  return tr.t('enroll.retryAfter', { when, time });
}

const REASON_KEYS = [
  'reason.DISABLED',
  'reason.EXPIRED',
  'reason.LOGON_HOURS',
  'reason.WORKSTATION',
  'reason.CANNOT_CHANGE_PASSWORD',
  'reason.MUST_CHANGE_PASSWORD',
  'reason.PASSWORD_EXPIRED',
  'reason.PROTECTED_ACCOUNT',
  'reason.NO_VERIFICATION_CHANNEL',
] as const satisfies readonly StringKey[];

export function reasonSentence(tr: Translator, reason: string | undefined): string | undefined {
  const key = `reason.${reason ?? ''}`;
  return (REASON_KEYS as readonly string[]).includes(key) ? tr.t(key as (typeof REASON_KEYS)[number]) : undefined;
}

const VIOLATION_KEYS = [
  'violation.MIN_LENGTH',
  'violation.MAX_LENGTH',
  'violation.COMPLEXITY',
  'violation.CONTAINS_NAME',
  'violation.BANNED',
  'violation.HISTORY',
  'violation.TOO_RECENT',
  'violation.DIRECTORY_REFUSED',
] as const satisfies readonly StringKey[];

/** The server's PASSWORD_POLICY violations as sentences in the UI language (unknown codes get a general one). */
export function violationSentences(tr: Translator, violations: string[] | undefined): string[] {
  const out = (violations ?? []).map((code) => {
    const key = `violation.${code}`;
    return (VIOLATION_KEYS as readonly string[]).includes(key)
      ? tr.t(key as (typeof VIOLATION_KEYS)[number])
      : tr.t('violation.DIRECTORY_REFUSED');
  });
  return out.length > 0 ? [...new Set(out)] : [tr.t('violation.DIRECTORY_REFUSED')];
}

/** The lines that explain an error which is not about one field (shown in the alert under its title). */
export function errorDetails(tr: Translator, error: ApiError): Child[] {
  const out: Child[] = [];
  switch (error.code) {
    case 'BAD_CREDENTIALS':
      out.push(
        h(
          'p',
          {},
          tr.t('enroll.badCredentials.hint'),
          ' ',
          h('a', { href: hrefFor('unlock') }, tr.t('enroll.badCredentials.unlock')),
        ),
        h(
          'p',
          {},
          tr.t('enroll.badCredentials.forgot'),
          ' ',
          h('a', { href: hrefFor('reset') }, tr.t('enroll.badCredentials.reset')),
        ),
      );
      break;
    case 'NOT_ELIGIBLE': {
      const sentence = reasonSentence(tr, error.reason);
      if (sentence) out.push(h('p', {}, sentence));
      break;
    }
    case 'NOT_ENROLLED': {
      // Without questions a user sets up on "your recovery methods", not on the enroll page.
      const config = loadedConfig();
      out.push(
        config && !questionsOffered(config)
          ? h(
              'p',
              {},
              tr.t('error.notEnrolledMethods'),
              ' ',
              h('a', { href: hrefFor('methods') }, tr.t('menu.methods.title')),
            )
          : h('p', {}, tr.t('error.notEnrolled'), ' ', h('a', { href: hrefFor('enroll') }, tr.t('menu.enroll.title'))),
      );
      break;
    }
    case 'RATE_LIMITED':
    case 'BLOCKED':
      out.push(
        h(
          'p',
          {},
          error.retryAfterSeconds !== undefined
            ? retryAfterSentence(tr, error.retryAfterSeconds)
            : tr.t('error.tryLater'),
        ),
      );
      break;
    case 'NETWORK':
      break;
  }
  return out;
}

/** The alert's title line for an error: the server's sentence, or the page's own words when it sent none. */
export function errorTitle(tr: Translator, error: ApiError): string {
  if (error.code === 'NETWORK') return tr.t('enroll.networkError');
  return error.message || tr.problem(`error.${error.code}`);
}

/** Errors that end the page: shown on a page of their own, with the request id. */
export function isCritical(error: ApiError): boolean {
  return ['DIRECTORY_UNAVAILABLE', 'INTERNAL', 'FLOW_EXPIRED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(error.code);
}

/**
 * Windows' complexity rule: characters from at least 3 of 5 categories (capitals, small letters, digits, the 32 ASCII
 * symbols, letters without case). The same definition as functions/core/passwordCheck.ts, without its banned list.
 */
export function complexityCategories(password: string): number {
  const found = new Set<string>();
  for (const char of password) {
    if (/^[0-9]$/.test(char)) found.add('digit');
    else if (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(char)) found.add('special');
    else if (/^[\p{Lu}\p{Lt}]$/u.test(char)) found.add('upper');
    else if (/^\p{Ll}$/u.test(char)) found.add('lower');
    else if (/^\p{L}$/u.test(char)) found.add('other');
  }
  return found.size;
}

/**
 * The new password's rules as a checklist that ticks as the user types: what the browser can check (length, the
 * categories, the confirmation matching), then the policy's other rules as sentences from the server.
 */
export class PolicyChecklist {
  readonly element: HTMLElement;
  private readonly items: { li: HTMLElement; state: HTMLElement; test: (pw: string, confirm: string) => boolean }[] =
    [];

  constructor(
    private readonly tr: Translator,
    policy: PasswordPolicy,
    id: string,
  ) {
    const { t } = tr;
    const checks: [string, (pw: string, confirm: string) => boolean][] = [
      [t('policy.minLength', { min: policy.minLength }), (pw) => [...pw].length >= policy.minLength],
    ];
    if (policy.complexity) checks.push([t('policy.complexity'), (pw) => complexityCategories(pw) >= 3]);
    checks.push([t('policy.match'), (pw, confirm) => pw !== '' && pw === confirm]);
    for (const [text, test] of checks) {
      const state = h('span', { class: 'visually-hidden' });
      const li = h('li', { class: 'check' }, text, ' ', state);
      this.items.push({ li, state, test });
    }
    this.element = h(
      'div',
      { class: 'policy', id },
      h('p', { class: 'policy__title' }, t('policy.title')),
      h(
        'ul',
        { class: 'checklist' },
        this.items.map((item) => item.li),
      ),
      policy.rules.length > 0 &&
        h(
          'div',
          {},
          h('p', { class: 'policy__title' }, t('policy.rules')),
          h(
            'ul',
            { class: 'plain-list policy__rules' },
            policy.rules.map((rule) => h('li', {}, rule)),
          ),
        ),
    );
    this.update('', '');
  }

  update(password: string, confirm: string): void {
    for (const item of this.items) {
      const met = item.test(password, confirm);
      item.li.classList.toggle('check--met', met);
      item.state.textContent = `(${this.tr.t(met ? 'policy.met' : 'policy.notMet')})`;
    }
  }
}
