/**
 * Turning ldapts search entries into the port's values. Attribute names are matched case-insensitively (a DC may
 * answer in its schema's case), binary attributes must arrive as Buffers, and a value the service account could
 * not read is an error where reading it as "absent" would let an ineligible account through.
 */
import type { Entry } from 'ldapts';
import type { BadPasswords, DirectoryAccount, DirectoryPolicy } from '../../core/directory.js';
import { intervalToSeconds, parseInteger8 } from './filetime.js';
import { guidToString } from './guid.js';
import { changePasswordDeniedTo, parseSecurityDescriptor } from './securityDescriptor.js';
import { sidToString } from './sid.js';

/** Read with a base-scope search: tokenGroups is refused in a subtree search, constructed attributes are reliable. */
export const ACCOUNT_ATTRIBUTES = [
  'objectGUID',
  'objectSid',
  'sAMAccountName',
  'sAMAccountType',
  'userPrincipalName',
  'displayName',
  'mail',
  'mobile',
  'userAccountControl',
  'msDS-User-Account-Control-Computed',
  'accountExpires',
  'pwdLastSet',
  'badPwdCount',
  'badPasswordTime',
  'adminCount',
  'logonHours',
  'userWorkstations',
  'msDS-ResultantPSO',
  'tokenGroups',
] as const;

export const SECURITY_DESCRIPTOR_ATTRIBUTE = 'nTSecurityDescriptor';

export const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid', 'logonHours', 'tokenGroups', 'nTSecurityDescriptor'];

/**
 * ldapts decides "binary" by comparing the attribute name the server sent, case-sensitively, with this list; both
 * spellings keep a DC that answers in lower case from turning SIDs into mangled UTF-8.
 */
export function explicitBuffers(names: readonly string[]): string[] {
  return names.filter((n) => BINARY_ATTRIBUTES.includes(n)).flatMap((n) => [n, n.toLowerCase()]);
}

export const DOMAIN_POLICY_ATTRIBUTES = [
  'minPwdLength',
  'pwdProperties',
  'pwdHistoryLength',
  'minPwdAge',
  'maxPwdAge',
  'lockoutThreshold',
  'lockoutDuration',
  'lockOutObservationWindow',
] as const;

export const PSO_ATTRIBUTES = [
  'msDS-MinimumPasswordLength',
  'msDS-PasswordComplexityEnabled',
  'msDS-PasswordHistoryLength',
  'msDS-MinimumPasswordAge',
  'msDS-MaximumPasswordAge',
  'msDS-LockoutThreshold',
  'msDS-LockoutDuration',
  'msDS-LockoutObservationWindow',
] as const;

const DOMAIN_PASSWORD_COMPLEX = 0x1;

type Value = Entry[string];

/** An entry's attributes by lower-cased name; empty values (ldapts' [] for "asked for, not returned") dropped. */
export class EntryReader {
  private readonly values = new Map<string, Value>();

  constructor(
    readonly entry: Entry,
    private readonly what: string,
  ) {
    for (const [name, value] of Object.entries(entry)) {
      if (name === 'dn') continue;
      if (Array.isArray(value) && value.length === 0) continue;
      this.values.set(name.toLowerCase(), value);
    }
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  private missing(name: string): Error {
    return new Error(`${this.what}: ${name} is missing (the service account may lack the right to read it)`);
  }

  /** A single-valued string attribute; null when absent. */
  optionalString(name: string): string | null {
    const value = this.values.get(name.toLowerCase());
    if (value === undefined) return null;
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) return null;
    return typeof first === 'string' ? first : first.toString('utf8');
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === null) throw this.missing(name);
    return value;
  }

  optionalInteger(name: string): number | null {
    const value = this.optionalString(name);
    if (value === null) return null;
    if (!/^-?\d{1,10}$/.test(value.trim())) throw new Error(`${this.what}: ${name} is not an integer`);
    return Number(value.trim());
  }

  integer(name: string): number {
    const value = this.optionalInteger(name);
    if (value === null) throw this.missing(name);
    return value;
  }

  integer8(name: string): bigint {
    const value = this.optionalInteger8(name);
    if (value === null) throw this.missing(name);
    return value;
  }

  optionalInteger8(name: string): bigint | null {
    const value = this.optionalString(name);
    return value === null ? null : parseInteger8(value);
  }

  boolean(name: string): boolean {
    const value = this.string(name).trim().toUpperCase();
    if (value !== 'TRUE' && value !== 'FALSE') throw new Error(`${this.what}: ${name} is not a boolean`);
    return value === 'TRUE';
  }

  /** Every value of a binary attribute; a string here means ldapts was not told it is binary (a bug, not data). */
  buffers(name: string): Buffer[] {
    const value = this.values.get(name.toLowerCase());
    if (value === undefined) return [];
    const list: unknown[] = Array.isArray(value) ? value : [value];
    return list.map((item) => {
      if (!Buffer.isBuffer(item)) throw new Error(`${this.what}: ${name} was not read as binary`);
      return item;
    });
  }

  buffer(name: string): Buffer {
    const [first, ...rest] = this.buffers(name);
    if (first === undefined) throw this.missing(name);
    if (rest.length > 0) throw new Error(`${this.what}: ${name} has more than one value`);
    return first;
  }

  optionalBuffer(name: string): Buffer | null {
    return this.has(name) ? this.buffer(name) : null;
  }
}

/**
 * The account from its base-scope read and its DACL read. The DACL is required: every object has one, so a
 * missing nTSecurityDescriptor means the service account lacks Read Permissions, and "no deny" would be a guess.
 */
export function accountFromEntries(state: Entry, securityDescriptor: Entry | undefined): DirectoryAccount {
  const what = `account ${state.dn}`;
  const read = new EntryReader(state, what);
  const sd = securityDescriptor ? new EntryReader(securityDescriptor, what) : null;
  if (!sd?.has(SECURITY_DESCRIPTOR_ATTRIBUTE)) {
    throw new Error(`${what}: cannot read its DACL (nTSecurityDescriptor); the service account needs Read Permissions`);
  }
  const logonHours = read.optionalBuffer('logonHours');
  return {
    dn: state.dn,
    objectGuid: guidToString(read.buffer('objectGUID')),
    objectSid: sidToString(read.buffer('objectSid')),
    sAMAccountName: read.string('sAMAccountName'),
    sAMAccountType: read.integer('sAMAccountType'),
    userPrincipalName: read.optionalString('userPrincipalName'),
    displayName: read.optionalString('displayName'),
    mail: read.optionalString('mail'),
    mobile: read.optionalString('mobile'),
    userAccountControl: read.integer('userAccountControl'),
    computedUserAccountControl: read.integer('msDS-User-Account-Control-Computed'),
    accountExpires: read.integer8('accountExpires'),
    pwdLastSet: read.integer8('pwdLastSet'),
    badPwdCount: read.optionalInteger('badPwdCount') ?? 0,
    badPasswordTime: read.optionalInteger8('badPasswordTime') ?? 0n,
    adminCount: read.optionalInteger('adminCount') ?? 0,
    logonHours: logonHours ? new Uint8Array(logonHours) : null,
    userWorkstations: read.optionalString('userWorkstations'),
    tokenGroups: read.buffers('tokenGroups').map((sid) => sidToString(sid)),
    changePasswordDeniedTo: changePasswordDeniedTo(parseSecurityDescriptor(sd.buffer(SECURITY_DESCRIPTOR_ATTRIBUTE))),
    resultantPso: read.optionalString('msDS-ResultantPSO'),
  };
}

/** badPwdCount and badPasswordTime from a base read of the two (absent: never counted). */
export function badPasswordsFromEntry(entry: Entry): BadPasswords {
  const read = new EntryReader(entry, `bad passwords of ${entry.dn}`);
  return {
    badPwdCount: read.optionalInteger('badPwdCount') ?? 0,
    badPasswordTime: read.optionalInteger8('badPasswordTime') ?? 0n,
  };
}

export const BAD_PASSWORD_ATTRIBUTES = ['badPwdCount', 'badPasswordTime'] as const;

export function domainPolicyFromEntry(entry: Entry): DirectoryPolicy {
  const read = new EntryReader(entry, `domain policy on ${entry.dn}`);
  return {
    source: 'domain',
    minLength: read.integer('minPwdLength'),
    complexity: (read.integer('pwdProperties') & DOMAIN_PASSWORD_COMPLEX) !== 0,
    historyLength: read.integer('pwdHistoryLength'),
    minAgeSeconds: intervalToSeconds(read.integer8('minPwdAge')),
    maxAgeSeconds: intervalToSeconds(read.integer8('maxPwdAge')),
    lockoutThreshold: read.integer('lockoutThreshold'),
    lockoutDurationSeconds: intervalToSeconds(read.integer8('lockoutDuration')),
    lockoutObservationSeconds: intervalToSeconds(read.integer8('lockOutObservationWindow')),
  };
}

/** Every msDS-* value is required: they read empty, with no error, when the container's read right is missing. */
export function psoPolicyFromEntry(entry: Entry): DirectoryPolicy {
  const missing = PSO_ATTRIBUTES.filter((name) => !new EntryReader(entry, '').has(name));
  if (missing.length > 0) {
    throw new Error(
      `the service account cannot read the password settings object ${entry.dn} (${missing.join(', ')} read empty): ` +
        'it needs read access to the Password Settings Container',
    );
  }
  const read = new EntryReader(entry, `password settings object ${entry.dn}`);
  return {
    source: 'pso',
    minLength: read.integer('msDS-MinimumPasswordLength'),
    complexity: read.boolean('msDS-PasswordComplexityEnabled'),
    historyLength: read.integer('msDS-PasswordHistoryLength'),
    minAgeSeconds: intervalToSeconds(read.integer8('msDS-MinimumPasswordAge')),
    maxAgeSeconds: intervalToSeconds(read.integer8('msDS-MaximumPasswordAge')),
    lockoutThreshold: read.integer('msDS-LockoutThreshold'),
    lockoutDurationSeconds: intervalToSeconds(read.integer8('msDS-LockoutDuration')),
    lockoutObservationSeconds: intervalToSeconds(read.integer8('msDS-LockoutObservationWindow')),
  };
}

/** What a group's base read asks for: objectClass tells a group from any other object at that DN. */
export const GROUP_ATTRIBUTES = ['objectClass', 'objectSid'] as const;

/**
 * The group's string SID, or null when the entry is no group (a user, an OU, a container). A group whose objectSid
 * reads empty is an error, not "no group": the service account lacks a read right, and ops must hear about that.
 */
export function groupSidFromEntry(entry: Entry): string | null {
  const read = new EntryReader(entry, `group ${entry.dn}`);
  const classes = entry.objectClass ?? entry.objectclass ?? [];
  const names = (Array.isArray(classes) ? classes : [classes]).map((c) => String(c).toLowerCase());
  if (!names.includes('group')) return null;
  return sidToString(read.buffer('objectSid'));
}
