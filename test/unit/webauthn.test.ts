/**
 * The page's own WebAuthn JSON conversion (web/src/webauthn.ts), for browsers without parse…FromJSON: base64url both
 * ways at every padding length, and the options' binary members. The credential side runs on real credentials in
 * test/e2e/passkeys.test.ts (a Chromium page with the native helpers removed).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64urlToBytes,
  bytesToBase64url,
  creationOptionsFromJSON,
  requestOptionsFromJSON,
} from '../../web/src/webauthn.js';

describe('WebAuthn JSON conversion of the page', () => {
  it('turns bytes into base64url and back at every length, as Node does', () => {
    for (let length = 0; length <= 66; length++) {
      const bytes = randomBytes(length);
      const text = bytesToBase64url(new Uint8Array(bytes));
      expect(text).toBe(bytes.toString('base64url'));
      expect(Buffer.from(base64urlToBytes(text))).toEqual(bytes);
    }
    // A view into a larger buffer converts only its own bytes.
    const whole = new Uint8Array([1, 2, 3, 250, 251, 252]);
    expect(bytesToBase64url(whole.subarray(3))).toBe(Buffer.from([250, 251, 252]).toString('base64url'));
  });

  it('gives the creation options their challenge, user id and excluded ids as bytes, the rest as sent', () => {
    const challenge = randomBytes(32);
    const userId = randomBytes(32);
    const excluded = randomBytes(16);
    const options = creationOptionsFromJSON({
      challenge: challenge.toString('base64url'),
      rp: { name: 'CORP', id: 'localhost' },
      user: { id: userId.toString('base64url'), name: 'judy', displayName: 'judy' },
      pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
      timeout: 300_000,
      attestation: 'none',
      excludeCredentials: [{ id: excluded.toString('base64url'), type: 'public-key', transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required', requireResidentKey: false },
      extensions: { credProps: true },
    });
    expect(Buffer.from(options.challenge as Uint8Array)).toEqual(challenge);
    expect(Buffer.from(options.user.id as Uint8Array)).toEqual(userId);
    expect(options.user.name).toBe('judy');
    expect(options.excludeCredentials?.map((d) => Buffer.from(d.id as Uint8Array))).toEqual([excluded]);
    expect(options.excludeCredentials?.[0]?.transports).toEqual(['internal']);
    expect(options.rp).toEqual({ name: 'CORP', id: 'localhost' });
    expect(options.authenticatorSelection?.userVerification).toBe('required');
    expect(options.extensions).toEqual({ credProps: true });
  });

  it('gives the request options their challenge and allowed ids as bytes', () => {
    const challenge = randomBytes(32);
    const allowed = [randomBytes(32), randomBytes(20)];
    const options = requestOptionsFromJSON({
      challenge: challenge.toString('base64url'),
      rpId: 'localhost',
      allowCredentials: allowed.map((id) => ({ id: id.toString('base64url'), type: 'public-key' })),
      timeout: 300_000,
      userVerification: 'required',
    });
    expect(Buffer.from(options.challenge as Uint8Array)).toEqual(challenge);
    expect(options.allowCredentials?.map((d) => Buffer.from(d.id as Uint8Array))).toEqual(allowed);
    expect(options.allowCredentials?.[0]).not.toHaveProperty('transports');
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('required');
  });
});
