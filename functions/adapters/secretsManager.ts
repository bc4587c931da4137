/**
 * Keys from Secrets Manager: the pepper, the decoy key and the authenticator key (request functions; each a base64
 * string of at least 32 random bytes), and the notifier's X25519 private key (the notifier only; base64url of its raw 32 bytes). Only
 * functions that hash, choose decoys or open sealed outbox items import this module (it creates the client); which
 * secret a function may read is its IAM role's business, and only the notifier's role may read the private key.
 */
import type { KeyObject } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RequestSecrets, Secrets } from '../core/ports.js';
import { parsePrivateKey } from './sealing.js';

export const MIN_SECRET_BYTES = 32;

/**
 * What the deployed bind secret holds until the operator puts the service account password in (lib/data.ts). Functions
 * never bind with it: a bind with a wrong password counts toward the account's lockout in AD.
 */
export const BIND_PASSWORD_PLACEHOLDER = 'UNSET: put the directory service account password here';

export interface SecretIds {
  pepperSecretId: string;
  decoyKeySecretId: string;
  authenticatorKeySecretId: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a stored key, refusing anything that is not strict base64 of at least MIN_SECRET_BYTES bytes. */
export function decodeSecretKey(value: string, what: string): Buffer {
  const text = value.trim();
  if (text === '' || !BASE64.test(text)) throw new Error(`secret ${what} is not a base64 string`);
  const key = Buffer.from(text, 'base64');
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`secret ${what} holds ${key.length} bytes; at least ${MIN_SECRET_BYTES} random bytes are required`);
  }
  return key;
}

export class SecretsManagerSecrets implements Secrets {
  constructor(
    private readonly ids: SecretIds,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {
    // The decoy key must never be the pepper (DESIGN §4): one secret serving both would tie decoys to answer hashes.
    if (ids.pepperSecretId === ids.decoyKeySecretId) throw new Error('pepper and decoy key must be different secrets');
    // The authenticator key seals seeds: one leaked secret must not both forge code hashes and read every seed.
    if (ids.authenticatorKeySecretId === ids.pepperSecretId || ids.authenticatorKeySecretId === ids.decoyKeySecretId) {
      throw new Error('the authenticator key must be a secret of its own, not the pepper or the decoy key');
    }
  }

  readonly pepper = keptUntilFailed(async () =>
    decodeSecretKey(await readSecretString(this.client, this.ids.pepperSecretId, 'pepper'), 'pepper'),
  );

  readonly decoyKey = keptUntilFailed(async () =>
    decodeSecretKey(await readSecretString(this.client, this.ids.decoyKeySecretId, 'decoy key'), 'decoy key'),
  );

  readonly authenticatorKey = keptUntilFailed(async () =>
    decodeSecretKey(
      await readSecretString(this.client, this.ids.authenticatorKeySecretId, 'authenticator key'),
      'authenticator key',
    ),
  );
}

/**
 * The keys of a request function that was given only some of them (lib/api.ts grants each route the keys it needs):
 * each named secret is read on first use and kept, as SecretsManagerSecrets does; asking for a key the function was not
 * given is refused at once, without a call its role could not make anyway.
 */
export class GrantedSecrets implements RequestSecrets {
  readonly pepper: () => Promise<Buffer>;
  readonly decoyKey: () => Promise<Buffer>;
  readonly authenticatorKey: () => Promise<Buffer>;

  constructor(
    ids: { [Name in keyof SecretIds]?: string | undefined },
    client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {
    const given = Object.values(ids).filter((id) => id !== undefined);
    if (new Set(given).size !== given.length)
      throw new Error('the pepper, decoy key and authenticator key must differ');
    const reader = (secretId: string | undefined, what: string): (() => Promise<Buffer>) =>
      secretId === undefined
        ? () => Promise.reject(new Error(`this function is not given the ${what}`))
        : keptUntilFailed(async () => decodeSecretKey(await readSecretString(client, secretId, what), what));
    this.pepper = reader(ids.pepperSecretId, 'pepper');
    this.decoyKey = reader(ids.decoyKeySecretId, 'decoy key');
    this.authenticatorKey = reader(ids.authenticatorKeySecretId, 'authenticator key');
  }
}

/**
 * The notifier's private key for sealed outbox params (DESIGN §1), read once and kept; pass `privateKey` to
 * sealing.ts sealedParamsOpener. Request functions get the public key from their environment instead, never this.
 */
export class NotifierKeySecret {
  constructor(
    private readonly secretId: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {}

  readonly privateKey = keptUntilFailed(async (): Promise<KeyObject> => {
    const value = await readSecretString(this.client, this.secretId, 'notifier private key');
    try {
      return parsePrivateKey(value);
    } catch {
      // Not the parser's message with the value's details: only that the secret has the wrong form.
      throw new Error('secret notifier private key must be base64url of a raw 32-byte X25519 key');
    }
  });
}

/**
 * A secret read as a plain string (the bind password, the origin secret) and kept for `maxAgeMs`, so a rotated value
 * reaches warm instances without a redeploy. A failed read is not kept: the next call tries again.
 */
export class CachedSecretString {
  private cached: { value: Promise<string>; at: number } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly what: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly maxAgeMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  readonly value = (): Promise<string> => {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.maxAgeMs) {
      const value = this.fetch().catch((error: unknown) => {
        if (this.cached?.value === value) this.cached = undefined;
        throw error;
      });
      this.cached = { value, at: now };
    }
    return this.cached.value;
  };

  /** Forget the kept value (e.g. after the directory refused the bind password), so the next call reads it anew. */
  forget(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const value = await readSecretString(this.client, this.secretId, this.what);
    if (value === '') throw new Error(`secret ${this.what} has no string value`);
    return value;
  }
}

/** One GetSecretValue; the value never reaches an error message. */
async function readSecretString(client: SecretsManagerClient, secretId: string, what: string): Promise<string> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (typeof result.SecretString !== 'string') throw new Error(`secret ${what} has no string value`);
  return result.SecretString;
}

/**
 * Reads once and keeps the result for the instance's life, parallel callers sharing the one read. A failed read is not
 * kept: the next call tries again (a throttled or briefly unreachable endpoint is not permanent).
 */
function keptUntilFailed<T>(read: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    kept ??= read().catch((error: unknown) => {
      kept = undefined;
      throw error;
    });
    return kept;
  };
}
