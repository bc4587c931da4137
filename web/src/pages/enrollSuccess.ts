import { type Channel, type EnrollResponse, type PublicConfig, verifyContact } from '../api.js';
import { type Child, focusElement, h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';
import { AlertBox, errorDetails, errorTitle, field, isCritical, setFieldError, textInput } from '../ui.js';
import { enrollWording } from './enrollWording.js';

/**
 * After a successful enrollment: what the user can do now, the questions they chose, and for each new contact a code
 * step (POST /api/enroll/verify) that marks it confirmed. `verified` holds the confirmed contact ids and is kept by
 * the caller across a language switch. Renders into `root` and returns the heading.
 */
export function successView(
  root: HTMLElement,
  tr: Translator,
  config: PublicConfig,
  result: EnrollResponse,
  verified: string[] = [],
  setBusy: (busy: boolean) => void = () => {},
): HTMLHeadingElement {
  const { t } = tr;
  const textOf = new Map(config.questions.map((question) => [question.id, question.text]));
  const wording = enrollWording(config);
  const heading = h('h1', { class: 'page-title', tabindex: -1 }, t(wording.successTitle));
  const alert = new AlertBox();
  const token = result.enrollmentToken;
  const items = result.pendingContacts.map((contact, index) =>
    contactItem(tr, contact, index, token, verified, alert, setBusy, config.reset.codeLength),
  );
  root.replaceChildren(
    h(
      'section',
      { class: 'success' },
      heading,
      h('div', { class: 'alert alert--success', role: 'status' }, h('p', {}, t(wording.successText))),
      result.questionIds.length > 0 &&
        h(
          'div',
          {},
          h('h2', {}, t('success.questions')),
          h(
            'ul',
            { class: 'plain-list' },
            result.questionIds.map((id) => h('li', {}, textOf.get(id) ?? id)),
          ),
        ),
      result.pendingContacts.length > 0 &&
        h(
          'div',
          {},
          h('h2', {}, t('success.pending')),
          token && h('p', { class: 'hint' }, t('verify.intro')),
          alert.element,
          h('ul', { class: 'contacts' }, items),
        ),
      h('p', {}, t(wording.again)),
      h('p', {}, t(wording.methodsHint), ' ', h('a', { href: hrefFor('methods') }, t('menu.methods.title'))),
      h('p', { class: 'actions' }, h('a', { class: 'button', href: hrefFor('menu') }, t('app.backToMenu'))),
    ),
  );
  return heading;
}

function contactItem(
  tr: Translator,
  contact: Channel,
  index: number,
  token: string | undefined,
  verified: string[],
  alert: AlertBox,
  setBusy: (busy: boolean) => void,
  codeLength: number,
): HTMLElement {
  const { t } = tr;
  const isVerified = (): boolean => verified.includes(contact.id);
  const badge = (): HTMLElement =>
    isVerified()
      ? h('span', { class: 'badge badge--done' }, t('verify.confirmed'))
      : h('span', { class: 'badge badge--pending' }, t('success.pendingStatus'));
  const label: Child[] = [
    h('span', { class: 'contact__channel' }, t(`success.channel.${contact.channel}`)),
    ' ',
    h('span', { class: 'contact__destination', translate: 'no' }, contact.destination),
    ' ',
  ];
  const status = h('span', {}, badge());
  const li = h('li', { class: 'contact' }, h('p', { class: 'contact__line' }, label, status));
  if (!token || isVerified()) return li;

  const input = textInput(`code-${index}`, {
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    maxlength: String(codeLength + 4),
  });
  const ref = field(`verify-code-${index}`, 'code', t('verify.label', { destination: contact.destination }), input, {
    hint: t('code.hint', { length: codeLength }),
  });
  const button = h('button', { type: 'submit', class: 'button' }, t('verify.submit'));
  const form = h(
    'form',
    {
      class: 'verify-form',
      novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          void submit();
        },
      },
    },
    ref.element,
    button,
  );
  li.append(form);

  async function submit(): Promise<void> {
    if (button.disabled || !token) return;
    const code = input.value.replace(/\s/g, '');
    alert.hide();
    if (!new RegExp(`^[0-9]{${codeLength}}$`).test(code)) {
      setFieldError(ref, tr.problem('code.format', { length: codeLength }));
      input.focus();
      return;
    }
    setFieldError(ref, undefined);
    button.disabled = true;
    button.textContent = t('flow.checking');
    setBusy(true);
    const result = await verifyContact({ enrollmentToken: token, channelId: contact.id, code }, tr.language);
    setBusy(false);
    button.disabled = false;
    button.textContent = t('verify.submit');
    if (result.ok) {
      verified.push(contact.id);
      form.remove();
      status.replaceChildren(badge());
      const note = h(
        'p',
        { class: 'notice', role: 'status', tabindex: -1 },
        t('verify.done', { destination: contact.destination }),
      );
      li.append(note);
      const nextInput = li.parentElement?.querySelector<HTMLInputElement>('.verify-form input');
      if (nextInput) nextInput.focus();
      else focusElement(note);
      return;
    }
    const error = result.error;
    input.value = '';
    if (error.code === 'VERIFICATION_FAILED') setFieldError(ref, t('verify.wrong'));
    else if (error.code === 'FLOW_EXPIRED') setFieldError(ref, t('verify.expired'));
    else if (error.code === 'VALIDATION')
      setFieldError(ref, Object.values(error.fields ?? {}).join(' ') || errorTitle(tr, error));
    else {
      alert.show([
        h('p', { class: 'alert__title' }, errorTitle(tr, error)),
        errorDetails(tr, error),
        isCritical(error) &&
          error.requestId &&
          h(
            'p',
            {},
            t('critical.reference'),
            ' ',
            h('code', { class: 'request-id', translate: 'no' }, error.requestId),
          ),
      ]);
      return;
    }
    alert.show([
      h('p', { class: 'alert__title' }, errorTitle(tr, error)),
      h('p', {}, t('enroll.problemItem', { label: ref.label, problem: ref.error.textContent ?? '' })),
    ]);
  }
  return li;
}
