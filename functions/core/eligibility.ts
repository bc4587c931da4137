/**
 * Which accounts may use self-service, and for what (DESIGN §4 Eligibility). Pure: the account comes in as read from
 * a domain controller, the time and the configuration as arguments.
 */
import { type BindSubCode, type DirectoryAccount, SAM_USER_ACCOUNT, UAC } from './directory.js';
import type { IneligibilityReason } from './errors.js';

export type Purpose = 'enroll' | 'start' | 'change';

/** 2^63−1, AD's "never" for Integer8 times. */
export const NEVER = 9223372036854775807n;

/** 100-ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function filetimeToMs(v: bigint): number {
  return Number((v - FILETIME_UNIX_EPOCH) / 10000n);
}

export function accountExpired(accountExpires: bigint, nowMs: number): boolean {
  // Negative values are no valid time; like AD's two markers they mean no expiry rather than "long ago".
  if (accountExpires <= 0n || accountExpires === NEVER) return false;
  return filetimeToMs(accountExpires) <= nowMs;
}

const LOGON_HOURS_BYTES = 21;

/** logonHours is in UTC, one bit per hour of the week from Sunday 00:00, least significant bit first. */
export function logonAllowedAt(logonHours: Uint8Array | null, nowMs: number): boolean {
  if (logonHours === null) return true;
  // A value of any other size cannot be read; refusing is safer than guessing which hours it meant.
  if (logonHours.length !== LOGON_HOURS_BYTES) return false;
  const now = new Date(nowMs);
  const bit = now.getUTCDay() * 24 + now.getUTCHours();
  return ((logonHours[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

/**
 * Domain Admins, Domain Controllers, Schema Admins, Enterprise Admins, Group Policy Creator Owners, Read-only Domain
 * Controllers, Protected Users, Key Admins, Enterprise Key Admins.
 */
const PROTECTED_DOMAIN_RIDS = [512, 516, 518, 519, 520, 521, 525, 526, 527] as const;
/** Administrators, Account Operators, Server Operators, Print Operators, Backup Operators. */
const PROTECTED_BUILTIN_SIDS = ['S-1-5-32-544', 'S-1-5-32-548', 'S-1-5-32-549', 'S-1-5-32-550', 'S-1-5-32-551'];
const DOMAIN_USERS_RID = 513;
const BUILTIN_USERS_SID = 'S-1-5-32-545';

const SID_PATTERN = /^S-1-\d+(-\d+)+$/i;

/** Whether a configured group reference is a SID (otherwise it is a DN, resolved by core/groups.ts). */
export function isSid(ref: string): boolean {
  return SID_PATTERN.test(ref.trim());
}

/** SIDs are compared upper-cased: the "S" prefix is the only letter and some tools print it in lower case. */
export function canonicalSid(sid: string): string {
  return sid.trim().toUpperCase();
}

/** The account's domain SID: its objectSid without the RID. */
export function domainSidOf(account: DirectoryAccount): string {
  const sid = canonicalSid(account.objectSid);
  return sid.slice(0, sid.lastIndexOf('-'));
}

/** The account's RID, or NaN when its objectSid is not a SID. */
export function ridOf(account: DirectoryAccount): number {
  const sid = canonicalSid(account.objectSid);
  if (!SID_PATTERN.test(sid)) return Number.NaN;
  return Number(sid.slice(sid.lastIndexOf('-') + 1));
}

function tokenGroupSet(account: DirectoryAccount): Set<string> {
  return new Set(account.tokenGroups.map(canonicalSid));
}

/**
 * A complete token holds Domain Users (513) and BUILTIN\Users (S-1-5-32-545). One without both was cut short by
 * missing read rights, and reading it as "no groups" would let protected accounts through.
 */
export function tokenGroupsReadable(account: DirectoryAccount): boolean {
  const groups = tokenGroupSet(account);
  return groups.has(`${domainSidOf(account)}-${DOMAIN_USERS_RID}`) && groups.has(BUILTIN_USERS_SID);
}

/**
 * eligibility.denyGroups and allowGroups as SIDs in canonical form, as tokenGroups holds them. Only core/groups.ts
 * makes one: it resolves the groups given by DN, and refuses to make one while any of them is unresolved, so a group
 * here is never a DN that silently matched no one.
 */
export interface EligibilityGroups {
  /** Added to the protected set. */
  deny: ReadonlySet<string>;
  /** null: no allow list. Otherwise only members of one of these groups may use self-service. */
  allow: ReadonlySet<string> | null;
}

function isProtected(account: DirectoryAccount, eligibilityGroups: EligibilityGroups): boolean {
  if (account.adminCount === 1) return true;
  if (!tokenGroupsReadable(account)) return true;
  const groups = tokenGroupSet(account);
  const domainSid = domainSidOf(account);
  if (PROTECTED_DOMAIN_RIDS.some((rid) => groups.has(`${domainSid}-${rid}`))) return true;
  if (PROTECTED_BUILTIN_SIDS.some((sid) => groups.has(sid))) return true;
  const member = (sid: string) => groups.has(canonicalSid(sid));
  if ([...eligibilityGroups.deny].some(member)) return true;
  const { allow } = eligibilityGroups;
  if (allow !== null && ![...allow].some(member)) return true;
  return false;
}

/**
 * Accounts that never take part in self-service and are answered as names that do not exist: the built-in
 * Administrator (500), Guest (501), krbtgt (502, and by name in case of a renamed copy), the bind account, and
 * anything that is not a normal user account (computers, trusts).
 */
export function isHiddenAccount(account: DirectoryAccount, serviceAccountDn: string): boolean {
  const rid = ridOf(account);
  if (rid === 500 || rid === 501 || rid === 502) return true;
  if (account.sAMAccountName.toLowerCase() === 'krbtgt') return true;
  if (account.dn.toLowerCase() === serviceAccountDn.toLowerCase()) return true;
  return account.sAMAccountType !== SAM_USER_ACCOUNT;
}

/** From the computed flag only: lockoutTime stays set after the lockout duration ran out. */
export function isLockedOut(account: DirectoryAccount): boolean {
  return (account.computedUserAccountControl & UAC.LOCKOUT) !== 0;
}

const EVERYONE_SID = 'S-1-1-0';
const SELF_SID = 'S-1-5-10';

export function cannotChangePassword(account: DirectoryAccount): boolean {
  return account.changePasswordDeniedTo.some((sid) => {
    const canonical = canonicalSid(sid);
    return canonical === EVERYONE_SID || canonical === SELF_SID;
  });
}

export function mustChangePassword(account: DirectoryAccount): boolean {
  return account.pwdLastSet === 0n;
}

export function passwordExpired(account: DirectoryAccount): boolean {
  return (account.computedUserAccountControl & UAC.PASSWORD_EXPIRED) !== 0;
}

export function isDisabled(account: DirectoryAccount): boolean {
  return (account.userAccountControl & UAC.ACCOUNTDISABLE) !== 0;
}

export function isWorkstationRestricted(account: DirectoryAccount): boolean {
  return (account.userWorkstations ?? '').trim() !== '';
}

/**
 * Reasons each purpose lets through. Start lets the commonest reasons to need a reset through; change lets through
 * exactly what the flags ask the user to do. Locked is never a reason here: callers answer it as BAD_CREDENTIALS.
 */
const ALLOWED: Record<Purpose, ReadonlySet<IneligibilityReason>> = {
  enroll: new Set(),
  start: new Set(['MUST_CHANGE_PASSWORD', 'PASSWORD_EXPIRED', 'WORKSTATION']),
  change: new Set(['MUST_CHANGE_PASSWORD', 'PASSWORD_EXPIRED']),
};

/** Whether a purpose lets an account in this state go on (e.g. a must-change account may change its password). */
export function purposeAllows(purpose: Purpose, reason: IneligibilityReason): boolean {
  return ALLOWED[purpose].has(reason);
}

export interface EligibilityContext {
  nowMs: number;
  /** The configured deny and allow groups, resolved (core/groups.ts eligibilityGroups). */
  groups: EligibilityGroups;
}

export type EligibilityResult = { eligible: true } | { eligible: false; reason: IneligibilityReason };

export function checkEligibility(
  purpose: Purpose,
  account: DirectoryAccount,
  context: EligibilityContext,
): EligibilityResult {
  // In this order: the first failing reason is the one reported.
  const checks: [IneligibilityReason, () => boolean][] = [
    ['PROTECTED_ACCOUNT', () => isProtected(account, context.groups)],
    ['DISABLED', () => isDisabled(account)],
    ['EXPIRED', () => accountExpired(account.accountExpires, context.nowMs)],
    ['LOGON_HOURS', () => !logonAllowedAt(account.logonHours, context.nowMs)],
    ['CANNOT_CHANGE_PASSWORD', () => cannotChangePassword(account)],
    ['MUST_CHANGE_PASSWORD', () => mustChangePassword(account)],
    ['PASSWORD_EXPIRED', () => passwordExpired(account)],
    ['WORKSTATION', () => isWorkstationRestricted(account)],
  ];
  const allowed = ALLOWED[purpose];
  for (const [reason, fails] of checks) {
    if (!allowed.has(reason) && fails()) return { eligible: false, reason };
  }
  return { eligible: true };
}

const BIND_FAILURES: Record<BindSubCode, IneligibilityReason | 'BAD_CREDENTIALS' | 'LOCKED'> = {
  // 525 (no such user) must look exactly like a wrong password, or binds would tell which names exist.
  '525': 'BAD_CREDENTIALS',
  '52e': 'BAD_CREDENTIALS',
  '530': 'LOGON_HOURS',
  '531': 'WORKSTATION',
  '532': 'PASSWORD_EXPIRED',
  '533': 'DISABLED',
  '701': 'EXPIRED',
  '773': 'MUST_CHANGE_PASSWORD',
  '775': 'LOCKED',
};

/** What a failed bind as the user means. AD reports these only for the right password (except 525/52e/775). */
export function reasonForBindFailure(subCode: BindSubCode): IneligibilityReason | 'BAD_CREDENTIALS' | 'LOCKED' {
  return BIND_FAILURES[subCode];
}
