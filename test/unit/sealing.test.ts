/** Sealing outbox params to the notifier's X25519 key (functions/adapters/sealing.ts, DESIGN §1). */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateKey,
  exportPublicKey,
  generateSealingKeyPair,
  notifierPublicKeyFromEnv,
  openParams,
  parsePrivateKey,
  parsePublicKey,
  SealError,
  sealedParamsOpener,
  sealParams,
} from '../../functions/adapters/sealing.js';
import type { SealedParams } from '../../functions/core/store.js';

const keys = generateSealingKeyPair();
const params = { code: '493817', minutes: '10' };
const ITEM = 'item-AAAAAAAAAAAAAAAAAAAAAA';

/** Flips one bit of a base64url field, keeping its length and a canonical encoding. */
function flip(value: string, byte = 0): string {
  const bytes = Buffer.from(value, 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('sealParams / openParams', () => {
  it('round-trips, with the key as a string or a KeyObject', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    expect(openParams(sealed, keys.privateKey, ITEM)).toEqual(params);
    const again = sealParams(params, parsePublicKey(keys.publicKey), ITEM);
    expect(openParams(again, parsePrivateKey(keys.privateKey), ITEM)).toEqual(params);
  });

  it('stores {v: 1, epk, iv, ct, tag}, all base64url of the right lengths, with nothing readable', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    expect(Object.keys(sealed).sort()).toEqual(['ct', 'epk', 'iv', 'tag', 'v']);
    expect(sealed.v).toBe(1);
    for (const field of ['epk', 'iv', 'ct', 'tag'] as const) expect(sealed[field]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.epk, 'base64url')).toHaveLength(32);
    expect(Buffer.from(sealed.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64url')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toMatch(/493817|minutes|code/);
  });

  it('gives two different seals for the same params (fresh ephemeral key and IV)', () => {
    const a = sealParams(params, keys.publicKey, ITEM);
    const b = sealParams(params, keys.publicKey, ITEM);
    expect(a.epk).not.toBe(b.epk);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('does not open for another item id: a sealed body cannot be moved to another item', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    expect(() => openParams(sealed, keys.privateKey, `${ITEM}x`)).toThrow(SealError);
    expect(() => openParams(sealed, keys.privateKey, '')).toThrow(SealError);
  });

  it('does not open with another private key', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    expect(() => openParams(sealed, generateSealingKeyPair().privateKey, ITEM)).toThrow(SealError);
  });

  it('refuses a tampered ciphertext, tag, IV or ephemeral key', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    const tampered: SealedParams[] = [
      { ...sealed, ct: flip(sealed.ct) },
      { ...sealed, ct: flip(sealed.ct, 5) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, tag: flip(sealed.tag, 15) },
      { ...sealed, iv: flip(sealed.iv) },
      { ...sealed, epk: flip(sealed.epk, 3) },
      // Another valid ephemeral key: the derived key differs, so GCM refuses it.
      { ...sealed, epk: sealParams(params, keys.publicKey, ITEM).epk },
      { ...sealed, ct: sealed.ct.slice(0, -2) },
    ];
    for (const bad of tampered)
      expect(() => openParams(bad, keys.privateKey, ITEM), JSON.stringify(bad)).toThrow(SealError);
  });

  it('refuses malformed fields and an unknown version', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    const malformed = [
      { ...sealed, v: 2 },
      { ...sealed, epk: `${sealed.epk}A` },
      { ...sealed, iv: Buffer.alloc(16).toString('base64url') },
      { ...sealed, tag: Buffer.alloc(8).toString('base64url') },
      { ...sealed, ct: `${sealed.ct}=` },
      { ...sealed, ct: 'not base64url!' },
      // A low-order point: the shared secret would be all zeros.
      { ...sealed, epk: Buffer.alloc(32).toString('base64url') },
    ] as SealedParams[];
    for (const bad of malformed)
      expect(() => openParams(bad, keys.privateKey, ITEM), JSON.stringify(bad)).toThrow(SealError);
  });

  it('refuses what is not params after opening', () => {
    for (const notParams of [['x'], { code: 493817 }, 'text', null]) {
      const sealed = sealParams(notParams as unknown as Record<string, string>, keys.publicKey, ITEM);
      expect(() => openParams(sealed, keys.privateKey, ITEM)).toThrow(SealError);
    }
  });

  it('refuses keys of the wrong kind: a private key to seal, a public key to open, or another curve', () => {
    const sealed = sealParams(params, keys.publicKey, ITEM);
    const ed = generateKeyPairSync('ed25519');
    expect(() => sealParams(params, parsePrivateKey(keys.privateKey) as never, ITEM)).toThrow(/X25519 public key/);
    expect(() => sealParams(params, ed.publicKey, ITEM)).toThrow(/X25519 public key/);
    expect(() => openParams(sealed, parsePublicKey(keys.publicKey) as never, ITEM)).toThrow(/X25519 private key/);
  });
});

describe('key format', () => {
  it('is base64url of the raw 32-byte keys, and the public key is the private key’s public half', () => {
    expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const derived = createPublicKey(parsePrivateKey(keys.privateKey));
    expect(exportPublicKey(derived)).toBe(keys.publicKey);
    expect(exportPrivateKey(parsePrivateKey(keys.privateKey))).toBe(keys.privateKey);
  });

  it('refuses anything else', () => {
    const bad = [
      '',
      keys.publicKey.slice(0, 42),
      `${keys.publicKey}A`,
      `${keys.publicKey}=`,
      Buffer.from(keys.publicKey, 'base64url').toString('base64'),
      Buffer.alloc(32).toString('hex'),
      createPublicKey(parsePrivateKey(keys.privateKey)).export({ type: 'spki', format: 'pem' }).toString(),
    ];
    for (const text of bad) {
      expect(() => parsePublicKey(text), text).toThrow(/base64url of 32 raw bytes/);
      expect(() => parsePrivateKey(text), text).toThrow(/base64url of 32 raw bytes/);
    }
  });

  it('reads the request functions’ public key from SSPR_NOTIFIER_PUBLIC_KEY', () => {
    expect(exportPublicKey(notifierPublicKeyFromEnv({ SSPR_NOTIFIER_PUBLIC_KEY: keys.publicKey }))).toBe(
      keys.publicKey,
    );
    expect(() => notifierPublicKeyFromEnv({})).toThrow(/SSPR_NOTIFIER_PUBLIC_KEY is not set/);
    expect(() => notifierPublicKeyFromEnv({ SSPR_NOTIFIER_PUBLIC_KEY: 'nope' })).toThrow(/base64url/);
  });
});

describe('sealedParamsOpener (the notifier’s port)', () => {
  it('opens, and answers null for a seal that does not open', async () => {
    const open = sealedParamsOpener(keys.privateKey);
    const sealed = sealParams(params, keys.publicKey, ITEM);
    expect(await open(sealed, ITEM)).toEqual(params);
    expect(await open(sealed, 'another-item')).toBeNull();
    expect(await open({ ...sealed, tag: flip(sealed.tag) }, ITEM)).toBeNull();
  });

  it('reads a lazily loaded key, and lets an error getting it propagate (not the item’s fault)', async () => {
    let loads = 0;
    const open = sealedParamsOpener(async () => {
      loads++;
      if (loads === 1) throw new Error('secret unreadable');
      return parsePrivateKey(keys.privateKey);
    });
    const sealed = sealParams(params, keys.publicKey, ITEM);
    await expect(open(sealed, ITEM)).rejects.toThrow('secret unreadable');
    expect(await open(sealed, ITEM)).toEqual(params);
  });

  it('refuses a public key in place of the private one at once', () => {
    expect(() => sealedParamsOpener(parsePublicKey(keys.publicKey))).toThrow(/X25519 private key/);
  });
});
