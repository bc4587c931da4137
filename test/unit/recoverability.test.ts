/**
 * The pure decisions behind "never removing the last way back" (core/methods/recoverability.ts) and "enroll without
 * questions" (core/recovery/presets.ts questionsOffered): whether an account can complete an alternative of the policy,
 * and whether a removal may go without the request's confirmation.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.js';
import type { DirectoryAccount } from '../../functions/core/directory.js';
import {
  canRecover,
  LEAVE_NO_RECOVERY,
  type Removal,
  removalAllowed,
  withoutMethod,
} from '../../functions/core/methods/recoverability.js';
import { questionsOffered } from '../../functions/core/recovery/presets.js';
import type { EnrolledAuthenticator, EnrolledPasskey, Enrollment } from '../../functions/core/store.js';

const NOW = Date.UTC(2026, 11, 7, 12);
const NEVER = 0x7fffffffffffffffn;

const account = (mail: string | null, mobile: string | null = null): DirectoryAccount => ({
  dn: 'CN=Judy,OU=People,DC=corp,DC=example,DC=test',
  objectGuid: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
  objectSid: 'S-1-5-21-1-2-3-1110',
  sAMAccountName: 'judy',
  sAMAccountType: 805306368,
  userPrincipalName: 'judy@corp.example.test',
  displayName: null,
  mail,
  mobile,
  userAccountControl: 0x200,
  computedUserAccountControl: 0,
  accountExpires: NEVER,
  pwdLastSet: 134_000_000_000_000_000n,
  badPwdCount: 0,
  badPasswordTime: 0n,
  adminCount: 0,
  logonHours: null,
  userWorkstations: null,
  tokenGroups: [],
  changePasswordDeniedTo: [],
  resultantPso: null,
});
const withMail = account('judy@corp.example.test');
const withNothing = account(null);

const hash = { algorithm: 'scrypt', N: 2, r: 1, p: 1, keyLength: 32, salt: 's', hash: 'h', normalization: 1 } as const;
const empty: Enrollment = {
  objectGuid: withMail.objectGuid,
  sAMAccountName: 'judy',
  answers: [],
  contacts: [],
  language: 'en',
  enrolledAt: NOW,
  updatedAt: NOW,
  authenticator: null,
  recoveryCodes: null,
  passkeys: [],
};
const codes = { setId: 'set', hashes: ['a', 'b'], issued: 10, createdAt: NOW };
const app: EnrolledAuthenticator = {
  id: 'app',
  sealed: { v: 1, keyVersion: 1, iv: 'i', ct: 'c', tag: 't' },
  addedAt: NOW,
  lastUsedStep: null,
};
const passkey = (id: string): EnrolledPasskey => ({
  id,
  name: id,
  publicKey: 'k',
  counter: 0,
  transports: [],
  addedAt: NOW,
  lastUsedAt: null,
});
const answers = ['q1', 'q2', 'q3'].map((questionId) => ({ questionId, hash }));

const standards = parseConfig({ recovery: { preset: 'standards' } });
const defaults = parseConfig({});

describe('canRecover: some alternative of the policy can pass with what the account holds', () => {
  it('standards: a possession needs a second method; a contact alone or a possession alone is not enough', () => {
    expect(canRecover(withMail, null, standards)).toBe(false);
    expect(canRecover(withMail, empty, standards)).toBe(false);
    expect(canRecover(withMail, { ...empty, recoveryCodes: codes }, standards)).toBe(true);
    expect(canRecover(withNothing, { ...empty, recoveryCodes: codes }, standards)).toBe(false);
    expect(canRecover(withNothing, { ...empty, recoveryCodes: codes, authenticator: app }, standards)).toBe(true);
    expect(canRecover(withNothing, { ...empty, passkeys: [passkey('p')] }, standards)).toBe(true);
  });

  it('standards: answers held from an earlier policy count for nothing', () => {
    expect(canRecover(withMail, { ...empty, answers }, standards)).toBe(false);
  });

  it('default: answers pass (with the directory mail, or alone for a user with nothing else)', () => {
    expect(canRecover(withMail, { ...empty, answers }, defaults)).toBe(true);
    expect(canRecover(withNothing, { ...empty, answers }, defaults)).toBe(true);
    expect(canRecover(withMail, null, defaults)).toBe(false);
  });

  it('a directory mail counts only when the operator lets codes go there', () => {
    const noDirectory = parseConfig({ recovery: { preset: 'standards' }, codes: { useDirectoryContacts: false } });
    expect(canRecover(withMail, { ...empty, recoveryCodes: codes }, noDirectory)).toBe(false);
    const verified = { id: 'c', channel: 'email' as const, address: 'j@example.com', verified: true, addedAt: NOW };
    expect(canRecover(withMail, { ...empty, recoveryCodes: codes, contacts: [verified] }, noDirectory)).toBe(true);
    expect(
      canRecover(
        withMail,
        { ...empty, recoveryCodes: codes, contacts: [{ ...verified, verified: false }] },
        noDirectory,
      ),
    ).toBe(false);
  });

  it('netwrix: a user never enrolled with a directory contact can recover (automatic enrollment)', () => {
    const netwrix = parseConfig({ recovery: { preset: 'netwrix' } });
    expect(canRecover(withMail, null, netwrix)).toBe(true);
    expect(canRecover(withNothing, null, netwrix)).toBe(false);
  });
});

describe('removalAllowed: a removal that leaves no way back needs the confirmation', () => {
  const both = { ...empty, recoveryCodes: codes, authenticator: app };

  it('withoutMethod takes away exactly the method named (one passkey by its id)', () => {
    expect(withoutMethod(both, { method: 'authenticator' })).toMatchObject({
      authenticator: null,
      recoveryCodes: codes,
    });
    expect(withoutMethod(both, { method: 'recoveryCodes' })).toMatchObject({ authenticator: app, recoveryCodes: null });
    const two = { ...empty, passkeys: [passkey('a'), passkey('b')] };
    expect(withoutMethod(two, { method: 'passkey', id: 'a' }).passkeys?.map((p) => p.id)).toEqual(['b']);
    // Pure: the enrollment given is left as it was.
    expect(two.passkeys.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('allows a removal that keeps an alternative, refuses one that keeps none unless confirmed', () => {
    const cases: [DirectoryAccount, Enrollment, Removal, boolean][] = [
      [withMail, both, { method: 'authenticator' }, true],
      [withMail, both, { method: 'recoveryCodes' }, true],
      [withNothing, both, { method: 'recoveryCodes' }, false],
      [withMail, { ...empty, recoveryCodes: codes }, { method: 'recoveryCodes' }, false],
      [withNothing, { ...empty, passkeys: [passkey('a'), passkey('b')] }, { method: 'passkey', id: 'a' }, true],
      [withNothing, { ...empty, passkeys: [passkey('a')] }, { method: 'passkey', id: 'a' }, false],
      // Already without a way back: the removal is still what the user is asked to confirm.
      [withNothing, { ...empty, recoveryCodes: codes }, { method: 'recoveryCodes' }, false],
    ];
    for (const [who, enrollment, removal, allowed] of cases) {
      expect(removalAllowed(who, enrollment, removal, standards, undefined), JSON.stringify(removal)).toBe(allowed);
      expect(removalAllowed(who, enrollment, removal, standards, LEAVE_NO_RECOVERY)).toBe(true);
      expect(removalAllowed(who, enrollment, removal, standards, 'yes')).toBe(allowed);
    }
  });

  it('default: a user with answers and a mail may remove every possession without being asked', () => {
    const held = { ...both, answers, passkeys: [passkey('a')] };
    expect(removalAllowed(withMail, held, { method: 'authenticator' }, defaults, undefined)).toBe(true);
    expect(removalAllowed(withMail, held, { method: 'recoveryCodes' }, defaults, undefined)).toBe(true);
    expect(removalAllowed(withMail, held, { method: 'passkey', id: 'a' }, defaults, undefined)).toBe(true);
  });
});

describe('questionsOffered: whether enroll asks answers', () => {
  it('is true for the presets with questions, false for standards and a custom policy that never names them', () => {
    expect(questionsOffered(defaults)).toBe(true);
    expect(questionsOffered(parseConfig({ recovery: { preset: 'adpwr' } }))).toBe(true);
    expect(questionsOffered(parseConfig({ recovery: { preset: 'netwrix' } }))).toBe(true);
    expect(questionsOffered(standards)).toBe(false);
    expect(
      questionsOffered(parseConfig({ recovery: { preset: 'custom', alternatives: [['recoveryCode', 'email']] } })),
    ).toBe(false);
    expect(
      questionsOffered(
        parseConfig({ recovery: { preset: 'custom', alternatives: [['passkey'], ['questions', 'sms']] } }),
      ),
    ).toBe(true);
  });
});
