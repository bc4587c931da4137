/**
 * Sealing outbox params to the notifier (DESIGN §1): request functions hold only the notifier's X25519 public key, so
 * nothing they write to the table (or its stream, backups and exports) can be read back without the notifier's
 * private key.
 *
 * Per item: a fresh ephemeral X25519 key pair; ECDH with the recipient's public key; HKDF-SHA-256 (salt = the ephemeral
 * public key, info = 'sspr-outbox-v1' NUL item id) to a 256-bit key; AES-256-GCM with a random 12-byte IV over the
 * params as JSON. Binding the key to the item id means a sealed body copied onto another item does not open there.
 *
 * Keys travel as base64url of the raw 32-byte X25519 key (43 characters, no padding): the public key fits an
 * environment variable, the private key a Secrets Manager string. generateSealingKeyPair makes a pair in that form.
 *
 * The seal gives confidentiality, not authenticity: the public key is public, so anyone who can write the table can
 * seal params of their own. It keeps codes from being read, which is what the table's readers could otherwise do.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { OpenSealedParams } from '../core/ports.js';
import type { SealedParams } from '../core/store.js';

const VERSION = 1;
const INFO_PREFIX = 'sspr-outbox-v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

// RFC 8410 DER prefixes: with them the raw 32 bytes become SPKI / PKCS#8, which node:crypto reads on every Node version
// (a JWK private key would need the public half as well).
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A seal that does not open: tampered, moved from another item, sealed to another key, or malformed. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/** A new key pair, as base64url of the raw 32-byte keys. */
export function generateSealingKeyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { publicKey: exportPublicKey(publicKey), privateKey: exportPrivateKey(privateKey) };
}

/** Reads a public key given as base64url of its raw 32 bytes. */
export function parsePublicKey(text: string): KeyObject {
  const raw = decodeRawKey(text, 'public');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Reads a private key given as base64url of its raw 32 bytes. */
export function parsePrivateKey(text: string): KeyObject {
  const raw = decodeRawKey(text, 'private');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function exportPublicKey(key: KeyObject): string {
  return rawKey(checkKey(key, 'public'), 'x');
}

export function exportPrivateKey(key: KeyObject): string {
  return rawKey(checkKey(key, 'private'), 'd');
}

/** Reads SSPR_NOTIFIER_PUBLIC_KEY: the one key material request functions get (never the private key's secret). */
export function notifierPublicKeyFromEnv(env: Record<string, string | undefined>): KeyObject {
  const value = env.SSPR_NOTIFIER_PUBLIC_KEY;
  if (!value) throw new Error('SSPR_NOTIFIER_PUBLIC_KEY is not set');
  return parsePublicKey(value);
}

/** Seals `params` for the holder of the private key matching `recipientPublicKey`, bound to `itemId`. */
export function sealParams(
  params: Record<string, string>,
  recipientPublicKey: KeyObject | string,
  itemId: string,
): SealedParams {
  const recipient = toPublicKey(recipientPublicKey);
  const ephemeral = generateKeyPairSync('x25519');
  const epk = Buffer.from(exportPublicKey(ephemeral.publicKey), 'base64url');
  const key = deriveKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), epk, itemId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(JSON.stringify(params), 'utf8'), cipher.final()]);
  return {
    v: VERSION,
    epk: epk.toString('base64url'),
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** Opens what sealParams sealed for `itemId`; throws SealError for anything that does not open or is not params. */
export function openParams(
  sealed: SealedParams,
  privateKey: KeyObject | string,
  itemId: string,
): Record<string, string> {
  const recipient = toPrivateKey(privateKey);
  if (sealed.v !== VERSION) throw new SealError(`unknown seal version ${String(sealed.v)}`);
  const epk = decodeField(sealed.epk, 'epk', KEY_BYTES);
  const iv = decodeField(sealed.iv, 'iv', IV_BYTES);
  const tag = decodeField(sealed.tag, 'tag', TAG_BYTES);
  const ct = decodeField(sealed.ct, 'ct');

  let plain: string;
  try {
    const epkKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, epk]), format: 'der', type: 'spki' });
    const key = deriveKey(diffieHellman({ privateKey: recipient, publicKey: epkKey }), epk, itemId);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch (error) {
    // GCM authentication, or an ephemeral key that is no usable point (OpenSSL refuses an all-zero shared secret).
    throw new SealError('sealed params do not open with this key for this item', { cause: error });
  }
  return parseParams(plain);
}

/**
 * The notifier's port (core/notifier.ts): null for a seal that does not open, so the item is failed; an error getting
 * the key propagates, so the item stays pending for the retry (an unreadable secret is not the item's fault).
 */
export function sealedParamsOpener(privateKey: KeyObject | string | (() => Promise<KeyObject>)): OpenSealedParams {
  const fixed = typeof privateKey === 'function' ? undefined : toPrivateKey(privateKey);
  return async (sealed, itemId) => {
    const key = fixed ?? (await (privateKey as () => Promise<KeyObject>)());
    try {
      return openParams(sealed, key, itemId);
    } catch (error) {
      if (error instanceof SealError) return null;
      throw error;
    }
  };
}

function deriveKey(sharedSecret: Buffer, epk: Buffer, itemId: string): Buffer {
  // The prefix is fixed, so the NUL only makes the boundary plain to a reader; the id is everything after it.
  const info = Buffer.from(`${INFO_PREFIX}\0${itemId}`, 'utf8');
  return Buffer.from(hkdfSync('sha256', sharedSecret, epk, info, KEY_BYTES));
}

function parseParams(plain: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain);
  } catch {
    throw new SealError('sealed params are not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SealError('sealed params are not an object');
  }
  const entries = Object.entries(parsed);
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw new SealError(`sealed param ${JSON.stringify(name)} is not a string`);
  }
  // fromEntries defines own properties: a "__proto__" name stays a (refused) parameter, never a prototype.
  return Object.fromEntries(entries) as Record<string, string>;
}

function decodeField(value: unknown, name: string, length?: number): Buffer {
  if (typeof value !== 'string' || !BASE64URL.test(value)) throw new SealError(`sealed ${name} is not base64url`);
  const bytes = Buffer.from(value, 'base64url');
  // Also catches a non-canonical encoding (trailing bits set), which Buffer would quietly accept.
  if (bytes.toString('base64url') !== value) throw new SealError(`sealed ${name} is not base64url`);
  if (length !== undefined && bytes.length !== length) throw new SealError(`sealed ${name} is not ${length} bytes`);
  return bytes;
}

function decodeRawKey(text: string, kind: 'public' | 'private'): Buffer {
  const value = text.trim();
  const raw = BASE64URL.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (raw.length !== KEY_BYTES || raw.toString('base64url') !== value) {
    throw new Error(`the X25519 ${kind} key must be base64url of 32 raw bytes (43 characters)`);
  }
  return raw;
}

function toPublicKey(key: KeyObject | string): KeyObject {
  return typeof key === 'string' ? parsePublicKey(key) : checkKey(key, 'public');
}

function toPrivateKey(key: KeyObject | string): KeyObject {
  return typeof key === 'string' ? parsePrivateKey(key) : checkKey(key, 'private');
}

function checkKey(key: KeyObject, type: 'public' | 'private'): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'x25519') throw new Error(`not an X25519 ${type} key`);
  return key;
}

function rawKey(key: KeyObject, field: 'x' | 'd'): string {
  const jwk = key.export({ format: 'jwk' });
  const value = jwk[field];
  if (typeof value !== 'string') throw new Error('X25519 key without its raw value');
  return value;
}
