import { h } from '../dom.js';
import type { StringKey } from '../i18n.js';
import { hrefFor, type Route } from '../router.js';
import type { PageContext, PageHandle } from './types.js';

interface MenuItem {
  route: Route;
  title: StringKey;
  description: StringKey;
  available: boolean;
}

export const MENU: readonly MenuItem[] = [
  { route: 'enroll', title: 'menu.enroll.title', description: 'menu.enroll.description', available: true },
  { route: 'reset', title: 'menu.reset.title', description: 'menu.reset.description', available: false },
  { route: 'unlock', title: 'menu.unlock.title', description: 'menu.unlock.description', available: false },
  { route: 'change', title: 'menu.change.title', description: 'menu.change.description', available: false },
];

export function mountMenu(ctx: PageContext): PageHandle {
  const { t } = ctx.tr;
  ctx.setTitle(t('menu.title'));
  ctx.root.replaceChildren(
    h('h1', { class: 'page-title', tabindex: -1 }, t('menu.title')),
    h('p', { class: 'lead' }, t('menu.intro')),
    h(
      'ul',
      { class: 'menu' },
      MENU.map((item) =>
        h(
          'li',
          {},
          h(
            'a',
            { class: item.available ? 'menu-item' : 'menu-item menu-item--soon', href: hrefFor(item.route) },
            h('span', { class: 'menu-item__title' }, t(item.title)),
            h('span', { class: 'menu-item__description' }, t(item.description)),
            !item.available && h('span', { class: 'badge' }, t('menu.comingSoon')),
          ),
        ),
      ),
    ),
  );
  return {};
}
