import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyOverrides, loadOverrides, translator } from '../../web/src/i18n.js';
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

describe('operator overrides (strings.json)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('applies known keys per language and keeps {placeholders} working', () => {
    const warnings: string[] = [];
    const applied = applyOverrides(
      {
        en: { 'helpdesk.contact': 'Acme IT, ext. 4357', 'critical.helpdesk': 'Call {helpdesk}, quote the reference.' },
        de: { 'menu.title': 'Was möchten Sie tun, bitte?' },
      },
      (message) => warnings.push(message),
    );
    expect(applied).toBe(3);
    expect(warnings).toEqual([]);
    const english = translator('en');
    expect(english.t('critical.helpdesk', { helpdesk: english.t('helpdesk.contact') })).toBe(
      'Call Acme IT, ext. 4357, quote the reference.',
    );
    expect(translator('de').t('menu.title')).toBe('Was möchten Sie tun, bitte?');
    expect(translator('fr').t('menu.title')).toBe(fr['menu.title']);
  });

  it('ignores, with a warning and without throwing, what it cannot use', () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const before = translator('fr').t('app.title');
    const applied = applyOverrides(
      JSON.parse(
        '{"xx":{"app.title":"?"},"fr":{"no.such.key":"x","app.title":42,"app.language":"","critical.helpdesk":"{who}","__proto__":"x"},"de":"nope"}',
      ),
      warn,
    );
    expect(applied).toBe(0);
    expect(warnings).toHaveLength(7);
    expect(translator('fr').t('app.title')).toBe(before);
    expect(applyOverrides([], warn)).toBe(0);
    expect(applyOverrides(null, warn)).toBe(0);
  });

  it('fetches strings.json without the cache, and treats a missing file, a page or bad JSON as no overrides', async () => {
    const answers = [
      new Response('not found', { status: 404 }),
      new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
      new Response('{ broken', { headers: { 'content-type': 'application/json' } }),
      new Response('{"en":{"menu.intro":"Hello from strings.json"}}', {
        headers: { 'content-type': 'application/json' },
      }),
    ];
    const fetchMock = vi.fn(async () => answers.shift() as Response);
    vi.stubGlobal('fetch', fetchMock);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 3; i++) await loadOverrides();
      expect(translator('en').t('menu.intro')).toBe(en['menu.intro']);
      expect(warn).toHaveBeenCalledTimes(1); // the bad JSON only
      await loadOverrides();
      expect(translator('en').t('menu.intro')).toBe('Hello from strings.json');
      expect(fetchMock).toHaveBeenCalledWith('strings.json', expect.objectContaining({ cache: 'no-store' }));
    } finally {
      warn.mockRestore();
    }
  });

  it('gives up on a strings.json that does not answer in time', async () => {
    vi.stubGlobal(
      'fetch',
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const started = Date.now();
    await loadOverrides('strings.json', 50);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
