/**
 * The demo directory of DESIGN §7 on Samba AD — its one definition. `scripts/samba-ad.sh start` runs it (through
 * scripts/samba/cli.ts) on every start; tests call applySambaDemoStates, lockOutByBadBinds, unlock and badPwdCount.
 *
 * Everything goes over LDAPS as the domain Administrator (CA verified), except peggy's back-dated pwdLastSet: Samba
 * refuses that over LDAP, so restorePasswordExpired writes sam.ldb directly (scripts/samba/backdate-pwdlastset.py,
 * root on the DC's machine). The connection settings come from `<SSPR_SAMBA_DIR or <repo>/.samba>/sspr.env`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  Attribute,
  BerWriter,
  Change,
  Client,
  Control,
  type Entry,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
} from 'ldapts';
import { DEMO_PASSWORDS, type DemoUser } from './demoUsers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// ---------------------------------------------------------------------------------------------------------------
// Environment (<dir>/sspr.env, written by scripts/samba-ad.sh)

const ENV_KEYS = [
  'SSPR_LDAP_URL',
  'SSPR_LDAP_BIND_DN',
  'SSPR_LDAP_BIND_PASSWORD',
  'SSPR_LDAP_CA_FILE',
  'SSPR_LDAP_BASE_DN',
  'SSPR_SAMBA_ADMIN_DN',
  'SSPR_SAMBA_ADMIN_PASSWORD',
  'SSPR_SAMBA_DIR',
] as const;

/** The keys of sspr.env: the SSPR_LDAP_* ones configure the product, the SSPR_SAMBA_* ones are for test fixtures only. */
export type SambaEnv = Record<(typeof ENV_KEYS)[number], string>;

/** The Samba folder: SSPR_SAMBA_DIR, else `<repo>/.samba`. */
export function sambaDir(): string {
  return resolve(process.env.SSPR_SAMBA_DIR || join(REPO, '.samba'));
}

/** Reads `<sambaDir()>/sspr.env`; null when Samba was never started there. */
export function loadSambaEnv(dir = sambaDir()): SambaEnv | null {
  const file = join(dir, 'sspr.env');
  if (!existsSync(file)) return null;
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  const missing = ENV_KEYS.filter((key) => !values[key]);
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}: run scripts/samba-ad.sh start again`);
  return Object.fromEntries(ENV_KEYS.map((key) => [key, values[key]])) as SambaEnv;
}

/** `KEY='value'` lines as the script writes them (shell single quotes, `'\''` for a quote). */
function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    const raw = match[2] ?? '';
    let value = '';
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i];
      if (ch === "'") {
        const end = raw.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unterminated quote in ${line}`);
        value += raw.slice(i + 1, end);
        i = end;
      } else if (ch === '\\' && i + 1 < raw.length) {
        value += raw[++i];
      } else {
        value += ch;
      }
    }
    out[match[1]] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The demo directory (DESIGN §7; the same names, passwords and states as local/directory.seed.json)

export type DemoState =
  | 'active'
  | 'disabled'
  | 'accountExpired'
  | 'mustChange'
  | 'cannotChange'
  | 'noLogonHours'
  | 'locked'
  | 'domainAdmin'
  | 'pso'
  | 'passwordExpired';

export interface SambaDemoUser {
  sam: DemoUser;
  surname: string;
  state: DemoState;
  /** false: no mail (heidi). */
  mail: boolean;
  mobile?: string;
}

export const SAMBA_DEMO_USERS: readonly SambaDemoUser[] = [
  { sam: 'alice', surname: 'Archer', state: 'active', mail: true, mobile: '+15550100001' },
  { sam: 'bob', surname: 'Baker', state: 'active', mail: true },
  { sam: 'carol', surname: 'Carter', state: 'disabled', mail: true },
  { sam: 'dave', surname: 'Dawson', state: 'accountExpired', mail: true },
  { sam: 'erin', surname: 'Evans', state: 'mustChange', mail: true },
  { sam: 'frank', surname: 'Fisher', state: 'cannotChange', mail: true },
  { sam: 'grace', surname: 'Green', state: 'noLogonHours', mail: true },
  { sam: 'heidi', surname: 'Hughes', state: 'active', mail: false },
  { sam: 'ivan', surname: 'Irwin', state: 'locked', mail: true },
  { sam: 'judy', surname: 'Jones', state: 'active', mail: true, mobile: '+15550100010' },
  { sam: 'oscar', surname: 'Owens', state: 'domainAdmin', mail: true },
  { sam: 'paula', surname: 'Price', state: 'pso', mail: true },
  { sam: 'peggy', surname: 'Parker', state: 'passwordExpired', mail: true },
];

export interface PasswordPolicy {
  minLength: number;
  complexity: boolean;
  historyLength: number;
  minAgeDays: number;
  maxAgeDays: number;
  lockoutThreshold: number;
  lockoutDurationMinutes: number;
  lockoutObservationMinutes: number;
}

export const SAMBA_DOMAIN_POLICY: PasswordPolicy = {
  minLength: 8,
  complexity: true,
  historyLength: 5,
  minAgeDays: 0,
  maxAgeDays: 90,
  lockoutThreshold: 5,
  lockoutDurationMinutes: 30,
  lockoutObservationMinutes: 30,
};

export const SAMBA_PSO = {
  name: 'Strict Passwords',
  precedence: 10,
  appliesTo: ['paula'] as DemoUser[],
  policy: {
    minLength: 12,
    complexity: true,
    historyLength: 10,
    minAgeDays: 0,
    maxAgeDays: 90,
    lockoutThreshold: 3,
    lockoutDurationMinutes: 30,
    lockoutObservationMinutes: 30,
  } satisfies PasswordPolicy,
};

/** peggy's password is this many days old (the domain's max age is 90). */
export const PASSWORD_EXPIRED_AGE_DAYS = 120;
/** dave's accountExpires lies this many days in the past. */
export const ACCOUNT_EXPIRED_DAYS_AGO = 30;
/** A computer account in OU=People, for "never return non-users". */
export const DEMO_COMPUTER = { cn: 'WS01', sam: 'ws01$' };

/** Well-known GUIDs (MS-ADTS) of the rights the service account gets. */
export const AD_GUID = {
  userClass: 'bf967aba-0de6-11d0-a285-00aa003049e2',
  passwordSettingsClass: '3bcd9db8-f84b-451c-952f-6c52b81f9ec6',
  resetPassword: '00299570-246d-11d0-a768-00aa006e0529',
  changePassword: 'ab721a53-1e2f-11d0-9819-00aa0040529b',
  lockoutTime: '28630ebf-41d5-11d1-a9c1-0000f80367c1',
  tokenGroups: 'b7c69e6d-2cc7-11d2-854e-00a0c983f608',
  userAccountRestrictions: '4c164200-20c0-11d0-a768-00aa006e0529',
  userLogon: '5f202010-79a5-11d0-9020-00c04fc2d4cf',
  resultantPso: 'b77ea093-88d0-4780-9a98-911f8e8b1dca',
} as const;

const EVERYONE = 'S-1-1-0';
const PRINCIPAL_SELF = 'S-1-5-10';

export function demoDomain(env: SambaEnv) {
  const baseDn = env.SSPR_LDAP_BASE_DN;
  const dnsName = baseDn
    .split(',')
    .map((part) => part.split('=')[1]?.trim() ?? '')
    .join('.')
    .toLowerCase();
  return {
    baseDn,
    dnsName,
    people: `OU=People,${baseDn}`,
    serviceAccounts: `OU=Service Accounts,${baseDn}`,
    psoContainer: `CN=Password Settings Container,CN=System,${baseDn}`,
    pso: `CN=${SAMBA_PSO.name},CN=Password Settings Container,CN=System,${baseDn}`,
    domainAdmins: `CN=Domain Admins,CN=Users,${baseDn}`,
  };
}

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

function userEntry(env: SambaEnv, user: SambaDemoUser) {
  const domain = demoDomain(env);
  const givenName = capitalized(user.sam);
  const displayName = `${givenName} ${user.surname}`;
  return {
    dn: `CN=${displayName},${domain.people}`,
    givenName,
    sn: user.surname,
    displayName,
    userPrincipalName: `${user.sam}@${domain.dnsName}`,
    mail: user.mail ? `${user.sam}@${domain.dnsName}` : undefined,
    mobile: user.mobile,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// LDAP plumbing

const FILETIME_UNIX_EPOCH = 116444736000000000n;
const FILETIME_NEVER = '9223372036854775807';
const TICKS_PER_MINUTE = 600_000_000n;
const TICKS_PER_DAY = 864_000_000_000n;

export const filetimeFromMs = (ms: number): bigint => BigInt(Math.trunc(ms)) * 10_000n + FILETIME_UNIX_EPOCH;
const interval = (ticks: bigint) => (ticks === 0n ? '0' : (-ticks).toString());

function newClient(env: SambaEnv): Client {
  return new Client({
    url: env.SSPR_LDAP_URL,
    tlsOptions: { ca: [readFileSync(env.SSPR_LDAP_CA_FILE)], minVersion: 'TLSv1.2' },
    timeout: 10_000,
    connectTimeout: 5_000,
  });
}

/** A client bound as `dn`, always unbound afterwards. */
export async function withBoundClient<T>(
  env: SambaEnv,
  dn: string,
  password: string,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = newClient(env);
  try {
    await client.bind(dn, password);
    return await use(client);
  } finally {
    await client.unbind().catch(() => {});
  }
}

export const asAdmin = <T>(env: SambaEnv, use: (client: Client) => Promise<T>) =>
  withBoundClient(env, env.SSPR_SAMBA_ADMIN_DN, env.SSPR_SAMBA_ADMIN_PASSWORD, use);

export const asServiceAccount = <T>(env: SambaEnv, use: (client: Client) => Promise<T>) =>
  withBoundClient(env, env.SSPR_LDAP_BIND_DN, env.SSPR_LDAP_BIND_PASSWORD, use);

const replace = (type: string, values: string[] | Buffer[]) =>
  new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
const add = (type: string, values: string[]) =>
  new Change({ operation: 'add', modification: new Attribute({ type, values }) });
const remove = (type: string, values: string[]) =>
  new Change({ operation: 'delete', modification: new Attribute({ type, values }) });
const attr = (type: string, values: string[] | Buffer[]) => new Attribute({ type, values });
const unicodePwd = (password: string) => Buffer.from(`"${password}"`, 'utf16le');
const first = (value: Entry[string] | undefined): string | undefined =>
  Array.isArray(value) ? value[0]?.toString() : value?.toString();
/** ldapts returns [] for a requested attribute the entry lacks (or the reader may not see). */
const present = (value: Entry[string] | undefined) =>
  value !== undefined && !(Array.isArray(value) && value.length === 0);
const escapeValue = (value: string) =>
  value.replace(/[\\*()\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

async function exists(client: Client, dn: string): Promise<boolean> {
  try {
    await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    return true;
  } catch (error) {
    if (error instanceof NoSuchObjectError) return false;
    throw error;
  }
}

async function findBySam(client: Client, env: SambaEnv, sams: readonly string[], attributes: string[] = []) {
  const filter = `(&(objectClass=user)(|${sams.map((sam) => `(sAMAccountName=${escapeValue(sam)})`).join('')}))`;
  const { searchEntries } = await client.search(env.SSPR_LDAP_BASE_DN, {
    scope: 'sub',
    filter,
    attributes: ['sAMAccountName', ...attributes],
    explicitBufferAttributes: ['objectSid'],
  });
  return new Map(searchEntries.map((entry) => [String(first(entry.sAMAccountName)).toLowerCase(), entry]));
}

async function dnOf(client: Client, env: SambaEnv, sam: string): Promise<string> {
  const entry = (await findBySam(client, env, [sam])).get(sam.toLowerCase());
  if (!entry) throw new Error(`Samba demo directory: no account ${sam} (run scripts/samba-ad.sh start)`);
  return entry.dn;
}

/** "data 775" etc. of an AD bind failure, else the error's name. */
export function bindSubCode(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /data ([0-9a-f]+)/i.exec(message)?.[1] ?? (error instanceof Error ? error.constructor.name : message);
}

/** Binds as the account (by DN) on a connection of its own: 'ok', or the AD sub-code (52e, 533, 701, 773, 530, 532, 775). */
export async function bindResult(env: SambaEnv, sam: string, password: string): Promise<string> {
  const dn = await asAdmin(env, (client) => dnOf(client, env, sam));
  const client = newClient(env);
  try {
    await client.bind(dn, password);
    return 'ok';
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return bindSubCode(error);
    throw error;
  } finally {
    await client.unbind().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Security descriptors: SIDs, GUIDs, ACEs and the SD-flags control (read/write the DACL only)

/** LDAP_SERVER_SD_FLAGS_OID; value SEQUENCE { INTEGER flags } (4 = DACL only). */
export class SdFlagsControl extends Control {
  readonly flags: number;
  constructor(flags = 4) {
    super('1.2.840.113556.1.4.801', { critical: true });
    this.flags = flags;
  }
  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}

export function sidToString(buf: Buffer, offset = 0): string {
  const count = buf[offset + 1] ?? 0;
  const authority = buf.readUIntBE(offset + 2, 6);
  const subs = Array.from({ length: count }, (_, i) => buf.readUInt32LE(offset + 8 + 4 * i));
  return `S-${buf[offset]}-${authority}${subs.map((sub) => `-${sub}`).join('')}`;
}

export function sidToBuffer(sid: string): Buffer {
  const [, revision, authority, ...subs] = sid.split('-');
  const buf = Buffer.alloc(8 + 4 * subs.length);
  buf[0] = Number(revision);
  buf[1] = subs.length;
  buf.writeUIntBE(Number(authority), 2, 6);
  subs.forEach((sub, i) => {
    buf.writeUInt32LE(Number(sub), 8 + 4 * i);
  });
  return buf;
}

export function guidToString(b: Buffer): string {
  const hex = (x: Buffer) => x.toString('hex');
  const rev = (from: number, to: number) => hex(Buffer.from(b.subarray(from, to)).reverse());
  return [rev(0, 4), rev(4, 6), rev(6, 8), hex(b.subarray(8, 10)), hex(b.subarray(10, 16))].join('-');
}

export function guidToBuffer(guid: string): Buffer {
  const x = guid.replace(/[{}-]/g, '');
  const part = (from: number, to: number) => Buffer.from(x.slice(from, to), 'hex');
  return Buffer.concat([part(0, 8).reverse(), part(8, 12).reverse(), part(12, 16).reverse(), part(16, 32)]);
}

const ACE_TYPES = { A: 0, D: 1, OA: 5, OD: 6 } as const;
export const ACE_FLAGS = { CI: 0x02, IO: 0x08, ID: 0x10 } as const;
export const RIGHTS = { LC: 0x4, RP: 0x10, WP: 0x20, CR: 0x100, RC: 0x20000 } as const;

export interface Ace {
  type: keyof typeof ACE_TYPES;
  /** ACE_FLAGS (CI, IO; ID marks an inherited ACE). */
  flags: number;
  mask: number;
  objectType?: string;
  inheritedObjectType?: string;
  sid: string;
}

export function aceToBuffer(ace: Ace): Buffer {
  const objectAce = ace.type === 'OA' || ace.type === 'OD';
  const sid = sidToBuffer(ace.sid);
  const parts: Buffer[] = [];
  const mask = Buffer.alloc(4);
  mask.writeUInt32LE(ace.mask >>> 0);
  parts.push(mask);
  if (objectAce) {
    const objectFlags = Buffer.alloc(4);
    objectFlags.writeUInt32LE((ace.objectType ? 1 : 0) | (ace.inheritedObjectType ? 2 : 0));
    parts.push(objectFlags);
    if (ace.objectType) parts.push(guidToBuffer(ace.objectType));
    if (ace.inheritedObjectType) parts.push(guidToBuffer(ace.inheritedObjectType));
  }
  parts.push(sid);
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(4);
  header[0] = ACE_TYPES[ace.type];
  header[1] = ace.flags;
  header.writeUInt16LE(4 + body.length, 2);
  return Buffer.concat([header, body]);
}

const SID_ALIASES: Record<string, string> = { [EVERYONE]: 'WD', [PRINCIPAL_SELF]: 'PS', 'S-1-5-11': 'AU' };

/** SDDL text of an ACE, as `samba-tool dsacl set --sddl=` / dsacls take it. */
export function aceToSddl(ace: Ace): string {
  const flags = `${ace.flags & ACE_FLAGS.CI ? 'CI' : ''}${ace.flags & ACE_FLAGS.IO ? 'IO' : ''}${ace.flags & ACE_FLAGS.ID ? 'ID' : ''}`;
  const rights = (Object.entries(RIGHTS) as [string, number][])
    .filter(([, bit]) => ace.mask & bit)
    .map(([name]) => name)
    .join('');
  const sid = SID_ALIASES[ace.sid] ?? ace.sid;
  return `(${ace.type};${flags};${rights};${ace.objectType ?? ''};${ace.inheritedObjectType ?? ''};${sid})`;
}

interface ParsedAce {
  ace: Ace;
  raw: Buffer;
}

function parseDacl(sd: Buffer): { control: number; aces: ParsedAce[] } {
  const control = sd.readUInt16LE(2);
  const offset = sd.readUInt32LE(16);
  const aces: ParsedAce[] = [];
  if (!offset) return { control, aces };
  const count = sd.readUInt16LE(offset + 4);
  let p = offset + 8;
  for (let i = 0; i < count; i++) {
    const typeCode = sd[p] ?? 0;
    const size = sd.readUInt16LE(p + 2);
    const type = (Object.entries(ACE_TYPES).find(([, code]) => code === typeCode)?.[0] ??
      `0x${typeCode}`) as Ace['type'];
    const ace: Ace = { type, flags: sd[p + 1] ?? 0, mask: sd.readUInt32LE(p + 4), sid: '' };
    let q = p + 8;
    if (typeCode === 5 || typeCode === 6) {
      const objectFlags = sd.readUInt32LE(q);
      q += 4;
      if (objectFlags & 1) {
        ace.objectType = guidToString(sd.subarray(q, q + 16));
        q += 16;
      }
      if (objectFlags & 2) {
        ace.inheritedObjectType = guidToString(sd.subarray(q, q + 16));
        q += 16;
      }
    }
    ace.sid = sidToString(sd, q);
    aces.push({ ace, raw: Buffer.from(sd.subarray(p, p + size)) });
    p += size;
  }
  return { control, aces };
}

const sameAce = (a: Ace, b: Ace) =>
  a.type === b.type &&
  (a.flags & ~ACE_FLAGS.ID) === (b.flags & ~ACE_FLAGS.ID) &&
  a.mask === b.mask &&
  (a.objectType ?? '') === (b.objectType ?? '') &&
  (a.inheritedObjectType ?? '') === (b.inheritedObjectType ?? '') &&
  a.sid === b.sid;
const isExplicit = (ace: Ace) => (ace.flags & ACE_FLAGS.ID) === 0;
const isDeny = (ace: Ace) => ace.type === 'D' || ace.type === 'OD';

/** The DACL of an entry (nTSecurityDescriptor with the SD-flags control; without it the attribute is missing). */
export async function readDacl(client: Client, dn: string): Promise<Ace[]> {
  return parseDacl(await readDescriptor(client, dn)).aces.map(({ ace }) => ace);
}

async function readDescriptor(client: Client, dn: string): Promise<Buffer> {
  const { searchEntries } = await client.search(
    dn,
    {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['nTSecurityDescriptor'],
      explicitBufferAttributes: ['nTSecurityDescriptor'],
    },
    new SdFlagsControl(4),
  );
  const value = searchEntries[0]?.nTSecurityDescriptor;
  const sd = Array.isArray(value) ? value[0] : value;
  if (!Buffer.isBuffer(sd)) throw new Error(`cannot read the DACL of ${dn}`);
  return sd;
}

async function writeDacl(client: Client, dn: string, control: number, aces: Buffer[]): Promise<void> {
  const body = Buffer.concat(aces);
  const acl = Buffer.alloc(8);
  acl[0] = 4; // ACL_REVISION_DS (object ACEs)
  acl.writeUInt16LE(8 + body.length, 2);
  acl.writeUInt16LE(aces.length, 4);
  const sd = Buffer.alloc(20);
  sd[0] = 1;
  // keep the DACL's inheritance bits; SE_DACL_PRESENT | SE_SELF_RELATIVE; no owner, group or SACL in this write
  sd.writeUInt16LE((control & (0x0100 | 0x0400 | 0x1000)) | 0x0004 | 0x8000, 2);
  sd.writeUInt32LE(20, 16);
  await client.modify(dn, replace('nTSecurityDescriptor', [Buffer.concat([sd, acl, body])]), new SdFlagsControl(4));
}

/**
 * Adds the ACEs that are not yet explicit in the entry's DACL (deny ACEs first, allow ACEs after the explicit deny
 * ones, the order AD keeps). Returns the ACEs it added. Inherited ACEs are recomputed by the DC.
 */
export async function ensureAces(client: Client, dn: string, wanted: readonly Ace[]): Promise<Ace[]> {
  const { control, aces } = parseDacl(await readDescriptor(client, dn));
  const missing = wanted.filter((w) => !aces.some(({ ace }) => isExplicit(ace) && sameAce(ace, w)));
  if (missing.length === 0) return [];
  const denies = missing.filter(isDeny).map(aceToBuffer);
  const allows = missing.filter((ace) => !isDeny(ace)).map(aceToBuffer);
  const afterDenies = aces.findIndex(({ ace }) => !(isExplicit(ace) && isDeny(ace)));
  const split = afterDenies < 0 ? aces.length : afterDenies;
  const raws = aces.map(({ raw }) => raw);
  await writeDacl(client, dn, control, [...denies, ...raws.slice(0, split), ...allows, ...raws.slice(split)]);
  const after = await readDacl(client, dn);
  const absent = missing.filter((w) => !after.some((ace) => isExplicit(ace) && sameAce(ace, w)));
  if (absent.length > 0) throw new Error(`${dn}: the DC did not keep ${absent.map(aceToSddl).join('')}`);
  return missing;
}

/** Removes explicit ACEs equal to any of `unwanted` (tests: take a right away, then ensureAces to give it back). */
export async function removeAces(client: Client, dn: string, unwanted: readonly Ace[]): Promise<Ace[]> {
  const { control, aces } = parseDacl(await readDescriptor(client, dn));
  const keep = aces.filter(({ ace }) => !(isExplicit(ace) && unwanted.some((u) => sameAce(ace, u))));
  if (keep.length === aces.length) return [];
  await writeDacl(
    client,
    dn,
    control,
    keep.map(({ raw }) => raw),
  );
  return aces.filter((a) => !keep.includes(a)).map(({ ace }) => ace);
}

/** "Cannot change password": deny the Change-Password right to Everyone and to SELF (what ADUC's checkbox writes). */
export const CANNOT_CHANGE_PASSWORD_ACES: readonly Ace[] = [EVERYONE, PRINCIPAL_SELF].map((sid) => ({
  type: 'OD',
  flags: 0,
  mask: RIGHTS.CR,
  objectType: AD_GUID.changePassword,
  sid,
}));

/** The service account's delegation (DESIGN §9): on the users' OU, for user objects, and on the PSO container. */
export function serviceAccountDelegation(serviceSid: string): { people: Ace[]; psoContainer: Ace[] } {
  const onUsers = (mask: number, objectType?: string): Ace => ({
    type: 'OA',
    flags: ACE_FLAGS.CI | ACE_FLAGS.IO,
    mask,
    ...(objectType ? { objectType } : {}),
    inheritedObjectType: AD_GUID.userClass,
    sid: serviceSid,
  });
  return {
    people: [
      onUsers(RIGHTS.CR, AD_GUID.resetPassword),
      onUsers(RIGHTS.RP | RIGHTS.WP, AD_GUID.lockoutTime),
      onUsers(RIGHTS.RP, AD_GUID.tokenGroups),
      onUsers(RIGHTS.RP, AD_GUID.userAccountRestrictions),
      onUsers(RIGHTS.RP, AD_GUID.userLogon),
      onUsers(RIGHTS.RP, AD_GUID.resultantPso),
      onUsers(RIGHTS.RC),
    ],
    psoContainer: [
      { type: 'A', flags: 0, mask: RIGHTS.LC, sid: serviceSid },
      {
        type: 'OA',
        flags: ACE_FLAGS.CI | ACE_FLAGS.IO,
        mask: RIGHTS.RP,
        inheritedObjectType: AD_GUID.passwordSettingsClass,
        sid: serviceSid,
      },
    ],
  };
}

async function serviceSid(client: Client, env: SambaEnv): Promise<string> {
  const { searchEntries } = await client.search(env.SSPR_LDAP_BIND_DN, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  const sid = searchEntries[0]?.objectSid;
  const buf = Array.isArray(sid) ? sid[0] : sid;
  if (!Buffer.isBuffer(buf)) throw new Error(`cannot read the objectSid of ${env.SSPR_LDAP_BIND_DN}`);
  return sidToString(buf);
}

// ---------------------------------------------------------------------------------------------------------------
// Seed (idempotent: creates what is missing; the states below set every value)

function policyOnDomain(policy: PasswordPolicy): Change[] {
  return [
    replace('minPwdLength', [String(policy.minLength)]),
    replace('pwdProperties', [policy.complexity ? '1' : '0']),
    replace('pwdHistoryLength', [String(policy.historyLength)]),
    replace('minPwdAge', [interval(BigInt(policy.minAgeDays) * TICKS_PER_DAY)]),
    replace('maxPwdAge', [interval(BigInt(policy.maxAgeDays) * TICKS_PER_DAY)]),
    replace('lockoutThreshold', [String(policy.lockoutThreshold)]),
    replace('lockoutDuration', [interval(BigInt(policy.lockoutDurationMinutes) * TICKS_PER_MINUTE)]),
    replace('lockOutObservationWindow', [interval(BigInt(policy.lockoutObservationMinutes) * TICKS_PER_MINUTE)]),
  ];
}

function psoValues(dnBySam: (sam: string) => string): Record<string, string[]> {
  const p = SAMBA_PSO.policy;
  return {
    'msDS-PasswordSettingsPrecedence': [String(SAMBA_PSO.precedence)],
    'msDS-PasswordReversibleEncryptionEnabled': ['FALSE'],
    'msDS-PasswordHistoryLength': [String(p.historyLength)],
    'msDS-PasswordComplexityEnabled': [p.complexity ? 'TRUE' : 'FALSE'],
    'msDS-MinimumPasswordLength': [String(p.minLength)],
    'msDS-MinimumPasswordAge': [interval(BigInt(p.minAgeDays) * TICKS_PER_DAY)],
    'msDS-MaximumPasswordAge': [interval(BigInt(p.maxAgeDays) * TICKS_PER_DAY)],
    'msDS-LockoutThreshold': [String(p.lockoutThreshold)],
    'msDS-LockoutObservationWindow': [interval(BigInt(p.lockoutObservationMinutes) * TICKS_PER_MINUTE)],
    'msDS-LockoutDuration': [interval(BigInt(p.lockoutDurationMinutes) * TICKS_PER_MINUTE)],
    'msDS-PSOAppliesTo': SAMBA_PSO.appliesTo.map(dnBySam),
  };
}

/**
 * Creates whatever of the demo directory is missing: the OUs, the 13 users, the computer ws01$, the service account
 * and its delegation, the PSO. Returns a line per thing it created or changed.
 */
export async function seedSambaDemo(env: SambaEnv): Promise<string[]> {
  const domain = demoDomain(env);
  const done: string[] = [];
  await asAdmin(env, async (client) => {
    for (const [dn, ou] of [
      [domain.people, 'People'],
      [domain.serviceAccounts, 'Service Accounts'],
    ] as const) {
      if (await exists(client, dn)) continue;
      await client.add(dn, [attr('objectClass', ['top', 'organizationalUnit']), attr('ou', [ou])]);
      done.push(`created ${dn}`);
    }
    const svcSam = 'svc-sspr';
    const found = await findBySam(client, env, [...SAMBA_DEMO_USERS.map((u) => u.sam), svcSam, DEMO_COMPUTER.sam]);
    for (const user of SAMBA_DEMO_USERS) {
      if (found.has(user.sam)) continue;
      const e = userEntry(env, user);
      await client.add(e.dn, [
        attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
        attr('sAMAccountName', [user.sam]),
        attr('userPrincipalName', [e.userPrincipalName]),
        attr('givenName', [e.givenName]),
        attr('sn', [e.sn]),
        attr('displayName', [e.displayName]),
        ...(e.mail ? [attr('mail', [e.mail])] : []),
        ...(e.mobile ? [attr('mobile', [e.mobile])] : []),
        attr('unicodePwd', [unicodePwd(DEMO_PASSWORDS[user.sam])]),
        attr('userAccountControl', ['512']),
      ]);
      done.push(`created ${e.dn}`);
    }
    if (!found.has(svcSam)) {
      await client.add(env.SSPR_LDAP_BIND_DN, [
        attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
        attr('sAMAccountName', [svcSam]),
        attr('userPrincipalName', [`${svcSam}@${domain.dnsName}`]),
        attr('displayName', ['SSPR service account']),
        attr('description', ['SSPR service account: delegated rights on OU=People only (DESIGN §9)']),
        attr('unicodePwd', [unicodePwd(env.SSPR_LDAP_BIND_PASSWORD)]),
        attr('userAccountControl', ['66048']), // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
      ]);
      done.push(`created ${env.SSPR_LDAP_BIND_DN}`);
    }
    if (!found.has(DEMO_COMPUTER.sam)) {
      const dn = `CN=${DEMO_COMPUTER.cn},${domain.people}`;
      await client.add(dn, [
        attr('objectClass', ['top', 'person', 'organizationalPerson', 'user', 'computer']),
        attr('sAMAccountName', [DEMO_COMPUTER.sam]),
        attr('userAccountControl', ['4096']), // WORKSTATION_TRUST_ACCOUNT
      ]);
      done.push(`created ${dn}`);
    }
    if (!(await exists(client, domain.pso))) {
      const values = psoValues(
        (sam) => userEntry(env, SAMBA_DEMO_USERS.find((u) => u.sam === sam) as SambaDemoUser).dn,
      );
      await client.add(domain.pso, [
        attr('objectClass', ['top', 'msDS-PasswordSettings']),
        ...Object.entries(values).map(([type, v]) => attr(type, v)),
      ]);
      done.push(`created ${domain.pso}`);
    }
    const delegation = serviceAccountDelegation(await serviceSid(client, env));
    for (const ace of await ensureAces(client, domain.people, delegation.people)) {
      done.push(`delegated on ${domain.people}: ${aceToSddl(ace)}`);
    }
    for (const ace of await ensureAces(client, domain.psoContainer, delegation.psoContainer)) {
      done.push(`delegated on ${domain.psoContainer}: ${aceToSddl(ace)}`);
    }
  });
  return done;
}

// ---------------------------------------------------------------------------------------------------------------
// Demo states

export interface ApplyOptions {
  /** Lock ivan by bad binds at the end (DESIGN §7: locked at every start). Default true. */
  lockIvan?: boolean;
  /**
   * When peggy no longer binds with 532 (a test changed her password), restore her with restorePasswordExpired (root
   * on the DC's machine). Default true; a correct back-dated pwdLastSet is never touched.
   */
  restorePasswordExpired?: boolean;
  /** Now, for dave's accountExpires (default Date.now()). */
  nowMs?: number;
}

/**
 * Every demo user back in the state of DESIGN §7, over LDAP as Administrator: passwords (all but peggy's, whose
 * back-dated pwdLastSet only restorePasswordExpired can write), names, mail and mobile, userAccountControl,
 * accountExpires, logonHours, no workstation restriction, lockoutTime 0 (also clears badPwdCount), erin's pwdLastSet 0,
 * frank's deny ACEs, oscar in Domain Admins (and no other demo user), the PSO and the domain policy; peggy only if
 * she lost her state; then ivan locked.
 */
export async function applySambaDemoStates(env: SambaEnv, options: ApplyOptions = {}): Promise<void> {
  const domain = demoDomain(env);
  const now = options.nowMs ?? Date.now();
  let restoreExpired = false;
  if (options.restorePasswordExpired ?? true) {
    // Before the unlock below, which also clears the bad password count this check may add.
    for (const user of SAMBA_DEMO_USERS.filter((u) => u.state === 'passwordExpired')) {
      if ((await bindResult(env, user.sam, DEMO_PASSWORDS[user.sam])) !== '532') restoreExpired = true;
    }
  }
  await asAdmin(env, async (client) => {
    await client.modify(domain.baseDn, policyOnDomain(SAMBA_DOMAIN_POLICY));
    const found = await findBySam(
      client,
      env,
      SAMBA_DEMO_USERS.map((u) => u.sam),
    );
    const dnOfUser = (sam: string) => {
      const entry = found.get(sam);
      if (!entry) throw new Error(`Samba demo directory: no account ${sam} (run scripts/samba-ad.sh start)`);
      return entry.dn;
    };
    await Promise.all(
      SAMBA_DEMO_USERS.map(async (user) => {
        const dn = dnOfUser(user.sam);
        const e = userEntry(env, user);
        const expires =
          user.state === 'accountExpired'
            ? filetimeFromMs(now - ACCOUNT_EXPIRED_DAYS_AGO * 86_400_000).toString()
            : FILETIME_NEVER;
        if (user.state !== 'passwordExpired') {
          await client.modify(dn, replace('unicodePwd', [unicodePwd(DEMO_PASSWORDS[user.sam])]));
        }
        await client.modify(dn, [
          replace('givenName', [e.givenName]),
          replace('sn', [e.sn]),
          replace('displayName', [e.displayName]),
          replace('userPrincipalName', [e.userPrincipalName]),
          replace('mail', e.mail ? [e.mail] : []),
          replace('mobile', e.mobile ? [e.mobile] : []),
          replace('userAccountControl', [user.state === 'disabled' ? '514' : '512']),
          replace('accountExpires', [expires]),
          replace('logonHours', user.state === 'noLogonHours' ? [Buffer.alloc(21)] : []),
          replace('userWorkstations', []),
          replace('lockoutTime', ['0']),
          ...(user.state === 'mustChange' ? [replace('pwdLastSet', ['0'])] : []),
        ]);
      }),
    );
    await client.modify(
      domain.pso,
      Object.entries(psoValues(dnOfUser)).map(([type, values]) => replace(type, values)),
    );
    const admins = await client.search(domain.domainAdmins, { scope: 'base', attributes: ['member'] });
    const members = new Set(
      ([] as string[])
        .concat((admins.searchEntries[0]?.member as string[] | string | undefined) ?? [])
        .map((m) => m.toLowerCase()),
    );
    const changes: Change[] = [];
    for (const user of SAMBA_DEMO_USERS) {
      const dn = dnOfUser(user.sam);
      const member = members.has(dn.toLowerCase());
      if (user.state === 'domainAdmin' && !member) changes.push(add('member', [dn]));
      if (user.state !== 'domainAdmin' && member) changes.push(remove('member', [dn]));
    }
    if (changes.length > 0) await client.modify(domain.domainAdmins, changes);
    for (const user of SAMBA_DEMO_USERS.filter((u) => u.state === 'cannotChange')) {
      await ensureAces(client, dnOfUser(user.sam), CANNOT_CHANGE_PASSWORD_ACES);
    }
  });
  if (restoreExpired) await restorePasswordExpired(env);
  if (options.lockIvan ?? true) {
    for (const user of SAMBA_DEMO_USERS.filter((u) => u.state === 'locked')) await lockOutByBadBinds(env, user.sam);
  }
}

/**
 * peggy's "password expired" state: her password set and pwdLastSet back-dated PASSWORD_EXPIRED_AGE_DAYS in sam.ldb
 * (Samba refuses that over LDAP). Needs root on the DC's machine and Debian's python3 with the samba bindings.
 */
export async function restorePasswordExpired(env: SambaEnv): Promise<void> {
  const script = join(REPO, 'scripts/samba/backdate-pwdlastset.py');
  const conf = join(env.SSPR_SAMBA_DIR, 'etc/smb.conf');
  for (const user of SAMBA_DEMO_USERS.filter((u) => u.state === 'passwordExpired')) {
    await promisify(execFile)(
      '/usr/bin/python3',
      [script, conf, user.sam, DEMO_PASSWORDS[user.sam], String(PASSWORD_EXPIRED_AGE_DAYS)],
      { timeout: 30_000 },
    );
  }
}

/** The lockout threshold in force for the account: its PSO's (msDS-ResultantPSO), else the domain's. */
async function effectiveLockoutThreshold(client: Client, env: SambaEnv, entry: Entry): Promise<number> {
  const pso = first(entry['msDS-ResultantPSO']);
  const [dn, attribute] = pso ? [pso, 'msDS-LockoutThreshold'] : [env.SSPR_LDAP_BASE_DN, 'lockoutThreshold'];
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [attribute] });
  return Number(first(searchEntries[0]?.[attribute]) ?? 0);
}

/**
 * Locks an account the way AD does: random wrong passwords as the user, on a connection of its own, until the DC
 * answers 775 (at most threshold + 2 binds).
 */
export async function lockOutByBadBinds(env: SambaEnv, sam: string): Promise<void> {
  await badBindsUntilLocked(env, sam);
}

/** lockOutByBadBinds, returning the number of binds it took. */
export async function badBindsUntilLocked(env: SambaEnv, sam: string): Promise<number> {
  const { dn, threshold } = await asAdmin(env, async (client) => {
    const entry = (await findBySam(client, env, [sam], ['msDS-ResultantPSO'])).get(sam.toLowerCase());
    if (!entry) throw new Error(`Samba demo directory: no account ${sam}`);
    return { dn: entry.dn, threshold: await effectiveLockoutThreshold(client, env, entry) };
  });
  if (threshold === 0) throw new Error(`cannot lock ${sam}: the lockout threshold is 0`);
  const client = newClient(env);
  try {
    for (let binds = 1; binds <= threshold + 2; binds++) {
      try {
        await client.bind(dn, `${randomBytes(24).toString('base64url')}!aA1`);
        throw new Error(`a random password bound as ${sam}`);
      } catch (error) {
        if (!(error instanceof InvalidCredentialsError)) throw error;
        if (bindSubCode(error) === '775') return binds;
      }
    }
  } finally {
    await client.unbind().catch(() => {});
  }
  throw new Error(`${sam} was not locked after ${threshold + 2} bad binds`);
}

/**
 * The demo PSO's minimum password age (msDS-MinimumPasswordAge), for a test of a change made too soon after the last
 * one; applySambaDemoStates puts the PSO back as DESIGN §7 has it (0 days).
 */
export async function setPsoMinimumAgeDays(env: SambaEnv, days: number): Promise<void> {
  await asAdmin(env, async (client) => {
    await client.modify(demoDomain(env).pso, [
      replace('msDS-MinimumPasswordAge', [interval(BigInt(days) * TICKS_PER_DAY)]),
    ]);
  });
}

/**
 * The lockout observation window of the demo PSO (paula's) or of the domain (everyone else's), in seconds, so a test
 * can see a bad password count AD has forgiven without waiting 30 minutes; applySambaDemoStates puts both back as
 * DESIGN §7 has them.
 */
export async function setLockoutObservationSeconds(env: SambaEnv, scope: 'pso' | 'domain', seconds: number) {
  const window = interval(BigInt(seconds) * 10_000_000n);
  await asAdmin(env, async (client) => {
    if (scope === 'pso') {
      await client.modify(demoDomain(env).pso, [replace('msDS-LockoutObservationWindow', [window])]);
    } else {
      await client.modify(env.SSPR_LDAP_BASE_DN, [replace('lockOutObservationWindow', [window])]);
    }
  });
}

/** lockoutTime 0: unlocks and clears badPwdCount. */
export async function unlock(env: SambaEnv, sam: string): Promise<void> {
  await asAdmin(env, async (client) => {
    await client.modify(await dnOf(client, env, sam), replace('lockoutTime', ['0']));
  });
}

export async function badPwdCount(env: SambaEnv, sam: string): Promise<number> {
  return asAdmin(env, async (client) => {
    const entry = (await findBySam(client, env, [sam], ['badPwdCount'])).get(sam.toLowerCase());
    if (!entry) throw new Error(`Samba demo directory: no account ${sam}`);
    return Number(first(entry.badPwdCount) ?? 0);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Check of the service account's delegation (run by scripts/samba-ad.sh start)

export interface ServiceAccountCheck {
  aliceAttributes: string[];
  aliceTokenGroups: number;
  paulaPso: Record<string, string>;
  frankDenyAces: string[];
  outsideDelegation: string;
}

/** Reads as svc-sspr what the product needs and fails loudly when a right is missing or too broad. */
export async function verifyServiceAccount(env: SambaEnv): Promise<ServiceAccountCheck> {
  const domain = demoDomain(env);
  return asServiceAccount(env, async (client) => {
    const problems: string[] = [];
    const users = await findBySam(client, env, ['alice', 'paula', 'frank']);
    const dn = (sam: string) => {
      const entry = users.get(sam);
      if (!entry) throw new Error(`svc-sspr cannot find ${sam}`);
      return entry.dn;
    };
    const needed = [
      'userAccountControl',
      'msDS-User-Account-Control-Computed',
      'accountExpires',
      'pwdLastSet',
      'lockoutTime',
      'badPwdCount',
      'objectGUID',
      'objectSid',
    ];
    const alice = (
      await client.search(dn('alice'), {
        scope: 'base',
        attributes: [...needed, 'tokenGroups'],
        explicitBufferAttributes: ['tokenGroups', 'objectGUID', 'objectSid'],
      })
    ).searchEntries[0];
    const aliceAttributes = needed.filter((name) => present(alice?.[name]));
    for (const name of needed) if (!aliceAttributes.includes(name)) problems.push(`cannot read alice's ${name}`);
    const tokenGroups = ([] as Buffer[])
      .concat((alice?.tokenGroups as Buffer[] | Buffer | undefined) ?? [])
      .map((sid) => sidToString(sid));
    if (!tokenGroups.some((sid) => sid.endsWith('-513')) || !tokenGroups.includes('S-1-5-32-545')) {
      problems.push(`alice's tokenGroups read incomplete (${tokenGroups.length} SIDs)`);
    }
    const paula = (await client.search(dn('paula'), { scope: 'base', attributes: ['msDS-ResultantPSO'] }))
      .searchEntries[0];
    const psoDn = first(paula?.['msDS-ResultantPSO']);
    const paulaPso: Record<string, string> = {};
    if (psoDn?.toLowerCase() !== domain.pso.toLowerCase()) problems.push(`paula's msDS-ResultantPSO is ${psoDn}`);
    else {
      const psoAttributes = [
        'msDS-MinimumPasswordLength',
        'msDS-PasswordHistoryLength',
        'msDS-PasswordComplexityEnabled',
        'msDS-LockoutThreshold',
        'msDS-LockoutDuration',
        'msDS-LockoutObservationWindow',
        'msDS-MaximumPasswordAge',
        'msDS-MinimumPasswordAge',
      ];
      const pso = (await client.search(psoDn, { scope: 'base', attributes: psoAttributes })).searchEntries[0];
      for (const name of psoAttributes) {
        const value = first(pso?.[name]);
        if (value === undefined) problems.push(`cannot read the PSO's ${name}`);
        else paulaPso[name] = value;
      }
      if (paulaPso['msDS-MinimumPasswordLength'] !== String(SAMBA_PSO.policy.minLength)) {
        problems.push(`the PSO's minimum length reads ${paulaPso['msDS-MinimumPasswordLength']}`);
      }
    }
    const frankDenyAces = (await readDacl(client, dn('frank')))
      .filter((ace) => CANNOT_CHANGE_PASSWORD_ACES.some((w) => sameAce(ace, w)))
      .map(aceToSddl);
    if (frankDenyAces.length !== CANNOT_CHANGE_PASSWORD_ACES.length) problems.push("cannot read frank's deny ACEs");
    let outsideDelegation = 'description write was allowed';
    try {
      await client.modify(dn('alice'), replace('description', ['svc-sspr must not write this']));
      problems.push("svc-sspr could write alice's description (delegation too broad)");
    } catch (error) {
      if (!(error instanceof InsufficientAccessError)) throw error;
      outsideDelegation = `write description: ${error.constructor.name} (${error.code})`;
    }
    if (problems.length > 0) throw new Error(`svc-sspr delegation check failed:\n  ${problems.join('\n  ')}`);
    return { aliceAttributes, aliceTokenGroups: tokenGroups.length, paulaPso, frankDenyAces, outsideDelegation };
  });
}
