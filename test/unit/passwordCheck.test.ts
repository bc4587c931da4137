import { describe, expect, it, vi } from 'vitest';
import { bannedPasswords } from '../../functions/core/bannedPasswords.js';
import type { DirectoryPolicy } from '../../functions/core/directory.js';
import { checkNewPassword, complexityCategories, type PasswordOwner } from '../../functions/core/passwordCheck.js';
import { MAX_PASSWORD_LENGTH } from '../../functions/core/passwordPolicy.js';

/** The demo domain policy of local/directory.seed.json. */
const domain: DirectoryPolicy = {
  source: 'domain',
  minLength: 8,
  complexity: true,
  historyLength: 5,
  minAgeSeconds: 0,
  maxAgeSeconds: 90 * 86_400,
  lockoutThreshold: 5,
  lockoutDurationSeconds: 1_800,
  lockoutObservationSeconds: 1_800,
};
/** paula's PSO ("Strict Passwords"). */
const strict: DirectoryPolicy = { ...domain, source: 'pso', minLength: 12, historyLength: 10, lockoutThreshold: 3 };
const simple: DirectoryPolicy = { ...domain, complexity: false };

const alice = { sAMAccountName: 'alice', displayName: 'Alice Archer' };
const paula = { sAMAccountName: 'paula', displayName: 'Paula Price' };

function check(password: string, policy: DirectoryPolicy = domain, account: PasswordOwner = alice) {
  return checkNewPassword(password, policy, account);
}

describe('the banned list module', () => {
  it('builds its Set on first use, not on import', async () => {
    vi.resetModules();
    const list = await import('../../functions/core/bannedPasswords.js');
    await import('../../functions/core/passwordCheck.js');
    expect(list.bannedPasswordsLoaded()).toBe(false);
    expect(list.bannedPasswords().size).toBeGreaterThan(0);
    expect(list.bannedPasswordsLoaded()).toBe(true);
  });

  it('holds at least 10,000 lower-case entries of 4 or more characters', () => {
    const words = [...bannedPasswords()];
    expect(words.length).toBeGreaterThanOrEqual(10_000);
    expect(words.filter((word) => word !== word.toLowerCase())).toEqual([]);
    expect(words.filter((word) => [...word].length < 4)).toEqual([]);
  });
});

describe('checkNewPassword', () => {
  it('accepts a good password', () => {
    expect(check('Orchid!2026a')).toEqual([]);
  });

  describe('MIN_LENGTH', () => {
    it('refuses a password shorter than the minimum', () => {
      expect(check('Orc!d26')).toEqual(['MIN_LENGTH']);
      expect(check('Orc!d26a')).toEqual([]);
    });

    it('counts code points, not UTF-16 units', () => {
      // 8 characters, 12 UTF-16 units: short of 9 however AD's UTF-16 would count it.
      const password = '😀😀😀😀Ab1!';
      expect(password.length).toBe(12);
      expect(check(password, { ...domain, minLength: 9 })).toEqual(['MIN_LENGTH']);
      expect(check(password, { ...domain, minLength: 8 })).toEqual([]);
    });

    it('refuses an empty password even when the policy sets no minimum', () => {
      expect(check('')).toContain('MIN_LENGTH');
      expect(check('', { ...simple, minLength: 0 })).toEqual(['MIN_LENGTH']);
    });

    it("applies paula's PSO minimum of 12 where the domain asks for 8", () => {
      expect(check('Poplar!2026', domain, paula)).toEqual([]);
      expect(check('Poplar!2026', strict, paula)).toEqual(['MIN_LENGTH']);
      expect(check('Poplar!2026pw', strict, paula)).toEqual([]);
    });
  });

  describe('MAX_LENGTH', () => {
    it(`refuses more than ${MAX_PASSWORD_LENGTH} characters`, () => {
      const longest = `Orchid!2026a${'x'.repeat(MAX_PASSWORD_LENGTH - 12)}`;
      expect([...longest].length).toBe(MAX_PASSWORD_LENGTH);
      expect(check(longest)).toEqual([]);
      expect(check(`${longest}x`)).toEqual(['MAX_LENGTH']);
    });
  });

  describe('COMPLEXITY', () => {
    it('asks for 3 of the 5 categories', () => {
      expect(check('orchidgarden')).toEqual(['COMPLEXITY']);
      expect(check('orchid2026garden')).toEqual(['COMPLEXITY']);
      expect(check('Orchid2026garden')).toEqual([]);
      expect(check('orchid!2026garden')).toEqual([]);
      expect(check('ORCHID!GARDEN')).toEqual(['COMPLEXITY']);
      expect(check('ORCHID!GARDEn')).toEqual([]);
    });

    it('is not checked when the policy has it off', () => {
      expect(check('orchidgardens', simple)).toEqual([]);
    });

    it('counts upper and lower case letters of any script', () => {
      expect(complexityCategories('Ünïcödé1')).toBe(3);
      expect(check('Ünïcödé1')).toEqual([]);
      expect(check('ünïcödé1x')).toEqual(['COMPLEXITY']);
      expect(complexityCategories('Пароль2026')).toBe(3);
      expect(complexityCategories('Ωμέγαλφα')).toBe(2);
    });

    it('counts letters without case (CJK) as a category of their own', () => {
      expect(complexityCategories('密码密码Ab1')).toBe(4);
      expect(check('密码密码ab12')).toEqual([]);
      expect(check('密码密码密码12')).toEqual(['COMPLEXITY']);
    });

    it('counts only the documented special characters: not spaces, currency symbols or emoji', () => {
      expect(complexityCategories('~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/')).toBe(1);
      expect(check('orchid garden 2026')).toEqual(['COMPLEXITY']);
      expect(check('orchid€garden€2026')).toEqual(['COMPLEXITY']);
      expect(check('orchid😀garden😀2026')).toEqual(['COMPLEXITY']);
      expect(check('orchid£garden$2026')).toEqual([]);
    });

    it('counts only 0–9 as digits', () => {
      expect(complexityCategories('orchid٢٠٢٦')).toBe(1);
    });
  });

  describe('CONTAINS_NAME', () => {
    it("refuses alice's account name or a part of 'Alice Archer', in any case", () => {
      expect(check('Archer!2026x')).toEqual(['CONTAINS_NAME']);
      expect(check('xALICE!2026q')).toEqual(['CONTAINS_NAME']);
      expect(check('Al!ce2026xyz')).toEqual([]);
    });

    it('ignores names and tokens shorter than 3 characters', () => {
      expect(check('Al!Bo2026xyz', domain, { sAMAccountName: 'bo', displayName: 'Al Bo' })).toEqual([]);
      expect(check('Bo!2026Limbx', domain, { sAMAccountName: 'bo', displayName: null })).toEqual([]);
      expect(check('Bob!2026Limb', domain, { sAMAccountName: 'bob', displayName: null })).toEqual(['CONTAINS_NAME']);
    });

    it('splits the display name on , . - _ # space and tab', () => {
      const account = { sAMAccountName: 'mjones', displayName: 'Smith-Jones, Mary_Ann#Lee.Kim\tOng' };
      for (const token of ['Smith', 'Jones', 'Mary', 'Ann', 'Lee', 'Kim', 'Ong']) {
        expect(check(`Zq!2026${token}x`, domain, account), token).toEqual(['CONTAINS_NAME']);
      }
      expect(check('Zq!2026Mjonesx', domain, account)).toEqual(['CONTAINS_NAME']);
      // The whole name with its delimiters is not a token: only its parts are.
      expect(check('Zq!2026Smitx-Jonx', domain, account)).toEqual([]);
    });

    it('compares letters beyond ASCII without case', () => {
      const account = { sAMAccountName: 'zoe', displayName: 'Zoë Østergaard' };
      expect(check('ØSTERGAARD!1x', domain, account)).toEqual(['CONTAINS_NAME']);
      expect(check('Zoë!2026abcd', domain, account)).toEqual(['CONTAINS_NAME']);
    });

    it('is not checked when complexity is off, as in Windows', () => {
      expect(check('Archer!2026x', simple)).toEqual([]);
    });
  });

  describe('BANNED', () => {
    it.each([
      'Password1',
      'password',
      'P@ssw0rd',
      'Qwerty123!',
      'iloveyou2026',
      'Dragon!!',
      'Summer2026!',
      '12345678!',
    ])('refuses %s', (password) => {
      expect(check(password)).toContain('BANNED');
      expect(check(password, simple)).toContain('BANNED');
    });

    it('accepts a password whose letters go on after the digits', () => {
      expect(check('Orchid!2026a')).toEqual([]);
      expect(check('Summer2026!x')).toEqual([]);
    });

    it('compares without case', () => {
      expect(check('DRAGON!!', simple)).toEqual(['BANNED']);
    });
  });

  it('returns every violation together, in a stable order', () => {
    expect(check('alice')).toEqual(['MIN_LENGTH', 'COMPLEXITY', 'CONTAINS_NAME', 'BANNED']);
    expect(check('archer', strict)).toEqual(['MIN_LENGTH', 'COMPLEXITY', 'CONTAINS_NAME', 'BANNED']);
    expect(check(`Aa1${'x'.repeat(MAX_PASSWORD_LENGTH)}`, simple)).toEqual(['MAX_LENGTH']);
  });
});
