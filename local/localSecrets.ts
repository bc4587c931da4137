/**
 * The local stack's pepper and decoy key (DESIGN §7): 32 random bytes each, generated once into
 * `<dataDir>/secrets.json` (mode 0600) and reused, so enrollments survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSecretKey } from '../functions/adapters/secretsManager.js';
import type { Secrets } from '../functions/core/ports.js';

interface Keys {
  pepper: Buffer;
  decoyKey: Buffer;
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
  const existing = await readKeys(path);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true });
  const content = `${JSON.stringify(
    { pepper: randomBytes(32).toString('base64'), decoyKey: randomBytes(32).toString('base64') },
    null,
    2,
  )}\n`;
  // Written whole to a private temporary file, then linked into place: link() fails if the file exists, so when two
  // processes start at once both end up with the keys of whichever linked first, and no one ever reads half a file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const keys = await readKeys(path);
  if (!keys) throw new Error(`${path} vanished while it was being created`);
  return keys;
}

async function readKeys(path: string): Promise<Keys | null> {
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
  const record = (parsed ?? {}) as { pepper?: unknown; decoyKey?: unknown };
  if (typeof record.pepper !== 'string' || typeof record.decoyKey !== 'string') {
    throw new Error(`${path} must hold base64 strings "pepper" and "decoyKey"`);
  }
  return { pepper: decodeSecretKey(record.pepper, 'pepper'), decoyKey: decodeSecretKey(record.decoyKey, 'decoy key') };
}
