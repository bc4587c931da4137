import type { Translator } from '../i18n.js';
import type { Route } from '../router.js';

export interface PageContext {
  tr: Translator;
  /** The element the page renders into (the <main> landmark). */
  root: HTMLElement;
  /** Sets the document title (the app's name is appended). */
  setTitle(title: string): void;
  navigate(route: Route): void;
  /** While a request is in flight the shell holds still (the language cannot be switched mid-request). */
  setBusy(busy: boolean): void;
}

export interface PageHandle {
  /** What to carry over when the page is mounted again in another language. Kept in memory only. */
  snapshot?(): unknown;
  /** Called when another page replaces this one; late async results must then not render. */
  dispose?(): void;
}
