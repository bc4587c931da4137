/**
 * The app shell: header with the language switcher, one <main> landmark, and the hash router that mounts a page
 * into it. A link-out (`?cmd=enroll&username=jsmith`) is read once and then removed from the address bar. Before the
 * first render, the operator's `strings.json` overrides are loaded (i18n.ts).
 */
import './styles.css';
import { focusElement, h } from './dom.js';
import {
  detectLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  loadOverrides,
  rememberLanguage,
  type Translator,
  translator,
} from './i18n.js';
import { mountChange } from './pages/change.js';
import { type EnrollCarry, mountEnroll } from './pages/enroll.js';
import { mountFlow } from './pages/flow.js';
import { mountMenu } from './pages/menu.js';
import { mountMethods } from './pages/methods.js';
import { mountNotMe } from './pages/notMe.js';
import type { PageContext, PageHandle } from './pages/types.js';
import { hrefFor, linkOutFromQuery, type Route, routeFromHash } from './router.js';

const app = document.getElementById('app');
if (!app) throw new Error('index.html has no #app element');

// The operator's strings.json (README) is applied before anything is drawn, so no sentence changes under the reader;
// it waits at most OVERRIDES_TIMEOUT_MS, then the built-in strings are used.
await loadOverrides();

let tr: Translator = translator(detectLanguage());
let current: { route: Route; handle: PageHandle } | undefined;

const main = h('main', { id: 'main', class: 'card', tabindex: -1 });
const skipLink = h('a', {
  class: 'skip-link',
  href: '#main',
  on: {
    click: (event) => {
      event.preventDefault(); // the hash holds the route
      focusElement(main);
    },
  },
});
const brand = h('a', { class: 'brand', href: hrefFor('menu') });
const languageLabel = h('label', { for: 'language' });
const languageSelect = h(
  'select',
  { id: 'language', class: 'language-select', on: { change: () => switchLanguage(languageSelect.value) } },
  LANGUAGES.map((language) => h('option', { value: language, lang: language }, LANGUAGE_NAMES[language])),
);

app.replaceChildren(
  skipLink,
  h(
    'header',
    { class: 'site-header' },
    h('div', { class: 'site-header__inner' }, brand, h('div', { class: 'language' }, languageLabel, languageSelect)),
  ),
  main,
);

function renderShell(): void {
  document.documentElement.lang = tr.language;
  skipLink.textContent = tr.t('app.skipToContent');
  brand.textContent = tr.t('app.title');
  languageLabel.textContent = tr.t('app.language');
  languageSelect.value = tr.language;
}

function context(): PageContext {
  return {
    tr,
    root: main,
    setTitle: (title) => {
      document.title = `${title} – ${tr.t('app.title')}`;
    },
    navigate: (route) => {
      location.hash = hrefFor(route);
    },
    setBusy: (busy) => {
      languageSelect.disabled = busy;
    },
  };
}

function mount(route: Route, carried: unknown, moveFocus: boolean): void {
  current?.handle.dispose?.();
  languageSelect.disabled = false;
  const ctx = context();
  let handle: PageHandle;
  switch (route) {
    case 'menu':
      handle = mountMenu(ctx, typeof carried === 'string' ? carried : undefined);
      break;
    case 'enroll':
      handle = mountEnroll(ctx, carried);
      break;
    case 'change':
      handle = mountChange(ctx, carried);
      break;
    case 'methods':
      handle = mountMethods(ctx, carried);
      break;
    case 'not-me':
      handle = mountNotMe(ctx, carried);
      break;
    default:
      handle = mountFlow(ctx, route, carried);
  }
  current = { route, handle };
  armIdleTimer();
  if (moveFocus) {
    // Tell screen-reader users the page changed: focus its heading (it has tabindex=-1).
    const heading = main.querySelector('h1');
    if (heading) focusElement(heading);
  }
}

function switchLanguage(value: string): void {
  const language = LANGUAGES.find((candidate) => candidate === value);
  if (!language || language === tr.language) return;
  setLanguage(language);
}

function setLanguage(language: Language): void {
  tr = translator(language);
  rememberLanguage(language);
  renderShell();
  if (current) {
    // The page is built again in the new language with what the user had typed (kept in memory only).
    const carried = current.handle.snapshot?.();
    mount(current.route, carried, false);
  }
}

/**
 * Shared kiosks: after IDLE_MS without input, a page other than the menu clears itself (everything typed, the flow
 * id, the masked contacts) and the menu says why. Every input, key or pointer press starts the wait again.
 */
const IDLE_MS = 5 * 60_000;
let idleTimer: number | undefined;

function armIdleTimer(): void {
  if (idleTimer !== undefined) window.clearTimeout(idleTimer);
  idleTimer = undefined;
  if (!current || current.route === 'menu') return;
  idleTimer = window.setTimeout(clearForIdle, IDLE_MS);
}

function clearForIdle(): void {
  idleTimer = undefined;
  if (!current || current.route === 'menu') return;
  history.replaceState(null, '', `${location.pathname}${hrefFor('menu')}`);
  mount('menu', tr.t('idle.cleared'), true);
}

for (const type of ['input', 'keydown', 'pointerdown', 'change'] as const) {
  document.addEventListener(type, armIdleTimer, { capture: true, passive: true });
}

window.addEventListener('hashchange', () => {
  const route = routeFromHash(location.hash);
  if (route) mount(route, undefined, true);
});

renderShell();
const linkOut = linkOutFromQuery(location.search);
if (linkOut) {
  // Drop the query (and the username in it) from the address bar; the route moves into the hash.
  history.replaceState(null, '', `${location.pathname}${hrefFor(linkOut.route)}`);
  let carried: EnrollCarry | { username: string } | undefined;
  if (linkOut.username) {
    carried = linkOut.route === 'enroll' ? { values: { username: linkOut.username } } : { username: linkOut.username };
  }
  mount(linkOut.route, carried, false);
} else {
  mount(routeFromHash(location.hash) ?? 'menu', undefined, false);
}
