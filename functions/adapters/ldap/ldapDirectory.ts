/**
 * The directory port over LDAPS with ldapts: Active Directory (and Samba AD in the tests).
 *
 * Connections: one service connection per instance and domain controller, bound as the service account, opened
 * lazily and reused by every session; a dropped one is reopened once and the operation retried once (a password
 * write only where that is safe, see writePassword). Password proofs bind on a short-lived connection of their own,
 * never the service connection. A session is pinned to the first DC that answers, so a read right after a write
 * sees it. TLS is always verified against the configured CA. No password is ever logged.
 */
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';
import {
  Attribute,
  Change,
  Client,
  type Control,
  type Entry,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  ResultCodeError,
} from 'ldapts';
import {
  type AccountLookup,
  type BadPasswords,
  type BindOutcome,
  type Directory,
  type DirectoryAccount,
  type DirectoryPolicy,
  type DirectorySession,
  DirectoryUnavailableError,
  type PasswordWriteOutcome,
  SAM_USER_ACCOUNT,
  type SessionOptions,
} from '../../core/directory.js';
import type { Logger } from '../../core/log.js';
import { bindFailureOf, isCertificateError, isDroppedConnection, isUnavailable } from './bindErrors.js';
import {
  ACCOUNT_ATTRIBUTES,
  accountFromEntries,
  BAD_PASSWORD_ATTRIBUTES,
  badPasswordsFromEntry,
  DOMAIN_POLICY_ATTRIBUTES,
  domainPolicyFromEntry,
  explicitBuffers,
  GROUP_ATTRIBUTES,
  groupSidFromEntry,
  PSO_ATTRIBUTES,
  psoPolicyFromEntry,
  SECURITY_DESCRIPTOR_ATTRIBUTE,
} from './entry.js';
import { accountFilter } from './filter.js';
import { isCanonicalGuid } from './guid.js';
import { uniqueMatch } from './match.js';
import { ldapErrorSummary, passwordRefusalOf } from './passwordErrors.js';
import { PolicyHintsControl, policyHintsOidOf } from './policyHintsControl.js';
import { SD_FLAGS, SdFlagsControl } from './sdFlagsControl.js';
import { WrongBindTimes } from './wrongBindTime.js';

export interface LdapDirectoryOptions {
  /** Domain controllers in order of preference; ldaps:// only. */
  urls: string[];
  /** DN of the service account (compared with account DNs to keep it out of self-service, so no UPN here). */
  bindDn: string;
  /**
   * The service account's password, or a function that reads it (deployed: from Secrets Manager, kept a few minutes),
   * called whenever a service connection opens so a rotated password is picked up without a redeploy.
   */
  bindPassword: string | BindPasswordSource;
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
  /** After a refused service bind, no new one for this long (default SERVICE_BIND_RETRY_MS). */
  serviceBindRetryMs?: number;
  logger?: Logger;
}

export interface BindPasswordSource {
  (): Promise<string>;
  /** Called after the directory refused the password, so the next read fetches it anew. */
  forget?(): void;
}

export interface LdapDirectoryStats {
  serviceConnectionsOpened: number;
  userBinds: number;
  /** Connections started for a user bind before it was needed (SessionOptions.verifiesPassword), used or not. */
  userConnectionsStarted: number;
}

/** A DC's certificate could not be verified, or the TLS handshake failed: configuration or interception, not load. */
export class DirectoryTlsError extends Error {
  override readonly name = 'DirectoryTlsError';
}

/** After the service bind was refused, how long this instance answers without binding again. */
export const SERVICE_BIND_RETRY_MS = 60_000;

/** LDAP result code 10: the base lies in a naming context this DC does not hold. */
const REFERRAL = 10;

/** A DC that failed is tried after the others for this long, so a dead first DC does not cost every request. */
const FAILED_CONTROLLER_BACKOFF_MS = 30_000;

interface Controller {
  /** ldaps://host:port, also the session's `controller`. */
  readonly url: string;
  client: Client | null;
  opening: Promise<Client> | null;
  failedAt: number;
  /** The policy-hints OID its rootDSE lists (or null for none), read once; a failed read is not kept. */
  policyHints: Promise<string | null> | null;
  /** A user connection made ready for the next password proof on this controller (see nextUserConnection). */
  ready: UserConnection | null;
  /** How long it takes to refuse a wrong password, for bindNobody to take as long. */
  wrongBinds: WrongBindTimes;
}

/** A verified TLS connection for exactly one user bind, and what is known of it without waiting for it. */
interface UserConnection {
  connection: Promise<tls.TLSSocket>;
  /** Set once connected. */
  socket: tls.TLSSocket | null;
  failed: boolean;
  startedAt: number;
}

/**
 * A ready user connection older than this is not used: an idle connection may have been dropped on the way without a
 * word (a firewall, a frozen function), and a bind on it would hang until the operation timeout.
 */
const READY_USER_CONNECTION_MAX_AGE_MS = 30_000;

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
  private tlsContext: tls.SecureContext | undefined;
  private readonly counters: LdapDirectoryStats = {
    serviceConnectionsOpened: 0,
    userBinds: 0,
    userConnectionsStarted: 0,
  };
  private closed = false;
  /** When the service bind was last refused (ms): for a while no new service bind is tried (see openSession). */
  private bindRefusedAt = Number.NEGATIVE_INFINITY;
  private bindRefusal: Error | null = null;

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
    this.controllers = [...new Set(urls)].map((url) => ({
      url,
      client: null,
      opening: null,
      failedAt: 0,
      policyHints: null,
      ready: null,
      wrongBinds: new WrongBindTimes(),
    }));
  }

  /**
   * Only the configured CA is trusted (ca replaces Node's bundled roots) and verification is never turned off. One
   * context for every connection (building one parses the bundle: a quarter of a millisecond per user bind here),
   * made at the first connection: the first context of a process costs about 18 ms, which a function's start should
   * not pay before it is asked anything.
   */
  private get tlsOptions(): tls.ConnectionOptions {
    this.tlsContext ??= tls.createSecureContext({ ca: this.options.ca, minVersion: 'TLSv1.2' });
    return { secureContext: this.tlsContext, rejectUnauthorized: true };
  }

  stats(): LdapDirectoryStats {
    return { ...this.counters };
  }

  async openSession(options: SessionOptions = {}): Promise<DirectorySession> {
    if (this.closed) throw new Error('directory used after close()');
    // After a refused service bind, requests fail at once for a while instead of each binding again with the same
    // (stale or wrong) password: every refusal counts toward the service account's lockout threshold in AD.
    const retryMs = this.options.serviceBindRetryMs ?? SERVICE_BIND_RETRY_MS;
    if (this.bindRefusal && Date.now() - this.bindRefusedAt < retryMs) throw this.bindRefusal;
    const failures: string[] = [];
    let tlsFailure: DirectoryTlsError | null = null;
    for (const controller of this.preferenceOrder()) {
      try {
        await this.serviceClient(controller);
        controller.failedAt = 0;
        const session = new LdapSession(this, controller);
        if (options.verifiesPassword) session.prepareProof(this.nextUserConnection(controller));
        return session;
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

  /** Closes the service connections (and ready user connections). Sessions opened before cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.controllers.map(async (controller) => {
        if (controller.ready) discard(controller.ready);
        controller.ready = null;
        const client = controller.client ?? (await controller.opening?.catch(() => null)) ?? null;
        controller.client = null;
        if (client) await client.unbind().catch(() => undefined);
      }),
    );
  }

  // -- used by LdapSession ------------------------------------------------------------------------------------

  /**
   * @internal Runs work on the controller's service connection, reopening it once if it dropped, and then runs
   * afterDrop on the fresh one. By default that is the work again, so the work must be idempotent (reads, or a
   * write such as lockoutTime 0); a write that is not passes what to do instead.
   */
  async withServiceConnection<T>(
    controller: Controller,
    work: (client: Client) => Promise<T>,
    afterDrop: (client: Client) => Promise<T> = work,
  ): Promise<T> {
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
      return await afterDrop(again);
    } catch (error) {
      throw this.translate(error, controller);
    }
  }

  /**
   * @internal The password-policy-hints OID this DC lists in rootDSE supportedControl, or null. Read once per DC
   * and kept for the life of the instance; a read that failed is tried again next time.
   */
  policyHintsOid(controller: Controller): Promise<string | null> {
    if (!controller.policyHints) {
      const reading = this.withServiceConnection(controller, async (client) => {
        const { searchEntries } = await client.search('', {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ['supportedControl'],
        });
        const listed = searchEntries[0]?.supportedControl ?? [];
        return policyHintsOidOf((Array.isArray(listed) ? listed : [listed]).map(String));
      });
      controller.policyHints = reading;
      reading.catch(() => {
        if (controller.policyHints === reading) controller.policyHints = null;
      });
    }
    return controller.policyHints;
  }

  /** @internal After a DC refused the control it listed: read its rootDSE again next time. */
  forgetPolicyHints(controller: Controller): void {
    controller.policyHints = null;
  }

  /**
   * @internal Binds as a user on a connection of its own to the same DC, and always closes it. `connection`: the one
   * connectForUserBind started for this bind; without it the connection is opened here.
   */
  async bindAsUser(
    controller: Controller,
    dn: string,
    password: string,
    connection?: UserConnection,
  ): Promise<BindOutcome> {
    if (this.closed) throw new Error('directory used after close()');
    const outcome = await this.bindOn(controller, dn, password, connection);
    // Once the DC has answered a proof's bind, the next proof's connection is started (see nextUserConnection); not
    // after a failure, so a DC that does not answer gets no more connections than it gets proofs.
    if (connection) this.prepareNextUserConnection(controller);
    return outcome;
  }

  private async bindOn(
    controller: Controller,
    dn: string,
    password: string,
    connection?: UserConnection,
  ): Promise<BindOutcome> {
    let socket: tls.TLSSocket | undefined;
    if (connection) {
      try {
        socket = await connection.connection;
      } catch (error) {
        throw this.translate(error, controller);
      }
    }
    const client = this.newClient(controller, socket);
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

  /**
   * @internal The user connection for a session that will prove a password (it carries that one bind, then closes).
   * The controller's ready one when it is fit: made after the previous bind there, so its handshake is long done.
   * Otherwise a new one, started as the session opens (after the request's limits admitted it), so the handshake runs
   * while the account is looked up. Either way connections follow proofs the limits admitted and binds the DC
   * answered: one per bind, plus at most one waiting per controller.
   */
  nextUserConnection(controller: Controller): UserConnection {
    const ready = controller.ready;
    controller.ready = null;
    if (ready && isFit(ready)) return ready;
    if (ready) discard(ready);
    return this.connectForUserBind(controller);
  }

  /** @internal A session's user connection that carried nothing is kept for the next proof when it is fit. */
  keepUnusedUserConnection(controller: Controller, unused: UserConnection): void {
    if (!this.closed && !controller.ready && isFit(unused)) controller.ready = unused;
    else discard(unused);
  }

  private prepareNextUserConnection(controller: Controller): void {
    if (this.closed || controller.ready) return;
    controller.ready = this.connectForUserBind(controller);
  }

  /**
   * A verified TLS connection to the controller for one user bind. Rejections are handled here, so an unused failed
   * connection is no unhandled rejection; the bind sees the failure.
   */
  private connectForUserBind(controller: Controller): UserConnection {
    const { host, port } = ldapsEndpoint(controller.url);
    const connection = new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = withoutNagle(tls.connect(port, host, this.tlsOptions));
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      // ldapts' own message for a connect timeout, so it is read the same way as on a connection ldapts opened.
      const timer = setTimeout(() => fail(new Error('Connection timeout')), this.options.connectTimeoutMs);
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        // Until ldapts takes the socket over (it replaces the error listeners), a reset must not be an uncaught error.
        socket.on('error', () => socket.destroy());
        resolve(socket);
      });
    });
    const started: UserConnection = { connection, socket: null, failed: false, startedAt: Date.now() };
    connection.then(
      (socket) => {
        started.socket = socket;
      },
      () => {
        started.failed = true;
      },
    );
    this.counters.userConnectionsStarted += 1;
    return started;
  }

  /** @internal */
  get searchBases(): readonly string[] {
    return this.options.searchBases;
  }

  /** @internal */
  get baseDn(): string {
    return this.options.baseDn;
  }

  /**
   * @internal A DN no account holds (a random name under the domain head, new for each process), for the reads and
   * binds that stand in for an account that does not exist: the DC answers them as it would for a real name.
   */
  get nobodyDn(): string {
    this.nobody ??= `CN=sspr-nobody-${randomBytes(12).toString('hex')},${this.options.baseDn}`;
    return this.nobody;
  }

  private nobody: string | undefined;

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
   * `connected`: a socket connectForUserBind made ready, which ldapts takes as it is (open, TLS verified).
   */
  private newClient(controller: Controller, connected?: tls.TLSSocket): Client {
    let used = false;
    const createSecureConnection = ((port: number, host: string, options: tls.ConnectionOptions) => {
      if (used) throw new Error('Socket connection not established (closed connections are not reopened)');
      used = true;
      return connected ?? withoutNagle(tls.connect(port, host, options));
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
    const source = this.options.bindPassword;
    const password = typeof source === 'string' ? source : await source();
    // An empty password is an unauthenticated bind that AD answers with success.
    if (password === '') throw new Error('the service account password is empty');
    const client = this.newClient(controller);
    try {
      await client.bind(this.options.bindDn, password);
    } catch (error) {
      await client.unbind().catch(() => undefined);
      const failure = bindFailureOf(error);
      if (failure) {
        if (typeof source !== 'string') source.forget?.();
        const data = failure.subCode;
        this.bindRefusal = new Error(
          `the service account bind was refused by ${controller.url} (data ${data}): check bindDn and bindPassword`,
        );
        this.bindRefusedAt = Date.now();
        throw this.bindRefusal;
      }
      throw this.translate(error, controller);
    }
    this.bindRefusal = null;
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

  /** nextUserConnection's, for this session's one verifyPassword (SessionOptions.verifiesPassword). */
  private userConnection: UserConnection | null = null;
  /** The domain policy, read beside the account lookup when a proof follows (its badPwdCount guard needs a policy). */
  private domainPolicyRead: Promise<DirectoryPolicy> | null = null;

  constructor(
    private readonly directory: LdapDirectory,
    private readonly pinned: Controller,
  ) {
    this.controller = pinned.url;
  }

  /**
   * A password proof follows: its user connection and the domain policy (what most accounts fall under) are on their
   * way while the account is looked up. Failures reach the calls that use them; unused ones are dropped quietly.
   */
  prepareProof(userConnection: UserConnection): void {
    this.userConnection = userConnection;
    this.domainPolicyRead = this.readDomainPolicy();
    this.domainPolicyRead.catch(() => undefined);
  }

  async findAccount(lookup: AccountLookup): Promise<DirectoryAccount | null> {
    this.check();
    const filter = accountFilter(lookup);
    if (!filter) return null;
    return this.directory.withServiceConnection(this.pinned, async (client) => {
      // Every base is searched, so a name held by two accounts is caught rather than answered with whichever
      // base came first. The DACL comes with the search (it needs no base scope), so one read follows.
      const found = ['objectGUID', SECURITY_DESCRIPTOR_ATTRIBUTE];
      const entries: Entry[] = [];
      for (const base of this.directory.searchBases) {
        const { searchEntries } = await client.search(
          base,
          { scope: 'sub', filter, attributes: found, explicitBufferAttributes: explicitBuffers(found), sizeLimit: 2 },
          new SdFlagsControl(SD_FLAGS.DACL),
        );
        entries.push(...searchEntries);
      }
      const match = uniqueMatch(entries);
      // A name that finds no account makes the account read all the same (of a DN no one holds), so it costs the
      // round trips of one that does.
      if (match.kind !== 'one') {
        await readBase(client, this.directory.nobodyDn, ACCOUNT_ATTRIBUTES);
      }
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
      return this.readAccount(
        client,
        dn,
        entries.find((entry) => entry.dn === dn),
      );
    });
  }

  async verifyPassword(account: DirectoryAccount, password: string): Promise<BindOutcome> {
    this.check();
    // AD reads a simple bind with an empty password as an anonymous bind, and "succeeds".
    if (password === '') return { ok: false, subCode: '52e' };
    const connection = this.userConnection ?? undefined;
    this.userConnection = null;
    const startedAt = Date.now();
    const outcome = await this.directory.bindAsUser(this.pinned, account.dn, password, connection);
    if (!outcome.ok && outcome.subCode === '52e') this.pinned.wrongBinds.record(Date.now() - startedAt);
    return outcome;
  }

  async readBadPasswords(account: DirectoryAccount | null): Promise<BadPasswords | null> {
    this.check();
    const dn = account ? guidTarget(account, 'read the bad passwords of') : this.directory.nobodyDn;
    const entry = await this.directory.withServiceConnection(this.pinned, (client) =>
      readBase(client, dn, BAD_PASSWORD_ATTRIBUTES),
    );
    return entry ? badPasswordsFromEntry(entry) : null;
  }

  async bindNobody(password: string): Promise<void> {
    this.check();
    const connection = this.userConnection ?? undefined;
    this.userConnection = null;
    const startedAt = Date.now();
    // Whatever the DC answers for a name it does not hold (52e on AD and Samba) is no one's business; it answers
    // faster than for an account, so the answer waits as long as a wrong password's would (wrongBindTime.ts).
    await this.directory.bindAsUser(this.pinned, this.directory.nobodyDn, password === '' ? '-' : password, connection);
    await this.pinned.wrongBinds.padFrom(startedAt);
  }

  async resetPassword(account: DirectoryAccount, newPassword: string): Promise<PasswordWriteOutcome> {
    this.check();
    const target = guidTarget(account, 'reset the password of');
    const oid = await this.directory.policyHintsOid(this.pinned);
    const replace = new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'unicodePwd', values: [unicodePwdValue(newPassword)] }),
    });
    const control = oid === null ? undefined : new PolicyHintsControl(oid);
    return this.writePassword(account, target, [replace], control, 'reset');
  }

  async enforcesHistoryOnReset(): Promise<boolean> {
    this.check();
    return (await this.directory.policyHintsOid(this.pinned)) !== null;
  }

  async changePassword(
    account: DirectoryAccount,
    oldPassword: string,
    newPassword: string,
  ): Promise<PasswordWriteOutcome> {
    this.check();
    const target = guidTarget(account, 'change the password of');
    // Delete and add in one modify is the user's change (old password, history and minimum age checked by the DC);
    // over the service connection, so accounts that must change or whose password expired, which cannot bind, can.
    const changes = [
      new Change({
        operation: 'delete',
        modification: new Attribute({ type: 'unicodePwd', values: [unicodePwdValue(oldPassword)] }),
      }),
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'unicodePwd', values: [unicodePwdValue(newPassword)] }),
      }),
    ];
    return this.writePassword(account, target, changes, undefined, 'change');
  }

  async resetLockout(account: DirectoryAccount): Promise<void> {
    this.check();
    const target = guidTarget(account, 'reset the lockout of');
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
    // A proof's session read it beside the lookup: a name without an account uses that read as an account does.
    const read = this.domainPolicyRead;
    this.domainPolicyRead = null;
    return read ?? this.readDomainPolicy();
  }

  private async readDomainPolicy(): Promise<DirectoryPolicy> {
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

  async groupSid(dn: string): Promise<string | null> {
    this.check();
    // Only a plain DN is read: AD would also take `<SID=…>` or `<GUID=…>` as a base, which no configured DN means.
    const trimmed = dn.trim();
    if (!DN_SHAPE.test(trimmed)) return null;
    const entry = await this.directory
      .withServiceConnection(this.pinned, (client) => readBase(client, normalizeDn(trimmed), GROUP_ATTRIBUTES))
      .catch((error: unknown) => {
        // The DC's word that the string is no DN, or (10, a referral from Windows AD) that it lies outside this
        // domain: either way this DC holds no group there, like a DN that is not there.
        if (error instanceof InvalidDNSyntaxError) return undefined;
        if (error instanceof ResultCodeError && error.code === REFERRAL) return undefined;
        throw error;
      });
    return entry ? groupSidFromEntry(entry) : null;
  }

  async close(): Promise<void> {
    // The service connection is the directory's and outlives the session; an unused user connection, which carried
    // nothing, waits for the next proof (or goes).
    this.closed = true;
    const unused = this.userConnection;
    this.userConnection = null;
    if (unused) this.directory.keepUnusedUserConnection(this.pinned, unused);
  }

  private check(): void {
    if (this.closed) throw new Error('directory session used after close()');
  }

  /**
   * One unicodePwd write over the service connection. After the connection dropped under it, the write may or may
   * not have been applied. A reset without the hints control is sent once more: the same password again does no
   * harm. Otherwise a second attempt could be refused because of the first (the history now holds the password; a
   * change's old password is no longer current), so pwdLastSet, read before the write, decides: moved on → the write
   * was applied; unchanged → a reset is sent once more, a change never is and the DC counts as unavailable.
   */
  private async writePassword(
    account: DirectoryAccount,
    target: string,
    changes: Change[],
    control: Control | undefined,
    kind: 'reset' | 'change',
  ): Promise<PasswordWriteOutcome> {
    const right = kind === 'reset' ? 'Reset Password' : 'Change Password';
    const write = (client: Client) => client.modify(target, changes, control);
    try {
      if (kind === 'reset' && control === undefined) {
        await this.directory.withServiceConnection(this.pinned, write);
      } else {
        const before = await this.directory.withServiceConnection(this.pinned, (client) =>
          pwdLastSetOf(client, target),
        );
        await this.directory.withServiceConnection(this.pinned, write, async (client) => {
          if ((await pwdLastSetOf(client, target)) !== before) {
            this.directory.logger?.warn('the connection dropped under a password write that the DC had applied', {
              controller: this.controller,
              subject: account.objectGuid,
              reason: kind,
            });
            return;
          }
          if (kind === 'reset') return write(client);
          throw new DirectoryUnavailableError(
            `${this.controller} dropped the connection under a password change, not applied when read again`,
          );
        });
      }
      return { ok: true };
    } catch (error) {
      const refusal = passwordRefusalOf(error, right);
      if (refusal) {
        this.logRefusal(refusal, account, error as ResultCodeError);
        return refusal;
      }
      if (error instanceof NoSuchObjectError) {
        throw new Error(`cannot ${kind} the password of ${account.dn}: the account no longer exists`, { cause: error });
      }
      if (error instanceof ResultCodeError && error.code === 12 && control) {
        // It listed the control; if that changed (a DC replaced under the same name), read its rootDSE again.
        this.directory.forgetPolicyHints(this.pinned);
        throw new Error(`${this.controller} refused the password-policy-hints control ${control.type} it listed`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Refusals ops must act on are logged here, from codes only: the DC's text is not needed and never logged. */
  private logRefusal(
    refusal: Exclude<PasswordWriteOutcome, { ok: true }>,
    account: DirectoryAccount,
    error: ResultCodeError,
  ): void {
    const fields = {
      controller: this.controller,
      subject: account.objectGuid,
      errorName: error.name,
      errorMessage: ldapErrorSummary(error),
    };
    if (refusal.refusal === 'access') {
      // A delegation problem, the same for every account under that OU: a retry will not help.
      this.directory.logger?.error('the service account may not write this password', {
        ...fields,
        reason: refusal.right,
      });
    } else if (refusal.refusal === 'constraint') {
      this.directory.logger?.warn('the DC refused a password write for a reason other than its policy', fields);
    }
  }

  /** The account's state and tokenGroups in one base read; its DACL from `securityDescriptor`, the search's entry. */
  private async readAccount(
    client: Client,
    dn: string,
    securityDescriptor: Entry | undefined,
  ): Promise<DirectoryAccount | null> {
    const state = await readBase(client, dn, ACCOUNT_ATTRIBUTES);
    // Renamed or deleted between the search and the read.
    if (!state) return null;
    const account = accountFromEntries(state, securityDescriptor);
    return account.sAMAccountType === SAM_USER_ACCOUNT ? account : null;
  }
}

/** `<GUID=…>`: a password write or unlock reaches the account read even if it was renamed or moved since. */
function guidTarget(account: DirectoryAccount, action: string): string {
  // The check keeps anything but a GUID out of the DN string.
  if (!isCanonicalGuid(account.objectGuid)) {
    throw new Error(`cannot ${action} ${account.dn}: objectGuid ${account.objectGuid} is not a GUID`);
  }
  return `<GUID=${account.objectGuid.toLowerCase()}>`;
}

/** What AD takes as a password: the quoted password in UTF-16LE, as bytes (a string, or no quotes, is 53). */
function unicodePwdValue(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** The account's pwdLastSet as the DC holds it now, or null when the account is gone. */
async function pwdLastSetOf(client: Client, target: string): Promise<string | null> {
  const entry = await readBase(client, target, ['pwdLastSet']);
  if (!entry) return null;
  const value = entry.pwdLastSet ?? entry.pwdlastset;
  return String((Array.isArray(value) ? value[0] : value) ?? '');
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

/**
 * LDAP is one small request, then wait for the answer: with Nagle's algorithm a request written on a connection that
 * sat idle after its handshake waited for the DC's delayed ACK (measured on Samba: a user bind took 45 ms instead of
 * 3).
 */
function withoutNagle(socket: tls.TLSSocket): tls.TLSSocket {
  socket.setNoDelay(true);
  return socket;
}

/** Host and port of an ldaps:// URL, read as ldapts reads them (brackets off an IPv6 literal, 636 by default). */
function ldapsEndpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { host: host || 'localhost', port: parsed.port ? Number(parsed.port) : 636 };
}

/** Whether a user connection can still carry a bind: not failed, not too old, and (once connected) still open. */
function isFit(ready: UserConnection): boolean {
  if (ready.failed || Date.now() - ready.startedAt > READY_USER_CONNECTION_MAX_AGE_MS) return false;
  return ready.socket === null || (!ready.socket.destroyed && ready.socket.writable);
}

/** Closes a user connection that will carry nothing, once it is connected (a failed one has nothing to close). */
function discard(unused: UserConnection): void {
  unused.connection.then(
    (socket) => socket.destroy(),
    () => undefined,
  );
}
