/**
 * The rules a Windows DC applies to a new password (minimum length, and with complexity on: three of five character
 * categories plus the name rule), as the in-memory stand-in enforces them. Written from Microsoft's documentation
 * ("Password must meet complexity requirements"), deliberately not shared with the product's own pre-check
 * (functions/core/passwordCheck.ts): a stand-in that reused the product's code could never catch a bug in it.
 * Local only: never imported by a deployed bundle.
 */

/** The documented non-alphanumeric characters ~!@#$%^&*_-+=`|\(){}[]:;"'<>,.?/ — currency symbols do not count. */
const NON_ALPHANUMERIC = new Set('~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/');

/** Where Windows splits displayName into tokens: comma, period, hyphen, underscore, number sign, space, tab. */
const DISPLAY_NAME_DELIMITERS = /[,.\-_# \t]/;

/** Names and tokens shorter than this are skipped by Windows (they would refuse too many good passwords). */
const NAME_RULE_MIN_LENGTH = 3;

export interface PasswordOwnerNames {
  sAMAccountName: string;
  displayName: string | null;
}

/**
 * Windows' five categories: European upper-case letters, lower-case letters, the digits 0–9, the listed
 * non-alphanumeric characters, and letters that have no case (Asian scripts among them).
 */
export function windowsCategoryCount(password: string): number {
  let upper = false;
  let lower = false;
  let digit = false;
  let symbol = false;
  let caseless = false;
  for (const char of password) {
    if (char >= '0' && char <= '9') digit = true;
    else if (NON_ALPHANUMERIC.has(char)) symbol = true;
    else if (/^\p{Lu}$/u.test(char)) upper = true;
    else if (/^\p{Ll}$/u.test(char)) lower = true;
    else if (/^\p{L}$/u.test(char)) caseless = true;
  }
  return [upper, lower, digit, symbol, caseless].filter(Boolean).length;
}

/**
 * The name rule: the whole sAMAccountName (when at least 3 characters long) and every displayName token of at least
 * 3 characters must not appear in the password, compared case-insensitively. Substrings of tokens are not checked.
 */
export function containsAccountName(password: string, owner: PasswordOwnerNames): boolean {
  const haystack = password.toLowerCase();
  const names = [owner.sAMAccountName, ...(owner.displayName ?? '').split(DISPLAY_NAME_DELIMITERS)];
  return names.some((name) => name.length >= NAME_RULE_MIN_LENGTH && haystack.includes(name.toLowerCase()));
}

/**
 * Whether a DC with this policy would accept the password's content. Lengths count UTF-16 code units, as AD does.
 * History and minimum age depend on the account's state and are the caller's to check.
 */
export function meetsWindowsPasswordRules(
  password: string,
  policy: { minLength: number; complexity: boolean },
  owner: PasswordOwnerNames,
): boolean {
  if (password.length < policy.minLength) return false;
  if (!policy.complexity) return true;
  return windowsCategoryCount(password) >= 3 && !containsAccountName(password, owner);
}
