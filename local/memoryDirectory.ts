/**
 * The in-memory Active Directory of the local stack and of the tests: a stand-in with Windows AD's semantics for what
 * the product reads and binds (DESIGN §7, notes/samba-ad-dc.md). It passes the same contract suite as Samba AD
 * (test/contract/directory.contract.ts). Local only: never imported by a deployed bundle.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { Clock } from '../functions/core/clock.js';
import {
  type AccountLookup,
  type BadPasswords,
  type BindOutcome,
  type BindSubCode,
  type Directory,
  type DirectoryAccount,
  type DirectoryPolicy,
  type DirectorySession,
  DirectoryUnavailableError,
  type PasswordWriteOutcome,
  SAM_USER_ACCOUNT,
  type SessionOptions,
  UAC,
} from '../functions/core/directory.js';
import { meetsWindowsPasswordRules } from './adPasswordRules.js';

// ---------------------------------------------------------------------------------------------------------------
// Seed format (local/directory.seed.json)
// ---------------------------------------------------------------------------------------------------------------

/** A password and lockout policy as an operator writes it (Group Policy units), converted to seconds when read. */
export interface SeedPolicy {
  minLength: number;
  complexity: boolean;
  historyLength: number;
  minAgeDays: number;
  /** 0 = passwords never expire. */
  maxAgeDays: number;
  /** 0 = accounts never lock out. */
  lockoutThreshold: number;
  /** 0 = locked until an administrator unlocks. */
  lockoutDurationMinutes: number;
  lockoutObservationMinutes: number;
}

export interface SeedGroup {
  /** Referenced by accounts' and groups' memberOf and by a PSO's appliesTo. */
  name: string;
  dn: string;
  /** Domain-relative id (the SID is the domain SID + rid); exactly one of rid and sid. */
  rid?: number;
  /** A full SID, for builtin groups (S-1-5-32-…). */
  sid?: string;
  /** Names of the groups this group is a direct member of. */
  memberOf?: string[];
}

export interface SeedPasswordSettings {
  name: string;
  /** CN=…,CN=Password Settings Container,CN=System,<base DN> */
  dn: string;
  /** msDS-PasswordSettingsPrecedence: the lowest wins. */
  precedence: number;
  /** sAMAccountNames and group names the PSO is applied to (msDS-PSOAppliesTo). */
  appliesTo: string[];
  policy: SeedPolicy;
  /** The service account lacks read access to it (its msDS-* attributes would read empty): effectivePolicy throws. */
  unreadable?: boolean;
}

export interface SeedAccount {
  sAMAccountName: string;
  dn: string;
  rid: number;
  /** Canonical GUID string, lower case. */
  objectGuid: string;
  /** Default 805306368 (a user account). */
  sAMAccountType?: number;
  userPrincipalName?: string;
  displayName?: string;
  mail?: string;
  mobile?: string;
  /** Default 512 (NORMAL_ACCOUNT). */
  userAccountControl?: number;
  /** Default 513 (Domain Users). */
  primaryGroupRid?: number;
  /** Names of the groups the account is a direct member of. */
  memberOf?: string[];
  adminCount?: number;
  /** accountExpires relative to the clock when the demo states are applied (negative = already expired); absent = never. */
  accountExpiresInDays?: number;
  /** 42 hex digits (21 bytes); absent = every hour allowed. */
  logonHours?: string;
  userWorkstations?: string;
  /** A deny ACE for Change-Password to Everyone and SELF. */
  cannotChangePassword?: boolean;
  /** The service account cannot read tokenGroups (it then reads empty, with no error). */
  tokenGroupsUnreadable?: boolean;
  /** The demo password; absent = no password anyone knows. */
  password?: string;
  /** pwdLastSet 0. */
  mustChangePassword?: boolean;
  /** pwdLastSet this many days before the clock when the demo states are applied. */
  passwordAgeDays?: number;
  /** Locked by bad binds every time the demo states are applied. */
  lockedOut?: boolean;
}

export interface DirectorySeed {
  $comment?: string;
  domain: {
    dnsName: string;
    netbiosName: string;
    baseDn: string;
    /** The domain SID, S-1-5-21-x-y-z. */
    sid: string;
    policy: SeedPolicy;
  };
  /** sAMAccountName of the account the product binds as. */
  serviceAccount: string;
  groups: SeedGroup[];
  passwordSettings: SeedPasswordSettings[];
  accounts: SeedAccount[];
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SID_PATTERN = /^S-1-\d+(-\d+)+$/;
/** Characters AD refuses in a sAMAccountName (control characters too). */
const SAM_FORBIDDEN = new Set('"/\\[]:;|=,+*?<>@');
const DN_PATTERN = /^[A-Za-z]+=[^,]+(,[A-Za-z]+=[^,]+)*$/;

const dn = z.string().regex(DN_PATTERN, 'must be a distinguished name');
const sid = z.string().regex(SID_PATTERN, 'must be a SID (S-1-…)');
const days = z.number().min(0);

const seedPolicySchema = z.strictObject({
  minLength: z.int().min(0).max(255),
  complexity: z.boolean(),
  historyLength: z.int().min(0).max(1024),
  minAgeDays: days,
  maxAgeDays: days,
  lockoutThreshold: z.int().min(0),
  lockoutDurationMinutes: z.number().min(0),
  lockoutObservationMinutes: z.number().min(0),
}) satisfies z.ZodType<SeedPolicy>;

const seedGroupSchema = z.strictObject({
  name: z.string().min(1),
  dn,
  rid: z.int().min(0).optional(),
  sid: sid.optional(),
  memberOf: z.array(z.string()).optional(),
}) satisfies z.ZodType<SeedGroup>;

const seedPasswordSettingsSchema = z.strictObject({
  name: z.string().min(1),
  dn,
  precedence: z.int().min(1),
  appliesTo: z.array(z.string().min(1)),
  policy: seedPolicySchema,
  unreadable: z.boolean().optional(),
}) satisfies z.ZodType<SeedPasswordSettings>;

const seedAccountSchema = z.strictObject({
  // Refused as AD refuses them, so the seed cannot hold an account that no real domain could.
  sAMAccountName: z
    .string()
    .min(1)
    .max(20)
    .refine(
      (name) => [...name].every((c) => !SAM_FORBIDDEN.has(c) && (c.codePointAt(0) ?? 0) >= 0x20),
      'contains a character AD forbids in a sAMAccountName',
    ),
  dn,
  rid: z.int().min(0),
  objectGuid: z.string().regex(GUID_PATTERN, 'must be a canonical lower-case GUID'),
  sAMAccountType: z.int().optional(),
  userPrincipalName: z.string().min(3).optional(),
  displayName: z.string().min(1).optional(),
  mail: z.string().min(3).optional(),
  mobile: z.string().min(1).optional(),
  userAccountControl: z.int().min(0).optional(),
  primaryGroupRid: z.int().min(0).optional(),
  memberOf: z.array(z.string()).optional(),
  adminCount: z.int().min(0).optional(),
  accountExpiresInDays: z.number().optional(),
  logonHours: z
    .string()
    .regex(/^[0-9a-fA-F]{42}$/, 'must be 42 hex digits (21 bytes)')
    .optional(),
  userWorkstations: z.string().min(1).optional(),
  cannotChangePassword: z.boolean().optional(),
  tokenGroupsUnreadable: z.boolean().optional(),
  password: z.string().min(1).optional(),
  mustChangePassword: z.boolean().optional(),
  passwordAgeDays: z.number().min(0).optional(),
  lockedOut: z.boolean().optional(),
}) satisfies z.ZodType<SeedAccount>;

export const directorySeedSchema = z
  .strictObject({
    $comment: z.string().optional(),
    domain: z.strictObject({
      dnsName: z.string().min(1),
      netbiosName: z.string().regex(/^[A-Za-z0-9-]{1,15}$/, 'must be a NetBIOS domain name'),
      baseDn: dn,
      sid: z.string().regex(/^S-1-5-21-\d+-\d+-\d+$/, 'must be a domain SID (S-1-5-21-x-y-z)'),
      policy: seedPolicySchema,
    }),
    serviceAccount: z.string().min(1),
    groups: z.array(seedGroupSchema),
    passwordSettings: z.array(seedPasswordSettingsSchema),
    accounts: z.array(seedAccountSchema),
  })
  .superRefine((seed, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = <T>(items: T[], key: (item: T) => string | undefined, field: string, listName: string) => {
      const seen = new Map<string, number>();
      items.forEach((item, index) => {
        const value = key(item);
        if (value === undefined) return;
        const first = seen.get(value);
        if (first === undefined) seen.set(value, index);
        else problem([listName, index, field], `duplicates ${listName}.${first}.${field}`);
      });
    };
    unique(seed.accounts, (a) => a.sAMAccountName.toLowerCase(), 'sAMAccountName', 'accounts');
    unique(seed.accounts, (a) => a.userPrincipalName?.toLowerCase(), 'userPrincipalName', 'accounts');
    unique(seed.accounts, (a) => a.objectGuid, 'objectGuid', 'accounts');
    unique(seed.accounts, (a) => String(a.rid), 'rid', 'accounts');
    unique(seed.accounts, (a) => normalizeDn(a.dn), 'dn', 'accounts');
    unique(seed.groups, (g) => g.name.toLowerCase(), 'name', 'groups');
    unique(seed.groups, (g) => normalizeDn(g.dn), 'dn', 'groups');
    unique(seed.groups, (g) => g.sid ?? (g.rid === undefined ? undefined : String(g.rid)), 'rid', 'groups');
    unique(seed.passwordSettings, (p) => normalizeDn(p.dn), 'dn', 'passwordSettings');
    unique(seed.passwordSettings, (p) => String(p.precedence), 'precedence', 'passwordSettings');

    const groupNames = new Set(seed.groups.map((g) => g.name.toLowerCase()));
    const groupRids = new Set(seed.groups.flatMap((g) => (g.rid === undefined ? [] : [g.rid])));
    const accountNames = new Set(seed.accounts.map((a) => a.sAMAccountName.toLowerCase()));
    seed.groups.forEach((group, index) => {
      if ((group.rid === undefined) === (group.sid === undefined)) {
        problem(['groups', index], 'needs exactly one of rid and sid');
      }
      group.memberOf?.forEach((name, i) => {
        if (!groupNames.has(name.toLowerCase())) problem(['groups', index, 'memberOf', i], `no group named "${name}"`);
      });
    });
    seed.accounts.forEach((account, index) => {
      account.memberOf?.forEach((name, i) => {
        if (!groupNames.has(name.toLowerCase()))
          problem(['accounts', index, 'memberOf', i], `no group named "${name}"`);
      });
      const primary = account.primaryGroupRid ?? 513;
      if (!groupRids.has(primary)) problem(['accounts', index, 'primaryGroupRid'], `no group with rid ${primary}`);
      if (account.mustChangePassword && account.passwordAgeDays !== undefined) {
        problem(['accounts', index, 'passwordAgeDays'], 'cannot be combined with mustChangePassword (pwdLastSet 0)');
      }
    });
    seed.passwordSettings.forEach((pso, index) => {
      pso.appliesTo.forEach((name, i) => {
        const key = name.toLowerCase();
        if (!accountNames.has(key) && !groupNames.has(key)) {
          problem(['passwordSettings', index, 'appliesTo', i], `no account or group named "${name}"`);
        }
      });
    });
    if (!accountNames.has(seed.serviceAccount.toLowerCase())) {
      problem(['serviceAccount'], `no account named "${seed.serviceAccount}"`);
    }
  }) satisfies z.ZodType<DirectorySeed>;

/** The seed (or the state file) is invalid; the message lists every problem, one per line. */
export class DirectorySeedError extends Error {
  override readonly name = 'DirectorySeedError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

export function parseDirectorySeed(input: unknown, source = 'directory seed'): DirectorySeed {
  const result = directorySeedSchema.safeParse(input);
  if (!result.success) throw new DirectorySeedError(source, issuesOf(result.error));
  return result.data;
}

// ---------------------------------------------------------------------------------------------------------------
// AD time and value helpers
// ---------------------------------------------------------------------------------------------------------------

/** FILETIME of the Unix epoch (100 ns intervals since 1601-01-01 UTC). */
const FILETIME_UNIX_EPOCH = 116444736000000000n;
/** accountExpires "never" (the other one is 0). */
export const FILETIME_NEVER = 0x7fffffffffffffffn;
const TICKS_PER_SECOND = 10_000_000n;

export function filetimeFromMs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 10_000n + FILETIME_UNIX_EPOCH;
}

export function msFromFiletime(filetime: bigint): number {
  return Number((filetime - FILETIME_UNIX_EPOCH) / 10_000n);
}

const UF_DONT_EXPIRE_PASSWD = 0x10000;
/** MS-ADTS: accounts whose passwords never count as expired (no-expiry, smart card, trust and machine accounts). */
const NO_PASSWORD_EXPIRY = UF_DONT_EXPIRE_PASSWD | 0x40000 | 0x800 | 0x1000 | 0x2000;

const EVERYONE = 'S-1-1-0';
const SELF = 'S-1-5-10';

const DAY_SECONDS = 86_400;

/** Lower-cased, RDNs trimmed: how AD compares DNs for the purposes here (no escaped commas in the demo data). */
function normalizeDn(value: string): string {
  return value
    .split(/(?<!\\),/)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      return eq < 0 ? rdn.trim().toLowerCase() : `${rdn.slice(0, eq).trim()}=${rdn.slice(eq + 1).trim()}`.toLowerCase();
    })
    .join(',');
}

function isUnder(entryDn: string, baseDn: string): boolean {
  const entry = normalizeDn(entryDn);
  const base = normalizeDn(baseDn);
  return entry === base || entry.endsWith(`,${base}`);
}

function policyFromSeed(policy: SeedPolicy, source: DirectoryPolicy['source']): DirectoryPolicy {
  return {
    source,
    minLength: policy.minLength,
    complexity: policy.complexity,
    historyLength: policy.historyLength,
    minAgeSeconds: Math.round(policy.minAgeDays * DAY_SECONDS),
    maxAgeSeconds: Math.round(policy.maxAgeDays * DAY_SECONDS),
    lockoutThreshold: policy.lockoutThreshold,
    lockoutDurationSeconds: Math.round(policy.lockoutDurationMinutes * 60),
    lockoutObservationSeconds: Math.round(policy.lockoutObservationMinutes * 60),
  };
}

function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

/** One account as the stand-in keeps it: stored attributes only; computed ones are derived at read time. */
interface AccountRecord {
  dn: string;
  objectGuid: string;
  rid: number;
  sAMAccountName: string;
  sAMAccountType: number;
  userPrincipalName: string | null;
  displayName: string | null;
  mail: string | null;
  mobile: string | null;
  userAccountControl: number;
  primaryGroupRid: number;
  memberOf: string[];
  adminCount: number;
  accountExpires: bigint;
  pwdLastSet: bigint;
  badPwdCount: number;
  badPasswordTime: bigint;
  lockoutTime: bigint;
  logonHours: Uint8Array | null;
  userWorkstations: string | null;
  cannotChangePassword: boolean;
  tokenGroupsUnreadable: boolean;
  /** hex sha256(instance salt ‖ password); null = no password anyone knows. */
  passwordHash: string | null;
  /** ntPwdHistory: hashes like passwordHash, newest (the current password) first, at most historyLength of them. */
  passwordHistory: string[];
}

/** What setAttributes may change (identity — dn, objectGuid, rid, sAMAccountName — stays as seeded). */
export interface MemoryAccountPatch {
  sAMAccountType?: number;
  userPrincipalName?: string | null;
  displayName?: string | null;
  mail?: string | null;
  mobile?: string | null;
  userAccountControl?: number;
  primaryGroupRid?: number;
  memberOf?: string[];
  adminCount?: number;
  accountExpires?: bigint;
  pwdLastSet?: bigint;
  badPwdCount?: number;
  badPasswordTime?: bigint;
  lockoutTime?: bigint;
  logonHours?: Uint8Array | null;
  userWorkstations?: string | null;
  cannotChangePassword?: boolean;
  tokenGroupsUnreadable?: boolean;
}

/** account(sam): the port's view plus the stored lockout bookkeeping, for tests and the admin tools. */
export interface MemoryAccountSnapshot extends DirectoryAccount {
  rid: number;
  primaryGroupRid: number;
  badPasswordTime: bigint;
  lockoutTime: bigint;
  /** tokenGroups as the DC computes them, whether or not the service account may read them. */
  groupSids: string[];
}

const MUTABLE_FIELDS = [
  'sAMAccountType',
  'userPrincipalName',
  'displayName',
  'mail',
  'mobile',
  'userAccountControl',
  'primaryGroupRid',
  'memberOf',
  'adminCount',
  'accountExpires',
  'pwdLastSet',
  'badPwdCount',
  'badPasswordTime',
  'lockoutTime',
  'logonHours',
  'userWorkstations',
  'cannotChangePassword',
  'tokenGroupsUnreadable',
] as const satisfies readonly (keyof MemoryAccountPatch & keyof AccountRecord)[];

const integer8 = z.string().regex(/^-?\d+$/, 'must be a decimal Integer8');

const persistedAccountSchema = z.strictObject({
  sAMAccountType: z.int(),
  userPrincipalName: z.string().nullable(),
  displayName: z.string().nullable(),
  mail: z.string().nullable(),
  mobile: z.string().nullable(),
  userAccountControl: z.int(),
  primaryGroupRid: z.int(),
  memberOf: z.array(z.string()),
  adminCount: z.int(),
  accountExpires: integer8,
  pwdLastSet: integer8,
  badPwdCount: z.int().min(0),
  badPasswordTime: integer8,
  lockoutTime: integer8,
  logonHours: z
    .string()
    .regex(/^([0-9a-f]{2})*$/)
    .nullable(),
  userWorkstations: z.string().nullable(),
  cannotChangePassword: z.boolean(),
  tokenGroupsUnreadable: z.boolean(),
  passwordHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  // Optional so a state file written before history was kept still loads (its history is the current password).
  passwordHistory: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(1024)
    .optional(),
});

const persistedStateSchema = z.strictObject({
  version: z.literal(1),
  /** Salt of the password hashes; per instance, kept so a reload can still verify. */
  salt: z.string().regex(/^[0-9a-f]{32,}$/),
  /** Keyed by objectGuid, so an account re-created in the seed under the same name starts afresh. */
  accounts: z.record(z.string(), persistedAccountSchema),
});

type PersistedAccount = z.infer<typeof persistedAccountSchema>;

function toPersisted(record: AccountRecord): PersistedAccount {
  return {
    sAMAccountType: record.sAMAccountType,
    userPrincipalName: record.userPrincipalName,
    displayName: record.displayName,
    mail: record.mail,
    mobile: record.mobile,
    userAccountControl: record.userAccountControl,
    primaryGroupRid: record.primaryGroupRid,
    memberOf: [...record.memberOf],
    adminCount: record.adminCount,
    accountExpires: record.accountExpires.toString(),
    pwdLastSet: record.pwdLastSet.toString(),
    badPwdCount: record.badPwdCount,
    badPasswordTime: record.badPasswordTime.toString(),
    lockoutTime: record.lockoutTime.toString(),
    logonHours: record.logonHours ? bytesToHex(record.logonHours) : null,
    userWorkstations: record.userWorkstations,
    cannotChangePassword: record.cannotChangePassword,
    tokenGroupsUnreadable: record.tokenGroupsUnreadable,
    passwordHash: record.passwordHash,
    passwordHistory: [...record.passwordHistory],
  };
}

function fromPersisted(identity: AccountRecord, stored: PersistedAccount): AccountRecord {
  return {
    ...identity,
    ...stored,
    memberOf: [...stored.memberOf],
    accountExpires: BigInt(stored.accountExpires),
    pwdLastSet: BigInt(stored.pwdLastSet),
    badPasswordTime: BigInt(stored.badPasswordTime),
    lockoutTime: BigInt(stored.lockoutTime),
    logonHours: stored.logonHours === null ? null : hexToBytes(stored.logonHours),
    passwordHistory: stored.passwordHistory
      ? [...stored.passwordHistory]
      : stored.passwordHash === null
        ? []
        : [stored.passwordHash],
  };
}

export interface MemoryDirectoryOptions {
  seed: DirectorySeed;
  clock: Clock;
  /** Only user accounts under one of these (DN suffix, case-insensitive) are found. */
  searchBases: string[];
  /** JSON state file: loaded when present, written after every change. No cleartext password goes in it. */
  persistPath?: string;
  /**
   * Whether the stand-in's DC lists the password-policy-hints control (Windows Server 2012 R2 and later do), so an
   * administrative reset is checked against the history. Default true; false behaves like Samba or an older DC.
   */
  policyHints?: boolean;
}

type Group = { name: string; dn: string; sid: string; memberOf: string[] };
type Pso = {
  name: string;
  dn: string;
  precedence: number;
  appliesTo: Set<string>;
  policy: DirectoryPolicy;
  unreadable: boolean;
};

const CONTROLLER = 'memory://dc1';

// ---------------------------------------------------------------------------------------------------------------
// The directory
// ---------------------------------------------------------------------------------------------------------------

export class MemoryDirectory implements Directory {
  readonly serviceAccountDn: string;
  readonly domainSid: string;

  private readonly seed: DirectorySeed;
  private readonly clock: Clock;
  private readonly searchBases: string[];
  private readonly persistPath: string | undefined;
  private readonly policyHints: boolean;
  private readonly domainPolicyValue: DirectoryPolicy;
  private readonly groupsByName = new Map<string, Group>();
  private readonly groupsByRid = new Map<number, Group>();
  private readonly psos: Pso[];
  /** Keyed by lower-cased sAMAccountName. */
  private readonly accounts = new Map<string, AccountRecord>();
  private salt: Buffer;
  private available = true;

  constructor(options: MemoryDirectoryOptions) {
    // A seed built in code (tests) gets the same checks as the file.
    const seed = parseDirectorySeed(options.seed);
    this.seed = seed;
    this.clock = options.clock;
    this.searchBases = [...options.searchBases];
    this.persistPath = options.persistPath;
    this.policyHints = options.policyHints ?? true;
    this.domainSid = seed.domain.sid;
    this.domainPolicyValue = policyFromSeed(seed.domain.policy, 'domain');
    for (const group of seed.groups) {
      const entry: Group = {
        name: group.name,
        dn: group.dn,
        sid: group.sid ?? `${seed.domain.sid}-${group.rid}`,
        memberOf: (group.memberOf ?? []).map((n) => n.toLowerCase()),
      };
      this.groupsByName.set(group.name.toLowerCase(), entry);
      if (group.rid !== undefined) this.groupsByRid.set(group.rid, entry);
    }
    this.psos = seed.passwordSettings.map((pso) => ({
      name: pso.name,
      dn: pso.dn,
      precedence: pso.precedence,
      appliesTo: new Set(pso.appliesTo.map((n) => n.toLowerCase())),
      policy: policyFromSeed(pso.policy, 'pso'),
      unreadable: pso.unreadable ?? false,
    }));
    const service = seed.accounts.find((a) => a.sAMAccountName.toLowerCase() === seed.serviceAccount.toLowerCase());
    // parseDirectorySeed guarantees it; the check keeps the type narrow without a non-null assertion.
    if (!service)
      throw new DirectorySeedError('directory seed', [`serviceAccount: no account "${seed.serviceAccount}"`]);
    this.serviceAccountDn = service.dn;

    const persisted = this.persistPath && existsSync(this.persistPath) ? this.readState(this.persistPath) : undefined;
    this.salt = persisted ? Buffer.from(persisted.salt, 'hex') : randomBytes(16);
    if (persisted) {
      for (const account of seed.accounts) {
        const identity = this.recordFromSeed(account);
        const stored = persisted.accounts[account.objectGuid];
        this.accounts.set(account.sAMAccountName.toLowerCase(), stored ? fromPersisted(identity, stored) : identity);
      }
      this.save();
    } else {
      this.applyDemoStates();
    }
  }

  static fromSeedFile(path: string, options: Omit<MemoryDirectoryOptions, 'seed'>): MemoryDirectory {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new DirectorySeedError(path, [`cannot read JSON (${(error as Error).message})`]);
    }
    const seed = parseDirectorySeed(raw, path);
    return new MemoryDirectory({ ...options, seed });
  }

  /** Binds need no connection here, so SessionOptions change nothing. */
  async openSession(_options?: SessionOptions): Promise<DirectorySession> {
    this.ensureAvailable();
    return new MemorySession(this);
  }

  // -- admin (not in the port) ----------------------------------------------------------------------------------

  /** Simulates every domain controller being unreachable: session calls throw DirectoryUnavailableError. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** Administrative reset: no policy checks (it still enters the history). pwdLastSet = now, or 0 with mustChange. */
  setPassword(sam: string, password: string, options: { mustChange?: boolean } = {}): void {
    const record = this.record(sam);
    this.storePassword(record, password);
    record.pwdLastSet = options.mustChange ? 0n : this.nowFiletime();
    this.save();
  }

  /** Binds a wrong random password until the DC answers 775, as the product and the Samba fixtures lock accounts. */
  lockOutByBadBinds(sam: string): void {
    const record = this.record(sam);
    const policy = this.policyOf(record);
    if (policy.lockoutThreshold === 0) {
      throw new Error(`${record.sAMAccountName} cannot be locked out: its lockout threshold is 0 (never)`);
    }
    // threshold + 2 binds at most, like the product's own lockDirectoryAccount (DESIGN §4).
    for (let i = 0; i < policy.lockoutThreshold + 2; i++) {
      const outcome = this.bind(record.dn, randomBytes(24).toString('base64url'));
      if (!outcome.ok && outcome.subCode === '775') return;
    }
    throw new Error(`${record.sAMAccountName} did not lock out after ${policy.lockoutThreshold + 2} bad binds`);
  }

  /** What an administrator's unlock (lockoutTime := 0) does: badPwdCount goes back to 0 as well. */
  unlock(sam: string): void {
    this.clearLockout(this.record(sam));
  }

  setAttributes(sam: string, patch: MemoryAccountPatch): void {
    const record = this.record(sam);
    for (const name of patch.memberOf ?? []) {
      if (!this.groupsByName.has(name.toLowerCase())) throw new Error(`no group named "${name}"`);
    }
    if (patch.primaryGroupRid !== undefined && !this.groupsByRid.has(patch.primaryGroupRid)) {
      throw new Error(`no group with rid ${patch.primaryGroupRid}`);
    }
    if (patch.userPrincipalName) {
      const upn = patch.userPrincipalName.toLowerCase();
      const clash = [...this.accounts.values()].find((a) => a !== record && a.userPrincipalName?.toLowerCase() === upn);
      if (clash) throw new Error(`userPrincipalName ${patch.userPrincipalName} is already ${clash.sAMAccountName}'s`);
    }
    for (const field of MUTABLE_FIELDS) {
      if (patch[field] === undefined) continue;
      // Each field keeps its own type; the loop only copies (and detaches arrays and byte strings from the caller).
      const value = field === 'memberOf' ? patch.memberOf?.map((n) => n.toLowerCase()) : patch[field];
      (record as unknown as Record<string, unknown>)[field] =
        value instanceof Uint8Array ? new Uint8Array(value) : Array.isArray(value) ? [...value] : value;
    }
    this.save();
  }

  /**
   * Re-applies every seeded account's demo state (DESIGN §7) relative to the clock: attributes as seeded, the demo
   * password set now (or 0 / passwordAgeDays back), lockout cleared, then the lockedOut accounts locked by bad binds.
   * Idempotent; the local stack calls it at every start.
   */
  applyDemoStates(): void {
    this.accounts.clear();
    for (const account of this.seed.accounts) {
      this.accounts.set(account.sAMAccountName.toLowerCase(), this.recordFromSeed(account));
    }
    this.save();
    for (const account of this.seed.accounts) {
      if (account.lockedOut) this.lockOutByBadBinds(account.sAMAccountName);
    }
  }

  account(sam: string): MemoryAccountSnapshot {
    const record = this.record(sam);
    const groupSids = this.groupSids(record);
    return {
      ...this.toDirectoryAccount(record),
      rid: record.rid,
      primaryGroupRid: record.primaryGroupRid,
      badPasswordTime: record.badPasswordTime,
      lockoutTime: record.lockoutTime,
      groupSids,
    };
  }

  // -- the port's operations (called by MemorySession) ----------------------------------------------------------

  /** @internal */
  ensureAvailable(): void {
    if (!this.available) throw new DirectoryUnavailableError(`no domain controller answered (${CONTROLLER} is down)`);
  }

  /** @internal */
  find(lookup: AccountLookup): DirectoryAccount | null {
    const value = lookup.value;
    let record: AccountRecord | undefined;
    // Exact comparisons only: no value is ever interpreted as a pattern, so LDAP metacharacters match nothing.
    switch (lookup.by) {
      case 'sAMAccountName':
        record = this.accounts.get(value.toLowerCase());
        break;
      case 'userPrincipalName': {
        const upn = value.toLowerCase();
        record = [...this.accounts.values()].find((a) => a.userPrincipalName?.toLowerCase() === upn);
        break;
      }
      case 'objectGuid': {
        const guid = value.toLowerCase();
        record = GUID_PATTERN.test(guid) ? [...this.accounts.values()].find((a) => a.objectGuid === guid) : undefined;
        break;
      }
    }
    if (!record) return null;
    if (record.sAMAccountType !== SAM_USER_ACCOUNT) return null;
    if (!this.searchBases.some((base) => isUnder(record.dn, base))) return null;
    return this.toDirectoryAccount(record);
  }

  /** @internal AD's simple bind, with its sub-codes in AD's order. */
  bind(accountDn: string, password: string): BindOutcome {
    // An empty password is an anonymous bind to AD: it "succeeds" without proving anything and counts nothing.
    if (password === '') return { ok: false, subCode: '52e' };
    const wanted = normalizeDn(accountDn);
    const record = [...this.accounts.values()].find((a) => normalizeDn(a.dn) === wanted);
    // AD answers an unknown name like a wrong password.
    if (!record) return { ok: false, subCode: '52e' };
    const policy = this.policyOf(record);
    const now = this.nowFiletime();
    if (this.isLocked(record, policy, now)) return { ok: false, subCode: '775' };

    if (!this.passwordMatches(record, password)) {
      this.countBadPassword(record, policy, now);
      return { ok: false, subCode: '52e' };
    }

    const refusal = this.logonRestriction(record, policy, now);
    if (refusal) return { ok: false, subCode: refusal };
    if (record.badPwdCount !== 0 || record.lockoutTime !== 0n) {
      record.badPwdCount = 0;
      record.lockoutTime = 0n;
      this.save();
    }
    return { ok: true };
  }

  /**
   * @internal The service account's unlock, by objectGuid as the adapter addresses it (<GUID=…>), so an account
   * renamed since it was read is still the one unlocked. Writing 0 to an account that is not locked is no error in AD.
   */
  resetLockout(objectGuid: string): void {
    this.clearLockout(this.recordByGuid(objectGuid, 'reset the lockout of'));
  }

  /**
   * @internal The service account's administrative reset (unicodePwd replace), by objectGuid like resetLockout. AD
   * checks length and complexity (incl. the name rule), and the history only when the policy-hints control came
   * with it; never the minimum age. pwdLastSet becomes now (so must-change and expired end); lockout is untouched.
   */
  resetPassword(objectGuid: string, newPassword: string): PasswordWriteOutcome {
    const record = this.recordByGuid(objectGuid, 'reset the password of');
    // Reset Password is delegated on the users' OU only, which the search bases stand for; elsewhere AD answers 50.
    if (!this.searchBases.some((base) => isUnder(record.dn, base))) {
      return { ok: false, refusal: 'access', right: 'Reset Password' };
    }
    const policy = this.policyOf(record);
    if (!meetsWindowsPasswordRules(newPassword, policy, record)) return { ok: false, refusal: 'policy' };
    if (this.policyHints && this.inHistory(record, newPassword, policy)) return { ok: false, refusal: 'policy' };
    this.storePassword(record, newPassword);
    record.pwdLastSet = this.nowFiletime();
    this.save();
    return { ok: true };
  }

  /** @internal Whether an administrative reset checks the history (the DC lists the policy-hints control). */
  enforcesHistoryOnReset(): boolean {
    return this.policyHints;
  }

  /**
   * @internal A user's change (unicodePwd delete old + add new) over the service connection, in the order Samba
   * was measured to check it (access checks come before the password in AD's modify too): the Change-Password right
   * (a deny ACE refuses before the old password is looked at, so it counts nothing), the lockout, the old password
   * (a wrong one counts like a bad bind, up to a lockout), then minimum age, history, length and complexity.
   * Must-change and expired accounts may change; that ends both.
   */
  changePassword(objectGuid: string, oldPassword: string, newPassword: string): PasswordWriteOutcome {
    const record = this.recordByGuid(objectGuid, 'change the password of');
    const policy = this.policyOf(record);
    const now = this.nowFiletime();
    if (record.cannotChangePassword) return { ok: false, refusal: 'constraint' };
    // 19 / 00000775 from Samba (AD: account locked out), before the old password is compared.
    if (this.isLocked(record, policy, now)) return { ok: false, refusal: 'constraint' };
    if (!this.passwordMatches(record, oldPassword)) {
      this.countBadPassword(record, policy, now);
      return { ok: false, refusal: 'wrong-password' };
    }
    // pwdLastSet 0 (must change) has no age to wait for.
    const minAge = BigInt(policy.minAgeSeconds) * TICKS_PER_SECOND;
    if (record.pwdLastSet !== 0n && minAge > 0n && record.pwdLastSet + minAge > now) {
      return { ok: false, refusal: 'policy' };
    }
    if (this.inHistory(record, newPassword, policy)) return { ok: false, refusal: 'policy' };
    if (!meetsWindowsPasswordRules(newPassword, policy, record)) return { ok: false, refusal: 'policy' };
    this.storePassword(record, newPassword);
    record.pwdLastSet = now;
    this.save();
    return { ok: true };
  }

  /** @internal */
  domainPolicy(): DirectoryPolicy {
    return { ...this.domainPolicyValue };
  }

  /** @internal badPwdCount and badPasswordTime as stored now; null when the account is gone. */
  badPasswords(objectGuid: string): BadPasswords | null {
    const guid = objectGuid.toLowerCase();
    const record = [...this.accounts.values()].find((a) => a.objectGuid === guid);
    return record ? { badPwdCount: record.badPwdCount, badPasswordTime: record.badPasswordTime } : null;
  }

  /** @internal The PSO the account names, read as the service account would: unreadable or missing → throw. */
  effectivePolicy(account: DirectoryAccount): DirectoryPolicy {
    if (account.resultantPso === null) return this.domainPolicy();
    const wanted = normalizeDn(account.resultantPso);
    const pso = this.psos.find((p) => normalizeDn(p.dn) === wanted);
    if (!pso) throw new Error(`password settings object ${account.resultantPso} does not exist or cannot be seen`);
    if (pso.unreadable) {
      throw new Error(
        `password settings object ${account.resultantPso} reads empty: the service account needs read access to the Password Settings Container`,
      );
    }
    return { ...pso.policy };
  }

  /**
   * @internal A group's SID by its DN, compared as AD compares DNs; null for a DN no group holds (an account's
   * included) and for a string that is no DN (it equals no group's DN), as AD answers a base read of it.
   */
  groupSidByDn(dn: string): string | null {
    const wanted = normalizeDn(dn);
    return [...this.groupsByName.values()].find((g) => normalizeDn(g.dn) === wanted)?.sid ?? null;
  }

  // -- internals ----------------------------------------------------------------------------------------------

  private record(sam: string): AccountRecord {
    const record = this.accounts.get(sam.toLowerCase());
    if (!record) throw new Error(`no account "${sam}" in the in-memory directory`);
    return record;
  }

  private recordByGuid(objectGuid: string, action: string): AccountRecord {
    const guid = objectGuid.toLowerCase();
    const record = GUID_PATTERN.test(guid) ? [...this.accounts.values()].find((a) => a.objectGuid === guid) : undefined;
    if (!record) throw new Error(`cannot ${action} account ${objectGuid}: it no longer exists`);
    return record;
  }

  /** A wrong password, in a bind or as the old one of a change: AD counts both the same way. */
  private countBadPassword(record: AccountRecord, policy: DirectoryPolicy, now: bigint): void {
    const observation = BigInt(policy.lockoutObservationSeconds) * TICKS_PER_SECOND;
    if (record.badPasswordTime !== 0n && record.badPasswordTime + observation <= now) record.badPwdCount = 0;
    // A lockout that ran out has no bearing on the next count.
    if (record.lockoutTime !== 0n) {
      record.lockoutTime = 0n;
      record.badPwdCount = 0;
    }
    record.badPwdCount += 1;
    record.badPasswordTime = now;
    if (policy.lockoutThreshold > 0 && record.badPwdCount >= policy.lockoutThreshold) record.lockoutTime = now;
    this.save();
  }

  /** AD's history holds the current password too, so "the last n passwords" includes the one in use. */
  private inHistory(record: AccountRecord, password: string, policy: DirectoryPolicy): boolean {
    const candidate = Buffer.from(this.hash(password), 'hex');
    return record.passwordHistory
      .slice(0, policy.historyLength)
      .some((entry) => timingSafeEqual(candidate, Buffer.from(entry, 'hex')));
  }

  /** Sets the password and enters it in the history, which AD trims to the policy's length at every write. */
  private storePassword(record: AccountRecord, password: string): void {
    const hash = this.hash(password);
    record.passwordHash = hash;
    record.passwordHistory = [hash, ...record.passwordHistory].slice(0, this.policyOf(record).historyLength);
  }

  /** lockoutTime 0 also resets badPwdCount in AD; badPasswordTime stays, as AD keeps it. */
  private clearLockout(record: AccountRecord): void {
    record.lockoutTime = 0n;
    record.badPwdCount = 0;
    this.save();
  }

  private nowFiletime(): bigint {
    return filetimeFromMs(this.clock.now());
  }

  private hash(password: string): string {
    return createHash('sha256').update(this.salt).update(password, 'utf8').digest('hex');
  }

  private passwordMatches(record: AccountRecord, password: string): boolean {
    if (record.passwordHash === null) return false;
    return timingSafeEqual(Buffer.from(this.hash(password), 'hex'), Buffer.from(record.passwordHash, 'hex'));
  }

  private recordFromSeed(account: SeedAccount): AccountRecord {
    const nowMs = this.clock.now();
    const passwordHash = account.password === undefined ? null : this.hash(account.password);
    let pwdLastSet = 0n;
    if (account.password !== undefined && !account.mustChangePassword) {
      pwdLastSet = filetimeFromMs(nowMs - (account.passwordAgeDays ?? 0) * DAY_SECONDS * 1000);
    }
    return {
      dn: account.dn,
      objectGuid: account.objectGuid,
      rid: account.rid,
      sAMAccountName: account.sAMAccountName,
      sAMAccountType: account.sAMAccountType ?? SAM_USER_ACCOUNT,
      userPrincipalName: account.userPrincipalName ?? null,
      displayName: account.displayName ?? null,
      mail: account.mail ?? null,
      mobile: account.mobile ?? null,
      userAccountControl: account.userAccountControl ?? 0x200,
      primaryGroupRid: account.primaryGroupRid ?? 513,
      memberOf: (account.memberOf ?? []).map((n) => n.toLowerCase()),
      adminCount: account.adminCount ?? 0,
      accountExpires:
        account.accountExpiresInDays === undefined
          ? FILETIME_NEVER
          : filetimeFromMs(nowMs + account.accountExpiresInDays * DAY_SECONDS * 1000),
      pwdLastSet,
      badPwdCount: 0,
      badPasswordTime: 0n,
      lockoutTime: 0n,
      logonHours: account.logonHours === undefined ? null : hexToBytes(account.logonHours.toLowerCase()),
      userWorkstations: account.userWorkstations ?? null,
      cannotChangePassword: account.cannotChangePassword ?? false,
      tokenGroupsUnreadable: account.tokenGroupsUnreadable ?? false,
      passwordHash,
      // Creating the account with a password enters it in the history, as AD does; trimmed at the next write.
      passwordHistory: passwordHash === null ? [] : [passwordHash],
    };
  }

  /** Transitive group membership incl. the primary group, as tokenGroups reports it. */
  private groupsOf(record: AccountRecord): Group[] {
    const found = new Map<string, Group>();
    const queue: Group[] = [];
    const add = (group: Group | undefined) => {
      if (!group || found.has(group.sid)) return;
      found.set(group.sid, group);
      queue.push(group);
    };
    add(this.groupsByRid.get(record.primaryGroupRid));
    for (const name of record.memberOf) add(this.groupsByName.get(name));
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const name of group.memberOf) add(this.groupsByName.get(name));
    }
    return [...found.values()];
  }

  private groupSids(record: AccountRecord): string[] {
    return this.groupsOf(record).map((g) => g.sid);
  }

  /**
   * msDS-ResultantPSO: a PSO linked to the user wins over any linked to its groups; among those, the lowest
   * precedence (AD breaks remaining ties by the lowest objectGUID; the seed forbids equal precedences).
   */
  private resultantPso(record: AccountRecord): Pso | null {
    const lowest = (candidates: Pso[]) =>
      candidates.reduce<Pso | null>((best, p) => (best === null || p.precedence < best.precedence ? p : best), null);
    const direct = lowest(this.psos.filter((p) => p.appliesTo.has(record.sAMAccountName.toLowerCase())));
    if (direct) return direct;
    const groupNames = new Set(this.groupsOf(record).map((g) => g.name.toLowerCase()));
    return lowest(this.psos.filter((p) => [...p.appliesTo].some((n) => groupNames.has(n))));
  }

  /** The policy the DC itself enforces (it reads the PSO whatever the service account may read). */
  private policyOf(record: AccountRecord): DirectoryPolicy {
    return this.resultantPso(record)?.policy ?? this.domainPolicyValue;
  }

  private isLocked(record: AccountRecord, policy: DirectoryPolicy, now: bigint): boolean {
    if (record.lockoutTime === 0n) return false;
    if (policy.lockoutDurationSeconds === 0) return true;
    return now < record.lockoutTime + BigInt(policy.lockoutDurationSeconds) * TICKS_PER_SECOND;
  }

  /** MS-ADTS: pwdLastSet 0 also counts as expired (must change), except for accounts whose passwords never expire. */
  private isPasswordExpired(record: AccountRecord, policy: DirectoryPolicy, now: bigint): boolean {
    if ((record.userAccountControl & NO_PASSWORD_EXPIRY) !== 0) return false;
    if (record.pwdLastSet === 0n) return true;
    if (policy.maxAgeSeconds === 0) return false;
    return record.pwdLastSet + BigInt(policy.maxAgeSeconds) * TICKS_PER_SECOND < now;
  }

  private isAccountExpired(record: AccountRecord, now: bigint): boolean {
    const expires = record.accountExpires;
    // 0 and 2^63-1 mean never; Samba also accepts -1.
    if (expires <= 0n || expires >= FILETIME_NEVER) return false;
    return expires <= now;
  }

  private logonHoursAllow(record: AccountRecord, now: bigint): boolean {
    if (record.logonHours === null) return true;
    // AD evaluates logonHours in UTC whatever the DC's time zone: bit = weekday*24 + hour, LSB first.
    const at = new Date(msFromFiletime(now));
    const bit = at.getUTCDay() * 24 + at.getUTCHours();
    const byte = record.logonHours[bit >> 3] ?? 0;
    return (byte & (1 << (bit & 7))) !== 0;
  }

  /** The right password was given; what AD still refuses, in AD's order. */
  private logonRestriction(record: AccountRecord, policy: DirectoryPolicy, now: bigint): BindSubCode | null {
    if (record.userAccountControl & UAC.ACCOUNTDISABLE) return '533';
    if (this.isAccountExpired(record, now)) return '701';
    if (!this.logonHoursAllow(record, now)) return '530';
    // The stand-in is no workstation and the DC's own name is never listed: any restriction refuses the bind.
    if (record.userWorkstations) return '531';
    if (record.pwdLastSet === 0n) return '773';
    if (this.isPasswordExpired(record, policy, now)) return '532';
    return null;
  }

  private toDirectoryAccount(record: AccountRecord): DirectoryAccount {
    const now = this.nowFiletime();
    const policy = this.policyOf(record);
    let computed = 0;
    if (this.isLocked(record, policy, now)) computed |= UAC.LOCKOUT;
    if (this.isPasswordExpired(record, policy, now)) computed |= UAC.PASSWORD_EXPIRED;
    return {
      dn: record.dn,
      objectGuid: record.objectGuid,
      objectSid: `${this.domainSid}-${record.rid}`,
      sAMAccountName: record.sAMAccountName,
      sAMAccountType: record.sAMAccountType,
      userPrincipalName: record.userPrincipalName,
      displayName: record.displayName,
      mail: record.mail,
      mobile: record.mobile,
      userAccountControl: record.userAccountControl,
      computedUserAccountControl: computed,
      accountExpires: record.accountExpires,
      pwdLastSet: record.pwdLastSet,
      badPwdCount: record.badPwdCount,
      badPasswordTime: record.badPasswordTime,
      adminCount: record.adminCount,
      logonHours: record.logonHours ? new Uint8Array(record.logonHours) : null,
      userWorkstations: record.userWorkstations,
      tokenGroups: record.tokenGroupsUnreadable ? [] : this.groupSids(record),
      changePasswordDeniedTo: record.cannotChangePassword ? [EVERYONE, SELF] : [],
      resultantPso: this.resultantPso(record)?.dn ?? null,
    };
  }

  private readState(path: string): z.infer<typeof persistedStateSchema> {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new DirectorySeedError(`directory state ${path}`, [`cannot read JSON (${(error as Error).message})`]);
    }
    const result = persistedStateSchema.safeParse(raw);
    if (!result.success) throw new DirectorySeedError(`directory state ${path}`, issuesOf(result.error));
    return result.data;
  }

  private save(): void {
    if (!this.persistPath) return;
    const state: z.infer<typeof persistedStateSchema> = {
      version: 1,
      salt: this.salt.toString('hex'),
      accounts: Object.fromEntries([...this.accounts.values()].map((r) => [r.objectGuid, toPersisted(r)])),
    };
    mkdirSync(dirname(this.persistPath), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated state file behind.
    const temporary = `${this.persistPath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.persistPath);
  }
}

/** A session pinned to the stand-in's one "domain controller". */
class MemorySession implements DirectorySession {
  readonly controller = CONTROLLER;
  private closed = false;

  constructor(private readonly directory: MemoryDirectory) {}

  async findAccount(lookup: AccountLookup): Promise<DirectoryAccount | null> {
    this.check();
    return this.directory.find(lookup);
  }

  async verifyPassword(account: DirectoryAccount, password: string): Promise<BindOutcome> {
    this.check();
    return this.directory.bind(account.dn, password);
  }

  async readBadPasswords(account: DirectoryAccount | null): Promise<BadPasswords | null> {
    this.check();
    return account ? this.directory.badPasswords(account.objectGuid) : null;
  }

  async bindNobody(_password: string): Promise<void> {
    // A name the stand-in does not hold: nothing to count, as on AD.
    this.check();
  }

  async resetPassword(account: DirectoryAccount, newPassword: string): Promise<PasswordWriteOutcome> {
    this.check();
    return this.directory.resetPassword(account.objectGuid, newPassword);
  }

  async enforcesHistoryOnReset(): Promise<boolean> {
    this.check();
    return this.directory.enforcesHistoryOnReset();
  }

  async changePassword(
    account: DirectoryAccount,
    oldPassword: string,
    newPassword: string,
  ): Promise<PasswordWriteOutcome> {
    this.check();
    return this.directory.changePassword(account.objectGuid, oldPassword, newPassword);
  }

  async resetLockout(account: DirectoryAccount): Promise<void> {
    this.check();
    this.directory.resetLockout(account.objectGuid);
  }

  async domainPolicy(): Promise<DirectoryPolicy> {
    this.check();
    return this.directory.domainPolicy();
  }

  async effectivePolicy(account: DirectoryAccount): Promise<DirectoryPolicy> {
    this.check();
    return this.directory.effectivePolicy(account);
  }

  async groupSid(dn: string): Promise<string | null> {
    this.check();
    return this.directory.groupSidByDn(dn);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(): void {
    // Using a closed session is a bug in the caller; a real connection would be gone too.
    if (this.closed) throw new Error('directory session used after close()');
    this.directory.ensureAvailable();
  }
}
