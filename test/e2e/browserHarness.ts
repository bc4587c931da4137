/**
 * What the browser suites share (test/e2e/*.test.ts): the web build, Debian's Chromium, pages opened in contexts of
 * their own with script errors collected, axe-core and screenshots at 1280, 375 and 320 px, and small readers of the
 * page and the outbox.
 *
 * The suites run in parallel forks and each serves web/dist from its own stack, so the build runs once per state of
 * the sources: under a lock, and only when the stamp of the last build does not match the sources and web/dist (a
 * second build would empty web/dist under a suite that is serving it).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'test-results', 'web');
/** A browser test's own timeout. */
export const T = 60_000;

const BUILD_LOCK = join(ROOT, 'test-results', '.web-build.lock');
const BUILD_STAMP = join(ROOT, 'test-results', '.web-build.stamp');
/** What the page is built from (it imports the shared rules of functions/core). */
const SOURCES = [
  'web/index.html',
  'web/vite.config.ts',
  'web/securityHeaders.ts',
  'web/public',
  'web/src',
  'functions/core',
];

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))));
  return nested.flat().sort();
}

async function sourcesDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await Promise.all(SOURCES.map((path) => filesUnder(join(ROOT, path))))).flat()) {
    hash
      .update(file)
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

async function distDigest(): Promise<string> {
  const index = await readFile(join(ROOT, 'web', 'dist', 'index.html')).catch(() => undefined);
  return index ? createHash('sha256').update(index).digest('hex') : 'none';
}

/** Builds web/dist from the current sources, unless the last build (by any suite) already did. */
export async function buildWeb(): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(BUILD_LOCK);
      break;
    } catch {
      // A lock older than a build can take belongs to a run that died.
      const age = Date.now() - ((await stat(BUILD_LOCK).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 170_000) await rm(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`the web build lock ${BUILD_LOCK} is held`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  try {
    const sources = await sourcesDigest();
    const stamp = await readFile(BUILD_STAMP, 'utf8').catch(() => '');
    if (stamp === `${sources} ${await distDigest()}`) return;
    execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    await writeFile(BUILD_STAMP, `${sources} ${await distDigest()}`);
  } finally {
    await rm(BUILD_LOCK, { recursive: true, force: true });
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageHarness {
  /** A context of its own (closed at the end), its pages' script errors collected. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page at `url` in a new context of `locale`; `prepare` runs on the context before the page opens. */
  open(url: string, locale?: string, prepare?: (context: BrowserContext) => Promise<unknown>): Promise<Page>;
  /** axe-core finds nothing, and the page is photographed at 1280 and 375 px wide and reflows at 320 px. */
  check(page: Page, name: string): Promise<void>;
  /** No CSP refusal or script error happened on any page so far. */
  expectNoPageErrors(): void;
  close(): Promise<void>;
}

export function pageHarness(browser: () => Browser): PageHarness {
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const harness: PageHarness = {
    async newContext(options = {}) {
      const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, ...options });
      contexts.push(context);
      context.on('page', (page) => {
        page.on('console', (message) => {
          if (message.type() === 'error' && !/status of (4|5)\d\d/.test(message.text())) {
            const { url, lineNumber } = message.location();
            pageErrors.push(`${message.text()} (${url}:${lineNumber})`);
          }
        });
        page.on('pageerror', (error) => pageErrors.push(error.stack ?? String(error)));
      });
      return context;
    },
    async open(url, locale = 'en-US', prepare) {
      const context = await harness.newContext({ locale });
      await prepare?.(context);
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async check(page, name) {
      const result = await new AxeBuilder({ page }).analyze();
      const found = result.violations.map(
        (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
      expect(found, `axe on ${name}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 375, height: 800 });
      await page.screenshot({ path: join(SHOTS, `${name}-375.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow, `${name} scrolls sideways at 375 px`).toBe(false);
      // WCAG 1.4.10 reflow: 320 CSS px without scrolling sideways.
      await page.setViewportSize({ width: 320, height: 800 });
      const narrow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(narrow, `${name} scrolls sideways at 320 px`).toBe(false);
      await page.setViewportSize({ width: 1280, height: 900 });
    },
    expectNoPageErrors() {
      expect(pageErrors).toEqual([]);
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
    },
  };
  return harness;
}

/** The last code the outbox holds for `to` (waits up to 2 s for it). */
export async function latestCode(outboxFile: string, to: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const text = await readFile(outboxFile, 'utf8').catch(() => '');
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { to: string; code?: string });
    const hit = lines.filter((line) => line.to === to && line.code).pop();
    if (hit?.code) return hit.code;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no code sent to ${to}`);
}

export async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent ?? '');
}

/** The heading of the step on screen, or of the last page. */
export async function heading(page: Page): Promise<string> {
  return (await page.locator('h2.step-title, h1#done-title').first().textContent()) ?? '';
}
