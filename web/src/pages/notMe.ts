/**
 * "This wasn't me" (`#/not-me?token=…`, the link in the notices of a reset, an unlock, a change or a change of recovery
 * methods): the user reports that the change was not theirs. Nothing happens on load (mail scanners open links): only
 * the Report it button calls POST /api/repudiate, which blocks self-service for the account and alerts IT. The token
 * is taken out of the address bar at once and kept in memory only.
 */
import { type ApiError, repudiate } from '../api.js';
import { focusElement, h, replaceChildren } from '../dom.js';
import { hrefFor } from '../router.js';
import { errorTitle } from '../ui.js';
import type { PageContext, PageHandle } from './types.js';

export interface NotMeCarry {
  token?: string;
  reported?: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The token of `#/not-me?token=…`, or undefined when there is none of the right form. */
export function tokenFromHash(hash: string): string | undefined {
  const query = hash.indexOf('?');
  if (query < 0) return undefined;
  const token = new URLSearchParams(hash.slice(query + 1)).get('token') ?? '';
  return TOKEN.test(token) ? token : undefined;
}

export function mountNotMe(ctx: PageContext, carried: unknown): PageHandle {
  const { tr } = ctx;
  const { t } = tr;
  const carry: NotMeCarry = typeof carried === 'object' && carried !== null ? (carried as NotMeCarry) : {};
  const token = carry.token ?? tokenFromHash(location.hash);
  let reported = carry.reported === true;
  let mounted = true;
  // The token leaves the address bar (history, a shared screen, a referrer); the page keeps it in memory.
  if (location.hash !== hrefFor('not-me')) history.replaceState(null, '', `${location.pathname}${hrefFor('not-me')}`);

  const title = t('notMe.title');
  ctx.setTitle(title);
  const helpdesk = t('helpdesk.contact');
  const result = h('div', { class: 'not-me__result', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const button = h('button', { type: 'button', class: 'button' }, t('notMe.submit'));

  const showResult = (kind: 'success' | 'critical', text: string[]) => {
    replaceChildren(
      result,
      h(
        'div',
        { class: `alert alert--${kind}` },
        text.map((line) => h('p', {}, line)),
      ),
    );
  };
  const showError = (error: ApiError) => {
    const text =
      error.code === 'FLOW_EXPIRED'
        ? [t('notMe.expired'), t('notMe.contactNow', { helpdesk })]
        : [errorTitle(tr, error), error.message, t('notMe.contactNow', { helpdesk })].filter(Boolean);
    showResult('critical', text);
  };
  const showReported = () => {
    button.hidden = true;
    showResult('success', [t('notMe.done'), t('notMe.contactNow', { helpdesk })]);
  };

  button.addEventListener('click', async () => {
    if (!token || button.disabled) return;
    button.disabled = true;
    button.textContent = t('notMe.working');
    ctx.setBusy(true);
    const response = await repudiate(token, tr.language);
    if (!mounted) return;
    ctx.setBusy(false);
    button.disabled = false;
    button.textContent = t('notMe.submit');
    if (response.ok) {
      reported = true;
      showReported();
      focusElement(result);
      return;
    }
    showError(response.error);
  });

  replaceChildren(
    ctx.root,
    h(
      'section',
      { class: 'step-page', 'aria-labelledby': 'not-me-title' },
      h('h1', { class: 'page-title', id: 'not-me-title', tabindex: -1 }, title),
      h('p', { class: 'lead' }, t('notMe.intro')),
      token
        ? h('p', {}, t('notMe.what'))
        : h('div', { class: 'alert alert--critical', role: 'alert' }, h('p', {}, t('notMe.noToken'))),
      h(
        'p',
        { class: 'actions' },
        token && button,
        h('a', { class: 'link', href: hrefFor('menu') }, t('app.backToMenu')),
      ),
      result,
      h('p', {}, t('notMe.helpdesk', { helpdesk })),
    ),
  );
  if (reported) showReported();

  return {
    dispose() {
      mounted = false;
    },
    snapshot(): NotMeCarry {
      mounted = false;
      return { ...(token ? { token } : {}), reported };
    },
  };
}
