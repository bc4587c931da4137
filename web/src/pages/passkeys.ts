/**
 * Passkeys on "your recovery methods" (issue 16): the account's passkeys listed by name with when each was added and
 * last used, "Add a passkey" (the options of POST /api/methods/passkey/begin are fetched when the add step opens, so
 * the browser's prompt follows the user's click directly; a name, then navigator.credentials.create, then /finish),
 * and a confirm step before one is removed. The methods page (methods.ts) owns the session and the rendering; this
 * module gets what it needs through MethodsHost.
 */
import { PASSKEY_NAME_MAX as NAME_MAX } from '../../../functions/core/methods/passkeyConstants.js';
import { MAX_PASSKEYS } from '../../../functions/core/store.js';
import type { ApiError, ApiResult, Passkey, RecoveryMethods } from '../api.js';
import { type Child, h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { beginPasskey, finishPasskey, removePasskey } from '../passkeyApi.js';
import { field, textInput } from '../ui.js';
import { type CeremonyRefusal, type CreationOptionsJSON, createPasskey, webauthnAvailable } from '../webauthn.js';
import { afterAdding, isLastWayBack, lastWayBackWarning } from './methodsSafety.js';
import { StepForm } from './stepForm.js';

/** The methods page's views this module draws. */
export type PasskeyView =
  | { kind: 'addPasskey'; options: CreationOptionsJSON }
  | { kind: 'removePasskey'; passkey: Passkey; lastWayBack?: boolean };

/** What the methods page lends the passkey views. */
export interface MethodsHost {
  tr: Translator;
  setBusy(busy: boolean): void;
  token(): string;
  methods(): RecoveryMethods | undefined;
  setMethods(methods: RecoveryMethods): void;
  /** Renders a view with focus on its heading (the overview, with a notice, or a passkey view). */
  show(view: PasskeyView | { kind: 'overview' }, notice?: string): void;
  /** Whether the page is still the one on screen (a late answer must not draw). */
  mounted(): boolean;
  request<T>(form: StepForm, run: () => Promise<ApiResult<T>>): Promise<ApiResult<T> | undefined>;
  handleError(form: StepForm, error: ApiError, aliases?: Record<string, string>): void;
  date(iso: string | undefined): string;
}

/**
 * Why the browser gave no passkey, in the box of the step (focused, announced). WebAuthn does not tell a cancel from a
 * timeout or a failed fingerprint on purpose, so one sentence covers the three.
 */
export function showPasskeyRefusal(tr: Translator, form: StepForm, title: string, refusal: CeremonyRefusal): void {
  const key =
    refusal === 'notAllowed'
      ? 'passkey.notAllowed'
      : refusal === 'exists'
        ? 'passkey.exists'
        : refusal === 'unsupported'
          ? 'passkey.unsupported'
          : 'passkey.failed';
  form.alert.show([h('p', { class: 'alert__title' }, title), h('p', {}, tr.t(key))]);
}

/** The overview's section: the passkeys held, and "Add a passkey" when the policy offers them and one more fits. */
export function passkeysSection(host: MethodsHost, overview: () => StepForm): HTMLElement | false {
  const { t } = host.tr;
  const held = host.methods();
  if (!held) return false;
  const passkeys = held.passkeys;
  const offered = held.offered.includes('passkey');
  if (!offered && passkeys.length === 0) return false;
  const supported = webauthnAvailable();
  const full = passkeys.length >= MAX_PASSKEYS;

  const add = async (): Promise<void> => {
    const form = overview();
    const result = await host.request(form, () => beginPasskey(host.token(), host.tr.language));
    if (!result) return;
    if (!result.ok) return host.handleError(form, result.error);
    host.show({ kind: 'addPasskey', options: result.data.options });
  };
  const button = (label: string, run: () => void, attrs: Record<string, string> = {}, secondary = false) =>
    h(
      'button',
      {
        type: 'button',
        class: secondary ? 'button button--secondary' : 'button',
        ...attrs,
        on: {
          click: () => {
            if (!overview().isBusy) run();
          },
        },
      },
      label,
    );

  const notes: Child[] = [];
  if (passkeys.length === 0) notes.push(h('p', { class: 'method__text' }, t('methods.passkeys.none')));
  if (offered && full)
    notes.push(h('p', { class: 'method__text' }, t('methods.passkeys.limit', { max: MAX_PASSKEYS })));
  if (offered && !full && !supported) notes.push(h('p', { class: 'method__text' }, t('passkey.unsupported')));

  return h(
    'section',
    { class: 'method', 'aria-labelledby': 'methods-passkeys-title' },
    h('h3', { id: 'methods-passkeys-title' }, t('methods.passkeys.title')),
    passkeys.length > 0 &&
      h(
        'ul',
        { class: 'passkeys', 'aria-labelledby': 'methods-passkeys-title' },
        passkeys.map((passkey) =>
          h(
            'li',
            { class: 'passkey' },
            h(
              'div',
              {},
              h('p', { class: 'passkey__name', translate: 'no' }, passkey.name),
              h(
                'p',
                { class: 'passkey__dates' },
                t('methods.passkeys.added', { date: host.date(passkey.addedAt) }),
                ' ',
                passkey.lastUsedAt
                  ? t('methods.passkeys.lastUsed', { date: host.date(passkey.lastUsedAt) })
                  : t('methods.passkeys.neverUsed'),
              ),
            ),
            button(
              t('methods.passkeys.remove'),
              () => host.show({ kind: 'removePasskey', passkey }),
              { 'aria-label': t('methods.passkeys.removeNamed', { name: passkey.name }) },
              true,
            ),
          ),
        ),
      ),
    notes,
    offered &&
      !full &&
      supported &&
      h(
        'div',
        { class: 'actions' },
        button(t('methods.passkeys.add'), () => void add(), {}, passkeys.length > 0),
      ),
  );
}

/** A name, then the browser's prompt (navigator.credentials.create), then POST /api/methods/passkey/finish. */
export function addPasskeyStep(host: MethodsHost, begun: CreationOptionsJSON): StepForm {
  const { tr } = host;
  const { t } = tr;
  let options = begun;
  const input = textInput('name', { autocomplete: 'off', autocapitalize: 'sentences', maxlength: String(NAME_MAX) });
  const ref = field('methods-passkey-name', 'name', t('methods.passkey.nameLabel'), input, {
    hint: t('methods.passkey.nameHint', { max: NAME_MAX }),
  });
  const failedTitle = t('methods.passkey.failedTitle');

  const form: StepForm = new StepForm(
    tr,
    {
      heading: t('methods.passkey.title'),
      intro: [h('p', { class: 'lead' }, t('methods.passkey.intro'))],
      fields: [ref],
      body: [ref.element],
      submitLabel: t('methods.passkey.submit'),
      busyLabel: t('passkey.waiting'),
      secondary: [
        h(
          'button',
          { type: 'button', class: 'link-button', on: { click: () => host.show({ kind: 'overview' }) } },
          t('flow.cancel'),
        ),
      ],
      onSubmit: async () => {
        const name = input.value.trim();
        if (name.length < 1 || name.length > NAME_MAX) {
          form.showProblems(new Map([['name', tr.problem('passkey.name', { max: NAME_MAX })]]));
          return;
        }
        form.clearErrors();
        form.setBusy(true);
        const made = await createPasskey(options);
        if (!host.mounted()) return;
        form.setBusy(false);
        if (!made.ok) return showPasskeyRefusal(tr, form, failedTitle, made.refusal);

        const result = await host.request(form, () => finishPasskey(host.token(), name, made.credential, tr.language));
        if (!result) return;
        if (result.ok) {
          const methods = host.methods();
          if (methods)
            host.setMethods({ ...afterAdding(methods), passkeys: [...methods.passkeys, result.data.passkey] });
          host.show({ kind: 'overview' }, t('methods.passkey.done', { name: result.data.passkey.name }));
          return;
        }
        if (result.error.code !== 'VERIFICATION_FAILED') return host.handleError(form, result.error);
        // The finish used the challenge up: the next try needs new options.
        const again = await host.request(form, () => beginPasskey(host.token(), tr.language));
        if (!again) return;
        if (!again.ok) return host.handleError(form, again.error);
        options = again.data.options;
        form.alert.show([h('p', { class: 'alert__title' }, failedTitle), h('p', {}, t('methods.passkey.notVerified'))]);
      },
    },
    host.setBusy,
  );
  return form;
}

/** "Remove the passkey …?", then POST /api/methods/remove with its id. */
/** `lastWayBack`: the server said this removal leaves no way back; the step warns and confirms it (methodsSafety.ts). */
export function removePasskeyStep(host: MethodsHost, passkey: Passkey, lastWayBack = false): StepForm {
  const { tr } = host;
  const { t } = tr;
  const form: StepForm = new StepForm(
    tr,
    {
      heading: t('methods.remove.passkeyTitle', { name: passkey.name }),
      intro: [h('p', { class: 'lead' }, t('methods.remove.passkeyText')), lastWayBack && lastWayBackWarning(tr)],
      fields: [],
      body: [],
      submitLabel: t(lastWayBack ? 'methods.lastWayBack.confirm' : 'methods.remove.submit'),
      busyLabel: t('flow.working'),
      secondary: [
        h(
          'button',
          { type: 'button', class: 'link-button', on: { click: () => host.show({ kind: 'overview' }) } },
          t('flow.cancel'),
        ),
      ],
      onSubmit: async () => {
        const result = await host.request(form, () =>
          removePasskey(host.token(), passkey.id, tr.language, lastWayBack),
        );
        if (!result) return;
        if (!result.ok && isLastWayBack(result.error)) {
          return host.show({ kind: 'removePasskey', passkey, lastWayBack: true });
        }
        if (!result.ok) return host.handleError(form, result.error);
        host.setMethods(result.data.methods);
        host.show({ kind: 'overview' }, t('methods.remove.passkeyDone', { name: passkey.name }));
      },
    },
    host.setBusy,
  );
  return form;
}
