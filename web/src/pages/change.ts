/**
 * Change password (DESIGN §3 POST /api/change): username, the current password and the new one twice, with the
 * domain policy from /api/config as a checklist. Passwords live only in their inputs and are cleared after each answer.
 */
import { type ApiError, changePassword, getConfig, type PublicConfig } from '../api.js';
import { focusElement, h } from '../dom.js';
import { hrefFor } from '../router.js';
import { field, isCritical, passwordInput, usernameInput } from '../ui.js';
import { criticalView } from './critical.js';
import { doneView } from './done.js';
import { newPasswordFields, showViolations } from './newPassword.js';
import { StepForm } from './stepForm.js';
import type { PageContext, PageHandle } from './types.js';

export interface ChangeCarry {
  username?: string;
  done?: boolean;
  notice?: string;
}

export function mountChange(ctx: PageContext, carried: unknown): PageHandle {
  const { tr } = ctx;
  const { t } = tr;
  const carry: ChangeCarry = typeof carried === 'object' && carried !== null ? (carried as ChangeCarry) : {};
  let username = carry.username ?? '';
  let done = carry.done === true;
  let mounted = true;
  let usernameEl: HTMLInputElement | undefined;
  const title = t('menu.change.title');
  ctx.setTitle(title);

  function showCritical(error: ApiError): void {
    ctx.root.replaceChildren(criticalView(tr, error, () => void load(true)));
    focusElement(ctx.root.querySelector('h1') as HTMLElement);
  }

  function renderForm(config: PublicConfig, focus: boolean): void {
    const userInput = usernameInput(username);
    usernameEl = userInput;
    const userRef = field('change-username', 'username', t('enroll.username'), userInput, {
      hint: t('enroll.username.hint'),
    });
    const old = passwordInput(tr, 'oldPassword', 'current-password');
    const oldRef = field('change-old-password', 'oldPassword', t('enroll.password'), old.input, { wrap: old.wrap });
    const created = newPasswordFields(tr, 'change', config.passwordPolicy);
    const form: StepForm = new StepForm(
      tr,
      {
        heading: title,
        headingLevel: 'h1',
        intro: [h('p', { class: 'lead' }, t('change.intro'))],
        fields: [userRef, oldRef, created.newRef, created.confirmRef],
        body: [userRef.element, oldRef.element, created.newRef.element, created.confirmRef.element],
        submitLabel: t('change.submit'),
        busyLabel: t('password.submitting'),
        secondary: [h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu'))],
        onSubmit: async () => {
          const problems = created.problems();
          if (userInput.value.trim() === '') problems.set('username', t('enroll.username.required'));
          if (old.input.value === '') problems.set('oldPassword', tr.problem('password.required'));
          if (problems.size > 0) {
            const ordered = new Map(
              ['username', 'oldPassword', 'newPassword', 'confirmPassword']
                .filter((path) => problems.has(path))
                .map((path) => [path, problems.get(path) ?? '']),
            );
            return form.showProblems(ordered);
          }
          username = userInput.value.trim();
          form.clearErrors();
          form.setBusy(true);
          const result = await changePassword(
            { username, oldPassword: old.input.value, newPassword: created.newInput.value },
            tr.language,
          );
          if (!mounted) return;
          form.setBusy(false);
          old.input.value = '';
          created.clear();
          if (result.ok) {
            done = true;
            ctx.root.replaceChildren(doneView(tr, 'passwordChanged'));
            focusElement(ctx.root.querySelector('h1') as HTMLElement);
            return;
          }
          const error = result.error;
          if (error.code === 'PASSWORD_POLICY') return showViolations(tr, form, error);
          if (isCritical(error)) return showCritical(error);
          form.showError(error);
        },
      },
      ctx.setBusy,
    );
    ctx.root.replaceChildren(
      h(
        'section',
        { class: 'step-page' },
        carry.notice && h('p', { class: 'notice', role: 'status' }, carry.notice),
        form.element,
      ),
    );
    if (focus) form.focusHeading();
  }

  async function load(focus: boolean): Promise<void> {
    if (done) {
      ctx.root.replaceChildren(doneView(tr, 'passwordChanged'));
      return;
    }
    ctx.root.replaceChildren(
      h('h1', { class: 'page-title', tabindex: -1 }, title),
      h('p', { class: 'loading', role: 'status' }, t('app.loading')),
    );
    const result = await getConfig(tr.language);
    if (!mounted) return;
    if (!result.ok) return showCritical(result.error);
    renderForm(result.data, focus || ctx.root.contains(document.activeElement));
  }

  void load(false);

  return {
    dispose() {
      mounted = false;
    },
    snapshot(): ChangeCarry {
      mounted = false;
      if (usernameEl) username = usernameEl.value;
      return { username, done };
    },
  };
}
