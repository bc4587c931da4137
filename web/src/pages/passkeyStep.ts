/**
 * The passkey step of a reset or unlock (issue 16): one button that asks the browser for a passkey of the account
 * (navigator.credentials.get with the step's options: its challenge, the account's credentials, user verification
 * required) and posts the assertion to POST /api/reset/passkey. A passkey the server does not accept counts as a wrong
 * code and the step comes back with a new challenge; the browser refusing (cancelled, timed out, the device could not
 * verify the user) costs nothing and can be tried again. "Use another way" goes back to the choice when there was one.
 * The flow page (flow.ts) owns the flow and its steps; this module gets what it needs through PasskeyStepHost.
 */
import type { ApiError, ApiResult, Challenge } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { answerPasskey } from '../passkeyApi.js';
import { hrefFor } from '../router.js';
import { type RequestOptionsJSON, usePasskey } from '../webauthn.js';
import { showPasskeyRefusal } from './passkeys.js';
import { StepForm } from './stepForm.js';

/** What the flow page lends the passkey step. */
export interface PasskeyStepHost {
  tr: Translator;
  setBusy(busy: boolean): void;
  flowId(): string;
  /** Whether the page is still the one on screen (a late answer must not draw). */
  mounted(): boolean;
  request<T>(form: StepForm, run: () => Promise<ApiResult<T>>): Promise<ApiResult<T> | undefined>;
  handleError(form: StepForm, error: ApiError): void;
  /** The next step for the challenge the server sent after a passkey that passed. */
  advance(challenge: Challenge): Promise<void>;
  /** The step's new options after a refused passkey (kept for a language switch). */
  keep(options: RequestOptionsJSON): void;
  /** "Use another way", when the flow offered a choice. */
  anotherWay(): HTMLElement | false;
}

export function passkeyStep(host: PasskeyStepHost, shown: RequestOptionsJSON): StepForm {
  const { tr } = host;
  const { t } = tr;
  let options = shown;
  const form: StepForm = new StepForm(
    tr,
    {
      heading: t('passkeyStep.title'),
      intro: [h('p', { class: 'lead' }, t('passkeyStep.intro'))],
      fields: [],
      body: [],
      submitLabel: t('passkeyStep.submit'),
      busyLabel: t('passkey.waiting'),
      secondary: [host.anotherWay(), h('a', { class: 'link', href: hrefFor('menu') }, t('flow.cancel'))],
      onSubmit: async () => {
        form.clearErrors();
        form.setBusy(true);
        const used = await usePasskey(options);
        if (!host.mounted()) return;
        form.setBusy(false);
        if (!used.ok) return showPasskeyRefusal(tr, form, t('passkeyStep.notUsedTitle'), used.refusal);

        const result = await host.request(form, () => answerPasskey(host.flowId(), used.credential, tr.language));
        if (!result) return;
        if (!result.ok) return host.handleError(form, result.error);
        const next = result.data.challenge;
        if (next.type === 'passkey') {
          // Not accepted (a wrong try was counted): the step again, with a new challenge.
          options = next.options;
          host.keep(options);
          form.alert.show([
            h('p', { class: 'alert__title' }, t('passkeyStep.wrongTitle')),
            h('p', {}, t('passkeyStep.wrong')),
          ]);
          return;
        }
        await host.advance(next);
      },
    },
    host.setBusy,
  );
  return form;
}
