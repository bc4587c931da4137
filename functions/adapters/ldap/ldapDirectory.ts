/**
 * The directory port over LDAPS with ldapts: Active Directory (and Samba AD in the tests).
 *
 * Connections: one service connection per instance and domain controller, bound as the service account, opened
 * lazily and reused by every session; a dropped one is reopened once and the operation retried once. Password
 * proofs bind on a short-lived connection of their own, never the service connection. A session is pinned to the
 * first DC that answers, so a read right after a write sees it. TLS is always verified against the configured CA.
 */
import * as tls from 'node:tls';
import { Attribute, Change, Client, type Entry, NoSuchObjectError, ResultCodeError } from 'ldapts';
import {
  type AccountLookup,
  type BindOutcome,
  type Directory,
  type DirectoryAccount,
  type DirectoryPolicy,
  type DirectorySession,
  DirectoryUnavailableError,
  SAM_USER_ACCOUNT,
} from '../../core/directory.js';
import type { Logger } from '../../core/log.js';
import { bindFailureOf, isCertificateError, isDroppedConnection, isUnavailable } from './bindErrors.js';
import {
  ACCOUNT_ATTRIBUTES,
  accountFromEntries,
  DOMAIN_POLICY_ATTRIBUTES,
  domainPolicyFromEntry,
  explicitBuffers,
  PSO_ATTRIBUTES,
  psoPolicyFromEntry,
  SECURITY_DESCRIPTOR_ATTRIBUTE,
} from './entry.js';
import { accountFilter } from './filter.js';
import { isCanonicalGuid } from './guid.js';
import { uniqueMatch } from './match.js';
import { SD_FLAGS, SdFlagsControl } from './sdFlagsControl.js';

export interface LdapDirectoryOptions {
  /** Domain controllers in order of preference; ldaps:// only. */
  urls: string[];
  /** DN of the service account (compared with account DNs to keep it out of self-service, so no UPN here). */
  bindDn: string;
  bindPassword: string;
  /** PEM bundle of the CA(s) that issued the DCs' certificates; the only trust anchors used. */
  ca: string | Buffer;
  /** The domain head (DC=…), where the domain password policy lives. */
  baseDn: string;
  /** Where user accounts are looked up (subtree), in order. */
  searchBases: string[];
  /** TCP connect plus TLS handshake, per attempt. */
  connectTimeoutMs: number;
  /** Per LDAP operation (bind, search, unbind). */
  operationTimeoutMs: number;
  logger?: Logger;
}

export interface LdapDirectoryStats {
  serviceConnectionsOpened: number;
  userBinds: number;
}

/** A DC's certificate could not be verified, or the TLS handshake failed: configuration or interception, not load. */
export class DirectoryTlsError extends Error {
  override readonly name = 'DirectoryTlsError';
}

/** A DC that failed is tried after the others for this long, so a dead first DC does not cost every request. */
const FAILED_CONTROLLER_BACKOFF_MS = 30_000;

interface Controller {
  /** ldaps://host:port, also the session's `controller`. */
  readonly url: string;
  client: Client | null;
  opening: Promise<Client> | null;
  failedAt: number;
}

/** A DN as AD writes it: RDNs without surrounding spaces (escaped commas kept). */
function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      return eq < 0 ? rdn.trim() : `${rdn.slice(0, eq).trim()}=${rdn.slice(eq + 1).trim()}`;
    })
    .join(',');
}

/** attr=value(,attr=value)*, values with backslash escapes; a sanity check against UPNs and typos, not a parser. */
const DN_SHAPE = /^[A-Za-z][\w-]*\s*=(?:[^,\\]|\\.)+(?:,\s*[A-Za-z][\w-]*\s*=(?:[^,\\]|\\.)+)*$/;

function controllerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`LDAP URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'ldaps:') {
    throw new Error(`LDAP URL ${JSON.stringify(raw)} is refused: only ldaps:// (LDAP over verified TLS) is allowed`);
  }
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
    throw new Error(`LDAP URL ${JSON.stringify(raw)} must name only a host and port`);
  }
  if (!url.hostname) throw new Error(`LDAP URL ${JSON.stringify(raw)} names no host`);
  return `ldaps://${url.hostname}:${url.port || '636'}`;
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds`);
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

export class LdapDirectory implements Directory {
  readonly serviceAccountDn: string;
  private readonly controllers: Controller[];
  private readonly options: LdapDirectoryOptions;
  private readonly tlsOptions: tls.ConnectionOptions;
  private readonly counters: LdapDirectoryStats = { serviceConnectionsOpened: 0, userBinds: 0 };
  private closed = false;

  constructor(options: LdapDirectoryOptions) {
    if (options.urls.length === 0) throw new Error('at least one LDAP URL is needed');
    const urls = options.urls.map(controllerUrl);
    if (!DN_SHAPE.test(options.bindDn.trim())) {
      throw new Error('bindDn must be the service account distinguished name (CN=…,DC=…), not a UPN or NetBIOS name');
    }
    // An empty password is an unauthenticated bind that AD answers with success.
    if (options.bindPassword === '') throw new Error('bindPassword must not be empty');
    if (!String(options.ca).includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error('ca must be a PEM bundle with at least one CA certificate');
    }
    if (!DN_SHAPE.test(options.baseDn.trim())) throw new Error('baseDn must be a distinguished name');
    if (options.searchBases.length === 0) throw new Error('at least one search base is needed');
    for (const base of options.searchBases) {
      if (!DN_SHAPE.test(base.trim()))
        throw new Error(`search base ${JSON.stringify(base)} is not a distinguished name`);
    }
    requirePositive('connectTimeoutMs', options.connectTimeoutMs);
    requirePositive('operationTimeoutMs', options.operationTimeoutMs);
    this.options = { ...options, searchBases: [...options.searchBases] };
    this.serviceAccountDn = normalizeDn(options.bindDn.trim());
    this.controllers = [...new Set(urls)].map((url) => ({ url, client: null, opening: null, failedAt: 0 }));
    // Only the configured CA is trusted (ca replaces Node's bundled roots) and verification is never turned off.
    this.tlsOptions = { ca: options.ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  }

  stats(): LdapDirectoryStats {
    return { ...this.counters };
  }

  async openSession(): Promise<DirectorySession> {
    if (this.closed) throw new Error('directory used after close()');
    const failures: string[] = [];
    let tlsFailure: DirectoryTlsError | null = null;
    for (const controller of this.preferenceOrder()) {
      try {
        await this.serviceClient(controller);
        controller.failedAt = 0;
        return new LdapSession(this, controller);
      } catch (error) {
        if (error instanceof DirectoryUnavailableError) {
          controller.failedAt = Date.now();
          failures.push(`${controller.url} (${error.message})`);
          this.options.logger?.warn('domain controller did not answer', {
            controller: controller.url,
            errorName: error.name,
            errorMessage: error.message,
          });
          continue;
        }
        if (error instanceof DirectoryTlsError) {
          // Another DC with a verifiable certificate is safe to use; this one is reported loudly, never trusted.
          controller.failedAt = Date.now();
          tlsFailure ??= error;
          failures.push(`${controller.url} (${error.message})`);
          this.options.logger?.error('domain controller failed TLS verification', {
            controller: controller.url,
            errorName: error.name,
            errorMessage: error.message,
          });
          continue;
        }
        // A refused service bind is the same on every DC; trying the others would only add bad-password counts.
        throw error;
      }
    }
    if (tlsFailure) throw tlsFailure;
    throw new DirectoryUnavailableError(`no domain controller answered: ${failures.join('; ')}`);
  }

  /** Closes the service connections. Sessions opened before cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.controllers.map(async (controller) => {
        const client = controller.client ?? (await controller.opening?.catch(() => null)) ?? null;
        controller.client = null;
        if (client) await client.unbind().catch(() => undefined);
      }),
    );
  }

  // -- used by LdapSession ------------------------------------------------------------------------------------

  /**
   * @internal Runs work on the controller's service connection, reopening it once if it dropped. The work may run
   * twice, so it must be idempotent (reads, or a write such as lockoutTime 0).
   */
  async withServiceConnection<T>(controller: Controller, work: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('directory used after close()');
    const client = await this.serviceClient(controller);
    try {
      return await work(client);
    } catch (error) {
      if (!isDroppedConnection(error)) throw this.translate(error, controller);
      this.options.logger?.warn('service connection dropped; reopening it once', {
        controller: controller.url,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    }
    const again = await this.reopen(controller, client);
    try {
      return await work(again);
    } catch (error) {
      throw this.translate(error, controller);
    }
  }

  /** @internal Binds as a user on a connection of its own to the same DC, and always closes it. */
  async bindAsUser(controller: Controller, dn: string, password: string): Promise<BindOutcome> {
    if (this.closed) throw new Error('directory used after close()');
    const client = this.newClient(controller);
    this.counters.userBinds += 1;
    try {
      await client.bind(dn, password);
      return { ok: true };
    } catch (error) {
      const failure = bindFailureOf(error);
      if (failure?.kind === 'subCode') return { ok: false, subCode: failure.subCode };
      if (failure?.kind === 'unknownSubCode') {
        // An unknown refusal is no proof either way: fail closed and let someone look at it.
        this.options.logger?.error('bind refused with an unknown sub-code', {
          controller: controller.url,
          code: failure.subCode,
        });
        throw new Error(`bind refused by ${controller.url} with an unknown sub-code (data ${failure.subCode})`);
      }
      throw this.translate(error, controller);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** @internal */
  get searchBases(): readonly string[] {
    return this.options.searchBases;
  }

  /** @internal */
  get baseDn(): string {
    return this.options.baseDn;
  }

  /** @internal */
  get logger(): Logger | undefined {
    return this.options.logger;
  }

  // -- connections --------------------------------------------------------------------------------------------

  private preferenceOrder(): Controller[] {
    const now = Date.now();
    const recentlyFailed = (c: Controller) => c.failedAt !== 0 && now - c.failedAt < FAILED_CONTROLLER_BACKOFF_MS;
    return [...this.controllers.filter((c) => !recentlyFailed(c)), ...this.controllers.filter(recentlyFailed)];
  }

  /**
   * A client that owns exactly one socket. ldapts reconnects a closed client by itself on the next operation,
   * without binding: on the service connection that would run the next search anonymously. Refusing a second
   * socket turns that into a dropped-connection error, which withServiceConnection answers with a fresh, bound one.
   */
  private newClient(controller: Controller): Client {
    let connected = false;
    const createSecureConnection = ((port: number, host: string, options: tls.ConnectionOptions) => {
      if (connected) throw new Error('Socket connection not established (closed connections are not reopened)');
      connected = true;
      return tls.connect(port, host, options);
    }) as typeof tls.connect;
    return new Client({
      url: controller.url,
      tlsOptions: this.tlsOptions,
      connectTimeout: this.options.connectTimeoutMs,
      timeout: this.options.operationTimeoutMs,
      createSecureConnection,
    });
  }

  /** The controller's bound service connection; opened on first use, or again after it went away. */
  private serviceClient(controller: Controller): Promise<Client> {
    if (controller.client?.isBound) return Promise.resolve(controller.client);
    if (!controller.opening) {
      const stale = controller.client;
      controller.client = null;
      if (stale) void stale.unbind().catch(() => undefined);
      controller.opening = this.openServiceClient(controller)
        .then((client) => {
          controller.client = client;
          return client;
        })
        .finally(() => {
          controller.opening = null;
        });
    }
    return controller.opening;
  }

  /** After `stale` dropped: a connection another caller already reopened is used as it is. */
  private reopen(controller: Controller, stale: Client): Promise<Client> {
    if (controller.client === stale) {
      controller.client = null;
      void stale.unbind().catch(() => undefined);
    }
    return this.serviceClient(controller);
  }

  private async openServiceClient(controller: Controller): Promise<Client> {
    const client = this.newClient(controller);
    try {
      await client.bind(this.options.bindDn, this.options.bindPassword);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      const failure = bindFailureOf(error);
      if (failure) {
        const data = failure.subCode;
        throw new Error(
          `the service account bind was refused by ${controller.url} (data ${data}): check bindDn and bindPassword`,
        );
      }
      throw this.translate(error, controller);
    }
    this.counters.serviceConnectionsOpened += 1;
    return client;
  }

  /** Errors from ldapts or the socket, as the port and the operator need them. */
  private translate(error: unknown, controller: Controller): unknown {
    if (error instanceof DirectoryUnavailableError || error instanceof DirectoryTlsError) return error;
    if (isCertificateError(error)) {
      return new DirectoryTlsError(
        `TLS certificate verification failed for ${controller.url} (${errorText(error)}): ` +
          'the certificate does not chain to the configured CA bundle or does not name this host',
      );
    }
    if (isUnavailable(error)) {
      controller.failedAt = Date.now();
      return new DirectoryUnavailableError(`${controller.url} did not answer: ${errorText(error)}`);
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_'))) {
      return new DirectoryTlsError(`TLS handshake with ${controller.url} failed (${errorText(error)})`);
    }
    return error;
  }
}

/** All of a session's calls go to the controller it was opened on. */
class LdapSession implements DirectorySession {
  readonly controller: string;
  private closed = false;

  constructor(
    private readonly directory: LdapDirectory,
    private readonly pinned: Controller,
  ) {
    this.controller = pinned.url;
  }

  async findAccount(lookup: AccountLookup): Promise<DirectoryAccount | null> {
    this.check();
    const filter = accountFilter(lookup);
    if (!filter) return null;
    return this.directory.withServiceConnection(this.pinned, async (client) => {
      // Every base is searched, so a name held by two accounts is caught rather than answered with whichever
      // base came first.
      const entries: Entry[] = [];
      for (const base of this.directory.searchBases) {
        const { searchEntries } = await client.search(base, {
          scope: 'sub',
          filter,
          attributes: ['objectGUID'],
          explicitBufferAttributes: explicitBuffers(['objectGUID']),
          sizeLimit: 2,
        });
        entries.push(...searchEntries);
      }
      const match = uniqueMatch(entries);
      if (match.kind === 'ambiguous') {
        this.directory.logger?.warn('account lookup is ambiguous; treated as not found', {
          controller: this.controller,
          subject: lookup.by === 'objectGuid' ? lookup.value.toLowerCase() : lookup.value,
          count: match.count,
        });
        return null;
      }
      if (match.kind === 'none') return null;
      const dn = match.dn;
      return this.readAccount(client, dn);
    });
  }

  async verifyPassword(account: DirectoryAccount, password: string): Promise<BindOutcome> {
    this.check();
    // AD reads a simple bind with an empty password as an anonymous bind, and "succeeds".
    if (password === '') return { ok: false, subCode: '52e' };
    return this.directory.bindAsUser(this.pinned, account.dn, password);
  }

  async resetLockout(account: DirectoryAccount): Promise<void> {
    this.check();
    // By GUID, not DN: an account renamed or moved since it was read is still the one unlocked. The check keeps
    // anything but a GUID out of the DN string.
    if (!isCanonicalGuid(account.objectGuid)) {
      throw new Error(`cannot reset the lockout of ${account.dn}: objectGuid ${account.objectGuid} is not a GUID`);
    }
    const target = `<GUID=${account.objectGuid.toLowerCase()}>`;
    // lockoutTime can only ever be written as 0, and writing it twice does no harm, so the one retry after a dropped
    // connection is safe.
    const unlock = new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
    });
    try {
      await this.directory.withServiceConnection(this.pinned, (client) => client.modify(target, unlock));
    } catch (error) {
      if (error instanceof ResultCodeError && error.code === 50) {
        // A delegation problem, the same for every account under that OU: ops must fix it, a retry will not.
        this.directory.logger?.error('the service account may not unlock accounts', {
          controller: this.controller,
          subject: account.objectGuid,
          reason: 'write lockoutTime',
          errorName: error.name,
          errorMessage: error.message,
        });
        throw new Error(
          `the service account lacks the right "write lockoutTime" on ${account.dn} (insufficient access on ` +
            `${this.controller}): delegate it on the users' OU`,
          { cause: error },
        );
      }
      if (error instanceof NoSuchObjectError) {
        throw new Error(`cannot reset the lockout of ${account.dn}: the account no longer exists`, { cause: error });
      }
      throw error;
    }
  }

  async domainPolicy(): Promise<DirectoryPolicy> {
    this.check();
    const baseDn = this.directory.baseDn;
    const entry = await this.directory.withServiceConnection(this.pinned, (client) =>
      readBase(client, baseDn, DOMAIN_POLICY_ATTRIBUTES),
    );
    if (!entry) throw new Error(`cannot read the domain policy: ${baseDn} does not exist or cannot be seen`);
    return domainPolicyFromEntry(entry);
  }

  async effectivePolicy(account: DirectoryAccount): Promise<DirectoryPolicy> {
    this.check();
    const pso = account.resultantPso;
    if (pso === null) return this.domainPolicy();
    const entry = await this.directory
      .withServiceConnection(this.pinned, (client) => readBase(client, pso, PSO_ATTRIBUTES))
      .catch((error: unknown) => {
        if (error instanceof ResultCodeError && error.code === 50) return undefined;
        throw error;
      });
    // Never the domain policy instead: the DC enforces the PSO whatever the service account may read.
    if (!entry) {
      throw new Error(
        `the service account cannot read the password settings object ${pso} (it does not exist or cannot be seen): ` +
          'it needs read access to the Password Settings Container',
      );
    }
    return psoPolicyFromEntry(entry);
  }

  async close(): Promise<void> {
    // The service connection is the directory's and outlives the session.
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new Error('directory session used after close()');
  }

  /** The account's state and tokenGroups in one base read, its DACL in a second one beside it. */
  private async readAccount(client: Client, dn: string): Promise<DirectoryAccount | null> {
    const [state, securityDescriptor] = await Promise.all([
      readBase(client, dn, ACCOUNT_ATTRIBUTES),
      readBase(client, dn, [SECURITY_DESCRIPTOR_ATTRIBUTE], new SdFlagsControl(SD_FLAGS.DACL)),
    ]);
    // Renamed or deleted between the search and the read.
    if (!state) return null;
    const account = accountFromEntries(state, securityDescriptor);
    return account.sAMAccountType === SAM_USER_ACCOUNT ? account : null;
  }
}

/** One entry by DN (base scope); undefined when it does not exist. */
async function readBase(
  client: Client,
  dn: string,
  attributes: readonly string[],
  control?: SdFlagsControl,
): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(
      dn,
      {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: [...attributes],
        explicitBufferAttributes: explicitBuffers(attributes),
      },
      control,
    );
    return searchEntries[0];
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}
