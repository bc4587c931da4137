/** The UI language: detection, the switcher's persistence and the one formatter for web/src/strings. */
import { isLanguage, LANGUAGES, type Language } from '../../functions/core/language.js';
import { message } from '../../functions/core/messages.js';
import { de } from './strings/de.js';
import { en, type StringKey, type Strings } from './strings/en.js';
import { fr } from './strings/fr.js';

export type { Language, StringKey };
export { LANGUAGES };

const catalogs: Record<Language, Strings> = { en, de, fr };

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', fr: 'Français' };

export type Params = Record<string, string | number>;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export interface Translator {
  readonly language: Language;
  /** A sentence of the web app's own strings. */
  t(key: StringKey, params?: Params): string;
  /** A message key of the shared domain catalog (functions/core/messages.ts), e.g. a field problem from checkAnswers. */
  problem(key: string, params?: Params): string;
}

export function translator(language: Language): Translator {
  const strings = catalogs[language];
  return {
    language,
    t: (key, params = {}) => fill(strings[key], params),
    problem: (key, params = {}) => message(language, key, params),
  };
}

// Only the language choice is remembered; nothing a user types is ever written to storage.
const STORAGE_KEY = 'sspr.language';

function storedLanguage(): Language | undefined {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value && isLanguage(value) ? value : undefined;
  } catch {
    return undefined; // storage disabled (private mode, policy): just detect again
  }
}

export function rememberLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered; the switcher still works for this page
  }
}

/** The stored choice, else the browser's first supported language, else English. */
export function detectLanguage(nav: Pick<Navigator, 'language' | 'languages'> = navigator): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  const preferred = nav.languages?.length ? nav.languages : [nav.language];
  for (const tag of preferred) {
    const primary = (tag ?? '').toLowerCase().split('-')[0] ?? '';
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}
