/**
 * The local stack's keys (DESIGN §7), generated once into `<dataDir>/secrets.json` (mode 0600) and reused, so
 * enrollments survive a restart: the pepper, the decoy key and the authenticator key (32 random bytes each, base64) and
 * the notifier's X25519 key pair for sealed outbox params (base64url of the raw 32-byte keys,
 * functions/adapters/sealing.ts).
 */
import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exportPublicKey,
  generateSealingKeyPair,
  parsePrivateKey,
  parsePublicKey,
} from '../functions/adapters/sealing.js';
import { decodeSecretKey } from '../functions/adapters/secretsManager.js';
import type { Secrets } from '../functions/core/ports.js';

interface Keys {
  pepper: Buffer;
  decoyKey: Buffer;
  authenticatorKey: Buffer;
  notifier: NotifierKeys;
}

export interface NotifierKeys {
  /** For the outbox (what the request functions get). */
  publicKey: KeyObject;
  /** For the local notifier only. */
  privateKey: KeyObject;
}

interface KeyFile {
  pepper: string;
  decoyKey: string;
  authenticatorKey?: string;
  notifierPublicKey?: string;
  notifierPrivateKey?: string;
}

export const SECRETS_FILE = 'secrets.json';

export class LocalSecrets implements Secrets {
  private keys: Promise<Keys> | undefined;

  constructor(private readonly dataDir: string) {}

  async pepper(): Promise<Buffer> {
    return (await this.load()).pepper;
  }

  async decoyKey(): Promise<Buffer> {
    return (await this.load()).decoyKey;
  }

  async authenticatorKey(): Promise<Buffer> {
    return (await this.load()).authenticatorKey;
  }

  /** Not part of Secrets: the stack hands the public key to the outbox and the private key to the notifier alone. */
  async notifierKeys(): Promise<NotifierKeys> {
    return (await this.load()).notifier;
  }

  private load(): Promise<Keys> {
    this.keys ??= loadOrCreate(this.dataDir).catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }
}

async function loadOrCreate(dataDir: string): Promise<Keys> {
  const path = join(dataDir, SECRETS_FILE);
  const existing = await readKeyFile(path);
  if (existing) return isComplete(existing) ? toKeys(existing, path) : addMissingKeys(existing, path);

  await mkdir(dataDir, { recursive: true });
  const pair = generateSealingKeyPair();
  const content = serialize({
    pepper: randomBytes(32).toString('base64'),
    decoyKey: randomBytes(32).toString('base64'),
    authenticatorKey: randomBytes(32).toString('base64'),
    notifierPublicKey: pair.publicKey,
    notifierPrivateKey: pair.privateKey,
  });
  // Written whole to a private temporary file, then linked into place: link() fails if the file exists, so when two
  // processes start at once both end up with the keys of whichever linked first, and no one ever reads half a file.
  const temporary = temporaryPath(path);
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const file = await readKeyFile(path);
  if (!file) throw new Error(`${path} vanished while it was being created`);
  return isComplete(file) ? toKeys(file, path) : addMissingKeys(file, path);
}

function isComplete(file: KeyFile): boolean {
  return file.notifierPublicKey !== undefined && file.authenticatorKey !== undefined;
}

/**
 * A data directory from before sealed outbox items has no notifier key pair, and one from before authenticator apps no
 * authenticator key: what is missing is added, keeping the keys that are there (replacing the pepper would void every
 * enrollment, the authenticator key every authenticator). The whole file is renamed over the old one, so a reader
 * never sees half of it; should two processes upgrade at once, each reads back the file as it then is, and a key is
 * only ever used within the process that read it, so the outbox and the notifier of one stack always agree.
 */
async function addMissingKeys(file: KeyFile, path: string): Promise<Keys> {
  const pair = file.notifierPublicKey === undefined ? generateSealingKeyPair() : undefined;
  const temporary = temporaryPath(path);
  await writeFile(
    temporary,
    serialize({
      ...file,
      authenticatorKey: file.authenticatorKey ?? randomBytes(32).toString('base64'),
      ...(pair ? { notifierPublicKey: pair.publicKey, notifierPrivateKey: pair.privateKey } : {}),
    }),
    { mode: 0o600, flag: 'wx' },
  );
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const upgraded = await readKeyFile(path);
  if (!upgraded) throw new Error(`${path} vanished while it was being upgraded`);
  return toKeys(upgraded, path);
}

function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function serialize(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

async function readKeyFile(path: string): Promise<KeyFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // A damaged file is an error, never a reason to make new keys: new keys would silently void every enrollment.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; restore it or delete the data directory`);
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  if (typeof record.pepper !== 'string' || typeof record.decoyKey !== 'string') {
    throw new Error(`${path} must hold base64 strings "pepper" and "decoyKey"`);
  }
  const { authenticatorKey, notifierPublicKey, notifierPrivateKey } = record;
  if (authenticatorKey !== undefined && typeof authenticatorKey !== 'string') {
    throw new Error(`${path}: "authenticatorKey" must be a base64 string`);
  }
  const keys = {
    pepper: record.pepper,
    decoyKey: record.decoyKey,
    ...(authenticatorKey === undefined ? {} : { authenticatorKey }),
  };
  if (notifierPublicKey === undefined && notifierPrivateKey === undefined) return keys;
  if (typeof notifierPublicKey !== 'string' || typeof notifierPrivateKey !== 'string') {
    throw new Error(`${path} must hold both "notifierPublicKey" and "notifierPrivateKey", or neither`);
  }
  return { ...keys, notifierPublicKey, notifierPrivateKey };
}

function toKeys(file: KeyFile, path: string): Keys {
  const pepper = decodeSecretKey(file.pepper, 'pepper');
  const decoyKey = decodeSecretKey(file.decoyKey, 'decoy key');
  const authenticatorKey = decodeSecretKey(file.authenticatorKey ?? '', 'authenticator key');
  let notifier: NotifierKeys;
  try {
    notifier = {
      publicKey: parsePublicKey(file.notifierPublicKey ?? ''),
      privateKey: parsePrivateKey(file.notifierPrivateKey ?? ''),
    };
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  // A hand-edited pair that does not match would fail every sealed item at the notifier, far from the cause.
  if (exportPublicKey(createPublicKey(notifier.privateKey)) !== exportPublicKey(notifier.publicKey)) {
    throw new Error(`${path}: "notifierPublicKey" is not the public half of "notifierPrivateKey"`);
  }
  // Hand-edited into one of the others, it would no longer be a key of its own (ports.ts Secrets).
  if (authenticatorKey.equals(pepper) || authenticatorKey.equals(decoyKey)) {
    throw new Error(`${path}: "authenticatorKey" must differ from "pepper" and "decoyKey"`);
  }
  return { pepper, decoyKey, authenticatorKey, notifier };
}
