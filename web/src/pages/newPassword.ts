/**
 * The new password of a reset (flow.ts) and a change (change.ts): typed twice with show/hide toggles and the policy
 * checklist that ticks as the user types, and the server's PASSWORD_POLICY refusal said next to the field.
 */
import type { ApiError, PasswordPolicy } from '../api.js';
import { type Child, h } from '../dom.js';
import type { Translator } from '../i18n.js';
import {
  complexityCategories,
  errorTitle,
  type FieldRef,
  field,
  PolicyChecklist,
  passwordInput,
  violationSentences,
} from '../ui.js';
import type { StepForm } from './stepForm.js';

export interface NewPasswordFields {
  newInput: HTMLInputElement;
  confirmInput: HTMLInputElement;
  newRef: FieldRef;
  confirmRef: FieldRef;
  problems(): Map<string, string>;
  clear(): void;
}

/** The new password twice, each with a show/hide toggle, and the policy checklist that ticks as the user types. */
export function newPasswordFields(tr: Translator, prefix: string, policy: PasswordPolicy): NewPasswordFields {
  const { t } = tr;
  const checklistId = `${prefix}-policy`;
  const created = passwordInput(tr, 'newPassword', 'new-password');
  const confirm = passwordInput(tr, 'confirmPassword', 'new-password');
  created.input.setAttribute('aria-describedby', checklistId);
  const checklist = new PolicyChecklist(tr, policy, checklistId);
  const newRef = field(`${prefix}-new-password`, 'newPassword', t('password.new'), created.input, {
    wrap: created.wrap,
    after: checklist.element,
  });
  const confirmRef = field(`${prefix}-confirm-password`, 'confirmPassword', t('password.confirm'), confirm.input, {
    wrap: confirm.wrap,
  });
  const update = (): void => checklist.update(created.input.value, confirm.input.value);
  created.input.addEventListener('input', update);
  confirm.input.addEventListener('input', update);
  return {
    newInput: created.input,
    confirmInput: confirm.input,
    newRef,
    confirmRef,
    problems() {
      const out = new Map<string, string>();
      const value = created.input.value;
      const broken: string[] = [];
      if (value === '') out.set('newPassword', tr.problem('password.required'));
      else {
        if ([...value].length < policy.minLength) broken.push('MIN_LENGTH');
        if ([...value].length > policy.maxLength) broken.push('MAX_LENGTH');
        if (policy.complexity && complexityCategories(value) < 3) broken.push('COMPLEXITY');
        if (broken.length > 0) out.set('newPassword', violationSentences(tr, broken).join(' '));
      }
      if (confirm.input.value !== value) out.set('confirmPassword', t('password.mismatch'));
      return out;
    },
    clear() {
      created.input.value = '';
      confirm.input.value = '';
      update();
    },
  };
}

/** PASSWORD_POLICY: the violations, in the UI language, next to the new password field and in the box. */
export function showViolations(tr: Translator, form: StepForm, error: ApiError): void {
  const sentences = violationSentences(tr, error.violations);
  const extra: Child[] = [h('p', {}, tr.t('password.tryAnother'))];
  form.showProblems(new Map([['newPassword', sentences.join(' ')]]), errorTitle(tr, error), extra);
}
