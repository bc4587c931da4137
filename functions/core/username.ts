/**
 * Reduces what a user typed as their username to one directory lookup (DESIGN §3 Usernames). Only the configured
 * domain's forms are accepted; LDAP escaping is the directory adapter's job, not this one's.
 */
import type { AccountLookup } from './directory.js';
import type { FieldProblem } from './errors.js';

/**
 * `name` is the form-independent name (subjects.ts): the sAMAccountName as typed for a plain or NETBIOS\ name, the part
 * before the @ for a UPN, lower-cased; `alice`, `CORP\alice` and `alice@corp.example.test` share it, existing or not.
 */
export type ReducedUsername = { ok: true; lookup: AccountLookup; name: string } | { ok: false };

export interface UsernameDomain {
  netbiosName: string;
  upnSuffixes: string[];
}

/** Characters AD refuses in a sAMAccountName (and, with the space, in the part of a UPN before the @). */
const FORBIDDEN = new Set('"/\\[]:;|=,+*?<>@');
const SAM_MAX_LENGTH = 20;
const UPN_PREFIX_MAX_LENGTH = 64;

function isControl(codePoint: number): boolean {
  return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
}

function hasOnlyAllowedCharacters(name: string, allowSpace: boolean): boolean {
  for (const c of name) {
    if (FORBIDDEN.has(c) || isControl(c.codePointAt(0) ?? 0)) return false;
    if (!allowSpace && /\s/.test(c)) return false;
  }
  return true;
}

function codePoints(s: string): number {
  return [...s].length;
}

function isValidSamAccountName(name: string): boolean {
  const length = codePoints(name);
  return (
    length >= 1 &&
    length <= SAM_MAX_LENGTH &&
    // Spaces are allowed inside a sAMAccountName but not at its ends, where they are a typing slip (and a name of
    // only spaces is no name).
    name.trim() === name &&
    !name.endsWith('.') &&
    hasOnlyAllowedCharacters(name, true)
  );
}

function isValidUpnPrefix(prefix: string): boolean {
  const length = codePoints(prefix);
  return length >= 1 && length <= UPN_PREFIX_MAX_LENGTH && hasOnlyAllowedCharacters(prefix, false);
}

function bySamAccountName(name: string): ReducedUsername {
  if (!isValidSamAccountName(name)) return { ok: false };
  return { ok: true, lookup: { by: 'sAMAccountName', value: name }, name: name.toLowerCase() };
}

export function reduceUsername(input: string, domain: UsernameDomain): ReducedUsername {
  const typed = input.trim();

  const backslash = typed.indexOf('\\');
  if (backslash >= 0) {
    const netbios = typed.slice(0, backslash);
    if (netbios.toLowerCase() !== domain.netbiosName.toLowerCase()) return { ok: false };
    // Any further backslash lands in the name, where it is forbidden.
    return bySamAccountName(typed.slice(backslash + 1));
  }

  const at = typed.indexOf('@');
  if (at >= 0) {
    const prefix = typed.slice(0, at);
    const suffix = typed.slice(at + 1).toLowerCase();
    if (!domain.upnSuffixes.some((known) => known.toLowerCase() === suffix)) return { ok: false };
    if (!isValidUpnPrefix(prefix)) return { ok: false };
    // The prefix is kept as typed: it is not always the sAMAccountName, and AD matches UPNs case-insensitively anyway.
    const upn = `${prefix}@${suffix}`;
    return { ok: true, lookup: { by: 'userPrincipalName', value: upn }, name: prefix.toLowerCase() };
  }

  return bySamAccountName(typed);
}

/** The VALIDATION problem for a name in none of the accepted forms: it says which forms work. */
export function usernameProblem(domain: UsernameDomain): FieldProblem {
  return {
    message: 'username.invalid',
    params: { netbios: domain.netbiosName, upnSuffix: domain.upnSuffixes[0] ?? '' },
  };
}
