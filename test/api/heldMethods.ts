/**
 * Possession methods for the API suites: an authenticator app and saved recovery codes put into the store as the
 * methods routes store them (core/methods/*), so a suite about the reset flow need not walk the methods pages, and the
 * test's own RFC 6238, apart from the code under test, to compute the app's codes.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import {
  AUTHENTICATOR_KEY_VERSION,
  newAuthenticatorSecret,
  sealAuthenticatorSecret,
} from '../../functions/core/methods/authenticator.js';
import { issueRecoveryCodes } from '../../functions/core/methods/recoveryCodes.js';
import type { Enrollment } from '../../functions/core/store.js';
import { LocalSecrets } from '../../local/localSecrets.js';
import type { TestStack } from './harness.js';

/** RFC 6238 (HMAC-SHA-1, 30 s, 6 digits) written here, apart from the code under test. */
export function totp(secret: Buffer, atMs: number, stepOffset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000) + stepOffset));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** What the user holds: the app's seed and the recovery codes as shown once. */
export interface Held {
  authenticator?: Buffer;
  recoveryCodes?: string[];
}

/** Gives `user` an authenticator and/or recovery codes, creating an enrollment without questions if there is none. */
export async function giveMethods(
  stack: TestStack,
  user: string,
  methods: { authenticator?: boolean; recoveryCodes?: boolean },
): Promise<Held> {
  const account = await stack.demo.account(user);
  const guid = account.objectGuid;
  const now = stack.clock.now();
  let enrollment = await stack.store.getEnrollment(guid);
  if (!enrollment) {
    const fresh: Enrollment = {
      objectGuid: guid,
      sAMAccountName: account.sAMAccountName,
      answers: [],
      contacts: [],
      language: 'en',
      enrolledAt: now,
      updatedAt: now,
    };
    expect(await stack.store.createEnrollment(fresh)).toBe(true);
    enrollment = fresh;
  }
  const secrets = new LocalSecrets(stack.dataDir);
  const held: Held = {};
  let updatedAt = enrollment.updatedAt;
  if (methods.authenticator) {
    held.authenticator = newAuthenticatorSecret();
    const sealed = sealAuthenticatorSecret(
      await secrets.authenticatorKey(),
      held.authenticator,
      guid,
      AUTHENTICATOR_KEY_VERSION,
    );
    expect(
      await stack.store.setAuthenticator(
        guid,
        updatedAt,
        { id: 'auth-1', sealed, addedAt: now, lastUsedStep: null },
        now,
      ),
    ).toBe(true);
    updatedAt = (await stack.store.getEnrollment(guid))?.updatedAt ?? 0;
  }
  if (methods.recoveryCodes) {
    const issued = issueRecoveryCodes(await secrets.pepper(), guid, now);
    expect(await stack.store.setRecoveryCodes(guid, updatedAt, issued.set, now)).toBe(true);
    held.recoveryCodes = issued.shown;
  }
  return held;
}
