import { describe, expect, it } from 'vitest';
import { de } from '../../web/src/strings/de.js';
import { en } from '../../web/src/strings/en.js';
import { fr } from '../../web/src/strings/fr.js';

const catalogs: Record<string, Record<string, string>> = { en, de, fr };
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('web UI strings', () => {
  const englishKeys = Object.keys(en).sort();

  it.each(Object.keys(catalogs))('%s has exactly the English keys', (language) => {
    expect(Object.keys(catalogs[language] ?? {}).sort()).toEqual(englishKeys);
  });

  it.each(Object.keys(catalogs))('%s has no empty string', (language) => {
    const empty = Object.entries(catalogs[language] ?? {})
      .filter(([, text]) => text.trim() === '')
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it.each(['de', 'fr'])('%s uses the same {placeholders} as English', (language) => {
    const catalog = catalogs[language] ?? {};
    const mismatched = englishKeys.filter(
      (key) => placeholders(catalog[key] ?? '').join() !== placeholders(en[key as keyof typeof en]).join(),
    );
    expect(mismatched).toEqual([]);
  });
});
