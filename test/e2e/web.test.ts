/**
 * The web app in Debian's Chromium (DESIGN §8 test/e2e): every flow on an in-process local stack serving the built
 * app, each page and step checked with axe-core and photographed at 1280 and 375 px under test-results/web/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { memoryDemoDirectory } from '../support/demoDirectory.js';
import { E2E_ENABLED, warnE2eSkipped } from '../support/e2eGate.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results', 'web');
const T = 60_000;

warnE2eSkipped('web app in Chromium (test/e2e/web.test.ts)');

describe.runIf(E2E_ENABLED)('web app in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let dataDir: string;
  let questionTexts: string[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const aliceAnswers = new Map<string, string>();

  beforeAll(async () => {
    // The stack serves web/dist: build it from the current sources.
    execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    await mkdir(SHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'sspr-e2e-'));
    stack = await startLocalStack({ dataDir, port: 0, log: () => {} });
    browser = await chromium.launch({
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
    const config = (await (await fetch(`${stack.url}/api/config`)).json()) as { questions: { text: string }[] };
    questionTexts = config.questions.map((q) => q.text);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function open(
    path: string,
    locale = 'en-US',
    prepare?: (context: BrowserContext) => Promise<unknown>,
  ): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await prepare?.(context);
    const page = await context.newPage();
    // A CSP refusal or a script error is a failure of its own (collected, asserted at the end of each test).
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of (4|5)\d\d/.test(message.text())) pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${stack.url}/${path}`);
    return page;
  }

  /** axe-core finds nothing, and the page is photographed at 1280 and 375 px wide. */
  async function check(page: Page, name: string): Promise<void> {
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
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function latestCode(to: string): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const text = await readFile(stack.outboxFile, 'utf8').catch(() => '');
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

  async function focusedText(page: Page): Promise<string> {
    return page.evaluate(() => document.activeElement?.textContent ?? '');
  }

  function expectNoPageErrors(): void {
    expect(pageErrors).toEqual([]);
  }

  it(
    'shows the menu with the four tasks',
    async () => {
      const page = await open('');
      await expect.poll(() => page.locator('h1').textContent()).toBe('What would you like to do?');
      expect(await page.locator('.menu-item').count()).toBe(4);
      await check(page, 'menu');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'enrolls alice with a new phone and confirms it with the code from the outbox',
    async () => {
      const page = await open('#/enroll');
      await page.locator('#enroll-username').fill('alice');
      await page.locator('#enroll-password').fill('Orchid!2026a');
      const answers = ['alice answer one', 'alice answer two', 'alice answer three'];
      for (let i = 0; i < 3; i++) {
        await page.locator(`#enroll-answers-${i}-questionId`).selectOption({ index: i + 1 });
        await page.locator(`#enroll-answers-${i}-answer`).fill(answers[i] ?? '');
        aliceAnswers.set(questionTexts[i] ?? '', answers[i] ?? '');
      }
      await page.locator('#enroll-phone').fill('+15550107777');
      await check(page, 'enroll-form');
      await page.getByRole('button', { name: 'Enroll' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('You are enrolled');
      await check(page, 'enroll-success');

      const code = await latestCode('+15550107777');
      await page.locator('#verify-code-0').fill(code);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(() => page.locator('.badge--done').textContent()).toBe('confirmed');
      await check(page, 'enroll-verified');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'resets alice: questions one at a time, the code step with its cooldown, the policy checklist and a 422',
    async () => {
      const page = await open('#/reset');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Reset password');
      await check(page, 'reset-username');
      await page.locator('#flow-username').fill('alice');
      await page.getByRole('button', { name: 'Continue' }).click();

      await expect.poll(() => page.locator('h2.step-title').textContent()).toMatch(/^Question 1 of 3$/);
      expect(await focusedText(page)).toBe('Question 1 of 3');
      await check(page, 'reset-question');
      while ((await page.locator('h2.step-title').textContent())?.startsWith('Question')) {
        const heading = await page.locator('h2.step-title').textContent();
        const text = (await page.locator('label[for="flow-answer"]').textContent()) ?? '';
        await page.locator('#flow-answer').fill(aliceAnswers.get(text) ?? 'not an answer');
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => page.locator('h2.step-title').textContent()).not.toBe(heading);
      }

      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Confirm with a code');
      await check(page, 'reset-code-choose');
      await page.locator('label', { hasText: '7777' }).click();
      await page.getByRole('button', { name: 'Send code' }).click();
      await expect.poll(() => page.locator('.notice').textContent()).toMatch(/We sent a code to .*7777/);
      const resend = page.getByRole('button', { name: /Send a new code/ });
      expect(await resend.isDisabled()).toBe(true);
      expect(await resend.textContent()).toMatch(/in \d+ s/);
      await check(page, 'reset-code-sent');

      // A wrong code is said next to the field; then the right one.
      await page.locator('#flow-code').fill('000000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('#flow-code-error').textContent()).toMatch(/Check the code/);
      const code = await latestCode('+15550107777');
      await page.locator('#flow-code').fill(code);
      await page.getByRole('button', { name: 'Continue' }).click();

      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Choose a new password');
      const newPassword = page.locator('#flow-new-password');
      await newPassword.fill('short');
      expect(await page.locator('.check--met').count()).toBe(0);
      await newPassword.fill('Tulip!2026x');
      expect(await page.locator('.check--met').count()).toBe(2);
      await page.locator('#flow-confirm-password').fill('Tulip!2026x');
      expect(await page.locator('.check--met').count()).toBe(3);
      // The toggle shows what was typed.
      await page.locator('.password-wrap').first().getByRole('button', { name: 'Show' }).click();
      expect(await newPassword.getAttribute('type')).toBe('text');
      await check(page, 'reset-password');

      // Passes the browser's checks, refused by the server (contains the username): the violation next to the field.
      await newPassword.fill('Alice!2026xyz');
      await page.locator('#flow-confirm-password').fill('Alice!2026xyz');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect
        .poll(() => page.locator('#flow-new-password-error').textContent())
        .toMatch(/must not contain your username/);
      expect(await page.locator('.alert[role="alert"]').isVisible()).toBe(true);
      await check(page, 'reset-password-policy');

      await newPassword.fill('Tulip!2026x');
      await page.locator('#flow-confirm-password').fill('Tulip!2026x');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Your password has been changed');
      expect(await page.locator('main').textContent()).toMatch(/VPN/);
      await check(page, 'reset-done');

      const demo = memoryDemoDirectory(stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
      expect(await demo.verifyPassword('alice', 'Tulip!2026x')).toEqual({ ok: true });
      expectNoPageErrors();
    },
    T,
  );

  it(
    'unlocks ivan',
    async () => {
      const ivanAnswers = new Map(
        ['ivan answer one', 'ivan answer two', 'ivan answer three'].map((answer, i) => [
          questionTexts[i] ?? '',
          answer,
        ]),
      );
      const page = await open('#/unlock');
      await page.locator('#flow-username').fill('ivan');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toMatch(/^Question/);
      // Questions until they pass, then a code to ivan's directory mail, then the unlock runs by itself.
      for (let steps = 0; steps < 6; steps++) {
        await expect.poll(() => page.locator('h2.step-title, h1#done-title').first().textContent()).toBeTruthy();
        const heading = (await page.locator('h2.step-title, h1#done-title').first().textContent()) ?? '';
        if (heading.startsWith('Question')) {
          const text = (await page.locator('label[for="flow-answer"]').textContent()) ?? '';
          await page.locator('#flow-answer').fill(ivanAnswers.get(text) ?? 'nope');
          await page.getByRole('button', { name: 'Continue' }).click();
        } else if (heading === 'Confirm with a code') {
          const destination = (await page.locator('.destination').first().textContent()) ?? '';
          await check(page, 'unlock-code-choose');
          await page.getByRole('button', { name: 'Send code' }).click();
          await expect.poll(() => page.locator('#flow-code').count()).toBe(1);
          const to = destination.includes('@') ? 'ivan@corp.example.test' : destination;
          await page.locator('#flow-code').fill(await latestCode(to));
          await page.getByRole('button', { name: 'Continue' }).click();
        } else {
          break;
        }
        await expect
          .poll(() => page.locator('h2.step-title, h1#done-title').first().textContent(), { timeout: 10_000 })
          .not.toBe(heading);
      }
      await expect.poll(() => page.locator('h1').textContent()).toBe('Your account is unlocked');
      await check(page, 'unlock-done');
      const demo = memoryDemoDirectory(stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
      // LOCKOUT (0x10) is gone from the computed flags.
      expect((await demo.account('ivan')).computedUserAccountControl & 0x10).toBe(0);
      expectNoPageErrors();
    },
    T,
  );

  it(
    'changes erin’s password after a validation error and a BAD_CREDENTIALS',
    async () => {
      const page = await open('#/change');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Change password');
      await check(page, 'change-form');

      // Nothing filled: each problem next to its field, the box focused.
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect.poll(() => page.locator('#change-username-error').textContent()).toBe('Enter your username.');
      expect(await page.evaluate(() => document.activeElement?.classList.contains('alert'))).toBe(true);
      expect(await page.locator('#change-username').getAttribute('aria-invalid')).toBe('true');
      await check(page, 'change-validation');

      await page.locator('#change-username').fill('erin');
      await page.locator('#change-old-password').fill('Wrong!2026zz');
      await page.locator('#change-new-password').fill('Meadow!2026n');
      await page.locator('#change-confirm-password').fill('Meadow!2026n');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect
        .poll(() => page.locator('.alert__title').textContent())
        .toMatch(/username or password is not correct/);
      await check(page, 'change-bad-credentials');

      await page.locator('#change-old-password').fill('Aspen!2026e');
      await page.locator('#change-new-password').fill('Meadow!2026n');
      await page.locator('#change-confirm-password').fill('Meadow!2026n');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Your password has been changed');
      await check(page, 'change-done');
      const demo = memoryDemoDirectory(stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
      expect(await demo.verifyPassword('erin', 'Meadow!2026n')).toEqual({ ok: true });
      expectNoPageErrors();
    },
    T,
  );

  it(
    'shows a server validation error next to the username',
    async () => {
      const page = await open('#/reset');
      await page.locator('#flow-username').fill('bad/name');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('#flow-username-error').textContent()).toMatch(/Enter your username as/);
      await check(page, 'reset-validation');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'says self-service could not verify a user whose answers fail, without saying which',
    async () => {
      const page = await open('#/reset');
      await page.locator('#flow-username').fill('bob');
      await page.getByRole('button', { name: 'Continue' }).click();
      for (let i = 1; i <= 3; i++) {
        await expect.poll(() => page.locator('h2.step-title').textContent()).toBe(`Question ${i} of 3`);
        await page.locator('#flow-answer').fill(`wrong answer ${i}`);
        await page.getByRole('button', { name: 'Continue' }).click();
      }
      await expect.poll(() => page.locator('h1').textContent()).toBe('We could not verify you');
      expect(await page.locator('main').textContent()).toMatch(/helpdesk/);
      await check(page, 'reset-failed');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'shows DIRECTORY_UNAVAILABLE on its own page with the request id',
    async () => {
      const memory = stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>;
      const page = await open('#/unlock');
      await page.locator('#flow-username').fill('judy');
      memory.setAvailable(false);
      try {
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('The service is temporarily unavailable');
        expect(await page.locator('.request-id').textContent()).toMatch(/\S{6,}/);
        await check(page, 'critical-unavailable');
      } finally {
        memory.setAvailable(true);
      }
      expectNoPageErrors();
    },
    T,
  );

  it(
    "uses the operator's strings.json overrides on the menu and on a critical page",
    async () => {
      // Served in place of web/dist/strings.json, so the shared build is left as it is.
      const overrides = { en: { 'menu.title': 'Acme self-service', 'helpdesk.contact': 'Acme IT, ext. 4357' } };
      const requests: string[] = [];
      const page = await open('', 'en-US', (context) =>
        context.route('**/strings.json', (route) => {
          requests.push(route.request().url());
          return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(overrides) });
        }),
      );
      await expect.poll(() => page.locator('h1').textContent()).toBe('Acme self-service');
      expect(requests).toEqual([`${stack.url}/strings.json`]);
      await check(page, 'strings-override-menu');

      const memory = stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>;
      await page.locator('a.menu-item', { hasText: 'Unlock account' }).click();
      await page.locator('#flow-username').fill('judy');
      memory.setAvailable(false);
      try {
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('The service is temporarily unavailable');
        expect(await page.locator('main').textContent()).toContain(
          'If this keeps happening, contact Acme IT, ext. 4357 and give them the reference below.',
        );
        await check(page, 'strings-override-critical');
      } finally {
        memory.setAvailable(true);
      }
      expectNoPageErrors();
    },
    T,
  );

  it(
    'opens a link-out with the username filled, and an unknown cmd on the menu',
    async () => {
      const page = await open('?cmd=unlock&username=jsmith');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Unlock account');
      expect(await page.locator('#flow-username').inputValue()).toBe('jsmith');
      expect(page.url()).not.toContain('jsmith');
      const change = await open('?cmd=change&username=erin');
      await expect.poll(() => change.locator('#change-username').count()).toBe(1);
      expect(await change.locator('#change-username').inputValue()).toBe('erin');
      const unknown = await open('?cmd=format-c&username=x');
      await expect.poll(() => unknown.locator('h1').textContent()).toBe('What would you like to do?');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'speaks German and French',
    async () => {
      const de = await open('#/reset', 'de-DE');
      await expect.poll(() => de.locator('h1').textContent()).toBe('Kennwort zurücksetzen');
      expect(await de.locator('html').getAttribute('lang')).toBe('de');
      await de.locator('#flow-username').fill('bad/name');
      await de.getByRole('button', { name: 'Weiter' }).click();
      await expect.poll(() => de.locator('#flow-username-error').textContent()).toMatch(/Benutzernamen/);
      await check(de, 'de-reset-validation');

      const fr = await open('#/change', 'fr-FR');
      await expect.poll(() => fr.locator('h1').textContent()).toBe('Changer le mot de passe');
      await expect.poll(() => fr.locator('.policy').textContent()).toMatch(/Au moins 8 caractères/);
      await check(fr, 'fr-change');
      await fr.locator('#language').selectOption('en');
      await expect.poll(() => fr.locator('h1').textContent()).toBe('Change password');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'clears a flow page after 5 minutes without input',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${stack.url}/#/change`);
      await page.locator('#change-username').fill('erin');
      await page.locator('#change-old-password').fill('secret');
      await page.clock.fastForward('04:00');
      expect(await page.locator('#change-username').inputValue()).toBe('erin');
      await page.clock.fastForward('01:05');
      await expect.poll(() => page.locator('h1').textContent()).toBe('What would you like to do?');
      expect(await page.locator('.notice').textContent()).toMatch(/cleared/);
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      await check(page, 'menu-idle-cleared');
    },
    T,
  );

  it(
    'moves focus with the keyboard only through the menu into a page',
    async () => {
      const page = await open('');
      await expect.poll(() => page.locator('h1').textContent()).toBe('What would you like to do?');
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        if ((await focusedText(page)).startsWith('Reset password')) break;
      }
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedText(page)).toBe('Reset password');
      await page.keyboard.press('Tab');
      await page.keyboard.type('alice');
      expect(await page.locator('#flow-username').inputValue()).toBe('alice');
      expectNoPageErrors();
    },
    T,
  );
});
