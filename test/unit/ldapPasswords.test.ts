/**
 * The ldapts adapter's password writes with the LDAP operations stubbed (no DC): what goes on the wire, how the DC's
 * answers map to PasswordWriteOutcome, when a write is sent again after a dropped connection, and what is logged.
 * test/contract/ldapDirectory.samba.test.ts runs the same writes against Samba AD.
 */
import {
  Ber,
  BerWriter,
  type Change,
  Client,
  ConstraintViolationError,
  type Control,
  InsufficientAccessError,
  NoSuchObjectError,
  OperationsError,
  type SearchOptions,
  type SearchResult,
  UnavailableCriticalExtensionError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LdapDirectory, type LdapDirectoryOptions } from '../../functions/adapters/ldap/ldapDirectory.js';
import { ldapErrorSummary, passwordRefusalOf, win32CodeOf } from '../../functions/adapters/ldap/passwordErrors.js';
import {
  POLICY_HINTS_DEPRECATED_OID,
  POLICY_HINTS_OID,
  PolicyHintsControl,
  policyHintsOidOf,
} from '../../functions/adapters/ldap/policyHintsControl.js';
import { type DirectoryAccount, DirectoryUnavailableError } from '../../functions/core/directory.js';
import { LOG_FIELDS, type LogFields, type Logger } from '../../functions/core/log.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const DC = 'ldaps://dc1.corp.example.test:636';
const OLD = 'Orchid!2026a';
const NEW = 'Tulip!2026new';

/** What AD and Samba answer, message text as measured on Samba 4.17 (notes/samba-ad-dc.md). */
const DC_ERRORS = {
  tooShort: () =>
    new ConstraintViolationError(
      '0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 8 characters!',
    ),
  history: () =>
    new ConstraintViolationError(
      '0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!',
    ),
  wrongOld: () =>
    new ConstraintViolationError(
      "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!",
    ),
  aclConstraint: () => new ConstraintViolationError('error in module acl: Constraint violation during LDB_MODIFY (19)'),
  lockedOut: () =>
    new ConstraintViolationError('00000775: Password change not permitted, account locked out! at password_hash.c'),
  insufficientAccess: () =>
    new InsufficientAccessError('error in module acl: insufficient access rights during LDB_MODIFY (50)'),
  notQuoted: () =>
    new UnwillingToPerformError("00002035: setup_io: it's not allowed to set the NT hash password directly'"),
};

const alice: DirectoryAccount = {
  dn: 'CN=Alice Archer,OU=People,DC=corp,DC=example,DC=test',
  objectGuid: '49b4d9e5-65b3-453a-a8ff-890671537f81',
  objectSid: 'S-1-5-21-1-2-3-1101',
  sAMAccountName: 'alice',
  sAMAccountType: 805306368,
  userPrincipalName: 'alice@corp.example.test',
  displayName: 'Alice Archer',
  mail: 'alice@corp.example.test',
  mobile: null,
  userAccountControl: 512,
  computedUserAccountControl: 0,
  accountExpires: 0n,
  pwdLastSet: 134000000000000000n,
  badPwdCount: 0,
  badPasswordTime: 0n,
  adminCount: 0,
  logonHours: null,
  userWorkstations: null,
  tokenGroups: [],
  changePasswordDeniedTo: [],
  resultantPso: null,
};

function options(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return {
    urls: [DC],
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

const lines: { level: string; message: string; fields: LogFields }[] = [];
const logger: Logger = {
  info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
  warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
  error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
};

interface FakeDc {
  /** rootDSE supportedControl. */
  supportedControl: string[];
  /** pwdLastSet as the DC holds it; a successful modify moves it on. */
  pwdLastSet: string;
  /** Answers to the next modify calls, in order; when none is left a modify succeeds. */
  modifyAnswers: (() => Promise<void>)[];
}

/** A directory whose service binds succeed and whose search and modify answer like `dc`, without a socket. */
async function fakeDirectory(dc: FakeDc) {
  vi.spyOn(Client.prototype, 'bind').mockResolvedValue(undefined);
  vi.spyOn(Client.prototype, 'unbind').mockResolvedValue(undefined);
  const search = vi
    .spyOn(Client.prototype, 'search')
    .mockImplementation(async (base: unknown, search?: SearchOptions): Promise<SearchResult> => {
      if (base === '') {
        return { searchEntries: [{ dn: '', supportedControl: dc.supportedControl }], searchReferences: [] };
      }
      if (search?.attributes?.includes('pwdLastSet')) {
        return { searchEntries: [{ dn: String(base), pwdLastSet: dc.pwdLastSet }], searchReferences: [] };
      }
      throw new Error(`unexpected search of ${String(base)}`);
    });
  const modify = vi
    .spyOn(Client.prototype, 'modify')
    .mockImplementation(async (_dn: unknown, _changes: unknown, _controls?: unknown) => {
      const answer = dc.modifyAnswers.shift();
      if (answer) return answer();
      dc.pwdLastSet = String(BigInt(dc.pwdLastSet) + 1n);
    });
  const directory = new LdapDirectory(options({ logger }));
  return { directory, session: await directory.openSession(), search, modify };
}

function rootDseReads(search: { mock: { calls: unknown[][] } }): number {
  return search.mock.calls.filter(([base]) => base === '').length;
}

const dropped = () => Promise.reject(new Error('Connection closed before message response was received'));

/** The bytes AD takes as a password: the quoted password in UTF-16LE. */
const unicodePwd = (password: string) => Buffer.from(`"${password}"`, 'utf16le');

function changesOf(call: unknown[] | undefined): Change[] {
  const changes = call?.[1];
  return (Array.isArray(changes) ? changes : [changes]) as Change[];
}

function controlsOf(call: unknown[] | undefined): Control[] {
  const controls = call?.[2];
  if (controls === undefined) return [];
  return (Array.isArray(controls) ? controls : [controls]) as Control[];
}

/** No password, in any encoding we send, in any log line. */
function expectNoPasswordLogged(...passwords: string[]): void {
  const text = JSON.stringify(lines);
  for (const password of passwords) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(unicodePwd(password).toString('hex'));
    expect(text).not.toContain(unicodePwd(password).toString('base64'));
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  lines.length = 0;
});

describe('password-policy-hints control', () => {
  it('is critical, with the value SEQUENCE { INTEGER 1 } in an OCTET STRING', () => {
    for (const oid of [POLICY_HINTS_OID, POLICY_HINTS_DEPRECATED_OID]) {
      const control = new PolicyHintsControl(oid);
      expect(control.type).toBe(oid);
      expect(control.critical).toBe(true);
      const writer = new BerWriter();
      control.write(writer);
      // ... OCTET STRING (04 05) holding SEQUENCE (30 03) { INTEGER (02 01) 1 }
      expect(writer.buffer.toString('hex').endsWith('04053003020101')).toBe(true);
      expect(writer.buffer.includes(Buffer.from(oid))).toBe(true);
    }
    expect(Ber.OctetString).toBe(0x04);
  });

  it('prefers .2239, else .2066, else none', () => {
    expect(policyHintsOidOf([POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID])).toBe(POLICY_HINTS_OID);
    expect(policyHintsOidOf(['1.2.840.113556.1.4.801', POLICY_HINTS_DEPRECATED_OID])).toBe(POLICY_HINTS_DEPRECATED_OID);
    expect(policyHintsOidOf(['1.2.840.113556.1.4.801', '1.2.840.113556.1.4.319'])).toBeNull();
    expect(policyHintsOidOf([])).toBeNull();
  });
});

describe('password write errors', () => {
  it('reads the Win32 code at the start of a diagnostic message', () => {
    expect(win32CodeOf(DC_ERRORS.history().message)).toBe('0000052d');
    expect(win32CodeOf('0000052d: lower case too')).toBe('0000052d');
    expect(win32CodeOf(DC_ERRORS.aclConstraint().message)).toBeNull();
    expect(win32CodeOf('see 0000052D: not at the start')).toBeNull();
  });

  it.each([
    ['19 / 0000052D (too short)', DC_ERRORS.tooShort, { ok: false, refusal: 'policy' }],
    ['19 / 0000052D (history)', DC_ERRORS.history, { ok: false, refusal: 'policy' }],
    ['19 / 00000056 (old password)', DC_ERRORS.wrongOld, { ok: false, refusal: 'wrong-password' }],
    ["19 from Samba's acl module (cannot change)", DC_ERRORS.aclConstraint, { ok: false, refusal: 'constraint' }],
    ['19 / 00000775 (locked out)', DC_ERRORS.lockedOut, { ok: false, refusal: 'constraint' }],
    ['50', DC_ERRORS.insufficientAccess, { ok: false, refusal: 'access', right: 'Reset Password' }],
    ['53 / 00002035', DC_ERRORS.notQuoted, { ok: false, refusal: 'access', right: 'unicodePwd write over LDAPS' }],
  ] as const)('maps %s', (_name, error, outcome) => {
    expect(passwordRefusalOf(error(), 'Reset Password')).toEqual(outcome);
  });

  it('is no refusal for anything else (the caller rethrows it)', () => {
    expect(passwordRefusalOf(new UnwillingToPerformError('00002077: something else'), 'Reset Password')).toBeNull();
    expect(passwordRefusalOf(new NoSuchObjectError('no such object'), 'Reset Password')).toBeNull();
    expect(passwordRefusalOf(new OperationsError('operations'), 'Reset Password')).toBeNull();
    expect(passwordRefusalOf(new Error('0000052D: not an LDAP result'), 'Reset Password')).toBeNull();
  });

  it('summarises from codes only', () => {
    expect(ldapErrorSummary(DC_ERRORS.history())).toBe('LDAP 19 (0000052d)');
    expect(ldapErrorSummary(DC_ERRORS.insufficientAccess())).toBe('LDAP 50');
  });
});

describe('resetPassword (LDAP operations stubbed, no DC)', () => {
  it('replaces unicodePwd on <GUID=…> with the quoted UTF-16LE bytes, with no control where rootDSE lists none', async () => {
    const dc: FakeDc = { supportedControl: ['1.2.840.113556.1.4.801'], pwdLastSet: '1', modifyAnswers: [] };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.resetPassword({ ...alice, objectGuid: alice.objectGuid.toUpperCase() }, NEW)).toEqual({
      ok: true,
    });
    expect(modify).toHaveBeenCalledTimes(1);
    const call = modify.mock.calls[0];
    expect(call?.[0]).toBe(`<GUID=${alice.objectGuid}>`);
    const [change] = changesOf(call);
    expect(changesOf(call)).toHaveLength(1);
    expect(change?.operation).toBe('replace');
    expect(change?.modification.type).toBe('unicodePwd');
    expect(change?.modification.values).toEqual([unicodePwd(NEW)]);
    expect(Buffer.isBuffer(change?.modification.values[0])).toBe(true);
    expect(controlsOf(call)).toEqual([]);
    expect(await session.enforcesHistoryOnReset()).toBe(false);
  });

  it.each([
    [[POLICY_HINTS_OID, POLICY_HINTS_DEPRECATED_OID], POLICY_HINTS_OID],
    [[POLICY_HINTS_DEPRECATED_OID], POLICY_HINTS_DEPRECATED_OID],
  ])('sends the critical hints control where rootDSE lists %j: %s', async (listed, oid) => {
    const dc: FakeDc = { supportedControl: listed, pwdLastSet: '1', modifyAnswers: [] };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.enforcesHistoryOnReset()).toBe(true);
    expect(await session.resetPassword(alice, NEW)).toEqual({ ok: true });
    const [control] = controlsOf(modify.mock.calls[0]);
    expect(control).toBeInstanceOf(PolicyHintsControl);
    expect(control?.type).toBe(oid);
    expect(control?.critical).toBe(true);
  });

  it('reads rootDSE once per DC, across sessions, and again after a read that failed', async () => {
    const dc: FakeDc = { supportedControl: [POLICY_HINTS_OID], pwdLastSet: '1', modifyAnswers: [] };
    const { directory, session, search } = await fakeDirectory(dc);
    const real = search.getMockImplementation();
    search.mockImplementationOnce(() => Promise.reject(new UnavailableError('busy')));
    await expect(session.enforcesHistoryOnReset()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    if (real) search.mockImplementation(real);
    expect(await session.enforcesHistoryOnReset()).toBe(true);
    await session.resetPassword(alice, NEW);
    const other = await directory.openSession();
    expect(await other.enforcesHistoryOnReset()).toBe(true);
    await other.resetPassword(alice, `${NEW}2`);
    expect(rootDseReads(search)).toBe(2);
  });

  it.each([
    ['too short', DC_ERRORS.tooShort, { ok: false, refusal: 'policy' }],
    ['in history', DC_ERRORS.history, { ok: false, refusal: 'policy' }],
    ['insufficient access', DC_ERRORS.insufficientAccess, { ok: false, refusal: 'access', right: 'Reset Password' }],
    ['not quoted', DC_ERRORS.notQuoted, { ok: false, refusal: 'access', right: 'unicodePwd write over LDAPS' }],
  ] as const)('answers a refusal (%s) as an outcome', async (_name, error, outcome) => {
    const dc: FakeDc = { supportedControl: [], pwdLastSet: '1', modifyAnswers: [() => Promise.reject(error())] };
    const { session } = await fakeDirectory(dc);
    expect(await session.resetPassword(alice, NEW)).toEqual(outcome);
  });

  it('logs a missing right as an error naming it, with allow-listed fields and no password', async () => {
    const dc: FakeDc = {
      supportedControl: [],
      pwdLastSet: '1',
      modifyAnswers: [() => Promise.reject(DC_ERRORS.insufficientAccess())],
    };
    const { session } = await fakeDirectory(dc);
    await session.resetPassword(alice, NEW);
    const logged = lines.filter((l) => l.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields).toMatchObject({
      controller: DC,
      subject: alice.objectGuid,
      reason: 'Reset Password',
      errorName: 'InsufficientAccessError',
      errorMessage: 'LDAP 50',
    });
    for (const field of Object.keys(logged[0]?.fields ?? {})) expect(LOG_FIELDS).toContain(field);
    expectNoPasswordLogged(NEW);
  });

  it('logs nothing for a policy refusal: it is the user’s to fix', async () => {
    const dc: FakeDc = {
      supportedControl: [],
      pwdLastSet: '1',
      modifyAnswers: [() => Promise.reject(DC_ERRORS.tooShort())],
    };
    const { session } = await fakeDirectory(dc);
    expect(await session.resetPassword(alice, NEW)).toEqual({ ok: false, refusal: 'policy' });
    expect(lines).toEqual([]);
  });

  it('sends a reset without hints once more after the connection dropped under it (the same password is harmless)', async () => {
    const dc: FakeDc = { supportedControl: [], pwdLastSet: '1', modifyAnswers: [dropped] };
    const { session, modify, search } = await fakeDirectory(dc);
    expect(await session.resetPassword(alice, NEW)).toEqual({ ok: true });
    expect(modify).toHaveBeenCalledTimes(2);
    expect(changesOf(modify.mock.calls[1])[0]?.modification.values).toEqual([unicodePwd(NEW)]);
    // No pwdLastSet read is needed for it.
    expect(search.mock.calls.filter(([, o]) => (o as SearchOptions).attributes?.includes('pwdLastSet'))).toEqual([]);
  });

  it('with hints: a reset the DC applied before the drop is not sent again (the history would refuse it)', async () => {
    const dc: FakeDc = {
      supportedControl: [POLICY_HINTS_OID],
      pwdLastSet: '100',
      modifyAnswers: [
        () => {
          dc.pwdLastSet = '200';
          return dropped();
        },
      ],
    };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.resetPassword(alice, NEW)).toEqual({ ok: true });
    expect(modify).toHaveBeenCalledTimes(1);
    expect(lines.filter((l) => l.level === 'warn' && /applied/.test(l.message))).toHaveLength(1);
    expectNoPasswordLogged(NEW);
  });

  it('with hints: a reset the DC did not apply is sent once more, and only once', async () => {
    const dc: FakeDc = { supportedControl: [POLICY_HINTS_OID], pwdLastSet: '100', modifyAnswers: [dropped] };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.resetPassword(alice, NEW)).toEqual({ ok: true });
    expect(modify).toHaveBeenCalledTimes(2);
    expect(controlsOf(modify.mock.calls[1])[0]?.type).toBe(POLICY_HINTS_OID);

    vi.restoreAllMocks();
    const again: FakeDc = {
      supportedControl: [POLICY_HINTS_OID],
      pwdLastSet: '100',
      modifyAnswers: [dropped, dropped],
    };
    const twice = await fakeDirectory(again);
    await expect(twice.session.resetPassword(alice, NEW)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(twice.modify).toHaveBeenCalledTimes(2);
  });

  it('forgets the cached rootDSE when the DC refuses the control it listed', async () => {
    const dc: FakeDc = {
      supportedControl: [POLICY_HINTS_OID],
      pwdLastSet: '1',
      modifyAnswers: [() => Promise.reject(new UnavailableCriticalExtensionError(''))],
    };
    const { session, search } = await fakeDirectory(dc);
    await expect(session.resetPassword(alice, NEW)).rejects.toThrow(/refused the password-policy-hints control/);
    dc.supportedControl = [];
    expect(await session.enforcesHistoryOnReset()).toBe(false);
    expect(rootDseReads(search)).toBe(2);
  });

  it('maps an unavailable DC to DirectoryUnavailableError, and a vanished account to an error saying so', async () => {
    const busy = await fakeDirectory({
      supportedControl: [],
      pwdLastSet: '1',
      modifyAnswers: [() => Promise.reject(new UnavailableError('unavailable'))],
    });
    await expect(busy.session.resetPassword(alice, NEW)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    vi.restoreAllMocks();
    const gone = await fakeDirectory({
      supportedControl: [],
      pwdLastSet: '1',
      modifyAnswers: [() => Promise.reject(new NoSuchObjectError('no such object'))],
    });
    await expect(gone.session.resetPassword(alice, NEW)).rejects.toThrow(/no longer exists/);
  });

  it('refuses an objectGuid that is not a GUID without writing anything', async () => {
    const { session, modify } = await fakeDirectory({ supportedControl: [], pwdLastSet: '1', modifyAnswers: [] });
    await expect(session.resetPassword({ ...alice, objectGuid: '*>,CN=Administrator' }, NEW)).rejects.toThrow(
      /not a GUID/,
    );
    expect(modify).not.toHaveBeenCalled();
  });
});

describe('changePassword (LDAP operations stubbed, no DC)', () => {
  it('deletes the old and adds the new unicodePwd in one modify, without the hints control', async () => {
    const dc: FakeDc = { supportedControl: [POLICY_HINTS_OID], pwdLastSet: '1', modifyAnswers: [] };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.changePassword(alice, OLD, NEW)).toEqual({ ok: true });
    expect(modify).toHaveBeenCalledTimes(1);
    const call = modify.mock.calls[0];
    expect(call?.[0]).toBe(`<GUID=${alice.objectGuid}>`);
    const changes = changesOf(call);
    expect(changes.map((c) => [c.operation, c.modification.type])).toEqual([
      ['delete', 'unicodePwd'],
      ['add', 'unicodePwd'],
    ]);
    expect(changes[0]?.modification.values).toEqual([unicodePwd(OLD)]);
    expect(changes[1]?.modification.values).toEqual([unicodePwd(NEW)]);
    expect(controlsOf(call)).toEqual([]);
  });

  it.each([
    ['wrong old password', DC_ERRORS.wrongOld, { ok: false, refusal: 'wrong-password' }],
    ['history or minimum age', DC_ERRORS.history, { ok: false, refusal: 'policy' }],
    ['cannot change (Samba acl)', DC_ERRORS.aclConstraint, { ok: false, refusal: 'constraint' }],
    ['insufficient access', DC_ERRORS.insufficientAccess, { ok: false, refusal: 'access', right: 'Change Password' }],
  ] as const)('answers a refusal (%s) as an outcome', async (_name, error, outcome) => {
    const dc: FakeDc = { supportedControl: [], pwdLastSet: '1', modifyAnswers: [() => Promise.reject(error())] };
    const { session } = await fakeDirectory(dc);
    expect(await session.changePassword(alice, OLD, NEW)).toEqual(outcome);
    expectNoPasswordLogged(OLD, NEW);
  });

  it('is never sent twice: dropped and not applied → DirectoryUnavailableError after one write', async () => {
    const dc: FakeDc = { supportedControl: [], pwdLastSet: '100', modifyAnswers: [dropped] };
    const { session, modify } = await fakeDirectory(dc);
    await expect(session.changePassword(alice, OLD, NEW)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(modify).toHaveBeenCalledTimes(1);
  });

  it('dropped after the DC applied it → ok, after one write', async () => {
    const dc: FakeDc = {
      supportedControl: [],
      pwdLastSet: '0',
      modifyAnswers: [
        () => {
          dc.pwdLastSet = '134000000000000001';
          return dropped();
        },
      ],
    };
    const { session, modify } = await fakeDirectory(dc);
    expect(await session.changePassword(alice, OLD, NEW)).toEqual({ ok: true });
    expect(modify).toHaveBeenCalledTimes(1);
    expectNoPasswordLogged(OLD, NEW);
  });

  it('keeps the change off the wire when the session is closed', async () => {
    const { session, modify } = await fakeDirectory({ supportedControl: [], pwdLastSet: '1', modifyAnswers: [] });
    await session.close();
    await expect(session.changePassword(alice, OLD, NEW)).rejects.toThrow(/after close/);
    expect(modify).not.toHaveBeenCalled();
  });
});
