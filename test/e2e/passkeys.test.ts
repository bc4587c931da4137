/**
 * Passkeys in Debian's Chromium (issue 16 item 6), with the DevTools protocol's virtual authenticator (ctap2, internal
 * transport, resident keys, user verification): registered on the methods page, a reset by a passkey alone under the
 * `standards` preset, a user-verification failure said on the page with the way back, the page's own JSON conversion
 * (a browser without parse…FromJSON and toJSON), removal, the 5-passkey limit and a browser without WebAuthn.
 *
 * WebAuthn refuses an IP address as relying-party id, and the API derives the id from notifications.baseUrl: this
 * stack's base URL, and every page here, use the host name localhost (the server listens on 127.0.0.1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { SoftAuthenticator } from '../api/softAuthenticator.js';
import { memoryDemoDirectory } from '../support/demoDirectory.js';
import { E2E_ENABLED, warnE2eSkipped } from '../support/e2eGate.js';
import { buildWeb, focusedText, heading, launchChromium, pageHarness, T } from './browserHarness.js';

warnE2eSkipped('passkeys in Chromium (test/e2e/passkeys.test.ts)');

const CHOOSE = 'How do you want to confirm it is you?';

/** A port free right now on 127.0.0.1 (the base URL must name it before the stack starts). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

interface VirtualAuthenticator {
  credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; rpId?: string; signCount: number }[]>;
  setUserVerified(verified: boolean): Promise<void>;
}

/** A platform authenticator as a phone or laptop has one: CTAP2, internal, resident keys, user verification that passes. */
async function virtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    setUserVerified: async (isUserVerified) => {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
    },
  };
}

describe.runIf(E2E_ENABLED)('passkeys in Chromium (virtual authenticator, standards preset)', () => {
  let stack: LocalStack;
  let browser: Browser;
  let dataDir: string;
  let base: string;
  const pages = pageHarness(() => browser);
  const { check, expectNoPageErrors } = pages;

  beforeAll(async () => {
    await buildWeb();
    dataDir = await mkdtemp(join(tmpdir(), 'sspr-e2e-passkeys-'));
    const port = await freePort();
    base = `http://localhost:${port}`;
    stack = await startLocalStack({
      dataDir,
      port,
      log: () => {},
      config: { recovery: { preset: 'standards' }, notifications: { baseUrl: base } },
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await pages.close();
    await browser?.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const demo = () => memoryDemoDirectory(stack.memoryDirectory as NonNullable<LocalStack['memoryDirectory']>);

  async function signInToMethods(page: Page, username: string, password: string): Promise<void> {
    await page.locator('#methods-username').fill(username);
    await page.locator('#methods-password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => heading(page)).toBe('What your account has');
  }

  /** "Add a passkey", a name, the virtual authenticator answers; back on the overview with the passkey listed. */
  async function addPasskey(page: Page, name: string, shot?: string): Promise<void> {
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => heading(page)).toBe('Add a passkey');
    expect(await focusedText(page)).toBe('Add a passkey');
    if (shot) {
      // No name: said next to the field, and the browser is not asked.
      await page.getByRole('button', { name: 'Create the passkey' }).click();
      await expect.poll(() => page.locator('#methods-passkey-name-error').textContent()).toMatch(/Name the passkey/);
      expect(await page.locator('#methods-passkey-name').getAttribute('aria-invalid')).toBe('true');
      await check(page, shot);
    }
    await page.getByLabel('Name of the passkey').fill(name);
    await page.getByRole('button', { name: 'Create the passkey' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe(`Your passkey “${name}” was added.`);
    expect(await focusedText(page)).toBe('What your account has');
    expect(await page.locator('.passkey__name').allTextContents()).toContain(name);
  }

  async function startReset(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/#/reset`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Reset password');
    await page.locator('#flow-username').fill(username);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  async function setNewPassword(page: Page, username: string, password: string): Promise<void> {
    await expect.poll(() => heading(page)).toBe('Choose a new password');
    await page.locator('#flow-new-password').fill(password);
    await page.locator('#flow-confirm-password').fill(password);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your password has been changed');
    expect(await demo().verifyPassword(username, password)).toEqual({ ok: true });
  }

  it(
    'judy registers a passkey on the methods page, then resets her password with the passkey alone; its counter moves',
    async () => {
      const page = await pages.open(`${base}/#/methods`);
      const authenticator = await virtualAuthenticator(page);
      await signInToMethods(page, 'judy', 'Juniper!2026j');
      const section = page.locator('section', { has: page.locator('#methods-passkeys-title') });
      expect(await section.locator('.method__text').first().textContent()).toMatch(/^Not set up/);
      await check(page, 'passkeys-overview-none');

      await addPasskey(page, 'Work laptop', 'passkeys-add');
      expect(await section.locator('.passkey__dates').textContent()).toMatch(/^Added on .+\. Not used yet\.$/);
      await check(page, 'passkeys-overview-one');

      // The credential the authenticator made is the one the account holds: resident, for localhost.
      const made = await authenticator.credentials();
      expect(made).toHaveLength(1);
      const [credential] = made;
      expect(credential?.isResidentCredential).toBe(true);
      expect(credential?.rpId).toBe('localhost');
      const guid = (await demo().account('judy')).objectGuid;
      const held = (await stack.store.getEnrollment(guid))?.passkeys ?? [];
      expect(held.map((p) => p.id)).toEqual([
        Buffer.from(credential?.credentialId ?? '', 'base64').toString('base64url'),
      ]);
      const countBefore = credential?.signCount ?? -1;

      // The reset: judy holds a passkey and a directory mail, so the passkey is her only way (no choice, no way back).
      await startReset(page, 'judy');
      await expect.poll(() => heading(page)).toBe('Use a passkey');
      expect(await focusedText(page)).toBe('Use a passkey');
      expect(await page.getByRole('button', { name: 'Use another way' }).count()).toBe(0);
      await check(page, 'reset-passkey');
      await page.getByRole('button', { name: 'Use my passkey' }).click();
      await setNewPassword(page, 'judy', 'Granite!2026k');

      const [after] = await authenticator.credentials();
      expect(after?.signCount).toBeGreaterThan(countBefore);
      // The methods page says when it was used.
      await page.goto(`${base}/#/methods`);
      await signInToMethods(page, 'judy', 'Granite!2026k');
      expect(await section.locator('.passkey__dates').textContent()).toMatch(/Last used on .+\.$/);
      expectNoPageErrors();
    },
    2 * T,
  );

  it(
    'alice, with the page converting JSON itself: a failed user verification is said with the way back, then the passkey passes; removed after a confirm',
    async () => {
      // As a browser without WebAuthn Level 3's JSON helpers: the page's own conversion runs both ways.
      const page = await pages.open(`${base}/#/methods`, 'en-US', (context) =>
        context.addInitScript(() => {
          // Also run in frames without WebAuthn (the blank page before the first load).
          if (typeof window.PublicKeyCredential !== 'function') return;
          const helpers = window.PublicKeyCredential as unknown as Record<string, unknown>;
          delete helpers.parseCreationOptionsFromJSON;
          delete helpers.parseRequestOptionsFromJSON;
          delete (window.PublicKeyCredential.prototype as unknown as Record<string, unknown>).toJSON;
        }),
      );
      expect(
        await page.evaluate(() => [
          typeof (window.PublicKeyCredential as unknown as Record<string, unknown>).parseRequestOptionsFromJSON,
          typeof (window.PublicKeyCredential.prototype as unknown as Record<string, unknown>).toJSON,
        ]),
      ).toEqual(['undefined', 'undefined']);
      const authenticator = await virtualAuthenticator(page);
      await signInToMethods(page, 'alice', 'Orchid!2026a');
      await page.getByRole('button', { name: 'Create recovery codes' }).click();
      await expect.poll(() => heading(page)).toBe('Save your recovery codes');
      await page.getByLabel('I saved these codes').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => heading(page)).toBe('What your account has');
      await addPasskey(page, 'Phone');
      const [credential] = await authenticator.credentials();
      const countBefore = credential?.signCount ?? -1;

      // A choice at start: the passkey, or a recovery code (then a code by mail or SMS).
      await startReset(page, 'alice');
      await expect.poll(() => heading(page)).toBe(CHOOSE);
      expect((await page.locator('.option').allTextContents()).sort()).toEqual([
        'Use a passkey',
        'Use a recovery code',
      ]);
      await check(page, 'reset-choose-passkey');
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await expect.poll(() => heading(page)).toBe('Use a passkey');

      // The device cannot verify the user: the box says so (focused), nothing passed, and the way back is offered.
      await authenticator.setUserVerified(false);
      await page.getByRole('button', { name: 'Use my passkey' }).click();
      await expect.poll(() => page.locator('.alert__title').textContent()).toBe('The passkey was not used.');
      expect(await page.locator('.alert').textContent()).toContain('your device could not confirm that it is you');
      expect(await page.evaluate(() => document.activeElement?.classList.contains('alert'))).toBe(true);
      expect(await heading(page)).toBe('Use a passkey');
      await check(page, 'reset-passkey-refused');
      await page.getByRole('button', { name: 'Use another way' }).click();
      await expect.poll(() => focusedText(page)).toBe(CHOOSE);

      // Verified again: the same passkey passes, and alone it is enough.
      await authenticator.setUserVerified(true);
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await expect.poll(() => heading(page)).toBe('Use a passkey');
      await page.getByRole('button', { name: 'Use my passkey' }).click();
      await setNewPassword(page, 'alice', 'Walnut!2026m');
      const [after] = await authenticator.credentials();
      expect(after?.signCount).toBeGreaterThan(countBefore);

      // Removed after a confirm step (Cancel first keeps it).
      await page.goto(`${base}/#/methods`);
      await signInToMethods(page, 'alice', 'Walnut!2026m');
      await page.getByRole('button', { name: 'Remove the passkey Phone' }).click();
      await expect.poll(() => heading(page)).toBe('Remove the passkey “Phone”?');
      expect(await focusedText(page)).toBe('Remove the passkey “Phone”?');
      await check(page, 'passkeys-remove');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.locator('.passkey__name').allTextContents()).toEqual(['Phone']);
      await page.getByRole('button', { name: 'Remove the passkey Phone' }).click();
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await expect.poll(() => page.locator('.notice').textContent()).toBe('The passkey “Phone” was removed.');
      expect(await page.locator('.passkey__name').count()).toBe(0);
      const guid = (await demo().account('alice')).objectGuid;
      expect((await stack.store.getEnrollment(guid))?.passkeys ?? []).toEqual([]);
      expectNoPageErrors();
    },
    2 * T,
  );

  it(
    'says when an account holds 5 passkeys, and when the browser has no WebAuthn',
    async () => {
      // bob gets 5 passkeys through the API, from a software authenticator that answers for this origin.
      const session = await fetch(`${base}/api/methods/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob', password: 'Maple!2026b' }),
      });
      const { methodsToken } = (await session.json()) as { methodsToken: string };
      const post = async (path: string, body: unknown) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      for (let n = 1; n <= 5; n++) {
        const begun = (await (await post('/api/methods/passkey/begin', { methodsToken })).json()) as {
          options: { challenge: string; rp: { id: string } };
        };
        const credential = new SoftAuthenticator(base).register(begun.options);
        expect((await post('/api/methods/passkey/finish', { methodsToken, name: `Key ${n}`, credential })).status).toBe(
          200,
        );
      }
      const page = await pages.open(`${base}/#/methods`);
      await signInToMethods(page, 'bob', 'Maple!2026b');
      expect(await page.locator('.passkey__name').allTextContents()).toEqual([
        'Key 1',
        'Key 2',
        'Key 3',
        'Key 4',
        'Key 5',
      ]);
      expect(await page.locator('#methods-passkeys-title ~ .method__text').textContent()).toBe(
        'You have 5 passkeys, the most an account can hold. Remove one to add another.',
      );
      expect(await page.getByRole('button', { name: 'Add a passkey' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Remove the passkey Key \d$/ }).count()).toBe(5);
      await check(page, 'passkeys-limit');

      // No WebAuthn at all: the methods page and judy's passkey step say so instead of failing.
      const bare = await pages.open(`${base}/#/methods`, 'en-US', (context) =>
        context.addInitScript(() => {
          delete (window as unknown as Record<string, unknown>).PublicKeyCredential;
        }),
      );
      await signInToMethods(bare, 'judy', 'Granite!2026k');
      const note = 'This browser cannot use passkeys. Use a current browser on a device with a screen lock.';
      expect(await bare.locator('#methods-passkeys-title ~ .method__text').textContent()).toBe(note);
      expect(await bare.getByRole('button', { name: 'Add a passkey' }).count()).toBe(0);
      await startReset(bare, 'judy');
      await expect.poll(() => heading(bare)).toBe('Use a passkey');
      await bare.getByRole('button', { name: 'Use my passkey' }).click();
      await expect.poll(() => bare.locator('.alert').textContent()).toContain(note);
      await check(bare, 'reset-passkey-unsupported');
      expectNoPageErrors();
    },
    2 * T,
  );
});
