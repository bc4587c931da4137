import { describe, expect, it } from 'vitest';
import type { Config } from '../../functions/core/config.js';
import { BIND_SUB_CODES, type DirectoryAccount } from '../../functions/core/directory.js';
import {
  accountExpired,
  cannotChangePassword,
  checkEligibility,
  filetimeToMs,
  isHiddenAccount,
  isLockedOut,
  logonAllowedAt,
  mustChangePassword,
  NEVER,
  type Purpose,
  passwordExpired,
  reasonForBindFailure,
  tokenGroupsReadable,
} from '../../functions/core/eligibility.js';
import type { IneligibilityReason } from '../../functions/core/errors.js';
import { dnKey, eligibilityGroupsFrom, UnresolvableGroupError } from '../../functions/core/groups.js';
import {
  BUILTIN_USERS,
  DOMAIN_SID,
  DOMAIN_USERS,
  directoryAccount,
  FILETIME_1970,
  msToFiletime,
  NOW,
} from '../support/accounts.js';

const SERVICE_DN = 'CN=svc-sspr,OU=Service,DC=corp,DC=example,DC=test';
const account = directoryAccount;

const noRestrictions: Config['eligibility'] = { denyGroups: [], allowGroups: [] };

/** `resolved`: what the directory answered for each configured DN (core/groups.ts resolves them so). */
function check(
  purpose: Purpose,
  a: DirectoryAccount,
  eligibility: Config['eligibility'] = noRestrictions,
  resolved: Record<string, string> = {},
): IneligibilityReason | 'eligible' {
  const sidsByDn = new Map(Object.entries(resolved).map(([dn, sid]) => [dnKey(dn), sid]));
  const result = checkEligibility(purpose, a, { nowMs: NOW, groups: eligibilityGroupsFrom(eligibility, sidsByDn) });
  return result.eligible ? 'eligible' : result.reason;
}

const PURPOSES: Purpose[] = ['enroll', 'start', 'change'];

function logonHoursWith(...bits: number[]): Uint8Array {
  const bytes = new Uint8Array(21);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (1 << (bit & 7));
  return bytes;
}

function logonHoursWithout(...bits: number[]): Uint8Array {
  const bytes = new Uint8Array(21).fill(0xff);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) & ~(1 << (bit & 7));
  return bytes;
}

describe('FILETIME', () => {
  it('converts to Unix milliseconds', () => {
    expect(filetimeToMs(FILETIME_1970)).toBe(0);
    expect(filetimeToMs(msToFiletime(NOW))).toBe(NOW);
    expect(filetimeToMs(FILETIME_1970 + 12_345n)).toBe(1);
  });

  it('reads 0, 2^63−1 and negative accountExpires as never', () => {
    expect(NEVER).toBe(2n ** 63n - 1n);
    expect(accountExpired(0n, NOW)).toBe(false);
    expect(accountExpired(NEVER, NOW)).toBe(false);
    expect(accountExpired(-1n, NOW)).toBe(false);
  });

  it('knows a past from a future expiry', () => {
    expect(accountExpired(msToFiletime(NOW - 60_000), NOW)).toBe(true);
    expect(accountExpired(msToFiletime(NOW), NOW)).toBe(true);
    expect(accountExpired(msToFiletime(NOW + 60_000), NOW)).toBe(false);
    expect(accountExpired(msToFiletime(Date.UTC(2000, 0, 1)), NOW)).toBe(true);
  });
});

describe('logonAllowedAt', () => {
  const sundayMidnight = Date.UTC(2026, 2, 1, 0, 0); // Sunday 00:00 UTC
  const saturdayLate = Date.UTC(2026, 2, 7, 23, 59, 59); // Saturday 23:59:59 UTC
  const wednesday = Date.UTC(2026, 2, 4, 13, 30); // Wednesday 13:30 UTC → bit 3*24+13

  it('allows any time when logonHours is absent', () => {
    for (const t of [sundayMidnight, saturdayLate, wednesday]) expect(logonAllowedAt(null, t)).toBe(true);
  });

  it('reads Sunday 00:00 UTC as bit 0', () => {
    expect(new Date(sundayMidnight).getUTCDay()).toBe(0);
    expect(logonAllowedAt(logonHoursWith(0), sundayMidnight)).toBe(true);
    expect(logonAllowedAt(logonHoursWithout(0), sundayMidnight)).toBe(false);
    expect(logonAllowedAt(logonHoursWith(1), sundayMidnight)).toBe(false);
  });

  it('reads Saturday 23:00 UTC as bit 167', () => {
    expect(new Date(saturdayLate).getUTCDay()).toBe(6);
    expect(logonAllowedAt(logonHoursWith(167), saturdayLate)).toBe(true);
    expect(logonAllowedAt(logonHoursWithout(167), saturdayLate)).toBe(false);
    expect(logonAllowedAt(logonHoursWith(166), saturdayLate)).toBe(false);
  });

  it('reads a mid-week hour', () => {
    const bit = 3 * 24 + 13;
    expect(logonAllowedAt(logonHoursWith(bit), wednesday)).toBe(true);
    expect(logonAllowedAt(logonHoursWithout(bit), wednesday)).toBe(false);
    expect(logonAllowedAt(logonHoursWith(bit - 1, bit + 1), wednesday)).toBe(false);
  });

  it('denies all hours when nothing is set, allows all when everything is', () => {
    expect(logonAllowedAt(new Uint8Array(21), wednesday)).toBe(false);
    expect(logonAllowedAt(new Uint8Array(21).fill(0xff), wednesday)).toBe(true);
  });

  it('fails closed on a value that is not 21 bytes', () => {
    expect(logonAllowedAt(new Uint8Array(20).fill(0xff), wednesday)).toBe(false);
    expect(logonAllowedAt(new Uint8Array(22).fill(0xff), wednesday)).toBe(false);
    expect(logonAllowedAt(new Uint8Array(0), wednesday)).toBe(false);
  });

  it('makes LOGON_HOURS a reason', () => {
    expect(check('enroll', account({ logonHours: logonHoursWithout(3 * 24 + 13) }))).toBe('LOGON_HOURS');
    expect(check('enroll', account({ logonHours: logonHoursWith(3 * 24 + 13) }))).toBe('eligible');
  });
});

describe('protected accounts', () => {
  it.each([512, 516, 518, 519, 520, 521, 525, 526, 527])('refuses members of domain RID %i', (rid) => {
    const a = account({ tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, `${DOMAIN_SID}-${rid}`] });
    for (const purpose of PURPOSES) expect(check(purpose, a)).toBe('PROTECTED_ACCOUNT');
  });

  it.each(['S-1-5-32-544', 'S-1-5-32-548', 'S-1-5-32-549', 'S-1-5-32-550', 'S-1-5-32-551'])(
    'refuses members of %s',
    (sid) => {
      const a = account({ tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, sid] });
      for (const purpose of PURPOSES) expect(check(purpose, a)).toBe('PROTECTED_ACCOUNT');
    },
  );

  it('lets members of ordinary groups through', () => {
    const a = account({
      tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, `${DOMAIN_SID}-1201`, `${DOMAIN_SID}-517`, 'S-1-5-32-555'],
    });
    for (const purpose of PURPOSES) expect(check(purpose, a)).toBe('eligible');
  });

  it("compares RIDs of the account's own domain only", () => {
    const a = account({ tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, 'S-1-5-21-1-2-3-512'] });
    expect(check('enroll', a)).toBe('eligible');
  });

  it('refuses through the primary group (512 listed in tokenGroups)', () => {
    expect(check('start', account({ tokenGroups: [`${DOMAIN_SID}-512`, DOMAIN_USERS, BUILTIN_USERS] }))).toBe(
      'PROTECTED_ACCOUNT',
    );
    // An admin whose primary group is Domain Admins and who left Domain Users.
    expect(check('start', account({ tokenGroups: [`${DOMAIN_SID}-512`, BUILTIN_USERS] }))).toBe('PROTECTED_ACCOUNT');
  });

  it('compares SIDs regardless of the case of their prefix', () => {
    const a = account({ tokenGroups: [DOMAIN_USERS.toLowerCase(), 's-1-5-32-545', `s${DOMAIN_SID.slice(1)}-512`] });
    expect(check('enroll', a)).toBe('PROTECTED_ACCOUNT');
    expect(check('enroll', account({ tokenGroups: [DOMAIN_USERS.toLowerCase(), 's-1-5-32-545'] }))).toBe('eligible');
  });

  it('refuses adminCount = 1', () => {
    expect(check('enroll', account({ adminCount: 1 }))).toBe('PROTECTED_ACCOUNT');
    expect(check('start', account({ adminCount: 1 }))).toBe('PROTECTED_ACCOUNT');
    expect(check('enroll', account({ adminCount: 0 }))).toBe('eligible');
  });

  it('refuses when tokenGroups is empty or partial', () => {
    expect(tokenGroupsReadable(account())).toBe(true);
    for (const tokenGroups of [[], [DOMAIN_USERS], [BUILTIN_USERS], [`${DOMAIN_SID}-1201`, 'S-1-5-11']]) {
      const a = account({ tokenGroups });
      expect(tokenGroupsReadable(a)).toBe(false);
      for (const purpose of PURPOSES) expect(check(purpose, a)).toBe('PROTECTED_ACCOUNT');
    }
  });

  it("needs Domain Users of the account's own domain", () => {
    expect(check('enroll', account({ tokenGroups: ['S-1-5-21-1-2-3-513', BUILTIN_USERS] }))).toBe('PROTECTED_ACCOUNT');
  });

  describe('denyGroups', () => {
    const helpdesk = `${DOMAIN_SID}-1301`;
    const helpdeskDn = 'CN=Helpdesk,OU=Groups,DC=corp,DC=example,DC=test';
    const resolver = { [helpdeskDn]: helpdesk };
    const member = account({ tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, helpdesk] });

    it('refuses members of a group given by SID', () => {
      expect(check('enroll', member, { denyGroups: [helpdesk], allowGroups: [] })).toBe('PROTECTED_ACCOUNT');
      expect(check('enroll', account(), { denyGroups: [helpdesk], allowGroups: [] })).toBe('eligible');
    });

    it('refuses members of a group given by DN once resolved, in any case and spacing', () => {
      for (const dn of [helpdeskDn, helpdeskDn.toUpperCase(), 'cn=helpdesk , ou=Groups,DC=corp,DC=example,DC=test']) {
        const deny = { denyGroups: [dn], allowGroups: [] };
        expect(check('change', member, deny, resolver)).toBe('PROTECTED_ACCOUNT');
        expect(check('change', account(), deny, resolver)).toBe('eligible');
      }
    });

    it('compares SIDs in any case', () => {
      const deny = { denyGroups: [helpdesk.toLowerCase()], allowGroups: [] };
      expect(check('enroll', member, deny)).toBe('PROTECTED_ACCOUNT');
    });

    it('never reads a DN that cannot be resolved as an empty group: no groups, so no check at all', () => {
      const deny = { denyGroups: ['CN=Gone,OU=Groups,DC=corp,DC=example,DC=test'], allowGroups: [] };
      expect(() => check('enroll', member, deny, resolver)).toThrow(UnresolvableGroupError);
      expect(() => check('enroll', member, { denyGroups: [helpdeskDn], allowGroups: [] })).toThrow(/CN=Helpdesk/);
    });
  });

  describe('allowGroups', () => {
    const pilot = `${DOMAIN_SID}-1401`;
    const pilotDn = 'CN=SSPR Pilot,OU=Groups,DC=corp,DC=example,DC=test';
    const resolver = { [pilotDn]: pilot };
    const member = account({ tokenGroups: [DOMAIN_USERS, BUILTIN_USERS, pilot] });

    it('lets everyone through when empty', () => {
      expect(check('enroll', account(), noRestrictions)).toBe('eligible');
    });

    it('limits self-service to members of a group given by SID', () => {
      const allow = { denyGroups: [], allowGroups: [pilot] };
      expect(check('enroll', member, allow)).toBe('eligible');
      expect(check('enroll', account(), allow)).toBe('PROTECTED_ACCOUNT');
    });

    it('limits self-service to members of a group given by DN', () => {
      const allow = { denyGroups: [], allowGroups: [pilotDn.toLowerCase()] };
      expect(check('start', member, allow, resolver)).toBe('eligible');
      expect(check('start', account(), allow, resolver)).toBe('PROTECTED_ACCOUNT');
    });

    it('admits through any one of several groups', () => {
      const allow = { denyGroups: [], allowGroups: [`${DOMAIN_SID}-1999`, pilot] };
      expect(check('enroll', member, allow)).toBe('eligible');
    });

    it('makes no groups with a DN that cannot be resolved, beside one that can', () => {
      const allow = { denyGroups: [], allowGroups: [pilot, pilotDn] };
      expect(() => check('enroll', member, allow)).toThrow(UnresolvableGroupError);
    });

    it('admits members of a group given by DN beside one given by SID', () => {
      const allow = { denyGroups: [], allowGroups: [`${DOMAIN_SID}-1999`, pilotDn] };
      expect(check('enroll', member, allow, resolver)).toBe('eligible');
      expect(check('enroll', account(), allow, resolver)).toBe('PROTECTED_ACCOUNT');
    });

    it('keeps protected accounts out even when they are members', () => {
      const allow = { denyGroups: [], allowGroups: [pilot] };
      expect(check('enroll', account({ adminCount: 1, tokenGroups: member.tokenGroups }), allow)).toBe(
        'PROTECTED_ACCOUNT',
      );
      const admin = account({ tokenGroups: [...member.tokenGroups, `${DOMAIN_SID}-512`] });
      expect(check('enroll', admin, allow)).toBe('PROTECTED_ACCOUNT');
    });

    it('lets denyGroups win over allowGroups', () => {
      expect(check('enroll', member, { denyGroups: [pilot], allowGroups: [pilot] })).toBe('PROTECTED_ACCOUNT');
    });
  });
});

describe('account state', () => {
  it('reads locked from the computed flag only', () => {
    expect(isLockedOut(account({ computedUserAccountControl: 0x10 }))).toBe(true);
    expect(isLockedOut(account({ computedUserAccountControl: 0x800000 }))).toBe(false);
    expect(isLockedOut(account({ userAccountControl: 0x200 | 0x10 }))).toBe(false);
    expect(isLockedOut(account())).toBe(false);
  });

  it('reads cannot-change-password from a deny to Everyone or SELF', () => {
    expect(cannotChangePassword(account({ changePasswordDeniedTo: ['S-1-1-0'] }))).toBe(true);
    expect(cannotChangePassword(account({ changePasswordDeniedTo: ['S-1-5-10'] }))).toBe(true);
    expect(cannotChangePassword(account({ changePasswordDeniedTo: [`${DOMAIN_SID}-1105`] }))).toBe(false);
    expect(cannotChangePassword(account())).toBe(false);
  });

  it('reads must-change from pwdLastSet = 0', () => {
    expect(mustChangePassword(account({ pwdLastSet: 0n }))).toBe(true);
    expect(mustChangePassword(account())).toBe(false);
  });

  it('reads password-expired from the computed flag', () => {
    expect(passwordExpired(account({ computedUserAccountControl: 0x800000 }))).toBe(true);
    expect(passwordExpired(account({ userAccountControl: 0x200 | 0x800000 }))).toBe(false);
    expect(passwordExpired(account())).toBe(false);
  });
});

describe('checkEligibility per purpose', () => {
  const cases: [IneligibilityReason, Partial<DirectoryAccount>, Record<Purpose, boolean>][] = [
    ['PROTECTED_ACCOUNT', { adminCount: 1 }, { enroll: false, start: false, change: false }],
    ['DISABLED', { userAccountControl: 0x202 }, { enroll: false, start: false, change: false }],
    ['EXPIRED', { accountExpires: msToFiletime(NOW - 3_600_000) }, { enroll: false, start: false, change: false }],
    ['LOGON_HOURS', { logonHours: new Uint8Array(21) }, { enroll: false, start: false, change: false }],
    [
      'CANNOT_CHANGE_PASSWORD',
      { changePasswordDeniedTo: ['S-1-5-10'] },
      { enroll: false, start: false, change: false },
    ],
    ['MUST_CHANGE_PASSWORD', { pwdLastSet: 0n }, { enroll: false, start: true, change: true }],
    ['PASSWORD_EXPIRED', { computedUserAccountControl: 0x800000 }, { enroll: false, start: true, change: true }],
    ['WORKSTATION', { userWorkstations: 'PC01,PC02' }, { enroll: false, start: true, change: false }],
  ];

  it('lets a plain account through for every purpose', () => {
    for (const purpose of PURPOSES) expect(check(purpose, account())).toBe('eligible');
  });

  for (const [reason, overrides, allowed] of cases) {
    for (const purpose of PURPOSES) {
      const expected = allowed[purpose] ? 'eligible' : reason;
      it(`${purpose}: ${reason} → ${expected}`, () => {
        expect(check(purpose, account(overrides))).toBe(expected);
      });
    }
  }

  it('does not treat a locked account as ineligible (callers answer BAD_CREDENTIALS)', () => {
    for (const purpose of PURPOSES) {
      expect(check(purpose, account({ computedUserAccountControl: 0x10 }))).toBe('eligible');
    }
  });

  it('does not count an empty workstation list', () => {
    expect(check('enroll', account({ userWorkstations: '' }))).toBe('eligible');
  });

  it('reports the first failing reason, in the pinned order', () => {
    const expectedOrder: IneligibilityReason[] = [
      'PROTECTED_ACCOUNT',
      'DISABLED',
      'EXPIRED',
      'LOGON_HOURS',
      'CANNOT_CHANGE_PASSWORD',
      'MUST_CHANGE_PASSWORD',
      'PASSWORD_EXPIRED',
      'WORKSTATION',
    ];
    for (let skip = 0; skip < cases.length; skip++) {
      const overrides = Object.assign({}, ...cases.slice(skip).map(([, o]) => o)) as Partial<DirectoryAccount>;
      expect(check('enroll', account(overrides))).toBe(expectedOrder[skip]);
    }
  });

  it('skips only the reasons a purpose allows', () => {
    const everything = account({
      pwdLastSet: 0n,
      computedUserAccountControl: 0x800000 | 0x10,
      userWorkstations: 'PC01',
    });
    expect(check('enroll', everything)).toBe('MUST_CHANGE_PASSWORD');
    expect(check('start', everything)).toBe('eligible');
    expect(check('change', everything)).toBe('WORKSTATION');
    expect(check('start', account({ pwdLastSet: 0n, changePasswordDeniedTo: ['S-1-1-0'] }))).toBe(
      'CANNOT_CHANGE_PASSWORD',
    );
  });
});

describe('isHiddenAccount', () => {
  it.each([500, 501, 502])('hides RID %i', (rid) => {
    expect(isHiddenAccount(account({ objectSid: `${DOMAIN_SID}-${rid}`, sAMAccountName: 'renamed' }), SERVICE_DN)).toBe(
      true,
    );
  });

  it('hides krbtgt by name, in any case', () => {
    expect(isHiddenAccount(account({ sAMAccountName: 'krbtgt' }), SERVICE_DN)).toBe(true);
    expect(isHiddenAccount(account({ sAMAccountName: 'KRBTGT' }), SERVICE_DN)).toBe(true);
    expect(isHiddenAccount(account({ sAMAccountName: 'krbtgt2' }), SERVICE_DN)).toBe(false);
  });

  it('hides the bind account, comparing DNs case-insensitively', () => {
    expect(isHiddenAccount(account({ dn: SERVICE_DN }), SERVICE_DN)).toBe(true);
    expect(isHiddenAccount(account({ dn: SERVICE_DN.toLowerCase() }), SERVICE_DN)).toBe(true);
  });

  it('hides what is not a normal user account', () => {
    expect(isHiddenAccount(account({ sAMAccountType: 805306369 }), SERVICE_DN)).toBe(true); // computer
    expect(isHiddenAccount(account({ sAMAccountType: 805306370 }), SERVICE_DN)).toBe(true); // trust
  });

  it('shows an ordinary user', () => {
    expect(isHiddenAccount(account(), SERVICE_DN)).toBe(false);
    expect(isHiddenAccount(account({ objectSid: `${DOMAIN_SID}-5000` }), SERVICE_DN)).toBe(false);
  });
});

describe('reasonForBindFailure', () => {
  const expected = {
    '525': 'BAD_CREDENTIALS',
    '52e': 'BAD_CREDENTIALS',
    '530': 'LOGON_HOURS',
    '531': 'WORKSTATION',
    '532': 'PASSWORD_EXPIRED',
    '533': 'DISABLED',
    '701': 'EXPIRED',
    '773': 'MUST_CHANGE_PASSWORD',
    '775': 'LOCKED',
  } as const;

  it.each(Object.entries(expected))('maps %s to %s', (subCode, outcome) => {
    expect(reasonForBindFailure(subCode as keyof typeof expected)).toBe(outcome);
  });

  it('covers every sub-code the directory reports', () => {
    expect(Object.keys(expected).sort()).toEqual([...BIND_SUB_CODES].sort());
  });
});
