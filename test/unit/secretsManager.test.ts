import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPrivateKey, generateSealingKeyPair } from '../../functions/adapters/sealing.js';
import {
  CachedSecretString,
  decodeSecretKey,
  GrantedSecrets,
  NotifierKeySecret,
  SecretsManagerSecrets,
} from '../../functions/adapters/secretsManager.js';

const secretsManager = mockClient(SecretsManagerClient);

afterEach(() => {
  secretsManager.reset();
});

const ids = {
  pepperSecretId: 'sspr/pepper',
  decoyKeySecretId: 'sspr/decoy-key',
  authenticatorKeySecretId: 'sspr/authenticator-key',
};
const pepper = randomBytes(32);
const decoyKey = randomBytes(48);
const authenticatorKey = randomBytes(32);

function serveBoth(): void {
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'sspr/pepper' })
    .resolves({ SecretString: pepper.toString('base64') });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'sspr/decoy-key' })
    .resolves({ SecretString: `${decoyKey.toString('base64')}\n` });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'sspr/authenticator-key' })
    .resolves({ SecretString: authenticatorKey.toString('base64') });
}

describe('SecretsManagerSecrets', () => {
  it('reads each secret by its id with one GetSecretValueCommand', async () => {
    serveBoth();
    const secrets = new SecretsManagerSecrets(ids, new SecretsManagerClient({ region: 'eu-central-1' }));
    expect(await secrets.pepper()).toEqual(pepper);
    expect(await secrets.decoyKey()).toEqual(decoyKey);
    expect(await secrets.authenticatorKey()).toEqual(authenticatorKey);
    const inputs = secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { SecretId: 'sspr/pepper' },
      { SecretId: 'sspr/decoy-key' },
      { SecretId: 'sspr/authenticator-key' },
    ]);
  });

  it('fetches once per instance, also for parallel callers', async () => {
    serveBoth();
    const secrets = new SecretsManagerSecrets(ids);
    await Promise.all([
      secrets.pepper(),
      secrets.pepper(),
      secrets.decoyKey(),
      secrets.authenticatorKey(),
      secrets.authenticatorKey(),
    ]);
    await secrets.pepper();
    await secrets.decoyKey();
    await secrets.authenticatorKey();
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: 'sspr/pepper' })).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: 'sspr/decoy-key' })).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: 'sspr/authenticator-key' })).toHaveLength(1);
  });

  it('does not cache a failed fetch', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'sspr/pepper' })
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: pepper.toString('base64') });
    const secrets = new SecretsManagerSecrets(ids);
    await expect(secrets.pepper()).rejects.toThrow('throttled');
    expect(await secrets.pepper()).toEqual(pepper);
    expect(await secrets.pepper()).toEqual(pepper);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret shorter than 32 bytes, one that is not base64, and a binary-only secret', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'sspr/pepper' }).resolves({
      SecretString: randomBytes(31).toString('base64'),
    });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'sspr/decoy-key' }).resolves({
      SecretBinary: new Uint8Array(randomBytes(32)),
    });
    const secrets = new SecretsManagerSecrets(ids);
    await expect(secrets.pepper()).rejects.toThrow(/31 bytes; at least 32/);
    await expect(secrets.decoyKey()).rejects.toThrow(/no string value/);
    secretsManager.on(GetSecretValueCommand, { SecretId: 'sspr/authenticator-key' }).resolves({
      SecretString: randomBytes(16).toString('base64'),
    });
    await expect(secrets.authenticatorKey()).rejects.toThrow(/authenticator key holds 16 bytes; at least 32/);
    expect(() => decodeSecretKey('not base64 at all!', 'pepper')).toThrow(/not a base64 string/);
    expect(() => decodeSecretKey('', 'pepper')).toThrow(/not a base64 string/);
  });

  it('refuses one secret for both the pepper and the decoy key', () => {
    expect(() => new SecretsManagerSecrets({ ...ids, pepperSecretId: 'same', decoyKeySecretId: 'same' })).toThrow(
      /different/,
    );
  });

  it('refuses the pepper or the decoy key as the authenticator key', () => {
    expect(() => new SecretsManagerSecrets({ ...ids, authenticatorKeySecretId: ids.pepperSecretId })).toThrow(
      /of its own/,
    );
    expect(() => new SecretsManagerSecrets({ ...ids, authenticatorKeySecretId: ids.decoyKeySecretId })).toThrow(
      /of its own/,
    );
  });
});

describe('GrantedSecrets (a function given only some keys)', () => {
  it('reads the keys it was given, once each, and refuses the others without a call', async () => {
    serveBoth();
    const secrets = new GrantedSecrets({ authenticatorKeySecretId: ids.authenticatorKeySecretId });
    expect(await secrets.authenticatorKey()).toEqual(authenticatorKey);
    expect(await secrets.authenticatorKey()).toEqual(authenticatorKey);
    await expect(secrets.pepper()).rejects.toThrow('this function is not given the pepper');
    await expect(secrets.decoyKey()).rejects.toThrow('this function is not given the decoy key');
    const inputs = secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{ SecretId: 'sspr/authenticator-key' }]);
  });

  it('refuses two keys named by one secret, and a value that is not a key', async () => {
    expect(() => new GrantedSecrets({ pepperSecretId: 'same', authenticatorKeySecretId: 'same' })).toThrow(/differ/);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'c2hvcnQ=' });
    await expect(new GrantedSecrets({ pepperSecretId: 'sspr/pepper' }).pepper()).rejects.toThrow(/at least 32/);
  });
});

describe('NotifierKeySecret', () => {
  const pair = generateSealingKeyPair();

  it('reads the private key once, as base64url of the raw X25519 key', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'sspr/notifier-key' })
      .resolves({ SecretString: `${pair.privateKey}\n` });
    const secret = new NotifierKeySecret('sspr/notifier-key');
    const { privateKey } = secret;
    const [a, b] = await Promise.all([privateKey(), privateKey()]);
    expect(exportPrivateKey(a)).toBe(pair.privateKey);
    expect(b).toBe(a);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not cache a failed fetch, and refuses a secret of another form without echoing it', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'sspr/notifier-key' })
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolvesOnce({ SecretString: Buffer.from(pair.privateKey, 'base64url').toString('base64') })
      .resolves({ SecretString: pair.privateKey });
    const secret = new NotifierKeySecret('sspr/notifier-key');
    await expect(secret.privateKey()).rejects.toThrow('throttled');
    const error = await secret.privateKey().catch((e: Error) => e);
    expect(String(error)).toMatch(/must be base64url of a raw 32-byte X25519 key/);
    expect(String(error)).not.toContain(pair.privateKey.slice(0, 20));
    expect(exportPrivateKey(await secret.privateKey())).toBe(pair.privateKey);
  });
});

describe('CachedSecretString', () => {
  it('reads the secret once and keeps it for maxAgeMs, then reads it anew (a rotation reaches warm instances)', async () => {
    let now = 1_000_000;
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'sspr/bind' })
      .resolvesOnce({ SecretString: 'first value' })
      .resolvesOnce({ SecretString: 'rotated value' });
    const secret = new CachedSecretString(
      'sspr/bind',
      'bind password',
      new SecretsManagerClient({}),
      60_000,
      () => now,
    );
    expect(await Promise.all([secret.value(), secret.value()])).toEqual(['first value', 'first value']);
    now += 59_999;
    expect(await secret.value()).toBe('first value');
    now += 1;
    expect(await secret.value()).toBe('rotated value');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('forget() makes the next call read the secret again', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old' })
      .resolvesOnce({ SecretString: 'new' });
    const secret = new CachedSecretString('sspr/bind', 'bind password');
    expect(await secret.value()).toBe('old');
    secret.forget();
    expect(await secret.value()).toBe('new');
  });

  it('does not keep a failed read, and refuses an empty or binary secret without echoing it', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolvesOnce({ SecretString: '' })
      .resolvesOnce({ SecretBinary: new Uint8Array([1, 2]) })
      .resolvesOnce({ SecretString: 'good' });
    const secret = new CachedSecretString('sspr/origin', 'origin secret');
    await expect(secret.value()).rejects.toThrow('throttled');
    await expect(secret.value()).rejects.toThrow('secret origin secret has no string value');
    await expect(secret.value()).rejects.toThrow('secret origin secret has no string value');
    expect(await secret.value()).toBe('good');
  });
});
