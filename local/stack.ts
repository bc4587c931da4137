/**
 * The local stack (DESIGN §7): the same handlers as the Lambdas, on embedded dynalite, the in-memory directory, a
 * notifier that writes outbox.jsonl before the response returns, and generated secrets. Each test suite starts its
 * own, with its own data directory and config.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScryptAnswerHasher, type ScryptParams } from '../functions/adapters/answerHasher.js';
import { createDocumentClient } from '../functions/adapters/dynamoClient.js';
import { LdapDirectory } from '../functions/adapters/ldap/ldapDirectory.js';
import { createLogger } from '../functions/adapters/logger.js';
import { sealedParamsOpener } from '../functions/adapters/sealing.js';
import { DynamoStore } from '../functions/adapters/store.js';
import { StoreOutbox } from '../functions/adapters/storeOutbox.js';
import { createAnswerHandler } from '../functions/answer.js';
import { createChangePasswordHandler } from '../functions/changePassword.js';
import { createChooseMethodHandler } from '../functions/chooseMethod.js';
import { createConfigHandler } from '../functions/config.js';
import { normalizeAnswer } from '../functions/core/answers.js';
import type { Clock } from '../functions/core/clock.js';
import { type Config, ConfigError, parseConfig } from '../functions/core/config.js';
import type { Directory } from '../functions/core/directory.js';
import type { Logger } from '../functions/core/log.js';
import { deliverWrittenOutboxItem, type NotifierPorts } from '../functions/core/notifier.js';
import type { AnswerHasher, Outbox, OutboxMessage, RequestSecrets } from '../functions/core/ports.js';
import { QUESTION_CATALOG } from '../functions/core/questions.js';
import type { RequestPorts } from '../functions/core/requestPorts.js';
import type { Store } from '../functions/core/store.js';
import { createEnrollHandler } from '../functions/enroll.js';
import { createEnrollVerifyHandler } from '../functions/enrollVerify.js';
import { createFallbackHandler } from '../functions/fallback.js';
import { createHealthHandler } from '../functions/health.js';
import type { HttpHandler } from '../functions/http/route.js';
import {
  createMethodsAuthenticatorBeginHandler,
  createMethodsAuthenticatorConfirmHandler,
} from '../functions/methodsAuthenticator.js';
import { createMethodsPasskeyBeginHandler, createMethodsPasskeyFinishHandler } from '../functions/methodsPasskey.js';
import { createMethodsRecoveryCodesHandler } from '../functions/methodsRecoveryCodes.js';
import { createMethodsRemoveHandler } from '../functions/methodsRemove.js';
import { createMethodsSessionHandler } from '../functions/methodsSession.js';
import { createRepudiateHandler } from '../functions/repudiate.js';
import { createResetPasskeyHandler } from '../functions/resetPasskey.js';
import { createSendCodeHandler } from '../functions/sendCode.js';
import { createSetPasswordHandler } from '../functions/setPassword.js';
import { createStartResetHandler } from '../functions/startReset.js';
import { createUnlockHandler } from '../functions/unlock.js';
import { offsetClock } from './clock.js';
import { ensureTable, localClientOptions, startDynalite } from './dynalite.js';
import { FileTransport } from './fileTransport.js';
import { LocalSecrets, type NotifierKeys } from './localSecrets.js';
import { MemoryDirectory } from './memoryDirectory.js';
import { startServer } from './server.js';

const here = dirname(fileURLToPath(import.meta.url));
export const TABLE_NAME = 'sspr-local';
export const SEED_FILE = join(here, 'directory.seed.json');
const WEB_ROOT = resolve(here, '../web/dist');

/** ivan is enrolled at every start with the first three questions of the catalog (DESIGN §7). */
const IVAN_ANSWERS = ['ivan answer one', 'ivan answer two', 'ivan answer three'];

export interface LocalStackOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Overrides as an object, or SSPR_CONFIG's JSON string. */
  config?: unknown;
  clockOffsetSeconds?: number;
  /**
   * Tests only: the stack's clock, instead of the system clock shifted by clockOffsetSeconds (e.g. one a test moves
   * across a rate-limit window boundary while requests are in flight).
   */
  clock?: Clock;
  /** Tests only: how long a function may run (local/server.ts; default 30 s, API Gateway's limit). */
  functionTimeoutMs?: number;
  /** Where log lines go (default: stdout). Tests capture them to scan for secrets. */
  log?: (line: string) => void;
  /** A real AD (SSPR_LDAP_*) instead of the in-memory stand-in. */
  ldap?: LdapSettings;
  /**
   * The bench only: the scrypt parameters the stack hashes answers with (default: the product's). The load run seeds
   * its enrollments at a low cost and must not find them outdated, or every right answer would be hashed again.
   */
  answerHashParams?: Partial<ScryptParams>;
  /**
   * Tests and the bench only: wrap the ports the handlers get, e.g. to record the sequence of calls (enumeration
   * tests) or to time the deliberate answer hash inside a request (bench).
   */
  wrapPorts?: {
    store?: (store: Store) => Store;
    directory?: (directory: Directory) => Directory;
    hasher?: (hasher: AnswerHasher) => AnswerHasher;
  };
}

/** DESIGN §7: SSPR_LDAP_URL (comma-separated DCs), SSPR_LDAP_BIND_DN, SSPR_LDAP_BIND_PASSWORD, SSPR_LDAP_CA_FILE, SSPR_LDAP_BASE_DN. */
export interface LdapSettings {
  urls: string[];
  bindDn: string;
  bindPassword: string;
  caFile: string;
  baseDn: string;
}

/** Reads SSPR_LDAP_* or returns undefined when SSPR_LDAP_URL is not set; a partial set is an error naming what is missing. */
export function ldapSettingsFromEnv(env: Record<string, string | undefined>): LdapSettings | undefined {
  if (!env.SSPR_LDAP_URL) return undefined;
  const names = ['SSPR_LDAP_BIND_DN', 'SSPR_LDAP_BIND_PASSWORD', 'SSPR_LDAP_CA_FILE', 'SSPR_LDAP_BASE_DN'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: required when SSPR_LDAP_URL is set`));
  }
  return {
    urls: env.SSPR_LDAP_URL.split(',')
      .map((url) => url.trim())
      .filter(Boolean),
    bindDn: env.SSPR_LDAP_BIND_DN ?? '',
    bindPassword: env.SSPR_LDAP_BIND_PASSWORD ?? '',
    caFile: env.SSPR_LDAP_CA_FILE ?? '',
    baseDn: env.SSPR_LDAP_BASE_DN ?? '',
  };
}

export interface LocalStack {
  url: string;
  dataDir: string;
  storeEndpoint: string;
  outboxFile: string;
  config: Config;
  clock: Clock;
  store: Store;
  directory: Directory;
  /** The stand-in, when the stack runs on it (tests drive its demo states). */
  memoryDirectory: MemoryDirectory | undefined;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const config = parseConfig(typeof options.config === 'string' ? parseJson(options.config) : options.config);
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const sink = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = createLogger(sink);
  const clock = options.clock ?? offsetClock(options.clockOffsetSeconds ?? 0);

  const dynalite = await startDynalite({ path: join(dataDir, 'dynalite') });
  const closers: (() => Promise<void>)[] = [() => dynalite.close()];
  try {
    await writeFile(join(dataDir, 'endpoint.json'), `${JSON.stringify({ dynamodb: dynalite.endpoint })}\n`);
    const documentClient = createDocumentClient(localClientOptions(dynalite.endpoint));
    closers.unshift(async () => documentClient.destroy());
    await ensureTable(documentClient, TABLE_NAME);
    const store = new DynamoStore(documentClient, TABLE_NAME);

    const secrets = new LocalSecrets(dataDir);
    // As deployed: request-side code gets the pepper and decoy key, never the notifier's private key.
    const requestSecrets: RequestSecrets = {
      pepper: () => secrets.pepper(),
      decoyKey: () => secrets.decoyKey(),
      authenticatorKey: () => secrets.authenticatorKey(),
    };
    const hasher = new ScryptAnswerHasher(requestSecrets, options.answerHashParams);
    let directory: Directory;
    let memoryDirectory: MemoryDirectory | undefined;
    if (options.ldap) {
      const ldap = new LdapDirectory({
        urls: options.ldap.urls,
        bindDn: options.ldap.bindDn,
        bindPassword: options.ldap.bindPassword,
        ca: await readFile(options.ldap.caFile),
        baseDn: options.ldap.baseDn,
        searchBases: config.domain.searchBases,
        connectTimeoutMs: config.directory.connectTimeoutMs,
        operationTimeoutMs: config.directory.operationTimeoutMs,
        logger,
      });
      closers.unshift(() => ldap.close());
      directory = ldap;
    } else {
      memoryDirectory = await MemoryDirectory.fromSeedFile(SEED_FILE, {
        clock,
        searchBases: config.domain.searchBases,
        persistPath: join(dataDir, 'directory.json'),
      });
      // On the stand-in the stack owns the demo states; a real AD keeps its own (scripts/samba-ad.sh for Samba).
      await enrollIvan(memoryDirectory, store, hasher, clock);
      memoryDirectory.applyDemoStates();
      directory = memoryDirectory;
    }

    const outboxFile = join(dataDir, 'outbox.jsonl');
    const transport = new FileTransport(outboxFile, (line) => sink(line));
    const outbox = localOutbox(store, clock, transport, config, logger, await secrets.notifierKeys());
    // Run after the server has closed and before the store goes: the last marks of the last messages land.
    closers.unshift(() => outbox.drained());
    const newId = () => randomBytes(9).toString('base64url');
    const ports: RequestPorts = {
      store: options.wrapPorts?.store?.(store) ?? store,
      directory: options.wrapPorts?.directory?.(directory) ?? directory,
      hasher: options.wrapPorts?.hasher?.(hasher) ?? hasher,
      outbox,
      secrets: requestSecrets,
      clock,
      config,
      logger,
      newChannelId: newId,
      newContactId: newId,
    };

    const server = await startServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8787,
      webRoot: WEB_ROOT,
      ...(options.functionTimeoutMs === undefined ? {} : { functionTimeoutMs: options.functionTimeoutMs }),
      handlers: settleOutbox(outbox, {
        health: createHealthHandler({ logger, version: process.env.npm_package_version ?? 'local' }),
        config: createConfigHandler(ports),
        enroll: createEnrollHandler(ports),
        verifyContact: createEnrollVerifyHandler(ports),
        startReset: createStartResetHandler(ports),
        answer: createAnswerHandler(ports),
        resetPasskey: createResetPasskeyHandler(ports),
        chooseMethod: createChooseMethodHandler(ports),
        sendCode: createSendCodeHandler(ports),
        unlock: createUnlockHandler(ports),
        setPassword: createSetPasswordHandler(ports),
        changePassword: createChangePasswordHandler(ports),
        methodsSession: createMethodsSessionHandler(ports),
        methodsRecoveryCodes: createMethodsRecoveryCodesHandler(ports),
        methodsAuthenticatorBegin: createMethodsAuthenticatorBeginHandler(ports),
        methodsAuthenticatorConfirm: createMethodsAuthenticatorConfirmHandler(ports),
        methodsPasskeyBegin: createMethodsPasskeyBeginHandler(ports),
        methodsPasskeyFinish: createMethodsPasskeyFinishHandler(ports),
        methodsRemove: createMethodsRemoveHandler(ports),
        repudiate: createRepudiateHandler(ports),
        fallback: createFallbackHandler({ logger }),
      }),
    });
    closers.unshift(() => server.close());

    return {
      url: server.url,
      dataDir,
      storeEndpoint: dynalite.endpoint,
      outboxFile,
      config,
      clock,
      store,
      directory,
      memoryDirectory,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function closeAll(closers: (() => Promise<void>)[]) {
  for (const close of closers) await close().catch(() => undefined);
}

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  return JSON.parse(text);
}

/**
 * Locally the notifier runs on each item as it is written, before the response that caused it returns. The outbox
 * seals with the public key and the notifier opens with the private key, as the deployed functions do.
 */
function localOutbox(
  store: Store,
  clock: Clock,
  transport: FileTransport,
  config: Config,
  logger: Logger,
  keys: NotifierKeys,
): Outbox & { drained(): Promise<void> } {
  const storeOutbox = new StoreOutbox(store, keys.publicKey, clock);
  const ports: Omit<NotifierPorts, 'transports'> = {
    store,
    clock,
    context: { helpdeskContact: config.helpdesk.contact, baseUrl: config.notifications.baseUrl },
    openSealed: sealedParamsOpener(keys.privateKey),
  };
  // Deliveries run beside the request that queued them, as the deployed notifier does, and the server answers once
  // each one has ended, its mark in the table included (DESIGN §7: before the response returns): a test that reads the
  // file after a response finds every message there, and no request's delivery runs on into the next request's time.
  const deliveries = new Set<Promise<void>>();
  return {
    async enqueue(message: OutboxMessage) {
      const item = await storeOutbox.write(message);
      const delivery = deliverWrittenOutboxItem(item, {
        ...ports,
        transports: { email: transport, sms: transport, alert: transport },
      }).then(
        () =>
          logger.info('outbox item delivered', { outboxId: item.id, channel: item.channel, template: item.template }),
        (error: unknown) =>
          logger.error('outbox item not delivered', {
            outboxId: item.id,
            errorName: (error as Error).name,
            errorMessage: (error as Error).message,
          }),
      );
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    },
    async drained() {
      while (deliveries.size > 0) await Promise.all([...deliveries]);
    },
  };
}

/** Every response waits for the messages its request queued (DESIGN §7: delivered before the response returns). */
function settleOutbox<Name extends string>(
  outbox: { drained(): Promise<void> },
  handlers: Record<Name, HttpHandler>,
): Record<Name, HttpHandler> {
  return Object.fromEntries(
    Object.entries<HttpHandler>(handlers).map(([name, handler]) => [
      name,
      async (event: Parameters<HttpHandler>[0], context: Parameters<HttpHandler>[1]) => {
        const response = await handler(event, context);
        await outbox.drained();
        return response;
      },
    ]),
  ) as Record<Name, HttpHandler>;
}

/** ivan's enrollment goes through the store port with real hashes, once per data directory. */
async function enrollIvan(directory: MemoryDirectory, store: Store, hasher: ScryptAnswerHasher, clock: Clock) {
  const ivan = directory.account('ivan');
  if (!ivan || (await store.getEnrollment(ivan.objectGuid))) return;
  const now = clock.now();
  const questions = QUESTION_CATALOG.slice(0, IVAN_ANSWERS.length);
  await store.putEnrollment({
    objectGuid: ivan.objectGuid,
    sAMAccountName: ivan.sAMAccountName,
    answers: await Promise.all(
      questions.map(async (question, i) => ({
        questionId: question.id,
        hash: await hasher.hash(normalizeAnswer(IVAN_ANSWERS[i] ?? '')),
      })),
    ),
    contacts: [],
    language: 'en',
    enrolledAt: now,
    updatedAt: now,
  });
}
