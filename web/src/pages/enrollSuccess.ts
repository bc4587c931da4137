import type { EnrollResponse, PublicConfig } from '../api.js';
import { h } from '../dom.js';
import type { Translator } from '../i18n.js';
import { hrefFor } from '../router.js';

/**
 * After a successful enrollment: what the user can do now, the questions they chose, and the new contacts that are
 * still awaiting confirmation (confirming them is a later step). Renders into `root` and returns the heading.
 */
export function successView(
  root: HTMLElement,
  tr: Translator,
  config: PublicConfig,
  result: EnrollResponse,
): HTMLHeadingElement {
  const { t } = tr;
  const textOf = new Map(config.questions.map((question) => [question.id, question.text]));
  const heading = h('h1', { class: 'page-title', tabindex: -1 }, t('success.title'));
  root.replaceChildren(
    h(
      'section',
      { class: 'success' },
      heading,
      h('div', { class: 'alert alert--success', role: 'status' }, h('p', {}, t('success.text'))),
      result.questionIds.length > 0 &&
        h(
          'div',
          {},
          h('h2', {}, t('success.questions')),
          h(
            'ul',
            { class: 'plain-list' },
            result.questionIds.map((id) => h('li', {}, textOf.get(id) ?? id)),
          ),
        ),
      result.pendingContacts.length > 0 &&
        h(
          'div',
          {},
          h('h2', {}, t('success.pending')),
          h(
            'ul',
            { class: 'plain-list' },
            result.pendingContacts.map((contact) =>
              h(
                'li',
                { class: 'contact' },
                h('span', { class: 'contact__channel' }, t(`success.channel.${contact.channel}`)),
                ' ',
                h('span', { class: 'contact__destination', translate: 'no' }, contact.destination),
                ' ',
                h('span', { class: 'badge badge--pending' }, t('success.pendingStatus')),
              ),
            ),
          ),
        ),
      h('p', {}, t('success.reenroll')),
      h('p', { class: 'actions' }, h('a', { class: 'button', href: hrefFor('menu') }, t('app.backToMenu'))),
    ),
  );
  return heading;
}
