import type { ApiError } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';

/**
 * The view for DIRECTORY_UNAVAILABLE, INTERNAL, FLOW_EXPIRED and anything the page cannot read: what happened, what
 * to do next, the helpdesk and the request id to give them, and a way on. Returns the section (its h1 gets focus).
 */
export function criticalView(tr: Translator, error: ApiError, onRetry: () => void): HTMLElement {
  const { t } = tr;
  const unavailable = error.code === 'DIRECTORY_UNAVAILABLE';
  const expired = error.code === 'FLOW_EXPIRED';
  const text =
    error.message ||
    tr.problem(unavailable ? 'error.DIRECTORY_UNAVAILABLE' : expired ? 'error.FLOW_EXPIRED' : 'error.INTERNAL');
  const title = t(unavailable ? 'critical.unavailableTitle' : expired ? 'critical.expiredTitle' : 'critical.title');
  return h(
    'section',
    { class: 'critical', 'aria-labelledby': 'critical-title' },
    h('h1', { class: 'page-title', id: 'critical-title', tabindex: -1 }, title),
    h('div', { class: 'alert alert--critical', role: 'alert' }, h('p', {}, text)),
    h('h2', {}, t('critical.nextTitle')),
    h(
      'p',
      {},
      t(unavailable ? 'critical.next.unavailable' : expired ? 'critical.next.expired' : 'critical.next.internal'),
    ),
    h('p', {}, t('critical.helpdesk', { helpdesk: t('helpdesk.contact') })),
    error.requestId &&
      h('p', {}, t('critical.reference'), ' ', h('code', { class: 'request-id', translate: 'no' }, error.requestId)),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'button', on: { click: onRetry } },
        t(expired ? 'critical.startAgain' : 'critical.tryAgain'),
      ),
      h('a', { class: 'button button--secondary', href: hrefFor('menu') }, t('app.backToMenu')),
    ),
  );
}

/** VERIFICATION_FAILED: self-service could not verify the user; never which answer or code was wrong. */
export function verificationFailedView(tr: Translator, requestId: string): HTMLElement {
  const { t } = tr;
  return h(
    'section',
    { class: 'critical', 'aria-labelledby': 'failed-title' },
    h('h1', { class: 'page-title', id: 'failed-title', tabindex: -1 }, t('failed.title')),
    h('div', { class: 'alert alert--critical', role: 'alert' }, h('p', {}, t('failed.text'))),
    h('h2', {}, t('critical.nextTitle')),
    h('p', {}, t('failed.next', { helpdesk: t('helpdesk.contact') })),
    requestId &&
      h('p', {}, t('critical.reference'), ' ', h('code', { class: 'request-id', translate: 'no' }, requestId)),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button button--secondary', href: hrefFor('menu') }, t('app.backToMenu')),
    ),
  );
}
