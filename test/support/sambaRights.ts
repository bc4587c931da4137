/**
 * Takes one of svc-sspr's delegated rights away on Samba and gives them all back (test fixtures for `sspr doctor`;
 * `scripts/samba-ad.sh rights remove <name> | restore | list`). The delegation itself is defined once, in
 * sambaDemo.ts serviceAccountDelegation; restoring re-adds whatever of it is missing. Keep a removal short and always
 * restore (finally / afterAll): other suites and the bench use the same DC.
 */
import {
  type Ace,
  aceToSddl,
  asAdmin,
  demoDomain,
  ensureAces,
  RIGHTS,
  removeAces,
  type SambaEnv,
  serviceAccountDelegation,
  sidToString,
} from './sambaDemo.js';

/** The ACEs of the delegation by name, in the order of serviceAccountDelegation. */
export const SAMBA_RIGHTS = [
  'reset-password',
  'lockoutTime',
  'read-tokenGroups',
  'read-account-restrictions',
  'read-logon-information',
  'read-resultant-pso',
  'read-dacl',
  'list-pso-container',
  'read-pso',
] as const;

export type SambaRight = (typeof SAMBA_RIGHTS)[number];

/** Which rights `sspr doctor` reports missing when the ACE of that name is gone (lockoutTime carries read and write). */
export const DOCTOR_RIGHTS_OF: Record<SambaRight, string[]> = {
  'reset-password': ['reset-password'],
  lockoutTime: ['write-lockoutTime', 'read-lockoutTime'],
  'read-tokenGroups': ['read-tokenGroups'],
  'read-account-restrictions': ['read-account-restrictions'],
  'read-logon-information': ['read-logon-information'],
  'read-resultant-pso': ['read-resultant-pso'],
  'read-dacl': ['read-dacl'],
  'list-pso-container': ['list-pso-container'],
  'read-pso': ['read-pso'],
};

async function delegation(env: SambaEnv): Promise<Record<SambaRight, { dn: string; ace: Ace }>> {
  const domain = demoDomain(env);
  const sid = await asAdmin(env, async (client) => {
    const { searchEntries } = await client.search(env.SSPR_LDAP_BIND_DN, {
      scope: 'base',
      attributes: ['objectSid'],
      explicitBufferAttributes: ['objectSid'],
    });
    const value = searchEntries[0]?.objectSid;
    const bytes = Array.isArray(value) ? value[0] : value;
    if (!Buffer.isBuffer(bytes)) throw new Error(`cannot read the objectSid of ${env.SSPR_LDAP_BIND_DN}`);
    return sidToString(bytes);
  });
  const { people, psoContainer } = serviceAccountDelegation(sid);
  const aces = [
    ...people.map((ace) => ({ dn: domain.people, ace })),
    ...psoContainer.map((ace) => ({ dn: domain.psoContainer, ace })),
  ];
  return Object.fromEntries(SAMBA_RIGHTS.map((name, i) => [name, aces[i]])) as Record<
    SambaRight,
    { dn: string; ace: Ace }
  >;
}

/** Removes the ACE of one delegated right; returns what was removed, as SDDL (empty when it was not there). */
export async function removeSambaRight(env: SambaEnv, name: SambaRight): Promise<string[]> {
  const { dn, ace } = (await delegation(env))[name];
  return asAdmin(env, async (client) =>
    (await removeAces(client, dn, [ace])).map((removed) => `${dn} ${aceToSddl(removed)}`),
  );
}

/** Gives back every ACE of the delegation that is missing; returns what was added, as SDDL. */
export async function restoreSambaRights(env: SambaEnv): Promise<string[]> {
  const rights = await delegation(env);
  const byDn = new Map<string, Ace[]>();
  for (const { dn, ace } of Object.values(rights)) byDn.set(dn, [...(byDn.get(dn) ?? []), ace]);
  return asAdmin(env, async (client) => {
    const added: string[] = [];
    for (const [dn, aces] of byDn)
      for (const ace of await ensureAces(client, dn, aces)) added.push(`${dn} ${aceToSddl(ace)}`);
    return added;
  });
}

/**
 * Not part of the delegation: read permissions on the Password Settings Container, which let `sspr doctor` read the
 * container's DACL (without them it checks the container's rights by listing and reading). Tests add it and take it
 * away again; returns whether it changed anything.
 */
export async function setContainerReadControl(env: SambaEnv, granted: boolean): Promise<boolean> {
  const { dn, ace } = (await delegation(env))['list-pso-container'];
  const readControl: Ace = { ...ace, mask: RIGHTS.RC };
  return asAdmin(env, async (client) =>
    granted
      ? (await ensureAces(client, dn, [readControl])).length > 0
      : (await removeAces(client, dn, [readControl])).length > 0,
  );
}

export function isSambaRight(name: string): name is SambaRight {
  return (SAMBA_RIGHTS as readonly string[]).includes(name);
}
