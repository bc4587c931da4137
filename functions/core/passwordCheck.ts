/**
 * The checks made on a new password before the directory is called (DESIGN §4 Passwords). Windows never says which
 * rule a refused password broke, and Samba does not apply the name rule at all, so the product checks these itself.
 */
import { bannedPasswords } from './bannedPasswords.js';
import type { DirectoryPolicy } from './directory.js';
import { type FieldProblem, PASSWORD_VIOLATIONS, type PasswordViolation } from './errors.js';
import { MAX_PASSWORD_LENGTH } from './passwordPolicy.js';

export interface PasswordOwner {
  sAMAccountName: string;
  displayName: string | null;
}

/** Windows counts a password complex when it has characters of at least this many of the five categories. */
const COMPLEXITY_CATEGORIES_REQUIRED = 3;

/** Names shorter than this are skipped by Windows' name rule: they would refuse too many good passwords. */
const NAME_MIN_LENGTH = 3;

/** The delimiters Windows splits displayName on: comma, period, hyphen, underscore, number sign, space, tab. */
const DISPLAY_NAME_DELIMITERS = /[,.\-_# \t]/;

/**
 * Microsoft's documented special characters, ~!@#$%^&*_-+=`|\(){}[]:;"'<>,.?/, are the 32 ASCII punctuation marks.
 * Currency symbols (€, £) are documented as not counting; a space is not in the list either, nor are emoji.
 */
const SPECIAL = /^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/;

/** A trailing run of digits and symbols (everything but letters and the marks that belong to them). */
const TRAILING_NON_LETTERS = /[^\p{L}\p{M}]+$/u;
/** A trailing run of symbols only, so that '123456!' still meets '123456'. */
const TRAILING_SYMBOLS = /[^\p{L}\p{M}\p{N}]+$/u;

/**
 * Every rule the password breaks, in the order of PASSWORD_VIOLATIONS. Lengths count code points (characters as a
 * user sees them, where AD's UTF-16 would count an emoji twice), which errs towards refusing at the minimum.
 */
export function checkNewPassword(
  password: string,
  policy: DirectoryPolicy,
  account: PasswordOwner,
): PasswordViolation[] {
  const found = new Set<PasswordViolation>();
  const length = [...password].length;
  // An empty password is never acceptable, whatever the policy: AD reads an empty bind as anonymous.
  if (length < Math.max(policy.minLength, 1)) found.add('MIN_LENGTH');
  if (length > MAX_PASSWORD_LENGTH) found.add('MAX_LENGTH');
  if (policy.complexity) {
    if (complexityCategories(password) < COMPLEXITY_CATEGORIES_REQUIRED) found.add('COMPLEXITY');
    if (containsName(password, account)) found.add('CONTAINS_NAME');
  }
  if (isBanned(password)) found.add('BANNED');
  return PASSWORD_VIOLATIONS.filter((violation) => found.has(violation));
}

/**
 * How many of Windows' five categories the password uses: uppercase letters, lowercase letters, the digits 0–9,
 * special characters, and letters without case (e.g. CJK). Upper and lower case are those of any script, as
 * Microsoft documents for diacritics, Greek and Cyrillic.
 */
export function complexityCategories(password: string): number {
  let upper = false;
  let lower = false;
  let digit = false;
  let special = false;
  let other = false;
  for (const char of password) {
    if (/^[0-9]$/.test(char)) digit = true;
    else if (SPECIAL.test(char)) special = true;
    // Titlecase letters (ǅ) count as capitals: they are not lower case and Windows has no sixth category.
    else if (/^[\p{Lu}\p{Lt}]$/u.test(char)) upper = true;
    else if (/^\p{Ll}$/u.test(char)) lower = true;
    else if (/^\p{L}$/u.test(char)) other = true;
  }
  return [upper, lower, digit, special, other].filter(Boolean).length;
}

function containsName(password: string, account: PasswordOwner): boolean {
  const haystack = password.toLowerCase();
  const names = [account.sAMAccountName, ...(account.displayName ?? '').split(DISPLAY_NAME_DELIMITERS)];
  return names.some((name) => [...name].length >= NAME_MIN_LENGTH && haystack.includes(name.toLowerCase()));
}

function isBanned(password: string): boolean {
  const lower = password.toLowerCase();
  const banned = bannedPasswords();
  return [lower, lower.replace(TRAILING_SYMBOLS, ''), lower.replace(TRAILING_NON_LETTERS, '')].some((candidate) =>
    banned.has(candidate),
  );
}

/**
 * A new password that can never be typed at a Windows logon is malformed input, not a policy refusal (VALIDATION):
 * empty, longer than MAX_PASSWORD_LENGTH code points, or with control characters (NUL among them).
 */
export function newPasswordProblem(password: string): FieldProblem | null {
  if (password.length === 0) return { message: 'password.required' };
  if (Array.from(password).length > MAX_PASSWORD_LENGTH) {
    return { message: 'password.tooLong', params: { max: MAX_PASSWORD_LENGTH } };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(password)) return { message: 'password.controlCharacters' };
  return null;
}
