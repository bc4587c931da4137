/**
 * The ldapts adapter's groupSid (DirectorySession): a base-scope read of objectClass and objectSid at the DN, with the
 * LDAP operations stubbed (no DC). Which answers mean "no group" and which are errors ops must see.
 */
import {
  Client,
  type Entry,
  InsufficientAccessError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  UnknownStatusCodeError,
} from 'ldapts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LdapDirectory } from '../../functions/adapters/ldap/ldapDirectory.js';

const BASE = 'DC=corp,DC=example,DC=test';
const DOMAIN_USERS = `CN=Domain Users,CN=Users,${BASE}`;

/** S-1-5-21-1-2-3-<rid> as AD stores it: revision, count, 48-bit authority big-endian, sub-authorities little-endian. */
function binarySid(rid: number): Buffer {
  const subAuthorities = [21, 1, 2, 3, rid];
  const bytes = Buffer.alloc(8 + 4 * subAuthorities.length);
  bytes[0] = 1;
  bytes[1] = subAuthorities.length;
  bytes.writeUIntBE(5, 2, 6);
  for (const [i, value] of subAuthorities.entries()) bytes.writeUInt32LE(value, 8 + 4 * i);
  return bytes;
}

async function sessionWhereSearch(answer: (base: string) => Promise<Entry[]>) {
  vi.spyOn(Client.prototype, 'bind').mockResolvedValue(undefined);
  vi.spyOn(Client.prototype, 'unbind').mockResolvedValue(undefined);
  const search = vi
    .spyOn(Client.prototype, 'search')
    .mockImplementation(async (base) => ({ searchEntries: await answer(String(base)), searchReferences: [] }));
  const directory = new LdapDirectory({
    urls: ['ldaps://dc1.corp.example.test'],
    bindDn: `CN=svc-sspr,OU=Service Accounts,${BASE}`,
    bindPassword: 'not-a-real-password',
    ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    baseDn: BASE,
    searchBases: [`OU=People,${BASE}`],
    connectTimeoutMs: 500,
    operationTimeoutMs: 500,
  });
  return { session: await directory.openSession(), search };
}

describe('groupSid on LDAP (operations stubbed, no DC)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reads the group's objectSid as binary with one base-scope read at the DN, spaces around separators dropped", async () => {
    const { session, search } = await sessionWhereSearch(async (base) => [
      { dn: base, objectClass: ['top', 'group'], objectSid: binarySid(513) },
    ]);
    expect(await session.groupSid(' CN=Domain Users , CN=Users,DC=corp,DC=example,DC=test ')).toBe(
      'S-1-5-21-1-2-3-513',
    );
    expect(search).toHaveBeenCalledTimes(1);
    const [base, options] = search.mock.calls[0] ?? [];
    expect(base).toBe(DOMAIN_USERS);
    expect(options).toMatchObject({
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['objectClass', 'objectSid'],
    });
    expect(options?.explicitBufferAttributes).toEqual(expect.arrayContaining(['objectSid', 'objectsid']));
  });

  it('answers null for an entry that is no group (a user, a container)', async () => {
    const { session } = await sessionWhereSearch(async (base) => [
      { dn: base, objectClass: ['top', 'person', 'organizationalPerson', 'user'], objectSid: binarySid(1105) },
    ]);
    expect(await session.groupSid(`CN=Alice Archer,OU=People,${BASE}`)).toBeNull();
  });

  it.each([
    ['no such object (32)', new NoSuchObjectError('no such object')],
    ['invalid DN syntax (34)', new InvalidDNSyntaxError('invalid DN')],
    ['a referral (10): the DN lies outside this domain', new UnknownStatusCodeError(10, 'referral')],
  ])('answers null for %s', async (_case, error) => {
    const { session } = await sessionWhereSearch(() => Promise.reject(error));
    expect(await session.groupSid(`CN=Elsewhere,DC=other,DC=test`)).toBeNull();
  });

  it('reads nothing for a string that is no plain DN (an extended <SID=…> form, a name, a SID)', async () => {
    const { session, search } = await sessionWhereSearch(async () => []);
    for (const value of ['<SID=S-1-5-32-544>', 'Domain Users', 'S-1-5-32-544', '']) {
      expect(await session.groupSid(value), value).toBeNull();
    }
    expect(search).not.toHaveBeenCalled();
  });

  it("fails loudly when a group's objectSid reads empty, and passes other refusals through", async () => {
    const unreadable = await sessionWhereSearch(async (base) => [{ dn: base, objectClass: ['top', 'group'] }]);
    await expect(unreadable.session.groupSid(DOMAIN_USERS)).rejects.toThrow(/objectSid is missing/);
    vi.restoreAllMocks();
    const denied = new InsufficientAccessError('insufficient access');
    const refused = await sessionWhereSearch(() => Promise.reject(denied));
    await expect(refused.session.groupSid(DOMAIN_USERS)).rejects.toBe(denied);
  });
});
