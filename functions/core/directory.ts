/**
 * The directory port: what the product needs from Active Directory.
 * Implemented by the ldapts adapter (real AD, Samba) and by the in-memory stand-in of the local stack;
 * both must pass test/contract/directory.contract.ts.
 */

/** The account a user named, after the username was reduced (see core/username.ts). */
export type AccountLookup =
  | { by: 'sAMAccountName'; value: string }
  | { by: 'userPrincipalName'; value: string }
  | { by: 'objectGuid'; value: string };

/** userAccountControl bits the rules read. */
export const UAC = {
  ACCOUNTDISABLE: 0x2,
  /** msDS-User-Account-Control-Computed */
  LOCKOUT: 0x10,
  /** msDS-User-Account-Control-Computed */
  PASSWORD_EXPIRED: 0x800000,
} as const;

export const SAM_USER_ACCOUNT = 805306368;

/** One user account as read from a domain controller. Integer8 (FILETIME) values stay BigInt. */
export interface DirectoryAccount {
  dn: string;
  /** Canonical GUID string, lower case with dashes (first three groups byte-reversed as AD prints them). */
  objectGuid: string;
  /** String SID, e.g. S-1-5-21-1-2-3-1105. */
  objectSid: string;
  sAMAccountName: string;
  sAMAccountType: number;
  userPrincipalName: string | null;
  displayName: string | null;
  mail: string | null;
  mobile: string | null;
  userAccountControl: number;
  /** msDS-User-Account-Control-Computed: LOCKOUT and PASSWORD_EXPIRED come from here, never from lockoutTime alone. */
  computedUserAccountControl: number;
  /** FILETIME; 0 and 2^63-1 mean never. */
  accountExpires: bigint;
  /** FILETIME; 0 means must change at next logon. */
  pwdLastSet: bigint;
  /** Bad passwords this DC counted (badPwdCount is not replicated: each DC keeps its own). */
  badPwdCount: number;
  /** FILETIME of the last bad password this DC counted; 0 when none. A count older than the observation window is 0. */
  badPasswordTime: bigint;
  /** 0 when absent. */
  adminCount: number;
  /** 21 bytes, bit = weekdayUTC*24 + hourUTC, least significant bit first; null when absent (always allowed). */
  logonHours: Uint8Array | null;
  userWorkstations: string | null;
  /** SIDs from a base-scope read of tokenGroups; empty when the service account cannot read it. */
  tokenGroups: string[];
  /** SIDs named by deny ACEs for the Change-Password right (ab721a53-1e2f-11d0-9819-00aa0040529b) in the DACL. */
  changePasswordDeniedTo: string[];
  /** DN of msDS-ResultantPSO, or null when the domain policy applies. */
  resultantPso: string | null;
}

/** What a DC counts of an account's bad passwords. */
export interface BadPasswords {
  badPwdCount: number;
  /** FILETIME; 0 when none. */
  badPasswordTime: bigint;
}

/** A password policy as the directory enforces it, durations in seconds (0 = none / never). */
export interface DirectoryPolicy {
  source: 'domain' | 'pso';
  minLength: number;
  complexity: boolean;
  historyLength: number;
  minAgeSeconds: number;
  maxAgeSeconds: number;
  /** 0 = accounts never lock out. */
  lockoutThreshold: number;
  lockoutDurationSeconds: number;
  lockoutObservationSeconds: number;
}

/** AD bind sub-codes (data XXX of InvalidCredentials) the product tells apart. */
export const BIND_SUB_CODES = ['525', '52e', '530', '531', '532', '533', '701', '773', '775'] as const;
export type BindSubCode = (typeof BIND_SUB_CODES)[number];

export type BindOutcome = { ok: true } | { ok: false; subCode: BindSubCode };

/**
 * What a DC said to a password write. AD does not say which rule failed: `policy` is 19 / 0000052D (history, length,
 * complexity, minimum age, or a DC password filter); `wrong-password` is 19 / 00000056 on a change (the old password);
 * `constraint` any other 19 (e.g. Samba's acl module refusing a change for a cannot-change account); `access` is
 * 50 or 53 / 00002035 (the service account lacks a right: `right` names it for the log).
 */
export type PasswordWriteOutcome =
  | { ok: true }
  | { ok: false; refusal: 'policy' | 'wrong-password' | 'constraint' }
  | { ok: false; refusal: 'access'; right: string };

/** No domain controller answered in time. Mapped to 503 DIRECTORY_UNAVAILABLE. */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}

/**
 * A unit of work pinned to one domain controller, so a read right after a write sees it.
 * Open one per request (or per flow step) and close it when done.
 */
export interface DirectorySession {
  /** Which DC this session is pinned to (for logs and audit). */
  readonly controller: string;
  /** Finds a user account (sAMAccountType 805306368) under the configured search bases, or null. */
  findAccount(lookup: AccountLookup): Promise<DirectoryAccount | null>;
  /** Binds as the user on a short-lived connection of its own, never the service connection. */
  verifyPassword(account: DirectoryAccount, password: string): Promise<BindOutcome>;
  /**
   * badPwdCount and badPasswordTime as this DC holds them now (a fresh base read of the two), for the lockout guard
   * right before a bind. `null` reads a name that does not exist instead, so a path without an account makes the same
   * round trip; it answers null.
   */
  readBadPasswords(account: DirectoryAccount | null): Promise<BadPasswords | null>;
  /**
   * Binds a name that does not exist, on a user connection as verifyPassword does: the directory work of a wrong
   * password, with no account touched (no badPwdCount anywhere moves). For paths that must not bind the account (it
   * does not exist, is locked, or the lockout guard refused) but must not be told apart by their time.
   */
  bindNobody(password: string): Promise<void>;
  /**
   * Administrative reset: `unicodePwd` replaced (UTF-16LE of the quoted password) over the service connection, with the
   * password-policy-hints control (1.2.840.113556.1.4.2239, else .2066) when this DC's rootDSE lists it, so history
   * is enforced. Does not touch lockoutTime.
   */
  resetPassword(account: DirectoryAccount, newPassword: string): Promise<PasswordWriteOutcome>;
  /** Whether this DC enforces history on an administrative reset (it lists a policy-hints control). */
  enforcesHistoryOnReset(): Promise<boolean>;
  /**
   * A user's change: delete the old and add the new `unicodePwd` in one modify over the service connection (so
   * must-change and expired accounts can change); AD checks the old password, history and minimum age itself.
   */
  changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PasswordWriteOutcome>;
  /** Unlocks the account: lockoutTime 0 (which also resets badPwdCount). The service account's delegated right. */
  resetLockout(account: DirectoryAccount): Promise<void>;
  /** The domain's default password and lockout policy. */
  domainPolicy(): Promise<DirectoryPolicy>;
  /** The PSO named by msDS-ResultantPSO, else the domain policy. Throws when the PSO cannot be read. */
  effectivePolicy(account: DirectoryAccount): Promise<DirectoryPolicy>;
  /**
   * The string SID (objectSid) of the group with this DN, from a base-scope read; DNs compare as LDAP compares them
   * (case-insensitive, spaces around separators ignored). null when nothing is there, it is no group, or the DN is
   * not a DN: configured eligibility groups given by DN are resolved with it (core/groups.ts).
   */
  groupSid(dn: string): Promise<string | null>;
  close(): Promise<void>;
}

export interface Directory {
  /** DN of the account the product binds as; it never takes part in self-service. */
  readonly serviceAccountDn: string;
  openSession(options?: SessionOptions): Promise<DirectorySession>;
}

export interface SessionOptions {
  /**
   * The session will prove a password (verifyPassword): a directory may get the user's own connection ready while the
   * account is looked up. A session that does not bind in the end throws that connection away unused.
   */
  verifiesPassword?: boolean;
}
