import type { ApiError } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';

/**
 * The view for DIRECTORY_UNAVAILABLE, INTERNAL and anything the page cannot read: what happened, the request id to
 * give the helpdesk, and a way back. Returns the heading so the caller can move focus to it.
 */
export function criticalView(tr: Translator, error: ApiError, onRetry: () => void): HTMLElement {
  const { t } = tr;
  const unavailable = error.code === 'DIRECTORY_UNAVAILABLE';
  const text = error.message || tr.problem(unavailable ? 'error.DIRECTORY_UNAVAILABLE' : 'error.INTERNAL');
  return h(
    'section',
    { class: 'critical', 'aria-labelledby': 'critical-title' },
    h(
      'h1',
      { class: 'page-title', id: 'critical-title', tabindex: -1 },
      t(unavailable ? 'critical.unavailableTitle' : 'critical.title'),
    ),
    h('div', { class: 'alert alert--critical', role: 'alert' }, h('p', {}, text)),
    error.requestId &&
      h('p', {}, t('critical.reference'), ' ', h('code', { class: 'request-id', translate: 'no' }, error.requestId)),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'button', class: 'button', on: { click: onRetry } }, t('critical.tryAgain')),
      h('a', { class: 'button button--secondary', href: hrefFor('menu') }, t('app.backToMenu')),
    ),
  );
}
