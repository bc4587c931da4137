import { getConfig, questionsOffered } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import type { StringKey } from '../i18n.js';
import { hrefFor, type Route } from '../router.js';
import type { PageContext, PageHandle } from './types.js';

interface MenuItem {
  route: Route;
  title: StringKey;
  description: StringKey;
}

export const MENU: readonly MenuItem[] = [
  { route: 'enroll', title: 'menu.enroll.title', description: 'menu.enroll.description' },
  { route: 'reset', title: 'menu.reset.title', description: 'menu.reset.description' },
  { route: 'unlock', title: 'menu.unlock.title', description: 'menu.unlock.description' },
  { route: 'change', title: 'menu.change.title', description: 'menu.change.description' },
  { route: 'methods', title: 'menu.methods.title', description: 'menu.methods.description' },
];

/**
 * `notice` says why the user is back here (the page was cleared after a while without input). Under a recovery policy
 * without questions there is nothing to enroll but contacts: "Enroll" goes, and "Your recovery methods" is where a
 * user sets up (the config is read once per language and cached; until it answers, the menu shows every item).
 */
export function mountMenu(ctx: PageContext, notice?: string): PageHandle {
  const { t } = ctx.tr;
  ctx.setTitle(t('menu.title'));
  replaceChildren(
    ctx.root,
    h('h1', { class: 'page-title', tabindex: -1 }, t('menu.title')),
    notice && h('p', { class: 'notice', role: 'status' }, notice),
    h('p', { class: 'lead' }, t('menu.intro')),
    h(
      'ul',
      { class: 'menu' },
      MENU.map((item) =>
        h(
          'li',
          { id: `menu-${item.route}` },
          h(
            'a',
            { class: 'menu-item', href: hrefFor(item.route) },
            h('span', { class: 'menu-item__title' }, t(item.title)),
            h('span', { class: 'menu-item__description' }, t(item.description)),
          ),
        ),
      ),
    ),
  );
  let mounted = true;
  void getConfig(ctx.tr.language).then((result) => {
    if (mounted && result.ok && !questionsOffered(result.data)) ctx.root.querySelector('#menu-enroll')?.remove();
  });
  return {
    dispose() {
      mounted = false;
    },
  };
}
