import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../functions/core/clock.js';
import { type DirectorySession, DirectoryUnavailableError, UAC } from '../../functions/core/directory.js';
import {
  type DirectorySeed,
  DirectorySeedError,
  FILETIME_NEVER,
  filetimeFromMs,
  MemoryDirectory,
  parseDirectorySeed,
} from '../../local/memoryDirectory.js';
import { DEMO_PASSWORDS, describeDirectoryContract } from './directory.contract.js';

const SEED_FILE = new URL('../../local/directory.seed.json', import.meta.url).pathname;
const SEARCH_BASES = ['OU=People,DC=corp,DC=example,DC=test'];
const MINUTE = 60_000;
const DAY = 86_400_000;

describeDirectoryContract('in-memory directory', async () => {
  const directory = MemoryDirectory.fromSeedFile(SEED_FILE, {
    clock: { now: () => Date.now() },
    searchBases: SEARCH_BASES,
  });
  return {
    directory,
    capabilities: { nameRule: true, historyOnReset: true },
    resetDemoStates: async () => directory.applyDemoStates(),
    lockOut: async (sam) => directory.lockOutByBadBinds(sam),
    close: async () => undefined,
  };
});

/** A clock the test moves by hand. Starts on a Tuesday at 10:30 UTC, so logon-hour bits are known. */
class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2026, 2, 3, 10, 30)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

function demoSeed(): DirectorySeed {
  return parseDirectorySeed(JSON.parse(readFileSync(SEED_FILE, 'utf8')));
}

describe('in-memory directory: the stand-in itself', () => {
  let clock: ManualClock;
  let directory: MemoryDirectory;
  let session: DirectorySession;

  beforeEach(async () => {
    clock = new ManualClock();
    directory = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES });
    session = await directory.openSession();
  });

  afterEach(async () => {
    await session.close();
  });

  async function user(sam: string) {
    const account = await session.findAccount({ by: 'sAMAccountName', value: sam });
    if (!account) throw new Error(`no ${sam}`);
    return account;
  }

  describe('seed', () => {
    it('loads the demo seed with the service account outside the search base', () => {
      expect(directory.serviceAccountDn).toBe('CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example,DC=test');
      expect(directory.account('Administrator').rid).toBe(500);
      expect(directory.account('Guest').userAccountControl & UAC.ACCOUNTDISABLE).toBe(UAC.ACCOUNTDISABLE);
      expect(directory.account('krbtgt').userAccountControl & UAC.ACCOUNTDISABLE).toBe(UAC.ACCOUNTDISABLE);
      expect(directory.account('ws01$').sAMAccountType).toBe(805306369);
    });

    it('numbers the demo users from RID 1101 in list order', () => {
      Object.keys(DEMO_PASSWORDS).forEach((sam, i) => {
        expect(directory.account(sam).rid, sam).toBe(1101 + i);
        expect(directory.account(sam).objectSid, sam).toBe(`S-1-5-21-1004336348-1177238915-682003330-${1101 + i}`);
      });
    });

    it('lists every problem of an invalid seed', () => {
      const seed: DirectorySeed & { extra?: boolean } = demoSeed();
      const [first, second] = seed.accounts;
      if (!first || !second) throw new Error('seed too small');
      second.sAMAccountName = 'ALICE';
      first.memberOf = ['No Such Group'];
      first.objectGuid = 'NOT-A-GUID';
      seed.serviceAccount = 'nobody';
      seed.extra = true;
      let error: unknown;
      try {
        parseDirectorySeed(seed);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DirectorySeedError);
      const problems = (error as DirectorySeedError).problems.join('\n');
      expect(problems).toMatch(/extra/);
      expect(problems).toMatch(/accounts\.0\.objectGuid/);
      // Structural problems stop zod before the cross-checks; fix them and the cross-checks all show together.
      delete seed.extra;
      first.objectGuid = '49b4d9e5-65b3-453a-a8ff-890671537f81';
      expect(() => parseDirectorySeed(seed)).toThrow(DirectorySeedError);
      try {
        parseDirectorySeed(seed);
      } catch (caught) {
        const all = (caught as DirectorySeedError).problems.join('\n');
        expect(all).toMatch(/accounts\.1\.sAMAccountName: duplicates accounts\.0\.sAMAccountName/);
        expect(all).toMatch(/accounts\.0\.memberOf\.0: no group named "No Such Group"/);
        expect(all).toMatch(/serviceAccount: no account named "nobody"/);
      }
    });

    it('names the file in the error for a file that is not JSON', () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-seed-'));
      try {
        const path = join(dir, 'seed.json');
        writeFileSync(path, '{ not json');
        expect(() => MemoryDirectory.fromSeedFile(path, { clock, searchBases: SEARCH_BASES })).toThrow(path);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('persistence', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sspr-directory-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('round-trips the state through the file, with no cleartext password in it', async () => {
      const path = join(dir, 'nested', 'directory.json');
      const first = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
      const s1 = await first.openSession();
      const alice = await s1.findAccount({ by: 'sAMAccountName', value: 'alice' });
      if (!alice) throw new Error('no alice');
      expect(await s1.verifyPassword(alice, 'Wrong!2026a')).toEqual({ ok: false, subCode: '52e' });
      first.setPassword('bob', 'Fresh!Password42');
      first.setAttributes('judy', { mobile: null, logonHours: new Uint8Array(21).fill(0xff) });

      const text = readFileSync(path, 'utf8');
      for (const password of [...Object.values(DEMO_PASSWORDS), 'Fresh!Password42', 'Service!2026svc']) {
        expect(text).not.toContain(password);
      }

      const second = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
      const s2 = await second.openSession();
      expect(second.account('alice').badPwdCount).toBe(1);
      expect(second.account('ivan').computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      expect(second.account('judy').mobile).toBeNull();
      expect([...(second.account('judy').logonHours ?? [])]).toEqual(new Array(21).fill(0xff));
      const bob = await s2.findAccount({ by: 'sAMAccountName', value: 'bob' });
      if (!bob) throw new Error('no bob');
      expect(await s2.verifyPassword(bob, 'Fresh!Password42')).toEqual({ ok: true });
      expect(await s2.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: false, subCode: '52e' });
      expect(await s2.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      expect(second.account('alice').badPwdCount).toBe(0);

      second.applyDemoStates();
      const third = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
      const s3 = await third.openSession();
      expect(await s3.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: true });
      expect(third.account('judy').mobile).toBe('+15550100010');
    });

    it('salts per instance: two fresh state files hash the same password differently', () => {
      const a = join(dir, 'a.json');
      const b = join(dir, 'b.json');
      new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: a });
      new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: b });
      const hashOf = (path: string) =>
        JSON.parse(readFileSync(path, 'utf8')).accounts[directory.account('alice').objectGuid].passwordHash;
      expect(hashOf(a)).toMatch(/^[0-9a-f]{64}$/);
      expect(hashOf(a)).not.toBe(hashOf(b));
    });

    it('refuses a corrupt state file loudly', () => {
      const path = join(dir, 'directory.json');
      writeFileSync(path, JSON.stringify({ version: 1, salt: 'zz', accounts: {} }));
      expect(
        () => new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path }),
      ).toThrow(DirectorySeedError);
    });
  });

  describe('lockout', () => {
    it('unlocks by itself when the lockout duration has passed', async () => {
      directory.lockOutByBadBinds('bob');
      const bob = await user('bob');
      expect(bob.computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      clock.advance(29 * MINUTE);
      expect((await user('bob')).computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      expect(await session.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: false, subCode: '775' });
      clock.advance(2 * MINUTE);
      expect((await user('bob')).computedUserAccountControl & UAC.LOCKOUT).toBe(0);
      expect(await session.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: true });
      expect(directory.account('bob')).toMatchObject({ badPwdCount: 0, lockoutTime: 0n });
    });

    it('starts counting afresh after a lockout ran out', async () => {
      directory.lockOutByBadBinds('bob');
      clock.advance(31 * MINUTE);
      const bob = await user('bob');
      expect(await session.verifyPassword(bob, 'Wrong!1')).toEqual({ ok: false, subCode: '52e' });
      expect(directory.account('bob').badPwdCount).toBe(1);
      expect(directory.account('bob').computedUserAccountControl & UAC.LOCKOUT).toBe(0);
    });

    it('resets badPwdCount when the last bad password is older than the observation window', async () => {
      const bob = await user('bob');
      for (let i = 0; i < 4; i++) await session.verifyPassword(bob, `Wrong!${i}`);
      expect(directory.account('bob').badPwdCount).toBe(4);
      clock.advance(29 * MINUTE);
      await session.verifyPassword(bob, 'Wrong!4');
      // Still inside the window: the 5th locks.
      expect(directory.account('bob').computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);

      directory.unlock('bob');
      for (let i = 0; i < 4; i++) await session.verifyPassword(bob, `Wrong!${i}`);
      clock.advance(31 * MINUTE);
      await session.verifyPassword(bob, 'Wrong!4');
      expect(directory.account('bob').badPwdCount).toBe(1);
      expect(directory.account('bob').computedUserAccountControl & UAC.LOCKOUT).toBe(0);
    });

    it('records badPasswordTime and lockoutTime as FILETIME of the clock', async () => {
      const bob = await user('bob');
      await session.verifyPassword(bob, 'Wrong!0');
      expect(directory.account('bob').badPasswordTime).toBe(filetimeFromMs(clock.ms));
      clock.advance(MINUTE);
      directory.lockOutByBadBinds('bob');
      expect(directory.account('bob').lockoutTime).toBe(filetimeFromMs(clock.ms));
    });

    it('keeps a lockout with duration 0 until an administrator unlocks', async () => {
      const seed = demoSeed();
      seed.domain.policy.lockoutDurationMinutes = 0;
      const forever = new MemoryDirectory({ seed, clock, searchBases: SEARCH_BASES });
      forever.lockOutByBadBinds('bob');
      clock.advance(365 * DAY);
      expect(forever.account('bob').computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      forever.unlock('bob');
      expect(forever.account('bob')).toMatchObject({ badPwdCount: 0, lockoutTime: 0n });
      expect(forever.account('bob').computedUserAccountControl & UAC.LOCKOUT).toBe(0);
    });

    it('never locks with threshold 0, and refuses to lock out by bad binds', async () => {
      const seed = demoSeed();
      seed.domain.policy.lockoutThreshold = 0;
      seed.accounts = seed.accounts.map((a) => ({ ...a, lockedOut: false }));
      const never = new MemoryDirectory({ seed, clock, searchBases: SEARCH_BASES });
      const s = await never.openSession();
      const bob = await s.findAccount({ by: 'sAMAccountName', value: 'bob' });
      if (!bob) throw new Error('no bob');
      for (let i = 0; i < 20; i++)
        expect(await s.verifyPassword(bob, `Wrong!${i}`)).toEqual({ ok: false, subCode: '52e' });
      expect(never.account('bob').badPwdCount).toBe(20);
      expect(await s.verifyPassword(bob, DEMO_PASSWORDS.bob)).toEqual({ ok: true });
      expect(() => never.lockOutByBadBinds('bob')).toThrow(/threshold is 0/);
    });

    it('lets applyDemoStates lock ivan again, idempotently', () => {
      directory.unlock('ivan');
      expect(directory.account('ivan').computedUserAccountControl & UAC.LOCKOUT).toBe(0);
      directory.applyDemoStates();
      directory.applyDemoStates();
      expect(directory.account('ivan').computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
      expect(directory.account('ivan').badPwdCount).toBe(5);
    });
  });

  describe('binds', () => {
    it('never treats an empty password as a success, and does not count it', async () => {
      for (const sam of ['alice', 'ivan', 'carol', 'Guest']) {
        const account = directory.account(sam);
        const before = account.badPwdCount;
        expect(await session.verifyPassword(account, ''), sam).toEqual({ ok: false, subCode: '52e' });
        expect(directory.account(sam).badPwdCount, sam).toBe(before);
      }
    });

    it('answers 52e for a DN that does not exist, and for an account with no password', async () => {
      const alice = await user('alice');
      const ghost = { ...alice, dn: 'CN=Ghost,OU=People,DC=corp,DC=example,DC=test' };
      expect(await session.verifyPassword(ghost, 'anything')).toEqual({ ok: false, subCode: '52e' });
      expect(await session.verifyPassword(directory.account('Administrator'), 'anything')).toEqual({
        ok: false,
        subCode: '52e',
      });
    });

    it('evaluates logonHours in UTC, bit = weekday*24 + hour, least significant bit first', async () => {
      // Tuesday 10:30 UTC → bit 2*24+10 = 58 → byte 7, mask 1 << 2.
      const hours = new Uint8Array(21);
      hours[7] = 1 << 2;
      directory.setAttributes('alice', { logonHours: hours });
      const alice = await user('alice');
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      clock.advance(60 * MINUTE);
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: false, subCode: '530' });
      expect(directory.account('alice').badPwdCount).toBe(0);
    });

    it('reads accountExpires 0 and 2^63-1 as never, and a past value as expired', async () => {
      const alice = await user('alice');
      directory.setAttributes('alice', { accountExpires: 0n });
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      directory.setAttributes('alice', { accountExpires: FILETIME_NEVER });
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      directory.setAttributes('alice', { accountExpires: filetimeFromMs(clock.ms + MINUTE) });
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      clock.advance(2 * MINUTE);
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: false, subCode: '701' });
    });

    it('refuses a workstation-restricted account with 531', async () => {
      directory.setAttributes('alice', { userWorkstations: 'WS01' });
      expect(await session.verifyPassword(await user('alice'), DEMO_PASSWORDS.alice)).toEqual({
        ok: false,
        subCode: '531',
      });
    });

    it('checks in AD order: disabled before expired before logon hours before must change', async () => {
      directory.setAttributes('erin', {
        userAccountControl: 0x202,
        accountExpires: filetimeFromMs(clock.ms - DAY),
        logonHours: new Uint8Array(21),
      });
      const erin = await user('erin');
      expect(await session.verifyPassword(erin, DEMO_PASSWORDS.erin)).toEqual({ ok: false, subCode: '533' });
      directory.setAttributes('erin', { userAccountControl: 0x200 });
      expect(await session.verifyPassword(erin, DEMO_PASSWORDS.erin)).toEqual({ ok: false, subCode: '701' });
      directory.setAttributes('erin', { accountExpires: FILETIME_NEVER });
      expect(await session.verifyPassword(erin, DEMO_PASSWORDS.erin)).toEqual({ ok: false, subCode: '530' });
      directory.setAttributes('erin', { logonHours: null });
      expect(await session.verifyPassword(erin, DEMO_PASSWORDS.erin)).toEqual({ ok: false, subCode: '773' });
    });

    it('answers 775 before anything else for a locked, disabled account', async () => {
      directory.lockOutByBadBinds('carol');
      expect(await session.verifyPassword(await user('carol'), DEMO_PASSWORDS.carol)).toEqual({
        ok: false,
        subCode: '775',
      });
    });

    it('sets a password administratively: pwdLastSet now, or 0 with mustChange', async () => {
      directory.setPassword('peggy', 'Brand!New2026');
      expect(directory.account('peggy').pwdLastSet).toBe(filetimeFromMs(clock.ms));
      expect(await session.verifyPassword(await user('peggy'), 'Brand!New2026')).toEqual({ ok: true });
      directory.setPassword('peggy', 'Brand!New2027', { mustChange: true });
      expect(directory.account('peggy').pwdLastSet).toBe(0n);
      expect(await session.verifyPassword(await user('peggy'), 'Brand!New2027')).toEqual({ ok: false, subCode: '773' });
    });
  });

  describe('computed attributes', () => {
    it('keeps peggy expired whatever the date (her password age is relative to the clock)', async () => {
      clock.advance(3 * 365 * DAY);
      directory.applyDemoStates();
      expect(await session.verifyPassword(await user('peggy'), DEMO_PASSWORDS.peggy)).toEqual({
        ok: false,
        subCode: '532',
      });
      expect(await session.verifyPassword(await user('dave'), DEMO_PASSWORDS.dave)).toEqual({
        ok: false,
        subCode: '701',
      });
      expect(await session.verifyPassword(await user('alice'), DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });

    it('expires alice after the maximum age, and never one whose password does not expire', async () => {
      clock.advance(91 * DAY);
      expect((await user('alice')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(UAC.PASSWORD_EXPIRED);
      directory.setAttributes('alice', { userAccountControl: 0x10200 });
      expect((await user('alice')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(0);
      expect(await session.verifyPassword(await user('alice'), DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });

    it('flags must-change (pwdLastSet 0) as password expired too, as MS-ADTS computes it', async () => {
      expect((await user('erin')).computedUserAccountControl & UAC.PASSWORD_EXPIRED).toBe(UAC.PASSWORD_EXPIRED);
    });

    it('reads tokenGroups empty when the service account may not read them', async () => {
      directory.setAttributes('alice', { tokenGroupsUnreadable: true });
      expect((await user('alice')).tokenGroups).toEqual([]);
      expect(directory.account('alice').groupSids).toContain('S-1-5-32-545');
    });

    it('follows nested groups and the primary group', async () => {
      const domain = 'S-1-5-21-1004336348-1177238915-682003330';
      expect(new Set((await user('oscar')).tokenGroups)).toEqual(
        new Set([`${domain}-512`, `${domain}-513`, `${domain}-572`, 'S-1-5-32-544', 'S-1-5-32-545']),
      );
      directory.setAttributes('bob', { primaryGroupRid: 512, memberOf: [] });
      const bob = await user('bob');
      expect(bob.tokenGroups).toContain(`${domain}-512`);
      expect(bob.tokenGroups).toContain('S-1-5-32-544');
      expect(bob.tokenGroups).not.toContain(`${domain}-513`);
    });

    it('gives frank a deny for Everyone and SELF', async () => {
      expect((await user('frank')).changePasswordDeniedTo).toEqual(['S-1-1-0', 'S-1-5-10']);
    });
  });

  describe('password settings objects', () => {
    it('throws when the PSO cannot be read', async () => {
      const seed = demoSeed();
      for (const pso of seed.passwordSettings) pso.unreadable = true;
      const hardened = new MemoryDirectory({ seed, clock, searchBases: SEARCH_BASES });
      const s = await hardened.openSession();
      const paula = await s.findAccount({ by: 'sAMAccountName', value: 'paula' });
      if (!paula) throw new Error('no paula');
      expect(paula.resultantPso).not.toBeNull();
      await expect(s.effectivePolicy(paula)).rejects.toThrow(/Password Settings Container/);
      // The DC itself still enforces it.
      for (let i = 0; i < 3; i++) await s.verifyPassword(paula, `Wrong!${i}`);
      expect(hardened.account('paula').computedUserAccountControl & UAC.LOCKOUT).toBe(UAC.LOCKOUT);
    });

    it('throws when the named PSO does not exist', async () => {
      const paula = await user('paula');
      await expect(
        session.effectivePolicy({ ...paula, resultantPso: 'CN=Gone,CN=Password Settings Container,CN=System,DC=x' }),
      ).rejects.toThrow(/does not exist/);
    });

    it('applies a PSO through a group; a PSO on the user wins; the lowest precedence wins', async () => {
      const seed = demoSeed();
      seed.groups.push({ name: 'Finance', dn: 'CN=Finance,OU=Groups,DC=corp,DC=example,DC=test', rid: 1200 });
      const alice = seed.accounts.find((a) => a.sAMAccountName === 'alice');
      const paula = seed.accounts.find((a) => a.sAMAccountName === 'paula');
      if (!alice || !paula) throw new Error('seed');
      alice.memberOf = ['Finance'];
      paula.memberOf = ['Finance'];
      const base = 'CN=Password Settings Container,CN=System,DC=corp,DC=example,DC=test';
      const policy = { ...seed.domain.policy, minLength: 14 };
      seed.passwordSettings.push(
        { name: 'Finance', dn: `CN=Finance,${base}`, precedence: 5, appliesTo: ['Finance'], policy },
        { name: 'Finance Loose', dn: `CN=Finance Loose,${base}`, precedence: 50, appliesTo: ['Finance'], policy },
      );
      const d = new MemoryDirectory({ seed, clock, searchBases: SEARCH_BASES });
      const s = await d.openSession();
      const a = await s.findAccount({ by: 'sAMAccountName', value: 'alice' });
      const p = await s.findAccount({ by: 'sAMAccountName', value: 'paula' });
      if (!a || !p) throw new Error('lookup');
      expect(a.resultantPso).toBe(`CN=Finance,${base}`);
      expect((await s.effectivePolicy(a)).minLength).toBe(14);
      // paula's own PSO (precedence 10) beats the group's (5): direct links come first in AD.
      expect(p.resultantPso).toMatch(/^CN=Strict Passwords,/);
    });
  });

  describe('password writes (Windows AD behaviour that Samba cannot show)', () => {
    const NEW = ['Tulip!2026one', 'Tulip!2026two', 'Tulip!2026three', 'Tulip!2026four', 'Tulip!2026five'] as const;

    function fresh(seed: DirectorySeed = demoSeed(), policyHints?: boolean): MemoryDirectory {
      return new MemoryDirectory({ seed, clock, searchBases: SEARCH_BASES, policyHints });
    }

    it('checks the minimum age on a change, never on a reset, and not for an account that must change', async () => {
      const seed = demoSeed();
      seed.domain.policy.minAgeDays = 1;
      const d = fresh(seed);
      const s = await d.openSession();
      const alice = d.account('alice');
      expect(await s.changePassword(alice, DEMO_PASSWORDS.alice, NEW[0])).toEqual({ ok: false, refusal: 'policy' });
      expect(await s.changePassword(d.account('erin'), DEMO_PASSWORDS.erin, NEW[0])).toEqual({ ok: true });
      // Forgotten-password resets must work whatever the age.
      expect(await s.resetPassword(alice, NEW[1])).toEqual({ ok: true });
      expect(await s.changePassword(alice, NEW[1], NEW[2])).toEqual({ ok: false, refusal: 'policy' });
      clock.advance(DAY - MINUTE);
      expect(await s.changePassword(alice, NEW[1], NEW[2])).toEqual({ ok: false, refusal: 'policy' });
      clock.advance(2 * MINUTE);
      expect(await s.changePassword(alice, NEW[1], NEW[2])).toEqual({ ok: true });
    });

    it('remembers exactly historyLength passwords, the current one included', async () => {
      const alice = directory.account('alice');
      let current: string = DEMO_PASSWORDS.alice;
      for (const next of NEW.slice(0, 4)) {
        expect(await session.changePassword(alice, current, next), next).toEqual({ ok: true });
        current = next;
      }
      // History 5: Orchid, one, two, three, four.
      expect(await session.changePassword(alice, current, DEMO_PASSWORDS.alice)).toEqual({
        ok: false,
        refusal: 'policy',
      });
      expect(await session.resetPassword(alice, NEW[0])).toEqual({ ok: false, refusal: 'policy' });
      expect(await session.changePassword(alice, current, NEW[4])).toEqual({ ok: true });
      // Orchid is the sixth password back now.
      expect(await session.changePassword(alice, NEW[4], DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });

    it("uses paula's PSO history of 10, not the domain's 5", async () => {
      const paula = directory.account('paula');
      let current: string = DEMO_PASSWORDS.paula;
      for (let i = 0; i < 6; i++) {
        const next = `Tulip!2026paul${i}`;
        expect(await session.changePassword(paula, current, next), next).toEqual({ ok: true });
        current = next;
      }
      expect(await session.changePassword(paula, current, DEMO_PASSWORDS.paula)).toEqual({
        ok: false,
        refusal: 'policy',
      });
    });

    it('lets the current password be set again when the history length is 0', async () => {
      const seed = demoSeed();
      seed.domain.policy.historyLength = 0;
      const d = fresh(seed);
      const s = await d.openSession();
      const alice = d.account('alice');
      expect(await s.resetPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      expect(await s.changePassword(alice, DEMO_PASSWORDS.alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });

    it('behaves like a DC without the policy-hints control when told to: no history on a reset, still on a change', async () => {
      const d = fresh(demoSeed(), false);
      const s = await d.openSession();
      expect(await s.enforcesHistoryOnReset()).toBe(false);
      expect(await session.enforcesHistoryOnReset()).toBe(true);
      const alice = d.account('alice');
      expect(await s.resetPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
      expect(await s.changePassword(alice, DEMO_PASSWORDS.alice, DEMO_PASSWORDS.alice)).toEqual({
        ok: false,
        refusal: 'policy',
      });
    });

    it('enters administrative setPassword in the history too', async () => {
      directory.setPassword('alice', NEW[0]);
      const alice = directory.account('alice');
      expect(await session.changePassword(alice, NEW[0], DEMO_PASSWORDS.alice)).toEqual({
        ok: false,
        refusal: 'policy',
      });
      expect(await session.resetPassword(alice, NEW[0])).toEqual({ ok: false, refusal: 'policy' });
    });

    it('applies the name rule to tokens of 3+ characters, split on , . - _ # space and tab; not to parts of tokens', async () => {
      directory.setAttributes('alice', { displayName: 'Li Wu-Chen,Ng.Hall_Obi#Eze\tKay' });
      const alice = directory.account('alice');
      for (const token of ['Chen', 'hall', 'OBI', 'Eze', 'kay', 'alice']) {
        expect(await session.resetPassword(alice, `${token}!2026Xq`), token).toEqual({ ok: false, refusal: 'policy' });
      }
      // "Li", "Wu" and "Ng" are too short to count; "Che" is only part of a token.
      for (const password of ['Li!Wu!Ng!2026x', 'Che!2026Xqz']) {
        expect(await session.resetPassword(alice, password), password).toEqual({ ok: true });
      }
    });

    it('counts the five Windows categories: caseless letters count, currency symbols and spaces do not', async () => {
      const alice = directory.account('alice');
      // upper + lower + caseless (CJK)
      expect(await session.resetPassword(alice, 'Tulpen東京abc')).toEqual({ ok: true });
      // upper + lower only: € and the space are no symbols to Windows.
      expect(await session.resetPassword(alice, 'Tulpen €uro')).toEqual({ ok: false, refusal: 'policy' });
      // Accented capitals and small letters are upper and lower case.
      expect(await session.resetPassword(alice, 'ÉCOLEécole9')).toEqual({ ok: true });
    });

    it('skips complexity and the name rule when complexity is off, but not the length', async () => {
      const seed = demoSeed();
      seed.domain.policy.complexity = false;
      const d = fresh(seed);
      const s = await d.openSession();
      const alice = d.account('alice');
      expect(await s.resetPassword(alice, 'alicearcher')).toEqual({ ok: true });
      expect(await s.resetPassword(alice, 'short')).toEqual({ ok: false, refusal: 'policy' });
    });

    it('refuses a reset outside the delegated OU (the search bases) as a missing right', async () => {
      expect(await session.resetPassword(directory.account('Administrator'), NEW[0])).toEqual({
        ok: false,
        refusal: 'access',
        right: 'Reset Password',
      });
    });

    it('counts only a wrong old password: a policy refusal leaves badPwdCount alone', async () => {
      const alice = directory.account('alice');
      expect(await session.changePassword(alice, DEMO_PASSWORDS.alice, 'short')).toEqual({
        ok: false,
        refusal: 'policy',
      });
      expect(directory.account('alice').badPwdCount).toBe(0);
      expect(await session.changePassword(alice, 'Wrong!2026a', NEW[0])).toEqual({
        ok: false,
        refusal: 'wrong-password',
      });
      expect(directory.account('alice')).toMatchObject({ badPwdCount: 1, badPasswordTime: filetimeFromMs(clock.ms) });
    });

    it('sets pwdLastSet to the clock on a reset and a change', async () => {
      clock.advance(MINUTE);
      await session.resetPassword(directory.account('erin'), NEW[0]);
      expect(directory.account('erin').pwdLastSet).toBe(filetimeFromMs(clock.ms));
      clock.advance(MINUTE);
      await session.changePassword(directory.account('erin'), NEW[0], NEW[1]);
      expect(directory.account('erin').pwdLastSet).toBe(filetimeFromMs(clock.ms));
    });

    it('throws for an account that no longer exists', async () => {
      const ghost = { ...directory.account('alice'), objectGuid: '00000000-0000-4000-8000-000000000000' };
      await expect(session.resetPassword(ghost, NEW[0])).rejects.toThrow(/no longer exists/);
      await expect(session.changePassword(ghost, DEMO_PASSWORDS.alice, NEW[0])).rejects.toThrow(/no longer exists/);
    });

    it('keeps the history in the state file as salted hashes, never in clear, and enforces it after a reload', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-history-'));
      try {
        const path = join(dir, 'directory.json');
        const first = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
        const s1 = await first.openSession();
        const alice = first.account('alice');
        expect(await s1.changePassword(alice, DEMO_PASSWORDS.alice, NEW[0])).toEqual({ ok: true });
        expect(await s1.resetPassword(first.account('bob'), NEW[1])).toEqual({ ok: true });

        const text = readFileSync(path, 'utf8');
        for (const password of [...Object.values(DEMO_PASSWORDS), ...NEW]) expect(text).not.toContain(password);
        const stored = JSON.parse(text).accounts[alice.objectGuid];
        expect(stored.passwordHistory).toHaveLength(2);
        expect(stored.passwordHistory[0]).toBe(stored.passwordHash);

        const second = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
        const s2 = await second.openSession();
        expect(await s2.changePassword(alice, NEW[0], DEMO_PASSWORDS.alice)).toEqual({ ok: false, refusal: 'policy' });
        expect(await s2.verifyPassword(alice, NEW[0])).toEqual({ ok: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('loads a state file written before history was kept: the history is the current password', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sspr-history-'));
      try {
        const path = join(dir, 'directory.json');
        new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
        const state = JSON.parse(readFileSync(path, 'utf8'));
        for (const account of Object.values(state.accounts))
          delete (account as { passwordHistory?: unknown }).passwordHistory;
        writeFileSync(path, JSON.stringify(state));
        const reloaded = new MemoryDirectory({ seed: demoSeed(), clock, searchBases: SEARCH_BASES, persistPath: path });
        const s = await reloaded.openSession();
        const alice = reloaded.account('alice');
        expect(await s.resetPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: false, refusal: 'policy' });
        expect(await s.changePassword(alice, DEMO_PASSWORDS.alice, NEW[0])).toEqual({ ok: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('throws DirectoryUnavailableError from the password writes while unavailable', async () => {
      const alice = directory.account('alice');
      directory.setAvailable(false);
      await expect(session.resetPassword(alice, NEW[0])).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(session.changePassword(alice, DEMO_PASSWORDS.alice, NEW[0])).rejects.toBeInstanceOf(
        DirectoryUnavailableError,
      );
      await expect(session.enforcesHistoryOnReset()).rejects.toBeInstanceOf(DirectoryUnavailableError);
      directory.setAvailable(true);
      expect(await session.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });
  });

  describe('availability and sessions', () => {
    it('throws DirectoryUnavailableError from every call while unavailable', async () => {
      const alice = await user('alice');
      directory.setAvailable(false);
      await expect(directory.openSession()).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(session.findAccount({ by: 'sAMAccountName', value: 'alice' })).rejects.toBeInstanceOf(
        DirectoryUnavailableError,
      );
      await expect(session.verifyPassword(alice, DEMO_PASSWORDS.alice)).rejects.toBeInstanceOf(
        DirectoryUnavailableError,
      );
      await expect(session.domainPolicy()).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(session.effectivePolicy(alice)).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(session.resetLockout(alice)).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(session.close()).resolves.toBeUndefined();
      directory.setAvailable(true);
      const again = await directory.openSession();
      expect(await again.verifyPassword(alice, DEMO_PASSWORDS.alice)).toEqual({ ok: true });
    });

    it('is pinned to memory://dc1 and refuses use after close', async () => {
      expect(session.controller).toBe('memory://dc1');
      await session.close();
      await expect(session.domainPolicy()).rejects.toThrow(/after close/);
    });

    it('finds accounts under any configured search base', async () => {
      const wide = new MemoryDirectory({
        seed: demoSeed(),
        clock,
        searchBases: [...SEARCH_BASES, 'cn=users, dc=corp, dc=example, dc=test'],
      });
      const s = await wide.openSession();
      expect((await s.findAccount({ by: 'sAMAccountName', value: 'administrator' }))?.objectSid).toMatch(/-500$/);
      expect(await s.findAccount({ by: 'sAMAccountName', value: 'svc-sspr' })).toBeNull();
      expect(await s.findAccount({ by: 'sAMAccountName', value: 'ws01$' })).toBeNull();
    });

    it('finds by objectGuid in upper case too', async () => {
      const alice = await user('alice');
      expect(
        (await session.findAccount({ by: 'objectGuid', value: alice.objectGuid.toUpperCase() }))?.sAMAccountName,
      ).toBe('alice');
    });

    it('returns snapshots the caller cannot use to change state', () => {
      const snapshot = directory.account('grace');
      snapshot.logonHours?.fill(0xff);
      snapshot.groupSids.length = 0;
      expect([...(directory.account('grace').logonHours ?? [])]).toEqual(new Array(21).fill(0));
      expect(directory.account('grace').groupSids.length).toBeGreaterThan(0);
    });
  });
});
