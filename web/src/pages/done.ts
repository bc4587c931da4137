import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';

export type Outcome = 'passwordChanged' | 'unlocked' | 'notLocked';

/** The last page of a flow: what happened and what to do next. Returns the section (its h1 gets focus). */
export function doneView(tr: Translator, outcome: Outcome, alsoUnlocked = false): HTMLElement {
  const { t } = tr;
  const title =
    outcome === 'passwordChanged'
      ? t('done.changed.title')
      : outcome === 'unlocked'
        ? t('done.unlocked.title')
        : t('done.notLocked.title');
  const text =
    outcome === 'passwordChanged'
      ? t('done.changed.text')
      : outcome === 'unlocked'
        ? t('done.unlocked.text')
        : t('done.notLocked.text');
  const next =
    outcome === 'passwordChanged'
      ? [t('done.next.laptop'), t('done.next.devices'), t('done.next.signIn')]
      : outcome === 'unlocked'
        ? [t('done.next.signInOld'), t('done.next.forgot')]
        : [t('done.notLocked.next')];
  return h(
    'section',
    { class: 'success', 'aria-labelledby': 'done-title' },
    h('h1', { class: 'page-title', id: 'done-title', tabindex: -1 }, title),
    h(
      'div',
      { class: outcome === 'notLocked' ? 'alert alert--info' : 'alert alert--success', role: 'status' },
      h('p', {}, text),
      alsoUnlocked && h('p', {}, t('done.changed.unlocked')),
    ),
    h('h2', {}, t('done.nextTitle')),
    h(
      'ul',
      { class: 'plain-list' },
      next.map((line) => h('li', {}, line)),
    ),
    h(
      'p',
      { class: 'actions' },
      outcome !== 'passwordChanged' &&
        h('a', { class: 'button button--secondary', href: hrefFor('reset') }, t('menu.reset.title')),
      h('a', { class: 'button', href: hrefFor('menu') }, t('app.backToMenu')),
    ),
  );
}
