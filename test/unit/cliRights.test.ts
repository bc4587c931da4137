/** How `sspr doctor` finds a delegated right in a DACL (cli/rights.ts): pure, with hand-made ACEs. */
import { describe, expect, it } from 'vitest';
import { ACCESS, CLASS_GUID, DELEGATED_RIGHTS, dsaclsLine, findRight, sddlAce } from '../../cli/rights.js';
import type { Ace } from '../../functions/adapters/ldap/securityDescriptor.js';

const DOMAIN = 'S-1-5-21-1-2-3';
const SVC = `${DOMAIN}-1115`;
const GROUP = `${DOMAIN}-2001`;
const right = (id: string) => {
  const found = DELEGATED_RIGHTS.find((r) => r.id === id);
  if (!found) throw new Error(id);
  return found;
};
const CI = 0x02;
const IO = 0x08;
const onUsers = (sid: string, mask: number, objectType?: string, type = 0x05): Ace => ({
  type,
  flags: CI | IO,
  mask,
  ...(objectType ? { objectType } : {}),
  inheritedObjectType: CLASS_GUID.user,
  sid,
});
const principals = new Set([SVC, GROUP]);

describe('findRight', () => {
  const reset = right('reset-password');

  it('finds a grant to the service account or one of its groups', () => {
    expect(findRight([onUsers(SVC, ACCESS.CONTROL_ACCESS, reset.objectType)], reset, principals, DOMAIN)).toEqual({
      status: 'granted',
      to: SVC,
    });
    expect(findRight([onUsers(GROUP, ACCESS.CONTROL_ACCESS)], reset, principals, DOMAIN)).toEqual({
      status: 'granted',
      to: GROUP,
    });
    // Full control without an object type covers every right.
    expect(findRight([onUsers(SVC, 0xf01ff)], reset, principals, DOMAIN).status).toBe('granted');
    expect(findRight([{ type: 0, flags: CI, mask: 0x10000000, sid: SVC }], reset, principals, DOMAIN).status).toBe(
      'granted',
    );
  });

  it('does not count a grant for another right, another class, another principal, or one that does not inherit', () => {
    const other = right('write-lockoutTime').objectType;
    const cases: Ace[] = [
      onUsers(SVC, ACCESS.CONTROL_ACCESS, other),
      { ...onUsers(SVC, ACCESS.CONTROL_ACCESS, reset.objectType), inheritedObjectType: CLASS_GUID.passwordSettings },
      onUsers(`${DOMAIN}-9999`, ACCESS.CONTROL_ACCESS, reset.objectType),
      { ...onUsers(SVC, ACCESS.CONTROL_ACCESS, reset.objectType), flags: 0 },
      onUsers(SVC, ACCESS.READ_PROPERTY, reset.objectType),
    ];
    for (const ace of cases)
      expect(findRight([ace], reset, principals, DOMAIN)).toEqual({ status: 'missing', broad: null });
  });

  it('names a broad grant that covers the right today, but does not count it as delegated', () => {
    const tokenGroups = right('read-tokenGroups');
    const broad = onUsers('S-1-5-32-554', ACCESS.READ_PROPERTY, tokenGroups.objectType);
    expect(findRight([broad], tokenGroups, new Set([...principals, 'S-1-5-32-554']), DOMAIN)).toEqual({
      status: 'missing',
      broad: 'Pre-Windows 2000 Compatible Access',
    });
    expect(findRight([onUsers(`${DOMAIN}-513`, ACCESS.READ_PROPERTY)], tokenGroups, principals, DOMAIN)).toEqual({
      status: 'missing',
      broad: 'Domain Users',
    });
  });

  it('a deny to the account, its groups or Everyone wins', () => {
    const grant = onUsers(SVC, ACCESS.CONTROL_ACCESS, reset.objectType);
    const deny = onUsers('S-1-1-0', ACCESS.CONTROL_ACCESS, reset.objectType, 0x06);
    expect(findRight([deny, grant], reset, principals, DOMAIN)).toEqual({ status: 'denied', to: 'S-1-1-0' });
  });

  it('list on the container counts only for the container itself', () => {
    const list = right('list-pso-container');
    expect(
      findRight([{ type: 0, flags: 0, mask: ACCESS.LIST_CHILDREN, sid: SVC }], list, principals, DOMAIN).status,
    ).toBe('granted');
    expect(
      findRight([{ type: 0, flags: CI | IO, mask: ACCESS.LIST_CHILDREN, sid: SVC }], list, principals, DOMAIN).status,
    ).toBe('missing');
  });
});

describe('the grant lines', () => {
  it('prints dsacls and SDDL for each right', () => {
    const ou = 'OU=People,DC=corp,DC=example,DC=test';
    expect(dsaclsLine(right('reset-password'), ou, 'CORP\\svc-sspr')).toBe(
      `dsacls "${ou}" /I:S /G "CORP\\svc-sspr:CA;Reset Password;user"`,
    );
    expect(dsaclsLine(right('list-pso-container'), 'CN=PSC', 'CORP\\svc')).toBe('dsacls "CN=PSC" /G "CORP\\svc:LC"');
    expect(sddlAce(right('write-lockoutTime'), SVC)).toBe(
      `(OA;CIIO;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;${CLASS_GUID.user};${SVC})`,
    );
    expect(sddlAce(right('read-pso'), SVC)).toBe(`(OA;CIIO;RP;;${CLASS_GUID.passwordSettings};${SVC})`);
    expect(sddlAce(right('list-pso-container'), SVC)).toBe(`(A;;LC;;;${SVC})`);
    expect(DELEGATED_RIGHTS).toHaveLength(10);
  });
});
