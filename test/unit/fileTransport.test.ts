import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportPrivateKey,
  exportPublicKey,
  generateSealingKeyPair,
  openParams,
  sealParams,
} from '../../functions/adapters/sealing.js';
import type { OutboxItem } from '../../functions/core/store.js';
import { FileTransport } from '../../local/fileTransport.js';
import { LocalSecrets } from '../../local/localSecrets.js';

const dir = join(tmpdir(), `sspr-file-transport-${randomUUID()}`);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function item(overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id: 'item-1',
    channel: 'email',
    to: 'alice@corp.example.test',
    template: 'enrolled',
    params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:00Z' },
    language: 'en',
    status: 'pending',
    createdAt: 0,
    ...overrides,
  };
}

async function lines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('FileTransport', () => {
  it('appends one JSON line per message, written before send() resolves', async () => {
    const path = join(dir, 'a', 'outbox.jsonl');
    const logged: string[] = [];
    const transport = new FileTransport(path, (line) => logged.push(line), { now: () => Date.UTC(2026, 2, 1, 9, 5) });
    await transport.send(
      { channel: 'email', to: 'alice@corp.example.test', subject: 'Saved', body: 'Hello\nthere' },
      item(),
    );
    await transport.send(
      { channel: 'sms', to: '+15550100001', body: 'SMS body' },
      item({ id: 'item-2', channel: 'sms' }),
    );
    expect(await lines(path)).toEqual([
      {
        at: '2026-03-01T09:05:00.000Z',
        channel: 'email',
        to: 'alice@corp.example.test',
        subject: 'Saved',
        body: 'Hello\nthere',
      },
      { at: '2026-03-01T09:05:00.000Z', channel: 'sms', to: '+15550100001', body: 'SMS body' },
    ]);
    expect(logged).toHaveLength(2);
  });

  it('records a code from the item’s params, but never prints the body, subject or code', async () => {
    const path = join(dir, 'b', 'outbox.jsonl');
    const logged: string[] = [];
    const transport = new FileTransport(path, (line) => logged.push(line));
    await transport.send(
      {
        channel: 'email',
        to: 'bob@corp.example.test',
        subject: 'Code 123456',
        body: 'Your code is 123456, secret body',
      },
      item({ template: 'reset-code', params: { code: '123456' } }),
    );
    const [line] = await lines(path);
    expect(line).toMatchObject({ code: '123456', body: 'Your code is 123456, secret body' });
    expect(Object.keys(line ?? {})).toEqual(['at', 'channel', 'to', 'subject', 'body', 'code']);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('email');
    expect(logged[0]).toContain('bob@corp.example.test');
    expect(logged[0]).toContain('reset-code');
    expect(logged[0]).not.toMatch(/123456|secret body|Code/);
    expect(logged[0]).not.toContain('\n');
  });

  it('keeps lines whole under parallel sends', async () => {
    const path = join(dir, 'c', 'outbox.jsonl');
    const transport = new FileTransport(path, () => {});
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        transport.send({ channel: 'sms', to: `+1555010${String(n).padStart(4, '0')}`, body: 'x'.repeat(2000) }, item()),
      ),
    );
    const all = await lines(path);
    expect(all).toHaveLength(50);
    expect(new Set(all.map((line) => line.to)).size).toBe(50);
  });
});

describe('LocalSecrets', () => {
  it('generates 32-byte keys once into secrets.json (0600) and reuses them', async () => {
    const dataDir = join(dir, 'data');
    const first = new LocalSecrets(dataDir);
    const [pepper, decoyKey, authenticatorKey] = await Promise.all([
      first.pepper(),
      first.decoyKey(),
      first.authenticatorKey(),
    ]);
    expect(pepper).toHaveLength(32);
    expect(decoyKey).toHaveLength(32);
    expect(authenticatorKey).toHaveLength(32);
    expect(pepper.equals(decoyKey)).toBe(false);
    expect(authenticatorKey.equals(pepper) || authenticatorKey.equals(decoyKey)).toBe(false);
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    const again = new LocalSecrets(dataDir);
    expect(await again.pepper()).toEqual(pepper);
    expect(await again.decoyKey()).toEqual(decoyKey);
    expect(await again.authenticatorKey()).toEqual(authenticatorKey);
  });

  it('agrees on one set of keys when several instances start at once', async () => {
    const dataDir = join(dir, 'race');
    const instances = Array.from({ length: 8 }, () => new LocalSecrets(dataDir));
    const peppers = await Promise.all(instances.map((secrets) => secrets.pepper()));
    for (const pepper of peppers) expect(pepper).toEqual(peppers[0]);
    const publicKeys = await Promise.all(
      instances.map(async (secrets) => exportPublicKey((await secrets.notifierKeys()).publicKey)),
    );
    expect(new Set(publicKeys).size).toBe(1);
  });

  it('refuses a damaged file instead of replacing the keys', async () => {
    const dataDir = join(dir, 'damaged');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'secrets.json'), '{"pepper":"c2hvcnQ=","decoyKey":"c2hvcnQ="}');
    await expect(new LocalSecrets(dataDir).pepper()).rejects.toThrow(/at least 32/);
    await writeFile(join(dataDir, 'secrets.json'), 'not json');
    await expect(new LocalSecrets(dataDir).pepper()).rejects.toThrow(/not valid JSON/);
  });

  it('generates the notifier’s X25519 key pair once into the same file, and the halves match', async () => {
    const dataDir = join(dir, 'notifier');
    const keys = await new LocalSecrets(dataDir).notifierKeys();
    const file = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
    expect(Object.keys(file).sort()).toEqual([
      'authenticatorKey',
      'decoyKey',
      'notifierPrivateKey',
      'notifierPublicKey',
      'pepper',
    ]);
    expect(file.notifierPublicKey).toBe(exportPublicKey(keys.publicKey));
    expect(file.notifierPrivateKey).toBe(exportPrivateKey(keys.privateKey));
    expect(openParams(sealParams({ code: '1' }, keys.publicKey, 'i'), keys.privateKey, 'i')).toEqual({ code: '1' });
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    const again = await new LocalSecrets(dataDir).notifierKeys();
    expect(exportPrivateKey(again.privateKey)).toBe(file.notifierPrivateKey);
  });

  it('adds a key pair to a data directory from before sealing, keeping its pepper and decoy key', async () => {
    const dataDir = join(dir, 'upgrade');
    await mkdir(dataDir, { recursive: true });
    const pepper = Buffer.alloc(32, 1).toString('base64');
    const decoyKey = Buffer.alloc(32, 2).toString('base64');
    await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ pepper, decoyKey }), { mode: 0o600 });
    const secrets = new LocalSecrets(dataDir);
    const keys = await secrets.notifierKeys();
    expect((await secrets.pepper()).toString('base64')).toBe(pepper);
    expect((await secrets.decoyKey()).toString('base64')).toBe(decoyKey);
    const file = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
    expect(file).toMatchObject({ pepper, decoyKey, notifierPublicKey: exportPublicKey(keys.publicKey) });
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('adds an authenticator key to a data directory from before it, keeping every other key', async () => {
    const dataDir = join(dir, 'upgrade-authenticator');
    await mkdir(dataDir, { recursive: true });
    const pair = generateSealingKeyPair();
    const before = {
      pepper: Buffer.alloc(32, 1).toString('base64'),
      decoyKey: Buffer.alloc(32, 2).toString('base64'),
      notifierPublicKey: pair.publicKey,
      notifierPrivateKey: pair.privateKey,
    };
    await writeFile(join(dataDir, 'secrets.json'), JSON.stringify(before), { mode: 0o600 });
    const secrets = new LocalSecrets(dataDir);
    const authenticatorKey = await secrets.authenticatorKey();
    expect(authenticatorKey).toHaveLength(32);
    const file = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
    expect(file).toEqual({ ...before, authenticatorKey: authenticatorKey.toString('base64') });
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await new LocalSecrets(dataDir).authenticatorKey()).toEqual(authenticatorKey);
  });

  it('refuses an authenticator key that is the pepper or the decoy key', async () => {
    const dataDir = join(dir, 'shared-authenticator');
    await mkdir(dataDir, { recursive: true });
    const pair = generateSealingKeyPair();
    const pepper = Buffer.alloc(32, 1).toString('base64');
    const file = { pepper, decoyKey: Buffer.alloc(32, 2).toString('base64'), authenticatorKey: pepper };
    await writeFile(
      join(dataDir, 'secrets.json'),
      JSON.stringify({ ...file, notifierPublicKey: pair.publicKey, notifierPrivateKey: pair.privateKey }),
    );
    await expect(new LocalSecrets(dataDir).authenticatorKey()).rejects.toThrow(/must differ/);
  });

  it('refuses half a key pair, or halves that do not belong together', async () => {
    const dataDir = join(dir, 'bad-pair');
    await mkdir(dataDir, { recursive: true });
    const base = { pepper: Buffer.alloc(32, 1).toString('base64'), decoyKey: Buffer.alloc(32, 2).toString('base64') };
    const [a, b] = [generateSealingKeyPair(), generateSealingKeyPair()];
    await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ ...base, notifierPublicKey: a.publicKey }));
    await expect(new LocalSecrets(dataDir).notifierKeys()).rejects.toThrow(/both/);
    await writeFile(
      join(dataDir, 'secrets.json'),
      JSON.stringify({ ...base, notifierPublicKey: a.publicKey, notifierPrivateKey: b.privateKey }),
    );
    await expect(new LocalSecrets(dataDir).notifierKeys()).rejects.toThrow(/not the public half/);
    await writeFile(
      join(dataDir, 'secrets.json'),
      JSON.stringify({ ...base, notifierPublicKey: a.publicKey, notifierPrivateKey: 'short' }),
    );
    await expect(new LocalSecrets(dataDir).pepper()).rejects.toThrow(/base64url of 32 raw bytes/);
  });
});
