/**
 * The local stack as the CLI sees it (DESIGN §7): the table of a running `npm start` through SSPR_DATA_DIR/endpoint.json,
 * the same SSPR_CONFIG, and the directory the stack uses: a real AD with the SSPR_LDAP_* variables, else a read-only
 * snapshot of the in-memory stand-in's persisted state. Notices go through the outbox as the stack sends them: sealed
 * where the template says so, delivered to SSPR_DATA_DIR/outbox.jsonl by the same notifier code.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDocumentClient } from '../functions/adapters/dynamoClient.js';
import { LdapDirectory } from '../functions/adapters/ldap/ldapDirectory.js';
import { sealedParamsOpener } from '../functions/adapters/sealing.js';
import { DynamoStore } from '../functions/adapters/store.js';
import { StoreOutbox } from '../functions/adapters/storeOutbox.js';
import { loadConfig } from '../functions/core/config.js';
import { deliverWrittenOutboxItem } from '../functions/core/notifier.js';
import type { Outbox } from '../functions/core/ports.js';
import { offsetClock } from '../local/clock.js';
import { localClientOptions } from '../local/dynalite.js';
import { FileTransport } from '../local/fileTransport.js';
import { LocalSecrets } from '../local/localSecrets.js';
import { MemoryDirectory, parseDirectorySeed } from '../local/memoryDirectory.js';
import { ldapSettingsFromEnv, SEED_FILE, TABLE_NAME } from '../local/stack.js';
import type { Backend, DirectoryAccess } from './backend.js';
import { CliError, EXIT } from './errors.js';
import { listLdapUserNames } from './ldapTools.js';

export interface LocalBackendOptions {
  /** --data-dir, else SSPR_DATA_DIR, else .sspr (relative to the working directory). */
  dataDir: string;
  env: Record<string, string | undefined>;
}

export async function openLocalBackend(options: LocalBackendOptions): Promise<Backend> {
  const dataDir = resolve(options.dataDir);
  const endpointFile = join(dataDir, 'endpoint.json');
  let endpoint: string;
  try {
    const parsed = JSON.parse(await readFile(endpointFile, 'utf8')) as { dynamodb?: unknown };
    if (typeof parsed.dynamodb !== 'string') throw new Error('no "dynamodb" endpoint in it');
    endpoint = parsed.dynamodb;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(
      missing
        ? `no local stack in ${dataDir} (no endpoint.json): start it with \`npm start\`, pass --data-dir (or SSPR_DATA_DIR), or use --stack NAME`
        : `${endpointFile} cannot be read (${(error as Error).message})`,
      EXIT.UNAVAILABLE,
    );
  }
  const config = loadConfig(options.env);
  const clock = offsetClock(Number(options.env.SSPR_CLOCK_OFFSET_SECONDS ?? 0) || 0);
  const db = createDocumentClient({ ...localClientOptions(endpoint), maxAttempts: 1 });
  const store = new DynamoStore(db, TABLE_NAME);
  const closers: (() => Promise<void>)[] = [async () => db.destroy()];

  const directory = async (): Promise<DirectoryAccess> => {
    const ldap = ldapSettingsFromEnv(options.env);
    if (ldap) {
      const ca = await readFile(ldap.caFile).catch((error: Error) => {
        throw new CliError(`SSPR_LDAP_CA_FILE ${ldap.caFile} cannot be read (${error.message})`, EXIT.UNAVAILABLE);
      });
      const target = {
        urls: ldap.urls,
        bindDn: ldap.bindDn,
        bindPassword: ldap.bindPassword,
        ca,
        caSource: ldap.caFile,
        baseDn: ldap.baseDn,
        searchBases: config.domain.searchBases,
        connectTimeoutMs: config.directory.connectTimeoutMs,
        operationTimeoutMs: config.directory.operationTimeoutMs,
      };
      const directory = new LdapDirectory({ ...target });
      closers.unshift(() => directory.close());
      return {
        directory,
        describe: ldap.urls.join(', '),
        listUserNames: (onProgress) => listLdapUserNames(target, onProgress),
        ldap: target,
        close: () => directory.close(),
      };
    }
    // A snapshot: the CLI never writes the stand-in's state, which the running stack owns.
    const snapshotDir = await mkdtemp(join(tmpdir(), 'sspr-cli-'));
    closers.push(() => rm(snapshotDir, { recursive: true, force: true }));
    const snapshot = join(snapshotDir, 'directory.json');
    await copyFile(join(dataDir, 'directory.json'), snapshot).catch(() => undefined);
    const memory = MemoryDirectory.fromSeedFile(SEED_FILE, {
      clock,
      searchBases: config.domain.searchBases,
      persistPath: snapshot,
    });
    const seed = parseDirectorySeed(JSON.parse(await readFile(SEED_FILE, 'utf8')), SEED_FILE);
    return {
      directory: memory,
      describe: `in-memory ${config.domain.dnsName} (the local stack's stand-in, ${join(dataDir, 'directory.json')})`,
      listUserNames: async (onProgress) => {
        const names = seed.accounts.map((account) => account.sAMAccountName);
        onProgress?.(names.length);
        return names.sort((a, b) => a.localeCompare(b));
      },
      ldap: null,
      close: async () => undefined,
    };
  };

  let outbox: Promise<Outbox> | undefined;
  const openOutbox = async (): Promise<Outbox> => {
    const keys = await new LocalSecrets(dataDir).notifierKeys();
    const storeOutbox = new StoreOutbox(store, keys.publicKey, clock);
    const transport = new FileTransport(join(dataDir, 'outbox.jsonl'), () => undefined, clock);
    const ports = {
      store,
      clock,
      transports: { email: transport, sms: transport, alert: transport },
      context: { helpdeskContact: config.helpdesk.contact, baseUrl: config.notifications.baseUrl },
      openSealed: sealedParamsOpener(keys.privateKey),
    };
    return {
      async enqueue(message) {
        // As the local stack does: the notifier runs on the item as soon as it is written.
        await deliverWrittenOutboxItem(await storeOutbox.write(message), ports);
      },
    };
  };

  return {
    mode: 'local',
    describe: `local stack (${dataDir}, store ${endpoint})`,
    table: TABLE_NAME,
    storeLocation: `the local stack's store at ${endpoint}`,
    config,
    clock,
    store,
    directory,
    outbox: () => {
      outbox ??= openOutbox();
      return outbox;
    },
    decoyKey: () => new LocalSecrets(dataDir).decoyKey(),
    close: async () => {
      for (const close of closers) await close().catch(() => undefined);
    },
  };
}
