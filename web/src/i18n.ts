/** The UI language: detection, the switcher's persistence and the one formatter for web/src/strings. */
import { isLanguage, LANGUAGES, type Language } from '../../functions/core/language.js';
import { message } from '../../functions/core/messages.js';
import { de } from './strings/de.js';
import { en, type StringKey, type Strings } from './strings/en.js';
import { fr } from './strings/fr.js';

export type { Language, StringKey };
export { LANGUAGES };

const builtIn: Record<Language, Strings> = { en, de, fr };
/** The strings in use: the built-in ones with the operator's overrides (strings.json) applied over them. */
const catalogs: Record<Language, Record<StringKey, string>> = { en: { ...en }, de: { ...de }, fr: { ...fr } };

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

const placeholderNames = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

/**
 * Applies an operator's overrides, shaped `{ "en": { "menu.title": "…" }, "de": { … } }`, over the built-in strings.
 * Overrides are plain text (rendered as text nodes like every string). Anything else is skipped with a warning and
 * never throws: an unknown language or key, a value that is not a non-empty string, or a {placeholder} the built-in
 * sentence does not have (it would show as typed). Leaving a placeholder out is allowed. Returns how many were applied.
 */
export function applyOverrides(data: unknown, warn: (message: string) => void = console.warn): number {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    warn('strings.json: expected an object like { "en": { "menu.title": "…" } }; no overrides applied');
    return 0;
  }
  let applied = 0;
  for (const [language, entries] of Object.entries(data)) {
    if (!isLanguage(language)) {
      warn(`strings.json: unknown language "${language}" ignored`);
      continue;
    }
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      warn(`strings.json: "${language}" is not an object of strings; ignored`);
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      if (!Object.hasOwn(en, key)) {
        warn(`strings.json: unknown key "${language}.${key}" ignored`);
        continue;
      }
      if (typeof value !== 'string' || value.trim() === '') {
        warn(`strings.json: "${language}.${key}" is not a non-empty string; ignored`);
        continue;
      }
      const known = placeholderNames(builtIn[language][key as StringKey]);
      const unknown = placeholderNames(value).filter((name) => !known.includes(name));
      if (unknown.length > 0) {
        warn(`strings.json: "${language}.${key}" uses {${unknown.join('}, {')}}, which this sentence has not; ignored`);
        continue;
      }
      catalogs[language][key as StringKey] = value;
      applied += 1;
    }
  }
  return applied;
}

/** How long the page waits for strings.json before it renders with the built-in strings. */
export const OVERRIDES_TIMEOUT_MS = 2000;

/**
 * Fetches the operator's `strings.json` (next to the page, same origin, never from a cache) and applies it. Resolves
 * in every case: no file, a page instead of JSON (a static host's fallback), bad JSON or no answer within the
 * timeout all mean the built-in strings.
 */
export async function loadOverrides(url = 'strings.json', timeoutMs = OVERRIDES_TIMEOUT_MS): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: controller.signal,
    });
    if (!response.ok || /text\/html/i.test(response.headers.get('content-type') ?? '')) return;
    let data: unknown;
    try {
      data = JSON.parse(await response.text());
    } catch {
      console.warn('strings.json is not valid JSON; the built-in strings are used');
      return;
    }
    applyOverrides(data);
  } catch {
    // Network error or timeout: the built-in strings.
  } finally {
    clearTimeout(timer);
  }
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
