/**
 * Possession methods for the API suites: an authenticator app and saved recovery codes put into the store as the
 * methods routes store them (core/methods/*), so a suite about the reset flow need not walk the methods pages, and the
 * test's own RFC 6238, apart from the code under test, to compute the app's codes.
 */
import { createHmac } from 'node:crypto';
import {
  AUTHENTICATOR_KEY_VERSION,
  newAuthenticatorSecret,
  sealAuthenticatorSecret,
} from '../../functions/core/methods/authenticator.js';
import { issueRecoveryCodes } from '../../functions/core/methods/recoveryCodes.js';
import type { Enrollment } from '../../functions/core/store.js';
import { LocalSecrets } from '../../local/localSecrets.js';
import type { TestStack } from './harness.js';

/** What giving methods needs of a stack: a test stack, or the bench's with a demo directory beside it. */
export type MethodsStack = Pick<TestStack, 'store' | 'clock' | 'dataDir' | 'demo'>;

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

/**
 * Gives `user` an authenticator and/or recovery codes (a new set replaces the old), creating an enrollment without
 * questions if there is none. Throws rather than asserts, so the bench (outside vitest) can use it too.
 */
export async function giveMethods(
  stack: MethodsStack,
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
    if (!(await stack.store.createEnrollment(fresh))) throw new Error(`giveMethods: ${user} was enrolled meanwhile`);
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
    const authenticator = { id: 'auth-1', sealed, addedAt: now, lastUsedStep: null };
    if (!(await stack.store.setAuthenticator(guid, updatedAt, authenticator, now))) {
      throw new Error(`giveMethods: ${user}'s enrollment changed meanwhile`);
    }
    updatedAt = (await stack.store.getEnrollment(guid))?.updatedAt ?? 0;
  }
  if (methods.recoveryCodes) {
    const issued = issueRecoveryCodes(await secrets.pepper(), guid, now);
    if (!(await stack.store.setRecoveryCodes(guid, updatedAt, issued.set, now))) {
      throw new Error(`giveMethods: ${user}'s enrollment changed meanwhile`);
    }
    held.recoveryCodes = issued.shown;
  }
  return held;
}
