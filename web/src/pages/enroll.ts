/**
 * Enroll (DESIGN §3 POST /api/enroll, §4 Enrollment): username and password, `questionsRequired` questions with one
 * answer each, and the contacts the configuration asks for. Answers are checked as the user types with the same
 * domain code the server runs (functions/core/answers.ts), and every problem is shown next to its field.
 *
 * The password lives only in its input (and, across a language switch, in memory); it is cleared after every response
 * and never written to any storage.
 *
 * Under a recovery policy without questions (enrollWording.ts) the page takes contacts only and sends no answers.
 */

import { checkAnswers, normalizeAnswer } from '../../../functions/core/answers.js';
import { isValidEmail, isValidPhone } from '../../../functions/core/contacts.js';
import {
  type ApiError,
  type ContactSetting,
  type EnrollRequest,
  type EnrollResponse,
  enroll,
  getConfig,
  type PublicConfig,
} from '../api.js';
import { type Child, focusElement, h, replaceChildren } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';
import { errorDetails } from '../ui.js';
import { criticalView } from './critical.js';
import { successView } from './enrollSuccess.js';
import { contactFieldFor, type EnrollWording, enrollWording } from './enrollWording.js';
import type { PageContext, PageHandle } from './types.js';

export interface EnrollValues {
  username: string;
  password: string;
  questionIds: string[];
  answers: string[];
  email: string;
  phone: string;
}

type View =
  | { kind: 'form' }
  | { kind: 'success'; result: EnrollResponse; verified: string[] }
  | { kind: 'critical'; error: ApiError };

/** What survives a language switch (memory only). */
export interface EnrollCarry {
  values?: Partial<EnrollValues>;
  touched?: string[];
  view?: View;
}

/** A field the page can point at: its control, its error line, and the ids its aria-describedby always names. */
interface FieldRef {
  control: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
  label: string;
}

const PHONE_SEPARATORS = /[\s().-]/g;
const TRAILING_PUNCTUATION = /[\s?!.¿¡؟:;…‽？！。]+$/u;

/** What the server will be sent for a phone number: separators people type for readability are dropped. */
function cleanPhone(raw: string): string {
  return raw.trim().replace(PHONE_SEPARATORS, '');
}

function asCarry(value: unknown): EnrollCarry {
  return typeof value === 'object' && value !== null ? (value as EnrollCarry) : {};
}

export function mountEnroll(ctx: PageContext, carried: unknown): PageHandle {
  const { tr } = ctx;
  const { t } = tr;
  const carry = asCarry(carried);
  let view: View = carry.view ?? { kind: 'form' };
  let config: PublicConfig | undefined;
  let form: EnrollForm | undefined;
  let initialValues: Partial<EnrollValues> = carry.values ?? {};
  let initialTouched: string[] = carry.touched ?? [];
  let mounted = true;

  ctx.setTitle(t('enroll.title'));

  function show(next: View, focus: boolean): void {
    if (!mounted) return;
    view = next;
    form = undefined;
    if (!config) return;
    if (next.kind === 'form') {
      ctx.setTitle(t(enrollWording(config).title));
      form = new EnrollForm(tr, config, initialValues, initialTouched, {
        setBusy: (busy) => ctx.setBusy(busy),
        onSuccess: (result) => {
          initialValues = {};
          initialTouched = [];
          show({ kind: 'success', result, verified: [] }, true);
        },
        onCritical: (error, values) => {
          initialValues = { ...values, password: '' };
          initialTouched = [];
          show({ kind: 'critical', error }, true);
        },
      });
      ctx.root.replaceChildren(form.element);
      if (focus) focusElement(form.heading);
    } else if (next.kind === 'success') {
      ctx.setTitle(t(enrollWording(config).successTitle));
      const heading = successView(ctx.root, tr, config, next.result, next.verified, ctx.setBusy);
      if (focus) focusElement(heading);
    } else {
      ctx.setTitle(t(next.error.code === 'DIRECTORY_UNAVAILABLE' ? 'critical.unavailableTitle' : 'critical.title'));
      ctx.root.replaceChildren(criticalView(tr, next.error, () => show({ kind: 'form' }, true)));
      const heading = ctx.root.querySelector('h1');
      if (focus && heading) focusElement(heading);
    }
  }

  async function load(): Promise<void> {
    ctx.root.replaceChildren(
      h('h1', { class: 'page-title', tabindex: -1 }, t('enroll.title')),
      h('p', { class: 'loading', role: 'status' }, t('app.loading')),
    );
    const result = await getConfig(tr.language);
    if (!mounted) return;
    if (!result.ok) {
      ctx.setTitle(t('critical.title'));
      ctx.root.replaceChildren(criticalView(tr, result.error, () => void load()));
      const heading = ctx.root.querySelector('h1');
      if (heading) focusElement(heading);
      return;
    }
    config = result.data;
    // Keep focus where it was: on the heading if the loading view had it (after navigation), else untouched.
    show(view, ctx.root.contains(document.activeElement));
  }

  void load();

  return {
    dispose() {
      mounted = false;
    },
    snapshot(): EnrollCarry {
      mounted = false;
      if (form) return { values: form.read(), touched: form.touchedFields(), view: { kind: 'form' } };
      return { values: initialValues, touched: initialTouched, view };
    },
  };
}

interface FormCallbacks {
  setBusy(busy: boolean): void;
  onSuccess(result: EnrollResponse): void;
  onCritical(error: ApiError, values: EnrollValues): void;
}

class EnrollForm {
  readonly element: HTMLElement;
  readonly heading: HTMLHeadingElement;
  private readonly alert: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly formElement: HTMLFormElement;
  private readonly fields = new Map<string, FieldRef>();
  private readonly answersError: HTMLElement;
  private readonly questionSelects: HTMLSelectElement[] = [];
  private readonly answerInputs: HTMLInputElement[] = [];
  private readonly username: HTMLInputElement;
  private readonly password: HTMLInputElement;
  private readonly email: HTMLInputElement | undefined;
  private readonly phone: HTMLInputElement | undefined;
  /** Fields whose client-side problems are shown (typed into, left, or the form was submitted). */
  private readonly touched: Set<string>;
  private readonly wording: EnrollWording;
  /** Problems the server named, shown until the field is edited. */
  private readonly serverErrors = new Map<string, string>();
  private busy = false;

  constructor(
    private readonly tr: Translator,
    private readonly config: PublicConfig,
    values: Partial<EnrollValues>,
    touched: string[],
    private readonly callbacks: FormCallbacks,
  ) {
    const { t } = tr;
    const rules = config.enrollment;
    this.touched = new Set(touched);
    this.wording = enrollWording(config);
    const { withQuestions } = this.wording;

    this.heading = h('h1', { class: 'page-title', id: 'enroll-title', tabindex: -1 }, t(this.wording.title));
    this.alert = h('div', { class: 'alert', id: 'enroll-alert', role: 'alert', tabindex: -1, hidden: true });

    // Account
    this.username = h('input', {
      type: 'text',
      name: 'username',
      autocomplete: 'username',
      autocapitalize: 'none',
      spellcheck: 'false',
      required: true,
    });
    this.username.value = values.username ?? '';
    this.password = h('input', {
      type: 'password',
      name: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    this.password.value = values.password ?? '';

    const account = h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, t('enroll.account.legend')),
      this.field('username', this.username, t('enroll.username'), { hint: t('enroll.username.hint') }),
      this.field('password', this.password, t('enroll.password')),
    );

    // Questions
    const questionsHintId = 'enroll-questions-hint';
    this.answersError = h('p', { class: 'field-error', id: 'enroll-answers-error' });
    const slots: Child[] = [];
    for (let index = 0; withQuestions && index < rules.questionsRequired; index++) {
      const number = index + 1;
      const select = h(
        'select',
        { name: `question-${number}`, required: true },
        h('option', { value: '' }, t('enroll.question.placeholder')),
        config.questions.map((question) => h('option', { value: question.id }, question.text)),
      );
      select.value = values.questionIds?.[index] ?? '';
      if (select.selectedIndex < 0) select.value = '';
      const answer = h('input', {
        type: 'text',
        name: `answer-${number}`,
        autocomplete: 'off',
        autocapitalize: 'none',
        spellcheck: 'false',
        required: true,
      });
      answer.value = values.answers?.[index] ?? '';
      this.questionSelects.push(select);
      this.answerInputs.push(answer);
      slots.push(
        h(
          'div',
          { class: 'question-slot' },
          this.field(`answers.${index}.questionId`, select, t('enroll.question', { number })),
          this.field(`answers.${index}.answer`, answer, t('enroll.answer', { number })),
        ),
      );
    }
    const questions =
      withQuestions &&
      h(
        'fieldset',
        { class: 'group', 'aria-describedby': `${questionsHintId} ${this.answersError.id}` },
        h('legend', {}, t('enroll.questions.legend')),
        h(
          'p',
          { class: 'hint', id: questionsHintId },
          t('enroll.questions.hint', {
            count: rules.questionsRequired,
            min: rules.answerMinLength,
            max: rules.answerMaxLength,
          }),
        ),
        this.answersError,
        slots,
      );

    // Contacts, as the configuration asks for them
    const contactFields: Child[] = [];
    if (rules.email !== 'off') {
      this.email = h('input', {
        type: 'email',
        name: 'email',
        autocomplete: 'email',
        inputmode: 'email',
        spellcheck: 'false',
        required: rules.email === 'required',
      });
      this.email.value = values.email ?? '';
      contactFields.push(
        this.field('email', this.email, t('enroll.email'), {
          hint: t('enroll.email.hint'),
          setting: rules.email,
        }),
      );
    }
    if (rules.phone !== 'off') {
      this.phone = h('input', {
        type: 'tel',
        name: 'phone',
        autocomplete: 'tel',
        inputmode: 'tel',
        required: rules.phone === 'required',
      });
      this.phone.value = values.phone ?? '';
      contactFields.push(
        this.field('phone', this.phone, t('enroll.phone'), {
          hint: t('enroll.phone.hint'),
          setting: rules.phone,
        }),
      );
    }
    const contacts =
      contactFields.length > 0 &&
      h(
        'fieldset',
        { class: 'group', 'aria-describedby': 'enroll-contacts-hint' },
        h('legend', {}, t('enroll.contacts.legend')),
        h('p', { class: 'hint', id: 'enroll-contacts-hint' }, t('enroll.contacts.hint')),
        contactFields,
      );

    this.submit = h('button', { type: 'submit', class: 'button' }, t(this.wording.submit));
    this.formElement = h(
      'form',
      { class: 'form', novalidate: true, on: { submit: (event) => this.onSubmit(event) } },
      account,
      questions,
      contacts,
      h(
        'div',
        { class: 'actions' },
        this.submit,
        h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu')),
      ),
    );

    this.element = h(
      'section',
      { 'aria-labelledby': 'enroll-title' },
      this.heading,
      h('p', { class: 'lead' }, t(this.wording.intro, { count: rules.questionsRequired })),
      h('p', {}, t(this.wording.methodsHint), ' ', h('a', { href: hrefFor('methods') }, t('menu.methods.title'))),
      this.alert,
      this.formElement,
    );

    this.wireLiveChecks();
    this.syncQuestionOptions();
    this.refresh();
  }

  /** A labelled control with its hint and error line, wired with for/id, aria-describedby and aria-invalid. */
  private field(
    path: string,
    control: HTMLInputElement | HTMLSelectElement,
    label: string,
    options: { hint?: string; setting?: ContactSetting } = {},
  ): HTMLElement {
    const id = `enroll-${path.replaceAll('.', '-')}`;
    control.id = id;
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const error = h('p', { class: 'field-error', id: errorId });
    control.setAttribute('aria-describedby', options.hint ? `${hintId} ${errorId}` : errorId);
    this.fields.set(path, { control, error, label });
    const marker =
      options.setting === 'required'
        ? this.tr.t('enroll.required')
        : options.setting === 'optional'
          ? this.tr.t('enroll.optional')
          : undefined;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label, marker && h('span', { class: 'label-note' }, ` ${marker}`)),
      options.hint && h('p', { class: 'hint', id: hintId }, options.hint),
      control,
      error,
    );
  }

  private wireLiveChecks(): void {
    for (const [path, { control }] of this.fields) {
      const isAnswer = path.startsWith('answers.') && path.endsWith('.answer');
      const isContact = path === 'email' || path === 'phone';
      control.addEventListener('input', () => {
        this.serverErrors.delete(path);
        // Answers are checked as the user types; contacts once left (then live, so a fix clears the message).
        if (isAnswer) this.touched.add(path);
        this.refresh();
      });
      control.addEventListener('change', () => {
        this.serverErrors.delete(path);
        if (control instanceof HTMLSelectElement || isContact) this.touched.add(path);
        if (control instanceof HTMLSelectElement) this.syncQuestionOptions();
        this.refresh();
      });
      if (isContact) {
        control.addEventListener('blur', () => {
          if (control.value.trim() !== '') this.touched.add(path);
          this.refresh();
        });
      }
    }
  }

  /** A question chosen in one slot cannot be chosen in another. */
  private syncQuestionOptions(): void {
    const chosen = this.questionSelects.map((select) => select.value);
    this.questionSelects.forEach((select, index) => {
      for (const option of select.options) {
        option.disabled = option.value !== '' && chosen.some((id, other) => other !== index && id === option.value);
      }
    });
  }

  read(): EnrollValues {
    return {
      username: this.username.value,
      password: this.password.value,
      questionIds: this.questionSelects.map((select) => select.value),
      answers: this.answerInputs.map((input) => input.value),
      email: this.email?.value ?? '',
      phone: this.phone?.value ?? '',
    };
  }

  touchedFields(): string[] {
    return [...this.touched];
  }

  /** Every client-side problem, by field path, as sentences in the UI language. */
  private problems(values: EnrollValues): Map<string, string> {
    const { tr } = this;
    const rules = this.config.enrollment;
    const out = new Map<string, string>();
    const knownIds = new Set(this.config.questions.map((question) => question.id));

    const answers = values.questionIds.map((questionId, index) => ({
      questionId,
      answer: values.answers[index] ?? '',
    }));
    const answerProblems = this.wording.withQuestions ? checkAnswers(answers, rules) : {};
    for (const [path, problem] of Object.entries(answerProblems)) {
      // The server's catalog is the truth for which ids exist: an operator may have edited it.
      const index = Number(path.split('.')[1]);
      const chosen = answers[index]?.questionId ?? '';
      if (problem.message === 'question.unknown' && knownIds.has(chosen)) continue;
      out.set(path, tr.problem(problem.message, problem.params));
    }
    // "Not the question itself", also against the texts this page shows (which may come from an edited catalog).
    const shownTexts = new Set(
      this.config.questions.map((q) => normalizeAnswer(q.text).replace(TRAILING_PUNCTUATION, '')),
    );
    answers.forEach(({ answer }, index) => {
      const path = `answers.${index}.answer`;
      const normalized = normalizeAnswer(answer).replace(TRAILING_PUNCTUATION, '');
      if (!out.has(path) && normalized !== '' && shownTexts.has(normalized)) {
        out.set(path, tr.problem('answer.isQuestion'));
      }
    });

    if (values.username.trim() === '') out.set('username', tr.t('enroll.username.required'));
    if (values.password === '') out.set('password', tr.problem('password.required'));

    const email = values.email.trim();
    if (rules.email === 'required' && email === '') out.set('email', tr.problem('email.required'));
    else if (rules.email !== 'off' && email !== '' && !isValidEmail(email))
      out.set('email', tr.problem('email.invalid'));

    const phone = cleanPhone(values.phone);
    if (rules.phone === 'required' && phone === '') out.set('phone', tr.problem('phone.required'));
    else if (rules.phone !== 'off' && phone !== '' && !isValidPhone(phone))
      out.set('phone', tr.problem('phone.invalid'));
    // Without questions the contacts are all the page saves: one of them is needed (as the server says too).
    const contactField = contactFieldFor(this.config);
    if (!this.wording.withQuestions && email === '' && phone === '' && contactField && !out.has(contactField)) {
      out.set(contactField, tr.problem('contact.requiredWithoutQuestions'));
    }
    return out;
  }

  /** Shows, next to each field, its server problem or (once touched) its client problem; returns what is shown. */
  private refresh(): Map<string, string> {
    const client = this.problems(this.read());
    const shown = new Map<string, string>();
    for (const [path, { control, error }] of this.fields) {
      const text = this.serverErrors.get(path) ?? (this.touched.has(path) ? client.get(path) : undefined);
      error.textContent = text ?? '';
      if (text) {
        control.setAttribute('aria-invalid', 'true');
        shown.set(path, text);
      } else {
        control.removeAttribute('aria-invalid');
      }
    }
    const group = this.serverErrors.get('answers') ?? (this.touched.has('answers') ? client.get('answers') : undefined);
    this.answersError.textContent = group ?? '';
    if (group) shown.set('answers', group);
    return shown;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy) return;
    this.serverErrors.clear();
    for (const path of this.fields.keys()) this.touched.add(path);
    this.touched.add('answers');
    const problems = this.refresh();
    if (problems.size > 0) {
      this.showAlert([h('p', { class: 'alert__title' }, this.tr.t('enroll.fixFields')), this.problemList(problems)]);
      return;
    }
    void this.send(this.read());
  }

  private async send(values: EnrollValues): Promise<void> {
    const request: EnrollRequest = { username: values.username.trim(), password: values.password };
    if (this.wording.withQuestions) {
      request.answers = values.questionIds.map((questionId, index) => ({
        questionId,
        answer: values.answers[index] ?? '',
      }));
    }
    const email = values.email.trim();
    const phone = cleanPhone(values.phone);
    if (this.config.enrollment.email !== 'off' && email !== '') request.email = email;
    if (this.config.enrollment.phone !== 'off' && phone !== '') request.phone = phone;

    this.setBusy(true);
    this.hideAlert();
    const result = await enroll(request, this.tr.language);
    // Whatever the answer, the password goes: out of the field and out of the request object.
    this.password.value = '';
    request.password = '';
    // The emptied field is not the user's mistake: it is flagged again only on the next submit.
    this.touched.delete('password');
    this.setBusy(false);

    if (result.ok) {
      this.callbacks.onSuccess(result.data);
      return;
    }
    this.showError(result.error, { ...values, password: '' });
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.callbacks.setBusy(busy);
    this.submit.disabled = busy;
    this.submit.textContent = this.tr.t(busy ? this.wording.submitting : this.wording.submit);
    if (busy) this.formElement.setAttribute('aria-busy', 'true');
    else this.formElement.removeAttribute('aria-busy');
  }

  private showError(error: ApiError, values: EnrollValues): void {
    const { tr } = this;
    if (error.code === 'DIRECTORY_UNAVAILABLE' || error.code === 'INTERNAL') {
      this.callbacks.onCritical(error, values);
      return;
    }
    if (error.code === 'NETWORK') {
      this.showAlert([h('p', {}, tr.t('enroll.networkError'))]);
      return;
    }

    const text = error.message || tr.problem(`error.${error.code}`);
    const body: Child[] = [h('p', { class: 'alert__title' }, text)];

    switch (error.code) {
      case 'VALIDATION': {
        const unplaced: string[] = [];
        for (const [path, problem] of Object.entries(error.fields ?? {})) {
          if (this.fields.has(path) || path === 'answers') this.serverErrors.set(path, problem);
          else unplaced.push(problem); // `body`, or a path this form has no field for
        }
        const shown = this.refresh();
        body.push(
          this.problemList(shown),
          unplaced.length > 0 &&
            h(
              'ul',
              {},
              unplaced.map((p) => h('li', {}, p)),
            ),
        );
        break;
      }
      default:
        // Every other error explains itself the same way on every page.
        body.push(...errorDetails(tr, error));
    }
    this.showAlert(body);
  }

  /** Links to each field with a problem, in form order (the GOV.UK error-summary pattern). */
  private problemList(problems: Map<string, string>): HTMLElement | false {
    if (problems.size === 0) return false;
    const items: Child[] = [];
    for (const [path, problem] of problems) {
      const field = this.fields.get(path);
      const target = path === 'answers' ? this.questionSelects[0] : field?.control;
      const text = field ? this.tr.t('enroll.problemItem', { label: field.label, problem }) : problem;
      items.push(
        h(
          'li',
          {},
          target
            ? h(
                'a',
                {
                  href: `#${target.id}`,
                  on: {
                    click: (event) => {
                      event.preventDefault(); // keep the route in the hash
                      target.focus();
                    },
                  },
                },
                text,
              )
            : text,
        ),
      );
    }
    return h('ul', { class: 'alert__list' }, items);
  }

  private showAlert(children: Child[]): void {
    replaceChildren(this.alert, children);
    this.alert.hidden = false;
    focusElement(this.alert);
  }

  private hideAlert(): void {
    this.alert.hidden = true;
    this.alert.replaceChildren();
  }
}
