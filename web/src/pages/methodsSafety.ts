/**
 * What "your recovery methods" adds so no one loses their last way back without knowing (docs/recovery.md "Removing
 * the last way back"), and what it shows in place of security questions under a policy without them:
 *
 * - the overview warns when the account cannot recover now (`methods.canRecover` false);
 * - a removal the server refused as the last way back (VALIDATION naming `confirm`) comes back as the same remove step
 *   with the warning and a "Remove anyway" button, which sends `confirm: "leave-no-recovery"`;
 * - without questions, the e-mail and mobile for codes are set up on the enroll page, which then takes contacts only.
 *
 * methods.ts calls these at its hooks; the rest of the page is its own.
 */
import type { ApiError, RecoveryMethod, RecoveryMethods } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';

/** The overview's warning, or nothing when the account can recover (or an older server did not say). */
export function noRecoveryNotice(tr: Translator, methods: RecoveryMethods): HTMLElement | false {
  if (methods.canRecover !== false) return false;
  return h(
    'div',
    { class: 'alert', id: 'methods-no-recovery', role: 'status' },
    h('p', { class: 'alert__title' }, tr.t('methods.noRecovery.title')),
    h('p', {}, tr.t('methods.noRecovery.text')),
  );
}

/**
 * The summary after a method was added. Adding never takes a way back, but only the server knows whether it made one
 * (it depends on the policy and the contacts), and the add responses do not say: "cannot recover" becomes unknown, so
 * the warning is not shown stale; the next sign-in says again.
 */
export function afterAdding(methods: RecoveryMethods): RecoveryMethods {
  return { ...methods, canRecover: methods.canRecover === true ? true : undefined };
}

/** Whether the server refused a removal because it would leave the account no way back. */
export function isLastWayBack(error: ApiError): boolean {
  return error.code === 'VALIDATION' && error.fields?.confirm !== undefined;
}

/** The remove step's warning once the server said the removal leaves no way back (shown above "Remove anyway"). */
export function lastWayBackWarning(tr: Translator): HTMLElement {
  return h(
    'div',
    { class: 'alert', id: 'methods-last-way-back', role: 'alert' },
    h('p', { class: 'alert__title' }, tr.t('methods.lastWayBack.title')),
    h('p', {}, tr.t('methods.lastWayBack.text', { helpdesk: tr.t('helpdesk.contact') })),
  );
}

/**
 * Under a policy without questions, the section that stands where the questions would: the contacts for codes,
 * changed on the enroll page (contacts only there). Nothing when the policy offers neither kind of code.
 */
export function contactsSection(tr: Translator, offered: ReadonlySet<RecoveryMethod>): HTMLElement | false {
  if (offered.has('questions') || !(offered.has('email') || offered.has('sms'))) return false;
  return h(
    'section',
    { class: 'method', 'aria-labelledby': 'methods-contacts-title' },
    h('h3', { id: 'methods-contacts-title' }, tr.t('methods.contacts.title')),
    h('p', { class: 'method__text' }, tr.t('methods.contacts.text')),
    h('div', { class: 'actions' }, h('a', { class: 'link', href: hrefFor('enroll') }, tr.t('methods.contacts.change'))),
  );
}
