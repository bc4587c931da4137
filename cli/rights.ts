/**
 * The service account's delegated rights (DESIGN §9, notes/samba-ad-dc.md), and how `doctor` finds each in a DACL
 * without changing anything. Pure: DACLs come in parsed (functions/adapters/ldap/securityDescriptor.ts).
 */
import type { Ace } from '../functions/adapters/ldap/securityDescriptor.js';

export const CLASS_GUID = {
  user: 'bf967aba-0de6-11d0-a285-00aa003049e2',
  passwordSettings: '3bcd9db8-f84b-451c-952f-6c52b81f9ec6',
} as const;

/** ADS_RIGHT_* bits of an ACE's mask. */
export const ACCESS = {
  LIST_CHILDREN: 0x4,
  READ_PROPERTY: 0x10,
  WRITE_PROPERTY: 0x20,
  CONTROL_ACCESS: 0x100,
  READ_CONTROL: 0x20000,
  GENERIC_ALL: 0x10000000,
  GENERIC_WRITE: 0x40000000,
  GENERIC_READ: 0x80000000,
} as const;

const ACE_FLAG = { CONTAINER_INHERIT: 0x02, INHERIT_ONLY: 0x08 } as const;
const ALLOWED = new Set([0x00, 0x05]);
const DENIED = new Set([0x01, 0x06]);

/**
 * Where a right must be granted: `users` on each search base, inheritable to user objects; `container` on the
 * Password Settings Container itself; `settings` on that container, inheritable to its msDS-PasswordSettings children.
 */
export type RightScope = 'users' | 'container' | 'settings';

export interface DelegatedRight {
  id: string;
  /** e.g. "Reset Password", "read tokenGroups". */
  label: string;
  scope: RightScope;
  mask: number;
  /** The extended right, property or property set; absent = any. */
  objectType?: string;
  /** The permission part of the dsacls grant, e.g. `CA;Reset Password;user`. */
  dsacls: string;
  /** What the product needs it for. */
  why: string;
}

export const DELEGATED_RIGHTS: readonly DelegatedRight[] = [
  {
    id: 'reset-password',
    label: 'Reset Password',
    scope: 'users',
    mask: ACCESS.CONTROL_ACCESS,
    objectType: '00299570-246d-11d0-a768-00aa006e0529',
    dsacls: 'CA;Reset Password;user',
    why: 'sets the new password on a reset',
  },
  {
    id: 'write-lockoutTime',
    label: 'write lockoutTime',
    scope: 'users',
    mask: ACCESS.WRITE_PROPERTY,
    objectType: '28630ebf-41d5-11d1-a9c1-0000f80367c1',
    dsacls: 'WP;lockoutTime;user',
    why: 'unlocks the account (lockoutTime 0)',
  },
  {
    id: 'read-lockoutTime',
    label: 'read lockoutTime',
    scope: 'users',
    mask: ACCESS.READ_PROPERTY,
    objectType: '28630ebf-41d5-11d1-a9c1-0000f80367c1',
    dsacls: 'RP;lockoutTime;user',
    why: 'tells whether the account is locked',
  },
  {
    id: 'read-tokenGroups',
    label: 'read tokenGroups',
    scope: 'users',
    mask: ACCESS.READ_PROPERTY,
    objectType: 'b7c69e6d-2cc7-11d2-854e-00a0c983f608',
    dsacls: 'RP;tokenGroups;user',
    why: 'keeps protected accounts (admins) out; without it every user is refused',
  },
  {
    id: 'read-account-restrictions',
    label: 'read User-Account-Restrictions',
    scope: 'users',
    mask: ACCESS.READ_PROPERTY,
    objectType: '4c164200-20c0-11d0-a768-00aa006e0529',
    dsacls: 'RP;Account Restrictions;user',
    why: 'userAccountControl, accountExpires, pwdLastSet, userWorkstations (eligibility)',
  },
  {
    id: 'read-logon-information',
    label: 'read User-Logon',
    scope: 'users',
    mask: ACCESS.READ_PROPERTY,
    objectType: '5f202010-79a5-11d0-9020-00c04fc2d4cf',
    dsacls: 'RP;Logon Information;user',
    why: 'logonHours and badPwdCount (eligibility, lockout protection)',
  },
  {
    id: 'read-resultant-pso',
    label: 'read msDS-ResultantPSO',
    scope: 'users',
    mask: ACCESS.READ_PROPERTY,
    objectType: 'b77ea093-88d0-4780-9a98-911f8e8b1dca',
    dsacls: 'RP;msDS-ResultantPSO;user',
    why: "finds the user's own password policy",
  },
  {
    id: 'read-dacl',
    label: 'read the DACL (read permissions)',
    scope: 'users',
    mask: ACCESS.READ_CONTROL,
    dsacls: 'RC;;user',
    why: 'sees "user cannot change password"',
  },
  {
    id: 'list-pso-container',
    label: 'list the Password Settings Container',
    scope: 'container',
    mask: ACCESS.LIST_CHILDREN,
    dsacls: 'LC',
    why: 'finds the PSOs',
  },
  {
    id: 'read-pso',
    label: 'read properties of PSOs',
    scope: 'settings',
    mask: ACCESS.READ_PROPERTY,
    dsacls: 'RP;;msDS-PasswordSettings',
    why: "reads a PSO's rules (without it they read empty, and resets fail loudly)",
  },
];

/** Principals whose grants do not count as a delegation: they are what a hardened domain takes away. */
export const BROAD_PRINCIPALS: Record<string, string> = {
  'S-1-1-0': 'Everyone',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-545': 'BUILTIN\\Users',
  'S-1-5-32-554': 'Pre-Windows 2000 Compatible Access',
  'S-1-5-7': 'Anonymous',
};

export function isBroad(sid: string, domainSid: string): boolean {
  return sid in BROAD_PRINCIPALS || sid === `${domainSid}-513`;
}

function effectiveMask(mask: number): number {
  let m = mask >>> 0;
  if (m & ACCESS.GENERIC_ALL) m |= 0xffff | ACCESS.READ_CONTROL;
  if (m & ACCESS.GENERIC_READ) m |= ACCESS.READ_PROPERTY | ACCESS.LIST_CHILDREN | ACCESS.READ_CONTROL | 0x80;
  if (m & ACCESS.GENERIC_WRITE) m |= ACCESS.WRITE_PROPERTY | 0x8;
  return m;
}

/** Whether an ACE of the DACL of the scope's object carries the right to where the product uses it. */
export function aceCovers(ace: Ace, right: DelegatedRight): boolean {
  if ((effectiveMask(ace.mask) & right.mask) !== right.mask) return false;
  if (ace.objectType !== undefined && ace.objectType !== right.objectType) return false;
  const inherits = (ace.flags & ACE_FLAG.CONTAINER_INHERIT) !== 0;
  switch (right.scope) {
    case 'users':
      return inherits && (ace.inheritedObjectType === undefined || ace.inheritedObjectType === CLASS_GUID.user);
    case 'settings':
      return (
        inherits && (ace.inheritedObjectType === undefined || ace.inheritedObjectType === CLASS_GUID.passwordSettings)
      );
    case 'container':
      return (ace.flags & ACE_FLAG.INHERIT_ONLY) === 0 && ace.inheritedObjectType === undefined;
  }
}

export type RightFinding =
  | { status: 'granted'; to: string }
  | { status: 'denied'; to: string }
  /** Not delegated; `broad` names a broad principal that grants it today, if any. */
  | { status: 'missing'; broad: string | null };

/**
 * Looks for the right in a DACL: an applicable deny to the service account or one of its groups wins; else an allow
 * to one of them; else it is missing (noting a broad grant that covers it today).
 */
export function findRight(
  dacl: readonly Ace[],
  right: DelegatedRight,
  principals: ReadonlySet<string>,
  domainSid: string,
): RightFinding {
  const applicable = dacl.filter((ace) => aceCovers(ace, right));
  const deny = applicable.find(
    (ace) => DENIED.has(ace.type) && (principals.has(ace.sid) || isBroad(ace.sid, domainSid)),
  );
  if (deny) return { status: 'denied', to: deny.sid };
  const grant = applicable.find(
    (ace) => ALLOWED.has(ace.type) && principals.has(ace.sid) && !isBroad(ace.sid, domainSid),
  );
  if (grant) return { status: 'granted', to: grant.sid };
  const broad = applicable.find((ace) => ALLOWED.has(ace.type) && isBroad(ace.sid, domainSid));
  return { status: 'missing', broad: broad ? (BROAD_PRINCIPALS[broad.sid] ?? 'Domain Users') : null };
}

/** The dsacls command that grants a right (Windows, run as a domain admin). */
export function dsaclsLine(right: DelegatedRight, objectDn: string, account: string): string {
  const inherit = right.scope === 'container' ? '' : ' /I:S';
  return `dsacls "${objectDn}"${inherit} /G "${account}:${right.dsacls}"`;
}

/** The same grant as SDDL, for `samba-tool dsacl set --objectdn=… --sddl=…`. */
export function sddlAce(right: DelegatedRight, sid: string): string {
  const rights: [number, string][] = [
    [ACCESS.LIST_CHILDREN, 'LC'],
    [ACCESS.READ_PROPERTY, 'RP'],
    [ACCESS.WRITE_PROPERTY, 'WP'],
    [ACCESS.CONTROL_ACCESS, 'CR'],
    [ACCESS.READ_CONTROL, 'RC'],
  ];
  const mask = rights
    .filter(([bit]) => right.mask & bit)
    .map(([, name]) => name)
    .join('');
  if (right.scope === 'container') return `(A;;${mask};;;${sid})`;
  const inherited = right.scope === 'users' ? CLASS_GUID.user : CLASS_GUID.passwordSettings;
  return `(OA;CIIO;${mask};${right.objectType ?? ''};${inherited};${sid})`;
}
