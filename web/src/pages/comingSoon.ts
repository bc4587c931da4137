import { h } from '../dom.js';
import { hrefFor } from '../router.js';
import { MENU } from './menu.js';
import type { PageContext, PageHandle } from './types.js';

/** Reset, Unlock and Change until their issues land: a plain page that says so, never a dead end. */
export function mountComingSoon(ctx: PageContext, route: 'reset' | 'unlock' | 'change'): PageHandle {
  const { t } = ctx.tr;
  const item = MENU.find((entry) => entry.route === route);
  const title = item ? t(item.title) : t('menu.comingSoon');
  ctx.setTitle(title);
  ctx.root.replaceChildren(
    h('h1', { class: 'page-title', tabindex: -1 }, title),
    h('p', { class: 'notice' }, h('span', { class: 'badge' }, t('menu.comingSoon')), ' ', t('comingSoon.text')),
    h('p', {}, t('comingSoon.meanwhile')),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button button--secondary', href: hrefFor('menu') }, t('app.backToMenu')),
    ),
  );
  return {};
}
