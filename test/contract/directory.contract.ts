/**
 * The directory port's contract (functions/core/directory.ts), run against every implementation: the in-memory
 * stand-in and Samba AD over ldapts. It uses the demo domain of DESIGN §7 and only the port, so an implementation
 * adds a fixture and nothing else. Samba differences the port touches would be gated by a capability flag here,
 * never by skipping the suite.
 */

import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AccountLookup,
  type Directory,
  type DirectoryAccount,
  type DirectorySession,
  SAM_USER_ACCOUNT,
  UAC,
} from '../../functions/core/directory.js';
import { DEMO_PASSWORDS, type DemoUser } from '../support/demoUsers.js';

/**
 * Documented differences of an implementation (notes/samba-ad-dc.md) that the port's operations touch. Each flag
 * gates only the assertion it names: where it is false the implementation's documented behaviour is asserted
 * instead, so the suite never skips. Windows AD, and the stand-in that imitates it, has every flag true.
 */
export interface DirectoryCapabilities {
  /**
   * With complexity on, a password containing the sAMAccountName or a displayName token (3+ characters) is refused.
   * Samba: accepted (the product pre-checks it).
   */
  nameRule: boolean;
  /**
   * The DC lists the password-policy-hints control, so an administrative reset is checked against the history.
   * Samba: not listed; a reset to a password from the history is accepted.
   */
  historyOnReset: boolean;
}

/**
 * What a contract run needs from an implementation. Every operation is one Samba can do too (LDAP as an
 * administrator, samba-tool, bad binds), so the Samba fixture needs no private door.
 */
export interface DirectoryFixture {
  /** Configured with the demo domain's search base OU=People,DC=corp,DC=example,DC=test only. */
  directory: Directory;
  capabilities: DirectoryCapabilities;
  /** Re-applies every demo user's state of DESIGN §7: passwords, attributes, no bad passwords, ivan locked. */
  resetDemoStates(): Promise<void>;
  /** Locks an account out the way AD does it: bad binds until it answers 775. */
  lockOut(sam: string): Promise<void>;
  close(): Promise<void>;
}

const DOMAIN = 'corp.example.test';
const PEOPLE = 'OU=People,DC=corp,DC=example,DC=test';
const FILETIME_UNIX_EPOCH = 116444736000000000n;
const FILETIME_NEVER = 0x7fffffffffffffffn;
const CANONICAL_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOMAIN_ACCOUNT_SID = /^S-1-5-21-\d+-\d+-\d+-\d+$/;

export { DEMO_PASSWORDS, type DemoUser } from '../support/demoUsers.js';

const SURNAMES: Record<DemoUser, string> = {
  alice: 'Archer',
  bob: 'Baker',
  carol: 'Carter',
  dave: 'Dawson',
  erin: 'Evans',
  frank: 'Fisher',
  grace: 'Green',
  heidi: 'Hughes',
  ivan: 'Irwin',
  judy: 'Jones',
  oscar: 'Owens',
  paula: 'Price',
  peggy: 'Parker',
};

function msFromFiletime(filetime: bigint): number {
  return Number((filetime - FILETIME_UNIX_EPOCH) / 10_000n);
}

/** The domain SID, taken from an account's SID so the suite does not depend on how a domain was provisioned. */
function domainSidOf(account: DirectoryAccount): string {
  return account.objectSid.replace(/-\d+$/, '');
}

function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * A complex password no run has used before: the DC keeps a history across runs (on Samba every reset of the demo
 * states adds the demo password, every change the new one), so a fixed "new" password would soon be refused.
 * `Tulip!` + hex + `Q` has upper and lower case and a symbol, and no demo name or display-name token in it.
 */
function freshPassword(length = 15): string {
  const hex = randomBytes(16)
    .toString('hex')
    .slice(0, length - 'Tulip!Q'.length);
  return `Tulip!${hex}Q`;
}

/**
 * A lookup value that carries LDAP filter syntax must never be read as a filter, in any lookup kind. (Surrounding
 * spaces are left out on purpose: Samba's string matching ignores them, and usernames are trimmed before lookup.)
 */
const HOSTILE_VALUES = [
  '*',
  'al*',
  '*alice*',
  'alice*',
  'alice)(objectClass=*',
  'alice)(|(sAMAccountName=*)',
  '*)(sAMAccountName=alice',
  '\\2a',
  'al\\2a',
  '\\61lice',
  'alice\u0000',
  '\u0000',
  'alice\u0000bob',
  '(',
  ')',
  '\\',
  'CORP\\alice',
  '',
];

export function describeDirectoryContract(name: string, makeFixture: () => Promise<DirectoryFixture>): void {
  describe(`directory contract: ${name}`, () => {
    let fixture: DirectoryFixture;
    let session: DirectorySession;

    beforeAll(async () => {
      fixture = await makeFixture();
      await fixture.resetDemoStates();
    });

    afterAll(async () => {
      // Leave the demo domain as other suites expect to find it.
      await fixture?.resetDemoStates();
      await fixture?.close();
    });

    beforeEach(async () => {
      session = await fixture.directory.openSession();
    });

    afterEach(async () => {
      await session.close();
    });

    async function find(lookup: AccountLookup): Promise<DirectoryAccount | null> {
      return session.findAccount(lookup);
    }

    async function user(sam: string): Promise<DirectoryAccount> {
      const account = await find({ by: 'sAMAccountName', value: sam });
      if (!account) throw new Error(`demo user ${sam} not found`);
      return account;
    }

    describe('session', () => {
      it('names the controller it is pinned to', () => {
        expect(typeof session.controller).toBe('string');
        expect(session.controller.length).toBeGreaterThan(0);
      });
    });

    describe('findAccount', () => {
      it('finds alice by sAMAccountName in any case', async () => {
        for (const value of ['alice', 'ALICE', 'Alice', 'aLiCe']) {
          const account = await find({ by: 'sAMAccountName', value });
          expect(account?.sAMAccountName.toLowerCase(), value).toBe('alice');
        }
      });

      it('finds alice by userPrincipalName in any case', async () => {
        for (const value of [`alice@${DOMAIN}`, `ALICE@${DOMAIN.toUpperCase()}`, `Alice@Corp.Example.Test`]) {
          const account = await find({ by: 'userPrincipalName', value });
          expect(account?.sAMAccountName.toLowerCase(), value).toBe('alice');
        }
      });

      it('finds alice by objectGuid, the same account as by name', async () => {
        const alice = await user('alice');
        expect(alice.objectGuid).toMatch(CANONICAL_GUID);
        const byGuid = await find({ by: 'objectGuid', value: alice.objectGuid });
        expect(byGuid?.dn).toBe(alice.dn);
        expect(byGuid?.objectSid).toBe(alice.objectSid);
      });

      it('gives every demo user a distinct objectGuid and objectSid', async () => {
        const accounts = await Promise.all(Object.keys(DEMO_PASSWORDS).map((sam) => user(sam)));
        expect(new Set(accounts.map((a) => a.objectGuid)).size).toBe(accounts.length);
        expect(new Set(accounts.map((a) => a.objectSid)).size).toBe(accounts.length);
      });

      it('returns null for names that do not exist', async () => {
        expect(await find({ by: 'sAMAccountName', value: 'mallory' })).toBeNull();
        expect(await find({ by: 'userPrincipalName', value: `mallory@${DOMAIN}` })).toBeNull();
        expect(await find({ by: 'userPrincipalName', value: 'alice@other.example.test' })).toBeNull();
        expect(await find({ by: 'userPrincipalName', value: 'alice' })).toBeNull();
        expect(await find({ by: 'objectGuid', value: '00000000-0000-4000-8000-000000000000' })).toBeNull();
        expect(await find({ by: 'objectGuid', value: 'not-a-guid' })).toBeNull();
      });

      it('returns null for a computer account under the search base', async () => {
        expect(await find({ by: 'sAMAccountName', value: 'ws01$' })).toBeNull();
        expect(await find({ by: 'sAMAccountName', value: 'WS01$' })).toBeNull();
      });

      it('returns null for accounts outside the search bases', async () => {
        for (const value of ['Administrator', 'Guest', 'krbtgt', 'svc-sspr']) {
          expect(await find({ by: 'sAMAccountName', value }), value).toBeNull();
        }
        expect(await find({ by: 'userPrincipalName', value: `svc-sspr@${DOMAIN}` })).toBeNull();
      });

      it('never reads a lookup value as an LDAP filter', async () => {
        for (const value of HOSTILE_VALUES) {
          for (const by of ['sAMAccountName', 'userPrincipalName', 'objectGuid'] as const) {
            expect(await find({ by, value }), `${by} ${JSON.stringify(value)}`).toBeNull();
          }
          expect(await find({ by: 'userPrincipalName', value: `${value}@${DOMAIN}` }), value).toBeNull();
        }
        expect(await find({ by: 'userPrincipalName', value: `*@${DOMAIN}` })).toBeNull();
        expect(await find({ by: 'userPrincipalName', value: `alice@*` })).toBeNull();
        expect(await find({ by: 'objectGuid', value: '*-*-*-*-*' })).toBeNull();
      });

      it('returns a fresh copy every time (a caller cannot change what the next read sees)', async () => {
        const first = await user('alice');
        first.displayName = 'Mallory';
        first.tokenGroups.length = 0;
        first.changePasswordDeniedTo.push('S-1-1-0');
        first.badPwdCount = 99;
        const grace = await user('grace');
        grace.logonHours?.fill(0xff);
        expect((await user('alice')).displayName).toBe('Alice Archer');
        expect((await user('alice')).tokenGroups.length).toBeGreaterThan(0);
        expect((await user('alice')).changePasswordDeniedTo).toEqual([]);
        expect((await user('alice')).badPwdCount).toBe(0);
        expect([...((await user('grace')).logonHours ?? [])]).toEqual(new Array(21).fill(0));
      });
    });

    describe('attributes', () => {
      beforeAll(async () => {
        await fixture.resetDemoStates();
      });

      it("reads alice's identity and contacts", async () => {
        const alice = await user('alice');
        expect(alice.sAMAccountName).toBe('alice');
        expect(alice.sAMAccountType).toBe(SAM_USER_ACCOUNT);
        expect(alice.dn.toLowerCase().endsWith(`,${PEOPLE.toLowerCase()}`)).toBe(true);
        expect(alice.userPrincipalName?.toLowerCase()).toBe(`alice@${DOMAIN}`);
        expect(alice.displayName).toBe('Alice Archer');
        expect(alice.mail).toBe(`alice@${DOMAIN}`);
        expect(alice.mobile).toBe('+15550100001');
        expect(alice.objectSid).toMatch(DOMAIN_ACCOUNT_SID);
        expect(alice.adminCount).toBe(0);
        expect(alice.userAccountControl & UAC.ACCOUNTDISABLE).toBe(0);
        expect(alice.computedUserAccountControl & (UAC.LOCKOUT | UAC.PASSWORD_EXPIRED)).toBe(0);
        expect(alice.logonHours).toBeNull();
        expect(alice.userWorkstations).toBeNull();
        expect(alice.changePasswordDeniedTo).toEqual([]);
        expect(alice.resultantPso).toBeNull();
        expect(alice.badPwdCount).toBe(0);
      });

      it('names every demo user "<Name> <Surname>" with their contacts', async () => {
        for (const [sam, surname] of Object.entries(SURNAMES)) {
          const account = await user(sam);
          expect(account.displayName, sam).toBe(`${capitalized(sam)} ${surname}`);
          expect(account.userPrincipalName?.toLowerCase(), sam).toBe(`${sam}@${DOMAIN}`);
          expect(account.mail, sam).toBe(sam === 'heidi' ? null : `${sam}@${DOMAIN}`);
          const mobile = sam === 'alice' ? '+15550100001' : sam === 'judy' ? '+15550100010' : null;
          expect(account.mobile, sam).toBe(mobile);
        }
      });

      it('reads tokenGroups with the primary group and builtin Users', async () => {
        const alice = await user('alice');
        const domainSid = domainSidOf(alice);
        expect(alice.tokenGroups).toContain(`${domainSid}-513`);
        expect(alice.tokenGroups).toContain('S-1-5-32-545');
        expect(alice.tokenGroups).not.toContain(`${domainSid}-512`);
        expect(alice.tokenGroups).not.toContain('S-1-5-32-544');
        for (const sid of alice.tokenGroups) expect(sid).toMatch(/^S-1-\d+(-\d+)+$/);
      });

      it("reads oscar's Domain Admins membership, nested into builtin Administrators", async () => {
        const oscar = await user('oscar');
        const domainSid = domainSidOf(oscar);
        expect(oscar.tokenGroups).toContain(`${domainSid}-512`);
        expect(oscar.tokenGroups).toContain('S-1-5-32-544');
        expect(oscar.tokenGroups).toContain(`${domainSid}-513`);
        expect(oscar.tokenGroups).toContain('S-1-5-32-545');
      });

      it('reads accountExpires as a bigint: never for alice, in the past for dave', async () => {
        const alice = await user('alice');
        expect(typeof alice.accountExpires).toBe('bigint');
        expect([0n, FILETIME_NEVER]).toContain(alice.accountExpires);
        const dave = await user('dave');
        expect(typeof dave.accountExpires).toBe('bigint');
        expect(dave.accountExpires).toBeGreaterThan(0n);
        expect(dave.accountExpires).toBeLessThan(FILETIME_NEVER);
        expect(msFromFiletime(dave.accountExpires)).toBeLessThan(Date.now());
      });

      it("reads grace's logonHours: 21 zero bytes", async () => {
        const grace = await user('grace');
        expect(grace.logonHours).toBeInstanceOf(Uint8Array);
        expect([...(grace.logonHours ?? [])]).toEqual(new Array(21).fill(0));
      });

      it("reads erin's pwdLastSet 0 (must change at next logon)", async () => {
        const erin = await user('erin');
        expect(erin.pwdLastSet).toBe(0n);
      });

      it("computes peggy's password as expired (older than 90 days)", async () => {
        const peggy = await user('peggy');
        expect(peggy.computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(UAC.PASSWORD_EXPIRED);
        expect(typeof peggy.pwdLastSet).toBe('bigint');
        expect(peggy.pwdLastSet).toBeGreaterThan(0n);
        expect(msFromFiletime(peggy.pwdLastSet)).toBeLessThan(Date.now() - 90 * 86_400_000);
        const alice = await user('alice');
        expect(alice.pwdLastSet).toBeGreaterThan(0n);
        expect(msFromFiletime(alice.pwdLastSet)).toBeGreaterThan(Date.now() - 90 * 86_400_000);
      });

      it('reads carol as disabled', async () => {
        const carol = await user('carol');
        expect(carol.userAccountControl & UAC.ACCOUNTDISABLE).toBe(UAC.ACCOUNTDISABLE);
      });

      it('reads frank as denied the Change-Password right', async () => {
        const frank = await user('frank');
        expect(frank.changePasswordDeniedTo).toContain('S-1-1-0');
      });

      it('computes ivan as locked out', async () => {
        const ivan = await user('ivan');
        expect(ivan.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      });

      it("names paula's PSO as resultantPso; alice has none", async () => {
        const paula = await user('paula');
        expect(paula.resultantPso).toMatch(/,CN=Password Settings Container,CN=System,DC=corp,DC=example,DC=test$/i);
        expect((await user('alice')).resultantPso).toBeNull();
      });
    });

    describe('policies', () => {
      it('reads the domain policy', async () => {
        expect(await session.domainPolicy()).toEqual({
          source: 'domain',
          minLength: 8,
          complexity: true,
          historyLength: 5,
          minAgeSeconds: 0,
          maxAgeSeconds: 90 * 86_400,
          lockoutThreshold: 5,
          lockoutDurationSeconds: 30 * 60,
          lockoutObservationSeconds: 30 * 60,
        });
      });

      it("reads paula's PSO as her effective policy", async () => {
        const policy = await session.effectivePolicy(await user('paula'));
        expect(policy).toMatchObject({
          source: 'pso',
          minLength: 12,
          complexity: true,
          historyLength: 10,
          lockoutThreshold: 3,
          lockoutDurationSeconds: 30 * 60,
          lockoutObservationSeconds: 30 * 60,
          maxAgeSeconds: 90 * 86_400,
        });
      });

      it("reads the domain policy as alice's effective policy", async () => {
        expect(await session.effectivePolicy(await user('alice'))).toEqual(await session.domainPolicy());
      });
    });

    describe('groupSid', () => {
      const BASE = 'DC=corp,DC=example,DC=test';

      it("reads a group's objectSid by its DN: domain groups and builtin ones", async () => {
        const domainSid = domainSidOf(await user('alice'));
        expect(await session.groupSid(`CN=Domain Users,CN=Users,${BASE}`)).toBe(`${domainSid}-513`);
        expect(await session.groupSid(`CN=Domain Admins,CN=Users,${BASE}`)).toBe(`${domainSid}-512`);
        expect(await session.groupSid(`CN=Administrators,CN=Builtin,${BASE}`)).toBe('S-1-5-32-544');
      });

      it('compares DNs as LDAP does: any case, spaces around the separators', async () => {
        const domainSid = domainSidOf(await user('alice'));
        expect(await session.groupSid('cn=DOMAIN USERS,cn=users,dc=CORP,dc=Example,dc=test')).toBe(`${domainSid}-513`);
        expect(await session.groupSid(' CN = Domain Users , CN=Users,  DC=corp,DC=example,DC=test ')).toBe(
          `${domainSid}-513`,
        );
      });

      it('returns null for a DN that is no group: a user, an OU, a container', async () => {
        expect(await session.groupSid((await user('alice')).dn)).toBeNull();
        expect(await session.groupSid(PEOPLE)).toBeNull();
        expect(await session.groupSid(`CN=Users,${BASE}`)).toBeNull();
      });

      it('returns null for a DN nothing holds, in this domain or under a head it does not have', async () => {
        expect(await session.groupSid(`CN=No Such Group,CN=Users,${BASE}`)).toBeNull();
        expect(await session.groupSid(`CN=Domain Users,OU=Nowhere,${BASE}`)).toBeNull();
        expect(await session.groupSid('CN=Domain Users,CN=Users,DC=elsewhere,DC=test')).toBeNull();
      });

      it('returns null for strings that are no DN, and never reads filter syntax or extended DN forms', async () => {
        for (const value of [
          'Domain Users',
          '',
          '*',
          `CN=*,CN=Users,${BASE}`,
          `CN=Domain Users)(objectClass=*),CN=Users,${BASE}`,
          '<SID=S-1-5-32-544>',
          `<GUID=${(await user('alice')).objectGuid}>`,
          'S-1-5-32-544',
        ]) {
          expect(await session.groupSid(value), value).toBeNull();
        }
      });
    });

    describe('verifyPassword', () => {
      beforeEach(async () => {
        await fixture.resetDemoStates();
      });

      it('binds alice with her password; a wrong one is 52e and counts; the right one resets the count', async () => {
        const alice = await user('alice');
        expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
        expect(await session.verifyPassword(alice, 'Wrong!2026a')).toEqual({ ok: false, subCode: '52e' });
        expect((await user('alice')).badPwdCount).toBe(1);
        expect(await session.verifyPassword(alice, 'Wrong!2026b')).toEqual({ ok: false, subCode: '52e' });
        expect((await user('alice')).badPwdCount).toBe(2);
        expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
        expect((await user('alice')).badPwdCount).toBe(0);
      });

      it('treats the password as case-sensitive', async () => {
        const alice = await user('alice');
        expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice.toUpperCase())).toEqual({
          ok: false,
          subCode: '52e',
        });
      });

      it('never answers ok for an empty password', async () => {
        const alice = await user('alice');
        const outcome = await session.verifyPassword(alice, '');
        expect(outcome.ok).toBe(false);
      });

      it.each([
        ['carol', '533'],
        ['dave', '701'],
        ['grace', '530'],
        ['erin', '773'],
        ['peggy', '532'],
      ] as const)('answers %s with the right password: %s', async (sam, subCode) => {
        expect(await session.verifyPassword(await user(sam), DEMO_PASSWORDS[sam])).toEqual({ ok: false, subCode });
      });

      it.each(['carol', 'dave', 'grace', 'erin', 'peggy'] as const)(
        'answers %s with a wrong password: 52e (the password is checked first)',
        async (sam) => {
          expect(await session.verifyPassword(await user(sam), 'Wrong!2026x')).toEqual({ ok: false, subCode: '52e' });
        },
      );

      it('binds the other active demo users', async () => {
        for (const sam of ['bob', 'frank', 'heidi', 'judy', 'oscar', 'paula'] as const) {
          expect(await session.verifyPassword(await user(sam), DEMO_PASSWORDS[sam]), sam).toEqual({ ok: true });
        }
      });

      it('answers 775 for locked ivan, right or wrong, without counting', async () => {
        const ivan = await user('ivan');
        const before = (await user('ivan')).badPwdCount;
        expect(await session.verifyPassword(ivan, DEMO_PASSWORDS.ivan)).toEqual({ ok: false, subCode: '775' });
        expect(await session.verifyPassword(ivan, 'Wrong!2026i')).toEqual({ ok: false, subCode: '775' });
        const after = await user('ivan');
        expect(after.badPwdCount).toBe(before);
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      });

      it('locks bob after the domain threshold of 5 bad passwords', async () => {
        const bob = await user('bob');
        for (let i = 1; i <= 4; i++) {
          expect(await session.verifyPassword(bob, `Wrong!${i}bob`)).toEqual({ ok: false, subCode: '52e' });
          expect((await user('bob')).badPwdCount).toBe(i);
          expect((await user('bob')).computedUserAccountControl & UAC.LOCKOUT).toBe(0);
        }
        // The bind that reaches the threshold fails either way; AD answers 775 from the next one on.
        expect((await session.verifyPassword(bob, 'Wrong!5bob')).ok).toBe(false);
        expect((await user('bob')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(bob, 'Wrong!6bob')).toEqual({ ok: false, subCode: '775' });
        expect(await session.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: false, subCode: '775' });
      });

      it("locks paula after her PSO's threshold of 3", async () => {
        const paula = await user('paula');
        for (let i = 1; i <= 2; i++) {
          expect(await session.verifyPassword(paula, `Wrong!${i}paula`)).toEqual({ ok: false, subCode: '52e' });
        }
        expect((await user('paula')).computedUserAccountControl & UAC.LOCKOUT).toBe(0);
        expect((await session.verifyPassword(paula, 'Wrong!3paula')).ok).toBe(false);
        expect((await user('paula')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(paula, DEMO_PASSWORDS.paula)).toEqual({ ok: false, subCode: '775' });
      });

      it('sees a lockout made by the fixture', async () => {
        await fixture.lockOut('judy');
        const judy = await user('judy');
        expect(judy.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(judy, DEMO_PASSWORDS.judy)).toEqual({ ok: false, subCode: '775' });
      });
    });

    describe('readBadPasswords and bindNobody (the lockout guard and its stand-in)', () => {
      beforeEach(async () => {
        await fixture.resetDemoStates();
      });

      it('reads the count and the time of the last bad password fresh, as the DC holds them now', async () => {
        const alice = await user('alice');
        expect(await session.readBadPasswords(alice)).toEqual({ badPwdCount: 0, badPasswordTime: expect.any(BigInt) });
        const before = Date.now();
        await session.verifyPassword(alice, 'Wrong!2026a');
        // The account as read before the bind: the read is fresh all the same.
        const read = await session.readBadPasswords(alice);
        expect(read?.badPwdCount).toBe(1);
        // FILETIME of the bad password: within a minute of now (the DC's clock, not ours).
        const at = Number((read?.badPasswordTime ?? 0n) / 10_000n - 11_644_473_600_000n);
        expect(Math.abs(at - before)).toBeLessThan(60_000);
        expect((await user('alice')).badPasswordTime).toBe(read?.badPasswordTime);
      });

      it('reads nothing for a name that does not exist', async () => {
        expect(await session.readBadPasswords(null)).toBeNull();
      });

      it('binds a name that does not exist without counting against any account', async () => {
        const proofSession = await fixture.directory.openSession({ verifiesPassword: true });
        try {
          await proofSession.bindNobody(DEMO_PASSWORDS.alice);
          await proofSession.bindNobody('');
        } finally {
          await proofSession.close();
        }
        for (const sam of ['alice', 'bob', 'paula']) expect((await user(sam)).badPwdCount).toBe(0);
        expect(await session.verifyPassword(await user('alice'), DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      });
    });

    describe('resetLockout', () => {
      beforeEach(async () => {
        // Every test relies on ivan locked and nobody else carrying bad passwords.
        await fixture.resetDemoStates();
      });

      it('unlocks ivan (locked by the demo states): lockout clear, badPwdCount 0, his password binds', async () => {
        const ivan = await user('ivan');
        expect(ivan.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(ivan.badPwdCount).toBeGreaterThan(0);

        await session.resetLockout(ivan);

        const after = await user('ivan');
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(0);
        expect(after.badPwdCount).toBe(0);
        expect(await session.verifyPassword(after, DEMO_PASSWORDS.ivan)).toEqual({ ok: true });
      });

      it('starts the bad-password count afresh: one wrong password after the unlock does not lock again', async () => {
        await session.resetLockout(await user('ivan'));
        const ivan = await user('ivan');
        expect(await session.verifyPassword(ivan, 'Wrong!2026i')).toEqual({ ok: false, subCode: '52e' });
        const after = await user('ivan');
        expect(after.badPwdCount).toBe(1);
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(0);
      });

      it('is no error on an account that is not locked, which stays usable (and loses its bad-password count)', async () => {
        const alice = await user('alice');
        expect(await session.verifyPassword(alice, 'Wrong!2026a')).toEqual({ ok: false, subCode: '52e' });
        expect((await user('alice')).badPwdCount).toBe(1);

        await expect(session.resetLockout(alice)).resolves.toBeUndefined();
        await expect(session.resetLockout(alice)).resolves.toBeUndefined();

        const after = await user('alice');
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(0);
        expect(after.badPwdCount).toBe(0);
        expect(await session.verifyPassword(after, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      });

      it('unlocks bob after the fixture locked him, given the account as read before the lockout', async () => {
        const before = await user('bob');
        await fixture.lockOut('bob');
        const locked = await user('bob');
        expect(locked.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(locked, DEMO_PASSWORDS.bob)).toEqual({ ok: false, subCode: '775' });

        // The stale read names the same account: only its identity matters to the unlock.
        await session.resetLockout(before);

        const after = await user('bob');
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(0);
        expect(after.badPwdCount).toBe(0);
        expect(await session.verifyPassword(after, DEMO_PASSWORDS.bob)).toEqual({ ok: true });
      });

      it('leaves the other demo states alone: ivan unlocked does not unlock judy or re-enable carol', async () => {
        await fixture.lockOut('judy');
        await session.resetLockout(await user('ivan'));
        expect((await user('judy')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(await user('carol'), DEMO_PASSWORDS.carol)).toEqual({
          ok: false,
          subCode: '533',
        });
      });
    });

    describe('resetPassword', () => {
      beforeEach(async () => {
        await fixture.resetDemoStates();
      });

      async function binds(sam: string, password: string) {
        return session.verifyPassword(await user(sam), password);
      }

      it('reports whether a reset is checked against the history [capability historyOnReset]', async () => {
        expect(await session.enforcesHistoryOnReset()).toBe(fixture.capabilities.historyOnReset);
        // Read once per DC and kept: asking again gives the same answer.
        expect(await session.enforcesHistoryOnReset()).toBe(fixture.capabilities.historyOnReset);
      });

      it('resets alice to a new valid password: ok, she binds with it and no longer with the old one', async () => {
        const alice = await user('alice');
        const password = freshPassword();
        expect(await session.resetPassword(alice, password)).toEqual({ ok: true });
        expect(await binds('alice', password)).toEqual({ ok: true });
        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: false, subCode: '52e' });
        const after = await user('alice');
        expect(after.pwdLastSet).toBeGreaterThanOrEqual(alice.pwdLastSet);
        expect(msFromFiletime(after.pwdLastSet)).toBeGreaterThan(Date.now() - 10 * 60_000);
      });

      it('refuses a too short and a non-complex password as policy, and leaves the password as it was', async () => {
        const alice = await user('alice');
        expect(await session.resetPassword(alice, 'Tu!1q')).toEqual({ ok: false, refusal: 'policy' });
        expect(await session.resetPassword(alice, 'tulipsandroses')).toEqual({ ok: false, refusal: 'policy' });
        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      });

      it("refuses an 11-character complex password for paula (her PSO's minimum is 12), which alice accepts", async () => {
        const password = freshPassword(11);
        expect(password).toHaveLength(11);
        expect(await session.resetPassword(await user('paula'), password)).toEqual({ ok: false, refusal: 'policy' });
        expect(await binds('paula', DEMO_PASSWORDS.paula)).toEqual({ ok: true });
        expect(await session.resetPassword(await user('alice'), password)).toEqual({ ok: true });
        const twelve = freshPassword(12);
        expect(await session.resetPassword(await user('paula'), twelve)).toEqual({ ok: true });
        expect(await binds('paula', twelve)).toEqual({ ok: true });
      });

      it('ends must-change for erin and expiry for peggy: both bind with the new password', async () => {
        for (const sam of ['erin', 'peggy'] as const) {
          const password = freshPassword();
          expect(await session.resetPassword(await user(sam), password), sam).toEqual({ ok: true });
          const after = await user(sam);
          expect(after.pwdLastSet, sam).not.toBe(0n);
          expect(after.computedUserAccountControl & UAC.PASSWORD_EXPIRED, sam).toBe(0);
          expect(await binds(sam, password), sam).toEqual({ ok: true });
        }
      });

      it('resets frank, whom the deny ACEs keep only from changing his own password', async () => {
        const password = freshPassword();
        expect(await session.resetPassword(await user('frank'), password)).toEqual({ ok: true });
        expect(await binds('frank', password)).toEqual({ ok: true });
      });

      it('does not unlock: ivan stays locked with his new password', async () => {
        const password = freshPassword();
        expect(await session.resetPassword(await user('ivan'), password)).toEqual({ ok: true });
        const ivan = await user('ivan');
        expect(ivan.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.verifyPassword(ivan, password)).toEqual({ ok: false, subCode: '775' });
        await session.resetLockout(ivan);
        expect(await binds('ivan', password)).toEqual({ ok: true });
      });

      it('checks the history on a reset [capability historyOnReset; without it: the old password is taken again]', async () => {
        const alice = await user('alice');
        const expected = fixture.capabilities.historyOnReset ? { ok: false, refusal: 'policy' } : { ok: true };
        // The current password is part of the history.
        expect(await session.resetPassword(alice, DEMO_PASSWORDS.alice)).toEqual(expected);
        const second = freshPassword();
        expect(await session.resetPassword(alice, second)).toEqual({ ok: true });
        expect(await session.resetPassword(alice, DEMO_PASSWORDS.alice)).toEqual(expected);
        expect(await binds('alice', fixture.capabilities.historyOnReset ? second : DEMO_PASSWORDS.alice)).toEqual({
          ok: true,
        });
      });

      it('refuses the account name and display-name tokens on a reset [capability nameRule; without it: accepted]', async () => {
        const expected = fixture.capabilities.nameRule ? { ok: false, refusal: 'policy' } : { ok: true };
        const hex = randomBytes(3).toString('hex');
        // The sAMAccountName in any case, and each displayName token ("Alice", "Archer").
        for (const password of [`aLiCe!${hex}Z9`, `Archer!${hex}9`, `9#${hex}ARCHER`]) {
          expect(await session.resetPassword(await user('alice'), password), password).toEqual(expected);
        }
      });
    });

    describe('changePassword', () => {
      beforeEach(async () => {
        await fixture.resetDemoStates();
      });

      async function binds(sam: string, password: string) {
        return session.verifyPassword(await user(sam), password);
      }

      it('refuses a wrong old password as wrong-password, counts it like a bad bind and changes nothing', async () => {
        const alice = await user('alice');
        expect(await session.changePassword(alice, 'Wrong!2026a', freshPassword())).toEqual({
          ok: false,
          refusal: 'wrong-password',
        });
        expect((await user('alice')).badPwdCount).toBe(1);
        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      });

      it('changes alice with her old password: ok, she binds with the new one and no longer with the old', async () => {
        const password = freshPassword();
        expect(await session.changePassword(await user('alice'), DEMO_PASSWORDS.alice, password)).toEqual({ ok: true });
        expect(await binds('alice', password)).toEqual({ ok: true });
        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: false, subCode: '52e' });
      });

      it('lets erin (must change) change with her old password; she then binds, no 773', async () => {
        const erin = await user('erin');
        expect(erin.pwdLastSet).toBe(0n);
        const password = freshPassword();
        expect(await session.changePassword(erin, DEMO_PASSWORDS.erin, password)).toEqual({ ok: true });
        expect((await user('erin')).pwdLastSet).not.toBe(0n);
        expect(await binds('erin', password)).toEqual({ ok: true });
      });

      it('lets peggy (password expired) change; she is no longer expired and binds', async () => {
        const password = freshPassword();
        expect(await session.changePassword(await user('peggy'), DEMO_PASSWORDS.peggy, password)).toEqual({ ok: true });
        expect((await user('peggy')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(0);
        expect(await binds('peggy', password)).toEqual({ ok: true });
      });

      it('refuses frank (cannot change) as constraint, before looking at the old password, and counts nothing', async () => {
        const frank = await user('frank');
        expect(await session.changePassword(frank, DEMO_PASSWORDS.frank, freshPassword())).toEqual({
          ok: false,
          refusal: 'constraint',
        });
        expect(await session.changePassword(frank, 'Wrong!2026f', freshPassword())).toEqual({
          ok: false,
          refusal: 'constraint',
        });
        expect((await user('frank')).badPwdCount).toBe(0);
        expect(await binds('frank', DEMO_PASSWORDS.frank)).toEqual({ ok: true });
      });

      it('refuses a locked account as constraint, even with the right old password, and leaves it locked', async () => {
        const ivan = await user('ivan');
        expect(await session.changePassword(ivan, DEMO_PASSWORDS.ivan, freshPassword())).toEqual({
          ok: false,
          refusal: 'constraint',
        });
        const after = await user('ivan');
        expect(after.badPwdCount).toBe(ivan.badPwdCount);
        expect(after.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      });

      it("locks paula after her PSO's threshold of 3 wrong old passwords", async () => {
        const paula = await user('paula');
        for (let i = 1; i <= 3; i++) {
          expect(await session.changePassword(paula, `Wrong!${i}paula`, freshPassword(13)), `try ${i}`).toEqual({
            ok: false,
            refusal: 'wrong-password',
          });
        }
        expect((await user('paula')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect(await session.changePassword(paula, DEMO_PASSWORDS.paula, freshPassword(13))).toEqual({
          ok: false,
          refusal: 'constraint',
        });
        expect(await session.verifyPassword(paula, DEMO_PASSWORDS.paula)).toEqual({ ok: false, subCode: '775' });
      });

      it('refuses a too short, a non-complex and (for paula) an 11-character password as policy', async () => {
        const alice = await user('alice');
        expect(await session.changePassword(alice, DEMO_PASSWORDS.alice, 'Tu!1q')).toEqual({
          ok: false,
          refusal: 'policy',
        });
        expect(await session.changePassword(alice, DEMO_PASSWORDS.alice, 'tulipsandroses')).toEqual({
          ok: false,
          refusal: 'policy',
        });
        expect(await session.changePassword(await user('paula'), DEMO_PASSWORDS.paula, freshPassword(11))).toEqual({
          ok: false,
          refusal: 'policy',
        });
        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: true });
        expect(await binds('paula', DEMO_PASSWORDS.paula)).toEqual({ ok: true });
      });

      it('enforces the history: A→B, then B→A is policy, and so is B→B', async () => {
        const alice = await user('alice');
        const b = freshPassword();
        expect(await session.changePassword(alice, DEMO_PASSWORDS.alice, b)).toEqual({ ok: true });
        expect(await session.changePassword(alice, b, DEMO_PASSWORDS.alice)).toEqual({ ok: false, refusal: 'policy' });
        expect(await session.changePassword(alice, b, b)).toEqual({ ok: false, refusal: 'policy' });
        expect(await binds('alice', b)).toEqual({ ok: true });
      });

      it('refuses a display-name token on a change [capability nameRule; without it: accepted]', async () => {
        const hex = randomBytes(3).toString('hex');
        const password = `Archer!${hex}9`;
        const outcome = await session.changePassword(await user('alice'), DEMO_PASSWORDS.alice, password);
        expect(outcome).toEqual(fixture.capabilities.nameRule ? { ok: false, refusal: 'policy' } : { ok: true });
      });

      it('leaves every password as resetDemoStates restores it (peggy expired again)', async () => {
        const password = freshPassword();
        expect(await session.changePassword(await user('alice'), DEMO_PASSWORDS.alice, password)).toEqual({ ok: true });
        expect(await session.changePassword(await user('peggy'), DEMO_PASSWORDS.peggy, password)).toEqual({ ok: true });
        expect(await session.resetPassword(await user('bob'), password)).toEqual({ ok: true });

        await fixture.resetDemoStates();

        expect(await binds('alice', DEMO_PASSWORDS.alice)).toEqual({ ok: true });
        expect(await binds('bob', DEMO_PASSWORDS.bob)).toEqual({ ok: true });
        expect(await binds('peggy', DEMO_PASSWORDS.peggy)).toEqual({ ok: false, subCode: '532' });
        expect((await user('peggy')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(UAC.PASSWORD_EXPIRED);
      });
    });

    describe('resetDemoStates', () => {
      it('restores every demo state', async () => {
        await fixture.resetDemoStates();
        await fixture.lockOut('bob');
        await fixture.lockOut('paula');
        const alice = await user('alice');
        await session.verifyPassword(alice, 'Wrong!2026a');
        expect((await user('alice')).badPwdCount).toBe(1);

        await fixture.resetDemoStates();
        await session.close();
        session = await fixture.directory.openSession();

        expect((await user('alice')).badPwdCount).toBe(0);
        for (const sam of ['bob', 'paula'] as const) {
          const account = await user(sam);
          expect(account.computedUserAccountControl & UAC.LOCKOUT, sam).toBe(0);
          expect(await session.verifyPassword(account, DEMO_PASSWORDS[sam]), sam).toEqual({ ok: true });
        }
        expect((await user('ivan')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
        expect((await user('erin')).pwdLastSet).toBe(0n);
        expect((await user('peggy')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(UAC.PASSWORD_EXPIRED);
        expect(await session.verifyPassword(await user('alice'), DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      });
    });
  });
}
