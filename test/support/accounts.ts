/**
 * One directory account for unit tests of the domain's rules (eligibility, `sspr status`): Alice, an ordinary
 * enabled user in Domain Users, with a mail and a mobile, her password set a day before NOW. A test states only
 * what it changes.
 */
import type { DirectoryAccount } from '../../functions/core/directory.js';
import { NEVER } from '../../functions/core/eligibility.js';

export const DOMAIN_SID = 'S-1-5-21-1004336348-1177238915-682003330';
export const DOMAIN_USERS = `${DOMAIN_SID}-513`;
export const BUILTIN_USERS = 'S-1-5-32-545';
/** Wednesday 4 March 2026, 13:30 UTC. */
export const NOW = Date.UTC(2026, 2, 4, 13, 30);
export const FILETIME_1970 = 116444736000000000n;

/** Milliseconds since 1970 as an AD FILETIME (100 ns ticks since 1601). */
export function msToFiletime(ms: number): bigint {
  return BigInt(ms) * 10000n + FILETIME_1970;
}

export function directoryAccount(overrides: Partial<DirectoryAccount> = {}): DirectoryAccount {
  return {
    dn: 'CN=Alice Archer,OU=People,DC=corp,DC=example,DC=test',
    objectGuid: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    objectSid: `${DOMAIN_SID}-1105`,
    sAMAccountName: 'alice',
    sAMAccountType: 805306368,
    userPrincipalName: 'alice@corp.example.test',
    displayName: 'Alice Archer',
    mail: 'alice@example.com',
    mobile: '+15550100001',
    userAccountControl: 0x200,
    computedUserAccountControl: 0,
    accountExpires: NEVER,
    pwdLastSet: msToFiletime(NOW - 86_400_000),
    badPwdCount: 0,
    badPasswordTime: 0n,
    adminCount: 0,
    logonHours: null,
    userWorkstations: null,
    tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, 'S-1-5-11'],
    changePasswordDeniedTo: [],
    resultantPso: null,
    ...overrides,
  };
}
