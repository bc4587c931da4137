/**
 * The web app in Debian's Chromium (DESIGN §8 test/e2e): every flow on an in-process local stack serving the built
 * app, each page and step checked with axe-core and photographed at 1280 and 375 px under test-results/web/.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { memoryDemoDirectory } from '../support/demoDirectory.js';
import { E2E_ENABLED, warnE2eSkipped } from '../support/e2eGate.js';
import {
  buildWeb,
  focusedText,
  heading,
  launchChromium,
  latestCode as outboxCode,
  pageHarness,
  T,
} from './browserHarness.js';

warnE2eSkipped('web app in Chromium (test/e2e/web.test.ts)');

describe.runIf(E2E_ENABLED)('web app in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let dataDir: string;
  let questionTexts: string[] = [];
  let questionIds: string[] = [];
  const pages = pageHarness(() => browser);
  const { check, expectNoPageErrors } = pages;
  const aliceAnswers = new Map<string, string>();

  beforeAll(async () => {
    // The stack serves web/dist: built from the current sources.
    await buildWeb();
    dataDir = await mkdtemp(join(tmpdir(), 'sspr-e2e-'));
    stack = await startLocalStack({ dataDir, port: 0, log: () => {} });
    browser = await launchChromium();
    const config = (await (await fetch(`${stack.url}/api/config`)).json()) as {
      questions: { id: string; text: string }[];
    };
    questionTexts = config.questions.map((q) => q.text);
    questionIds = config.questions.map((q) => q.id);
  }, 180_000);

  afterAll(async () => {
    await pages.close();
    await browser?.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function open(
    path: string,
    locale = 'en-US',
    prepare?: (context: BrowserContext) => Promise<unknown>,
    on: LocalStack = stack,
  ): Promise<Page> {
    return pages.open(`${on.url}/${path}`, locale, prepare);
  }

  function latestCode(to: string, on: LocalStack = stack): Promise<string> {
    return outboxCode(on.outboxFile, to);
  }

  it(
    'shows the menu with the five tasks',
    async () => {
      const page = await open('');
      await expect.poll(() => page.locator('h1').textContent()).toBe('What would you like to do?');
      expect(await page.locator('.menu-item').count()).toBe(5);
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
    'a wrong name: the name in use and "Not you?" on every step, back to the username filled in and focused',
    async () => {
      const page = await open('#/reset');
      // A made-up name gets a decoy's questions: the page cannot tell, so it says whose reset this is, and what to do.
      await page.locator('#flow-username').fill('CORP\\Alicia');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Question 1 of 3');
      expect(await page.locator('.flow-name__line').textContent()).toBe('Resetting the password of alicia.');
      const help = (await page.locator('#flow-first-step').textContent()) ?? '';
      expect(help).toContain('These are the questions you chose when you set up password reset.');
      expect(help).toContain('Never set this up, or not sure the name is right?');
      expect(help).toContain('contact your IT helpdesk');
      await check(page, 'reset-not-you');

      await page.locator('#flow-answer').fill('a guess that is wrong');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Question 2 of 3');
      expect(await page.locator('.flow-name__name').textContent()).toBe('alicia');

      await page.getByRole('button', { name: 'Not you? Start again' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Who are you?');
      expect(await page.locator('#flow-username').inputValue()).toBe('CORP\\Alicia');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('flow-username');
      expect(await page.locator('#flow-name').count()).toBe(0);

      // Corrected: the real name starts a flow of its own, named as typed.
      await page.locator('#flow-username').fill('Alice');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('.flow-name__name').textContent()).toBe('alice');
      expect(await page.locator('h2.step-title').textContent()).toMatch(/^(Question 1 of 3|How do you want)/);
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
      const context = await pages.newContext();
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

  // ---- Recovery methods (issue 16): the methods page, and resets by the ways it adds.

  it(
    "computes authenticator codes by the test's own RFC 6238, checked against the RFC's test vectors",
    () => {
      // RFC 6238 Appendix B, SHA-1, 8 digits, the ASCII seed "12345678901234567890".
      const seed = Buffer.from('12345678901234567890', 'ascii');
      const vectors: [number, string][] = [
        [59, '94287082'],
        [1111111109, '07081804'],
        [1111111111, '14050471'],
        [1234567890, '89005924'],
        [2000000000, '69279037'],
        [20000000000, '65353130'],
      ];
      for (const [seconds, code] of vectors) expect(totp(seed, seconds, 8), `T=${seconds}`).toBe(code);
      // The base32 the page shows decodes to the bytes apps use (RFC 4648's own vector).
      expect(base32Decode('MZXW6YTBOI').toString('ascii')).toBe('foobar');
    },
    T,
  );

  /** Signs in on the methods page (already open) and waits for the overview. */
  async function signInToMethods(page: Page, username: string, password: string): Promise<void> {
    await page.locator('#methods-username').fill(username);
    await page.locator('#methods-password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('What your account has');
    expect(await focusedText(page)).toBe('What your account has');
  }

  /** Creates recovery codes, reads the 10 shown, ticks "I saved these codes" and goes on; returns the codes. */
  async function createCodes(page: Page, name?: string): Promise<string[]> {
    await page.getByRole('button', { name: 'Create recovery codes' }).click();
    await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Save your recovery codes');
    expect(await focusedText(page)).toBe('Save your recovery codes');
    const codes = await page.locator('.recovery-codes .code-text').allTextContents();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    if (name) await check(page, name);
    await page.getByRole('button', { name: 'Continue' }).click();
    // Not ticked yet: said next to the box, and the codes stay.
    await expect.poll(() => page.locator('#methods-saved-error').textContent()).toMatch(/cannot be shown again/);
    expect(await page.locator('.recovery-codes .code-text').count()).toBe(10);
    await page.getByLabel('I saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Your new recovery codes are active.');
    expect(await page.locator('#methods-codes-title + p').textContent()).toMatch(/^Codes left: 10 /);
    return codes;
  }

  /** Adds an authenticator with a code of the test's own TOTP; returns the seed and the time step used. */
  async function addAuthenticator(page: Page, name?: string): Promise<{ seed: Buffer; step: number }> {
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Add an authenticator app');
    // The QR code is drawn in the page (an SVG named for screen readers), and the key is there as text.
    const qr = page.getByRole('img', { name: /QR code to add your account/ });
    expect(await qr.count()).toBe(1);
    expect(((await page.locator('#methods-qr path').getAttribute('d')) ?? '').length).toBeGreaterThan(500);
    const shown = (await page.locator('#methods-secret').textContent()) ?? '';
    expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    const seed = base32Decode(shown.replace(/\s/g, ''));
    expect(seed.length).toBe(20);
    if (name) await check(page, name);

    const now = Math.floor(Date.now() / 1000);
    const right = totp(seed, now);
    // A wrong code is said next to the field (and costs one of the session's tries).
    await page.locator('#methods-authenticator-code').fill(String((Number(right) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Add the app' }).click();
    await expect.poll(() => page.locator('#methods-authenticator-code-error').textContent()).toMatch(/not right/);
    await page.locator('#methods-authenticator-code').fill(`${right.slice(0, 3)} ${right.slice(3)}`);
    await page.getByRole('button', { name: 'Add the app' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Your authenticator app was added.');
    expect(await page.locator('#methods-authenticator-title + p').textContent()).toMatch(/^Added on /);
    return { seed, step: Math.floor(now / 30) };
  }

  /** A code of the app that the server has not seen yet: the step used to add it is spent. */
  function freshCode(app: { seed: Buffer; step: number }): string {
    const step = Math.max(Math.floor(Date.now() / 30_000), app.step + 1);
    return totp(app.seed, step * 30);
  }

  it(
    "bob adds recovery codes and an authenticator app on the methods page, then resets with the app's code and an e-mail code",
    async () => {
      // bob answered his questions before (the choice at start offers them too).
      const enrolled = await fetch(`${stack.url}/api/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'bob',
          password: 'Maple!2026b',
          answers: [0, 1, 2].map((i) => ({ questionId: questionIds[i], answer: `bob answer ${i + 1}` })),
        }),
      });
      expect(enrolled.status).toBe(200);

      const page = await open('', 'en-US', (context) =>
        context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url }),
      );
      await page.locator('a.menu-item', { hasText: 'Your recovery methods' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Your recovery methods');
      await check(page, 'methods-sign-in');
      await signInToMethods(page, 'bob', 'Maple!2026b');
      expect(await page.locator('#methods-questions-title + p').textContent()).toBe('Set up.');
      expect(await page.locator('#methods-codes-title + p').textContent()).toMatch(/^Not set up/);
      await check(page, 'methods-overview');

      const codes = await createCodes(page, 'methods-codes');
      // Print shows the codes alone; Download saves them as text.
      await page.getByRole('button', { name: 'Create new codes' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Save your recovery codes');
      const replaced = await page.locator('.recovery-codes .code-text').allTextContents();
      expect(replaced.some((code) => codes.includes(code))).toBe(false);
      await page.evaluate(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => {
          (window as unknown as { printed: number }).printed += 1;
        };
      });
      await page.getByRole('button', { name: 'Print' }).click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
      await page.emulateMedia({ media: 'print' });
      const visibility = (selector: string) =>
        page
          .locator(selector)
          .first()
          .evaluate((element) => getComputedStyle(element).visibility);
      expect(await visibility('.site-header')).toBe('hidden');
      expect(await visibility('h2.step-title')).toBe('hidden');
      expect(await visibility('.recovery-codes .code-text')).toBe('visible');
      await page.emulateMedia({ media: 'screen' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download as a text file' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('recovery-codes.txt');
      const file = await readFile(await download.path(), 'utf8');
      for (const code of replaced) expect(file).toContain(code);
      await page.getByLabel('I saved these codes').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('.notice').textContent()).toBe('Your new recovery codes are active.');

      await page.getByRole('button', { name: 'Add an authenticator app' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Add an authenticator app');
      await page.getByRole('button', { name: 'Copy the key' }).click();
      await expect.poll(() => page.locator('[role="status"].hint').textContent()).toBe('The key was copied.');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(((await page.locator('#methods-secret').textContent()) ?? '').replace(/\s/g, ''));
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('What your account has');
      const app = await addAuthenticator(page, 'methods-authenticator');

      // The reset: a choice at start, the app by keyboard (and back once with "Use another way").
      await page.goto(`${stack.url}/#/reset`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Reset password');
      await page.locator('#flow-username').fill('bob');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => heading(page)).toBe('How do you want to confirm it is you?');
      expect(await focusedText(page)).toBe('How do you want to confirm it is you?');
      expect((await page.locator('.option').allTextContents()).sort()).toEqual([
        'Answer your security questions',
        'Enter the code from your authenticator app',
        'Use a recovery code',
      ]);
      await check(page, 'reset-choose');
      for (let i = 0; i < 6 && (await focusedText(page)) !== 'Use a recovery code'; i++) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page)).toBe('Use a recovery code');
      expect(await focusedText(page)).toBe('Use a recovery code');
      for (let i = 0; i < 6 && (await focusedText(page)) !== 'Use another way'; i++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect.poll(() => focusedText(page)).toBe('How do you want to confirm it is you?');
      await page.getByRole('button', { name: 'Enter the code from your authenticator app' }).click();
      await expect.poll(() => heading(page)).toBe('Enter the code from your authenticator app');
      const field = page.locator('#flow-authenticator-code');
      expect(await field.getAttribute('inputmode')).toBe('numeric');
      expect(await field.getAttribute('autocomplete')).toBe('one-time-code');
      expect(await page.getByRole('button', { name: 'Use another way' }).count()).toBe(1);
      await check(page, 'reset-authenticator');
      await field.fill(freshCode(app));
      await page.getByRole('button', { name: 'Continue' }).click();

      // The app passed: now a recovery code or a code sent to bob's mail, chosen by sending it.
      await expect.poll(() => heading(page)).toBe('How do you want to confirm it is you?');
      expect((await page.locator('.option').allTextContents()).sort()).toEqual([
        'Send a code to b•••@corp.example.test',
        'Use a recovery code',
      ]);
      await page.getByRole('button', { name: /^Send a code to / }).click();
      await expect.poll(() => heading(page)).toBe('Confirm with a code');
      await expect.poll(() => page.locator('.notice').textContent()).toMatch(/We sent a code to b•••@/);
      await page.locator('#flow-code').fill(await latestCode('bob@corp.example.test'));
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => heading(page)).toBe('Choose a new password');
      await page.locator('#flow-new-password').fill('Quartz!2026y');
      await page.locator('#flow-confirm-password').fill('Quartz!2026y');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Your password has been changed');
      const demo = memoryDemoDirectory(stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
      expect(await demo.verifyPassword('bob', 'Quartz!2026y')).toEqual({ ok: true });
      expectNoPageErrors();
    },
    2 * T,
  );

  it(
    'removes recovery codes after a confirm step, and says a methods session has ended and asks for the password again',
    async () => {
      const page = await open('#/methods');
      await signInToMethods(page, 'paula', 'Poplar!2026pw');
      await createCodes(page);
      await page.getByRole('button', { name: 'Remove the recovery codes' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Remove your recovery codes?');
      expect(await focusedText(page)).toBe('Remove your recovery codes?');
      await check(page, 'methods-remove');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.locator('#methods-codes-title + p').textContent()).toMatch(/^Codes left: 10 /);
      await page.getByRole('button', { name: 'Remove the recovery codes' }).click();
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      // The codes (with her directory mail) are paula's only way back: the step warns and asks again.
      await expect.poll(() => page.locator('#methods-last-way-back').count()).toBe(1);
      await page.getByRole('button', { name: 'Remove anyway' }).click();
      await expect.poll(() => page.locator('.notice').textContent()).toBe('Your recovery codes were removed.');
      expect(await page.locator('#methods-codes-title + p').textContent()).toMatch(/^Not set up/);

      // Five wrong codes end the session (codes.maxTries): the page says so and returns to the password step.
      await page.getByRole('button', { name: 'Add an authenticator app' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Add an authenticator app');
      const seed = base32Decode(((await page.locator('#methods-secret').textContent()) ?? '').replace(/\s/g, ''));
      const now = Math.floor(Date.now() / 1000);
      const valid = new Set([-1, 0, 1].map((d) => totp(seed, now + 30 * d)));
      const wrong = ['111111', '222222', '333333', '444444', '555555', '666666', '777777'].filter(
        (code) => !valid.has(code),
      );
      for (let i = 0; i < 5; i++) {
        await page.locator('#methods-authenticator-code').fill(wrong[i] ?? '');
        await page.getByRole('button', { name: 'Add the app' }).click();
        // A wrong code empties the field once the answer is back.
        await expect.poll(() => page.locator('#methods-authenticator-code').inputValue()).toBe('');
      }
      await page.locator('#methods-authenticator-code').fill(wrong[5] ?? '');
      await page.getByRole('button', { name: 'Add the app' }).click();
      await expect.poll(() => page.locator('h2.step-title').textContent()).toBe('Sign in');
      expect(await page.locator('.notice').textContent()).toBe('Your session has ended. Please sign in again.');
      expect(await focusedText(page)).toBe('Sign in');
      await check(page, 'methods-expired');
      expectNoPageErrors();
    },
    T,
  );

  it(
    'speaks German and French on the methods page',
    async () => {
      const de = await open('#/methods', 'de-DE');
      await expect.poll(() => de.locator('h1').textContent()).toBe('Ihre Wiederherstellungsmethoden');
      await check(de, 'de-methods-sign-in');
      const fr = await open('#/methods', 'fr-FR');
      await expect.poll(() => fr.locator('h1').textContent()).toBe('Vos méthodes de récupération');
      await fr.getByRole('button', { name: 'Se connecter' }).click();
      await expect.poll(() => fr.locator('#methods-password-error').textContent()).toBeTruthy();
      await check(fr, 'fr-methods-validation');
      expectNoPageErrors();
    },
    T,
  );

  // Last on this stack: it blocks self-service for alice.
  it(
    'reports a change with the notice\'s "This wasn\'t me" link: nothing on load, the token out of the address bar, once',
    async () => {
      const lines = (await readFile(stack.outboxFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { to: string; body: string })
        .filter((line) => line.to === 'alice@corp.example.test');
      const links = lines.flatMap((line) =>
        [...line.body.matchAll(/#\/not-me\?token=[A-Za-z0-9_-]{43}/g)].map((match) => match[0]),
      );
      const link = links.at(-1);
      expect(link).toBeDefined();
      const page = await open(link ?? '');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Report a change you did not make');
      expect(page.url()).not.toContain('token');
      // Mail scanners open links: loading the page reports nothing.
      expect(await stack.store.getBlock('alice', stack.clock.now())).toBeNull();
      expect(await page.locator('body').textContent()).toContain('your IT helpdesk');
      await check(page, 'not-me');
      await page.getByRole('button', { name: 'Report it' }).click();
      await expect.poll(() => page.locator('.not-me__result').textContent()).toMatch(/it is reported/);
      expect(await page.locator('.not-me__result').getAttribute('aria-live')).toBe('polite');
      expect(await stack.store.getBlock('alice', stack.clock.now())).toMatchObject({ reason: 'repudiated' });
      await check(page, 'not-me-reported');

      const again = await open(link ?? '');
      await again.getByRole('button', { name: 'Report it' }).click();
      await expect.poll(() => again.locator('.not-me__result').textContent()).toMatch(/can no longer be used/);
      const missing = await open('#/not-me');
      await expect.poll(() => missing.locator('[role="alert"]').textContent()).toMatch(/incomplete/);
      expect(await missing.getByRole('button', { name: 'Report it' }).count()).toBe(0);
      expectNoPageErrors();
    },
    T,
  );

  describe('under the standards preset (no questions)', () => {
    let standards: LocalStack;
    let standardsDir: string;

    beforeAll(async () => {
      standardsDir = await mkdtemp(join(tmpdir(), 'sspr-e2e-standards-'));
      standards = await startLocalStack({
        dataDir: standardsDir,
        port: 0,
        log: () => {},
        config: { recovery: { preset: 'standards' } },
      });
    }, 60_000);

    afterAll(async () => {
      await standards?.close();
      if (standardsDir) await rm(standardsDir, { recursive: true, force: true });
    });

    it(
      'judy, never enrolled, adds recovery codes and an app, then resets with a typed recovery code and an e-mail code; no question anywhere',
      async () => {
        const page = await open('#/methods', 'en-US', undefined, standards);
        const headings: string[] = [];
        const noQuestion = async () => {
          headings.push(await heading(page));
          expect(await page.locator('#flow-answer').count()).toBe(0);
          expect(await page.locator('main').textContent()).not.toMatch(/security question/i);
        };
        await signInToMethods(page, 'judy', 'Juniper!2026j');
        await noQuestion();
        expect(await page.locator('#methods-questions-title').count()).toBe(0);
        const codes = await createCodes(page);
        await noQuestion();
        await addAuthenticator(page);
        await noQuestion();

        await page.goto(`${standards.url}/#/reset`);
        await page.locator('#flow-username').fill('judy');
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => heading(page)).toBe('How do you want to confirm it is you?');
        await noQuestion();
        // The first step says where a user sets up a way back under this policy: there is no Enroll here.
        const help = (await page.locator('#flow-first-step').textContent()) ?? '';
        expect(help).toContain('These are the ways you added when you set up password reset.');
        expect(help).toContain('under “Your recovery methods”');
        expect((await page.locator('.option').allTextContents()).sort()).toEqual([
          'Enter the code from your authenticator app',
          'Use a recovery code',
        ]);
        await page.getByRole('button', { name: 'Use a recovery code' }).click();
        await expect.poll(() => heading(page)).toBe('Use a recovery code');
        await noQuestion();
        const input = page.locator('#flow-recovery-code');
        expect(await input.getAttribute('autocomplete')).toBe('off');
        await check(page, 'standards-recovery-code');
        // Typed as a person might: small letters, spaces for the hyphens.
        await input.fill((codes[3] ?? '').toLowerCase().replace(/-/g, ' '));
        await page.getByRole('button', { name: 'Continue' }).click();

        // A recovery code passed: a code to a contact comes next (no alternative of standards has the app after it).
        await expect.poll(() => heading(page)).toBe('Confirm with a code');
        await noQuestion();
        await page.locator('label', { hasText: 'j•••@corp.example.test' }).click();
        await page.getByRole('button', { name: 'Send code' }).click();
        await expect.poll(() => page.locator('#flow-code').count()).toBe(1);
        await noQuestion();
        await page.locator('#flow-code').fill(await latestCode('judy@corp.example.test', standards));
        await page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => heading(page)).toBe('Choose a new password');
        await noQuestion();
        await page.locator('#flow-new-password').fill('Garnet!2026q');
        await page.locator('#flow-confirm-password').fill('Garnet!2026q');
        await page.getByRole('button', { name: 'Set new password' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('Your password has been changed');
        const demo = memoryDemoDirectory(standards.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
        expect(await demo.verifyPassword('judy', 'Garnet!2026q')).toEqual({ ok: true });
        expect(headings.some((text) => /question/i.test(text))).toBe(false);

        // The methods page counts the code used: 9 left.
        await page.goto(`${standards.url}/#/methods`);
        await signInToMethods(page, 'judy', 'Garnet!2026q');
        expect(await page.locator('#methods-codes-title + p').textContent()).toMatch(/^Codes left: 9 /);
        expectNoPageErrors();
      },
      2 * T,
    );

    it(
      'heidi sets up without questions: the menu has no Enroll, the enroll page takes contacts only, and removing her last way back asks first',
      async () => {
        const page = await open('', 'en-US', undefined, standards);
        // The policy offers no questions: "Your recovery methods" is where a user sets up.
        await expect.poll(() => page.locator('#menu-enroll').count()).toBe(0);
        expect(await page.locator('.menu-item').count()).toBe(4);
        expect(await page.locator('#menu-methods a').getAttribute('href')).toBe('#/methods');

        await page.goto(`${standards.url}/#/enroll`);
        await expect.poll(() => page.locator('h1').textContent()).toBe('Your contacts for codes');
        expect(await page.locator('main select').count()).toBe(0);
        expect(await page.locator('main').textContent()).not.toMatch(/security question/i);
        await check(page, 'standards-contacts');
        await page.locator('#enroll-username').fill('heidi');
        await page.locator('#enroll-password').fill('Laurel!2026h');
        // No contact: said next to the e-mail field before anything is sent.
        await page.getByRole('button', { name: 'Save the contacts' }).click();
        await expect
          .poll(() => page.locator('#enroll-email-error').textContent())
          .toMatch(/e-mail address or a mobile/);
        await page.locator('#enroll-email').fill('heidi.home@example.com');
        await page.getByRole('button', { name: 'Save the contacts' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('Your contacts are saved');
        await page.locator('#verify-code-0').fill(await latestCode('heidi.home@example.com', standards));
        await page.getByRole('button', { name: 'Confirm' }).click();
        await expect.poll(() => page.locator('.contact .notice').textContent()).toBe('h•••@example.com is confirmed.');

        await page.goto(`${standards.url}/#/methods`);
        await signInToMethods(page, 'heidi', 'Laurel!2026h');
        // A confirmed address alone is no way back under standards: the page says so before anything is clicked.
        expect(await page.locator('#methods-no-recovery .alert__title').textContent()).toBe(
          'You cannot reset your password yourself yet',
        );
        expect(await page.locator('#methods-contacts-title').textContent()).toBe('E-mail and mobile for codes');
        expect(await page.locator('#methods-questions-title').count()).toBe(0);
        await createCodes(page);
        expect(await page.locator('#methods-no-recovery').count()).toBe(0);

        await page.getByRole('button', { name: 'Remove the recovery codes' }).click();
        await expect.poll(() => heading(page)).toBe('Remove your recovery codes?');
        await page.getByRole('button', { name: 'Remove', exact: true }).click();
        // The server refused: the same step again, with the warning and a confirm button.
        await expect
          .poll(() => page.locator('#methods-last-way-back .alert__title').textContent())
          .toBe('After this you cannot reset your password yourself');
        expect(await heading(page)).toBe('Remove your recovery codes?');
        expect(await page.locator('main').textContent()).not.toMatch(/leave-no-recovery/);
        await check(page, 'standards-last-way-back');
        const demo = memoryDemoDirectory(standards.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);
        const heidiGuid = (await demo.account('heidi')).objectGuid;
        expect((await standards.store.getEnrollment(heidiGuid))?.recoveryCodes?.hashes).toHaveLength(10);
        await page.getByRole('button', { name: 'Remove anyway' }).click();
        await expect.poll(() => page.locator('.notice').textContent()).toBe('Your recovery codes were removed.');
        expect(await page.locator('#methods-no-recovery').count()).toBe(1);
        expectNoPageErrors();
      },
      2 * T,
    );
  });
});

/** HOTP (RFC 4226) with HMAC-SHA-1: the counter as 8 bytes big-endian, dynamic truncation, `digits` digits. */
function hotp(secret: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** TOTP (RFC 6238): HOTP of the 30-second steps since the epoch. */
function totp(secret: Buffer, unixSeconds: number, digits = 6): string {
  return hotp(secret, Math.floor(unixSeconds / 30), digits);
}

/** RFC 4648 base32 (no padding) to bytes. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toUpperCase().replace(/=+$/, '')) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
