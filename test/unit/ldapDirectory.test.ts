import {
  Ber,
  BerWriter,
  type Change,
  Client,
  type Entry,
  InsufficientAccessError,
  NoSuchObjectError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountFromEntries, domainPolicyFromEntry, psoPolicyFromEntry } from '../../functions/adapters/ldap/entry.js';
import { accountFilter } from '../../functions/adapters/ldap/filter.js';
import { guidToBytes } from '../../functions/adapters/ldap/guid.js';
import { LdapDirectory, type LdapDirectoryOptions } from '../../functions/adapters/ldap/ldapDirectory.js';
import { uniqueMatch } from '../../functions/adapters/ldap/match.js';
import { SD_FLAGS, SdFlagsControl } from '../../functions/adapters/ldap/sdFlagsControl.js';
import { type DirectoryAccount, DirectoryUnavailableError } from '../../functions/core/directory.js';
import { LOG_FIELDS, type LogFields, type Logger } from '../../functions/core/log.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function options(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return {
    urls: ['ldaps://dc1.corp.example.test', 'ldaps://dc2.corp.example.test:3269'],
    bindDn: 'CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example,DC=test',
    bindPassword: 'not-a-real-password',
    ca: CA,
    baseDn: 'DC=corp,DC=example,DC=test',
    searchBases: ['OU=People,DC=corp,DC=example,DC=test'],
    connectTimeoutMs: 500,
    operationTimeoutMs: 500,
    ...overrides,
  };
}

describe('LdapDirectory construction', () => {
  it('accepts ldaps:// URLs and connects to nothing until used', async () => {
    const directory = new LdapDirectory(options());
    expect(directory.serviceAccountDn).toBe('CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example,DC=test');
    expect(directory.stats()).toEqual({ serviceConnectionsOpened: 0, userBinds: 0, userConnectionsStarted: 0 });
    await directory.close();
  });

  it.each([
    'ldap://dc1.corp.example.test',
    'ldap://dc1.corp.example.test:636',
    'LDAP://dc1.corp.example.test',
    'ldapi:///var/run/ldapi',
    'https://dc1.corp.example.test',
    'dc1.corp.example.test',
  ])('refuses %s', (url) => {
    expect(() => new LdapDirectory(options({ urls: ['ldaps://dc1.corp.example.test', url] }))).toThrow(
      /only ldaps:\/\/|not a URL/,
    );
  });

  it('refuses URLs with more than a host and port, and an empty list', () => {
    expect(() => new LdapDirectory(options({ urls: ['ldaps://dc1/DC=corp'] }))).toThrow(/only a host and port/);
    expect(() => new LdapDirectory(options({ urls: ['ldaps://user:pw@dc1'] }))).toThrow(/only a host and port/);
    expect(() => new LdapDirectory(options({ urls: [] }))).toThrow(/at least one/);
  });

  it('refuses a bind name that is not a DN, an empty password, a CA that is no PEM and bad timeouts', () => {
    expect(() => new LdapDirectory(options({ bindDn: 'svc-sspr@corp.example.test' }))).toThrow(/distinguished name/);
    expect(() => new LdapDirectory(options({ bindDn: 'CORP\\svc-sspr' }))).toThrow(/distinguished name/);
    expect(() => new LdapDirectory(options({ bindPassword: '' }))).toThrow(/must not be empty/);
    expect(() => new LdapDirectory(options({ ca: '' }))).toThrow(/PEM/);
    expect(() => new LdapDirectory(options({ searchBases: [] }))).toThrow(/search base/);
    expect(() => new LdapDirectory(options({ connectTimeoutMs: 0 }))).toThrow(/connectTimeoutMs/);
    expect(() => new LdapDirectory(options({ operationTimeoutMs: Number.NaN }))).toThrow(/operationTimeoutMs/);
  });

  it('names the service account as AD writes DNs (no spaces around RDNs)', () => {
    const directory = new LdapDirectory(options({ bindDn: 'CN=svc-sspr, OU=Service Accounts, DC=corp,DC=example' }));
    expect(directory.serviceAccountDn).toBe('CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example');
  });
});

describe('account filter', () => {
  const filterString = (by: 'sAMAccountName' | 'userPrincipalName', value: string) =>
    accountFilter({ by, value })?.toString();

  it('limits the lookup to user accounts', () => {
    expect(filterString('sAMAccountName', 'alice')).toBe('(&(sAMAccountType=805306368)(sAMAccountName=alice))');
    expect(filterString('userPrincipalName', 'alice@corp.example.test')).toBe(
      '(&(sAMAccountType=805306368)(userPrincipalName=alice@corp.example.test))',
    );
  });

  it('escapes *, (, ) and \\ in the filter text', () => {
    expect(filterString('sAMAccountName', '*')).toBe('(&(sAMAccountType=805306368)(sAMAccountName=\\2a))');
    expect(filterString('sAMAccountName', 'alice)(objectClass=*')).toBe(
      '(&(sAMAccountType=805306368)(sAMAccountName=alice\\29\\28objectClass=\\2a))',
    );
    expect(filterString('userPrincipalName', 'CORP\\alice')).toBe(
      '(&(sAMAccountType=805306368)(userPrincipalName=CORP\\5calice))',
    );
    expect(filterString('sAMAccountName', '\\2a')).toBe('(&(sAMAccountType=805306368)(sAMAccountName=\\5c2a))');
  });

  it('sends the value as one equality octet string, never as a substring or presence filter', () => {
    const filter = accountFilter({ by: 'sAMAccountName', value: 'al*' });
    if (!filter) throw new Error('no filter');
    const writer = new BerWriter();
    filter.write(writer);
    const expected = new BerWriter();
    expected.startSequence(0xa0);
    for (const [attribute, value] of [
      ['sAMAccountType', '805306368'],
      ['sAMAccountName', 'al*'],
    ] as const) {
      expected.startSequence(0xa3);
      expected.writeString(attribute);
      expected.writeString(value);
      expected.endSequence();
    }
    expected.endSequence();
    expect(writer.buffer.toString('hex')).toBe(expected.buffer.toString('hex'));
  });

  it('refuses NUL and other control characters without a query', () => {
    for (const value of ['alice\u0000', '\u0000', 'alice\u0000bob', 'al\nice', 'alice\r', '\u007f', 'a\u0085b', '']) {
      expect(accountFilter({ by: 'sAMAccountName', value }), JSON.stringify(value)).toBeNull();
      expect(accountFilter({ by: 'userPrincipalName', value }), JSON.stringify(value)).toBeNull();
    }
    expect(accountFilter({ by: 'sAMAccountName', value: 'a'.repeat(1025) })).toBeNull();
  });

  it('looks up objectGUID with the 16 stored bytes, and refuses anything that is not a GUID', () => {
    const guid = '9e07cfb2-fb82-4475-8da0-c6ab7b53b343';
    const filter = accountFilter({ by: 'objectGuid', value: guid.toUpperCase() });
    expect(filter?.toString()).toBe(
      '(&(sAMAccountType=805306368)(objectGUID=\\b2\\cf\\07\\9e\\82\\fb\\75\\44\\8d\\a0\\c6\\ab\\7b\\53\\b3\\43))',
    );
    const writer = new BerWriter();
    filter?.write(writer);
    expect(writer.buffer.includes(guidToBytes(guid) ?? Buffer.alloc(16))).toBe(true);
    for (const value of ['*', '*-*-*-*-*', 'not-a-guid', `${guid}\u0000`, `(${guid})`]) {
      expect(accountFilter({ by: 'objectGuid', value }), value).toBeNull();
    }
  });
});

describe('lookup matches over several search bases', () => {
  const alice = { dn: 'CN=Alice Archer,OU=People,DC=corp,DC=example,DC=test', objectGUID: Buffer.alloc(16, 1) };
  const other = { dn: 'CN=Alice Archer,OU=Contractors,DC=corp,DC=example,DC=test', objectGUID: Buffer.alloc(16, 2) };

  it('is none, or the one DN', () => {
    expect(uniqueMatch([])).toEqual({ kind: 'none' });
    expect(uniqueMatch([alice])).toEqual({ kind: 'one', dn: alice.dn });
  });

  it('counts the same entry seen under overlapping bases once, also in another DN spelling', () => {
    expect(uniqueMatch([alice, { ...alice, dn: alice.dn.toLowerCase() }, alice])).toMatchObject({ kind: 'one' });
    expect(uniqueMatch([{ dn: alice.dn }, { dn: alice.dn.toUpperCase() }])).toMatchObject({ kind: 'one' });
  });

  it('calls two different entries ambiguous', () => {
    expect(uniqueMatch([alice, other])).toEqual({ kind: 'ambiguous', count: 2 });
    expect(uniqueMatch([alice, { dn: other.dn, objectguid: Buffer.alloc(16, 2) }, other])).toEqual({
      kind: 'ambiguous',
      count: 2,
    });
  });
});

describe('SD flags control', () => {
  it('asks for the DACL only: OID .801, critical, value SEQUENCE { INTEGER 4 }', () => {
    const control = new SdFlagsControl();
    expect(control.type).toBe('1.2.840.113556.1.4.801');
    expect(control.critical).toBe(true);
    expect(control.flags).toBe(SD_FLAGS.DACL);
    const writer = new BerWriter();
    control.write(writer);
    const hex = writer.buffer.toString('hex');
    // ... OCTET STRING (04 05) holding SEQUENCE (30 03) { INTEGER (02 01) 4 }
    expect(hex.endsWith('04053003020104')).toBe(true);
    expect(writer.buffer.includes(Buffer.from('1.2.840.113556.1.4.801'))).toBe(true);
    expect(Ber.OctetString).toBe(0x04);
  });
});

describe('entries → port values', () => {
  const sid = (hex: string) => Buffer.from(hex, 'hex');
  const everyone = sid('010100000000000100000000');
  const domainUsers = sid('01050000000000051500000057b178451540e4ba0b4857ad01020000');
  const builtinUsers = sid('01020000000000052000000021020000');
  /** A minimal DACL: one deny of Change-Password to Everyone. */
  const dacl = Buffer.concat([
    Buffer.from('01000480000000000000000000000000' + '14000000', 'hex'),
    Buffer.from('0400300001000000', 'hex'),
    Buffer.from('06002800' + '00010000' + '01000000', 'hex'),
    guidToBytes('ab721a53-1e2f-11d0-9819-00aa0040529b') ?? Buffer.alloc(0),
    everyone,
  ]);

  function state(overrides: Record<string, Entry[string]> = {}): Entry {
    return {
      dn: 'CN=Alice Archer,OU=People,DC=corp,DC=example,DC=test',
      objectGUID: Buffer.from('b2cf079e82fb75448da0c6ab7b53b343', 'hex'),
      objectSid: sid('01050000000000051500000057b178451540e4ba0b4857ad53040000'),
      sAMAccountName: 'alice',
      sAMAccountType: '805306368',
      userPrincipalName: 'alice@corp.example.test',
      displayName: 'Alice Archer',
      mail: 'alice@corp.example.test',
      mobile: '+15550100001',
      userAccountControl: '512',
      'msDS-User-Account-Control-Computed': '0',
      accountExpires: '9223372036854775807',
      pwdLastSet: '134399461652188661',
      badPwdCount: '2',
      badPasswordTime: '134399461652188000',
      adminCount: [],
      logonHours: Buffer.alloc(21, 0xff),
      userWorkstations: [],
      'msDS-ResultantPSO': [],
      tokenGroups: [domainUsers, builtinUsers],
      ...overrides,
    };
  }
  const sd = (value: Entry[string] = dacl): Entry => ({ dn: state().dn, nTSecurityDescriptor: value });

  it('maps a full read, Integer8 as BigInt and binaries decoded', () => {
    const account = accountFromEntries(state(), sd());
    expect(account).toEqual({
      dn: 'CN=Alice Archer,OU=People,DC=corp,DC=example,DC=test',
      objectGuid: '9e07cfb2-fb82-4475-8da0-c6ab7b53b343',
      objectSid: 'S-1-5-21-1165537623-3135520789-2908178443-1107',
      sAMAccountName: 'alice',
      sAMAccountType: 805306368,
      userPrincipalName: 'alice@corp.example.test',
      displayName: 'Alice Archer',
      mail: 'alice@corp.example.test',
      mobile: '+15550100001',
      userAccountControl: 512,
      computedUserAccountControl: 0,
      accountExpires: 9223372036854775807n,
      pwdLastSet: 134399461652188661n,
      badPwdCount: 2,
      badPasswordTime: 134399461652188000n,
      adminCount: 0,
      logonHours: new Uint8Array(21).fill(0xff),
      userWorkstations: null,
      tokenGroups: ['S-1-5-21-1165537623-3135520789-2908178443-513', 'S-1-5-32-545'],
      changePasswordDeniedTo: ['S-1-1-0'],
      resultantPso: null,
    });
    expect(account.logonHours).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(account.logonHours)).toBe(false);
  });

  it('matches attribute names in any case, and reads a single tokenGroups value', () => {
    const entry = state();
    const lowered: Entry = { dn: entry.dn };
    for (const [key, value] of Object.entries(entry)) if (key !== 'dn') lowered[key.toLowerCase()] = value;
    lowered.tokengroups = domainUsers;
    const account = accountFromEntries(lowered, { dn: entry.dn, ntsecuritydescriptor: dacl });
    expect(account.sAMAccountName).toBe('alice');
    expect(account.tokenGroups).toEqual(['S-1-5-21-1165537623-3135520789-2908178443-513']);
    expect(account.changePasswordDeniedTo).toEqual(['S-1-1-0']);
  });

  it('reads an unreadable tokenGroups as empty (the core refuses it), but an unreadable DACL as an error', () => {
    expect(accountFromEntries(state({ tokenGroups: [] }), sd()).tokenGroups).toEqual([]);
    expect(() => accountFromEntries(state(), sd([]))).toThrow(/DACL.*Read Permissions/);
    expect(() => accountFromEntries(state(), undefined)).toThrow(/DACL/);
  });

  it('refuses a binary attribute that arrived as text, and state the service account could not read', () => {
    expect(() => accountFromEntries(state({ objectSid: 'S-1-5-21-1-2-3-4' }), sd())).toThrow(/not read as binary/);
    expect(() => accountFromEntries(state({ 'msDS-User-Account-Control-Computed': [] }), sd())).toThrow(
      /msDS-User-Account-Control-Computed is missing/,
    );
    expect(() => accountFromEntries(state({ userAccountControl: 'x' }), sd())).toThrow(/not an integer/);
  });

  const domainEntry: Entry = {
    dn: 'DC=corp,DC=example,DC=test',
    minPwdLength: '8',
    pwdProperties: '1',
    pwdHistoryLength: '5',
    minPwdAge: '0',
    maxPwdAge: '-77760000000000',
    lockoutThreshold: '5',
    lockoutDuration: '-18000000000',
    lockOutObservationWindow: '-18000000000',
  };

  it('reads the domain policy in seconds', () => {
    expect(domainPolicyFromEntry(domainEntry)).toEqual({
      source: 'domain',
      minLength: 8,
      complexity: true,
      historyLength: 5,
      minAgeSeconds: 0,
      maxAgeSeconds: 90 * 86_400,
      lockoutThreshold: 5,
      lockoutDurationSeconds: 1800,
      lockoutObservationSeconds: 1800,
    });
  });

  it('reads "never" as 0 and complexity from bit 0x1 only', () => {
    const policy = domainPolicyFromEntry({
      ...domainEntry,
      pwdProperties: '16',
      maxPwdAge: '-9223372036854775808',
      lockoutDuration: '-9223372036854775808',
    });
    expect(policy).toMatchObject({ complexity: false, maxAgeSeconds: 0, lockoutDurationSeconds: 0 });
    expect(() => domainPolicyFromEntry({ ...domainEntry, lockoutThreshold: [] })).toThrow(/lockoutThreshold/);
  });

  const psoEntry: Entry = {
    dn: 'CN=Strict Passwords,CN=Password Settings Container,CN=System,DC=corp,DC=example,DC=test',
    'msDS-MinimumPasswordLength': '12',
    'msDS-PasswordComplexityEnabled': 'TRUE',
    'msDS-PasswordHistoryLength': '10',
    'msDS-MinimumPasswordAge': '0',
    'msDS-MaximumPasswordAge': '-77760000000000',
    'msDS-LockoutThreshold': '3',
    'msDS-LockoutDuration': '-18000000000',
    'msDS-LockoutObservationWindow': '-18000000000',
  };

  it('reads a PSO', () => {
    expect(psoPolicyFromEntry(psoEntry)).toEqual({
      source: 'pso',
      minLength: 12,
      complexity: true,
      historyLength: 10,
      minAgeSeconds: 0,
      maxAgeSeconds: 90 * 86_400,
      lockoutThreshold: 3,
      lockoutDurationSeconds: 1800,
      lockoutObservationSeconds: 1800,
    });
    expect(psoPolicyFromEntry({ ...psoEntry, 'msDS-PasswordComplexityEnabled': 'FALSE' }).complexity).toBe(false);
  });

  it('fails loudly when the PSO reads empty (no right on the Password Settings Container)', () => {
    expect(() => psoPolicyFromEntry({ dn: psoEntry.dn })).toThrow(/cannot read the password settings object/);
    expect(() => psoPolicyFromEntry({ ...psoEntry, 'msDS-LockoutThreshold': [] })).toThrow(
      /msDS-LockoutThreshold.*Password Settings Container/,
    );
  });
});

describe('resetLockout (LDAP operations stubbed, no DC)', () => {
  const ivan: DirectoryAccount = {
    dn: 'CN=Ivan Irwin,OU=People,DC=corp,DC=example,DC=test',
    objectGuid: 'bd326293-1513-494d-93b9-726e73cb20c0',
    objectSid: 'S-1-5-21-1-2-3-1109',
    sAMAccountName: 'ivan',
    sAMAccountType: 805306368,
    userPrincipalName: 'ivan@corp.example.test',
    displayName: 'Ivan Irwin',
    mail: 'ivan@corp.example.test',
    mobile: null,
    userAccountControl: 512,
    computedUserAccountControl: 0x10,
    accountExpires: 0n,
    pwdLastSet: 1n,
    badPwdCount: 5,
    badPasswordTime: 0n,
    adminCount: 0,
    logonHours: null,
    userWorkstations: null,
    tokenGroups: [],
    changePasswordDeniedTo: [],
    resultantPso: null,
  };

  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const logger: Logger = {
    info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  };

  /** A session whose service bind succeeds and whose modify answers `outcome`, without a socket. */
  async function sessionWhereModify(outcome: () => Promise<void>) {
    vi.spyOn(Client.prototype, 'bind').mockResolvedValue(undefined);
    vi.spyOn(Client.prototype, 'unbind').mockResolvedValue(undefined);
    const modify = vi.spyOn(Client.prototype, 'modify').mockImplementation(outcome);
    const directory = new LdapDirectory(options({ urls: ['ldaps://dc1.corp.example.test'], logger }));
    return { session: await directory.openSession(), modify, directory };
  }

  afterEach(() => {
    vi.restoreAllMocks();
    lines.length = 0;
  });

  it('replaces lockoutTime with 0 on <GUID=…>, so a renamed account is still the one unlocked', async () => {
    const { session, modify } = await sessionWhereModify(async () => undefined);
    await session.resetLockout({ ...ivan, objectGuid: ivan.objectGuid.toUpperCase() });
    expect(modify).toHaveBeenCalledTimes(1);
    const [dn, change] = modify.mock.calls[0] ?? [];
    expect(dn).toBe(`<GUID=${ivan.objectGuid}>`);
    const { operation, modification } = change as Change;
    expect(operation).toBe('replace');
    expect(modification.type).toBe('lockoutTime');
    expect(modification.values).toEqual(['0']);
  });

  it('names the missing right "write lockoutTime" on InsufficientAccess (50) and logs allow-listed fields', async () => {
    const { session } = await sessionWhereModify(() =>
      Promise.reject(new InsufficientAccessError(`00002098: Object ${ivan.dn} has no write property access`)),
    );
    const error = await session.resetLockout(ivan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DirectoryUnavailableError);
    expect((error as Error).message).toMatch(/write lockoutTime/);
    expect((error as Error).message).toContain(ivan.dn);
    const logged = lines.filter((l) => l.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toMatch(/unlock/);
    expect(logged[0]?.fields).toMatchObject({
      controller: 'ldaps://dc1.corp.example.test:636',
      subject: ivan.objectGuid,
      reason: 'write lockoutTime',
      errorName: 'InsufficientAccessError',
    });
    for (const field of Object.keys(logged[0]?.fields ?? {})) expect(LOG_FIELDS).toContain(field);
  });

  it('maps a busy or unavailable DC to DirectoryUnavailableError', async () => {
    const { session } = await sessionWhereModify(() => Promise.reject(new UnavailableError('unavailable')));
    await expect(session.resetLockout(ivan)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('retries once on a fresh connection when the service connection dropped under the write', async () => {
    let calls = 0;
    const { session, modify, directory } = await sessionWhereModify(async () => {
      calls += 1;
      if (calls === 1) throw new Error('Connection closed before message response was received');
    });
    await session.resetLockout(ivan);
    expect(modify).toHaveBeenCalledTimes(2);
    expect(directory.stats().serviceConnectionsOpened).toBeGreaterThanOrEqual(2);
  });

  it('says so when the account no longer exists; passes other refusals through as they are', async () => {
    const gone = await sessionWhereModify(() => Promise.reject(new NoSuchObjectError('no such object')));
    await expect(gone.session.resetLockout(ivan)).rejects.toThrow(/no longer exists/);
    vi.restoreAllMocks();
    const unwilling = new UnwillingToPerformError('unwilling');
    const refused = await sessionWhereModify(() => Promise.reject(unwilling));
    await expect(refused.session.resetLockout(ivan)).rejects.toBe(unwilling);
  });

  it('refuses an objectGuid that is not a GUID without writing anything', async () => {
    const { session, modify } = await sessionWhereModify(async () => undefined);
    await expect(session.resetLockout({ ...ivan, objectGuid: '*>,CN=Administrator' })).rejects.toThrow(/not a GUID/);
    expect(modify).not.toHaveBeenCalled();
  });
});
