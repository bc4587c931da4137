/**
 * One step of a flow as a form: its heading (focused when the step appears), instructions, the red error box below
 * them, the fields, and the submit button. Knows how to show client problems and the server's errors where they belong.
 */
import type { ApiError } from '../api.js';
import { type Child, focusElement, h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { AlertBox, errorDetails, errorTitle, type FieldRef, problemList, setFieldError } from '../ui.js';

export interface StepFormOptions {
  /** The step's heading (an h2 under the page's h1, or the h1 itself on a single-step page). */
  heading: string;
  headingLevel?: 'h1' | 'h2';
  intro: Child[];
  fields: FieldRef[];
  body: Child[];
  /** Without one the step has no submit button (a choice of buttons that each act). */
  submitLabel?: string;
  busyLabel: string;
  secondary?: Child[];
  onSubmit: () => void;
}

export class StepForm {
  readonly element: HTMLElement;
  readonly heading: HTMLElement;
  readonly alert = new AlertBox();
  readonly submit: HTMLButtonElement;
  readonly fields = new Map<string, FieldRef>();
  private readonly form: HTMLFormElement;
  private busy = false;

  constructor(
    private readonly tr: Translator,
    private readonly options: StepFormOptions,
    private readonly onBusy: (busy: boolean) => void,
  ) {
    for (const ref of options.fields) this.fields.set(ref.path, ref);
    const level = options.headingLevel ?? 'h2';
    this.heading = h(level, { class: level === 'h1' ? 'page-title' : 'step-title', tabindex: -1 }, options.heading);
    this.submit = h('button', { type: 'submit', class: 'button' }, options.submitLabel ?? '');
    this.form = h(
      'form',
      {
        class: 'form',
        novalidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            if (!this.busy) options.onSubmit();
          },
        },
      },
      options.body,
      h('div', { class: 'actions' }, options.submitLabel !== undefined && this.submit, options.secondary),
    );
    // Editing a field takes its server problem away (it no longer describes what is there).
    for (const ref of options.fields) ref.control.addEventListener('input', () => setFieldError(ref, undefined));
    this.element = h('div', { class: 'step' }, this.heading, options.intro, this.alert.element, this.form);
  }

  focusHeading(): void {
    focusElement(this.heading);
  }

  get isBusy(): boolean {
    return this.busy;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.onBusy(busy);
    this.submit.disabled = busy;
    this.submit.textContent = busy ? this.options.busyLabel : (this.options.submitLabel ?? '');
    if (busy) this.form.setAttribute('aria-busy', 'true');
    else this.form.removeAttribute('aria-busy');
  }

  clearErrors(): void {
    this.alert.hide();
    for (const ref of this.fields.values()) setFieldError(ref, undefined);
  }

  /** Problems by field path: each next to its field, and a linked list of them in the box. */
  showProblems(
    problems: Map<string, string>,
    title: string = this.tr.t('enroll.fixFields'),
    extra: Child[] = [],
  ): void {
    const placed: [FieldRef, string][] = [];
    const unplaced: string[] = [];
    for (const ref of this.fields.values()) setFieldError(ref, problems.get(ref.path));
    for (const [path, text] of problems) {
      const ref = this.fields.get(path);
      if (ref) placed.push([ref, text]);
      else unplaced.push(text);
    }
    this.alert.show([
      h('p', { class: 'alert__title' }, title),
      problemList(this.tr, placed),
      unplaced.length > 0 &&
        h(
          'ul',
          { class: 'alert__list' },
          unplaced.map((text) => h('li', {}, text)),
        ),
      extra,
    ]);
  }

  /**
   * A server error that stays on this step: VALIDATION next to its fields (aliases map server paths onto this
   * form's fields), everything else as a title and its explanation in the box.
   */
  showError(error: ApiError, aliases: Record<string, string> = {}): void {
    if (error.code === 'VALIDATION' && error.fields && Object.keys(error.fields).length > 0) {
      const problems = new Map<string, string>();
      for (const [path, text] of Object.entries(error.fields)) {
        const target = aliases[path] ?? path;
        problems.set(target, problems.has(target) ? `${problems.get(target)} ${text}` : text);
      }
      this.showProblems(problems, errorTitle(this.tr, error));
      return;
    }
    this.alert.show([h('p', { class: 'alert__title' }, errorTitle(this.tr, error)), errorDetails(this.tr, error)]);
  }
}
