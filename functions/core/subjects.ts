/**
 * Whose counters, blocks, flows and audit events a request touches (DESIGN §4 Enumeration protection).
 *
 * What was typed is first reduced to one form-independent name (`alice`, `CORP\alice` and `alice@corp.example.test`
 * are all `alice`; see username.ts). A name that resolves is kept under its account's sAMAccountName, lower-cased; one
 * that does not is kept under a keyed hash of that name, because people type passwords into the username field and
 * none may be kept in clear. Rate-limit counters are keyed by a keyed hash of the name for every name, existing or
 * not: the key taken before the directory answers is then the one kept after it for every account whose UPN prefix is
 * its sAMAccountName, so a real name and a made-up one make the same store calls in the same order.
 *
 * The key is the decoy key (never the pepper): it is already the secret that makes unknown names look like real ones.
 */
import { createHmac } from 'node:crypto';
import type { DirectoryAccount } from './directory.js';

/** Hex characters kept of each HMAC: 128 bits, far past any collision between names. */
const KEPT_HEX = 32;

const UNRESOLVED_PREFIX = 'unresolved:';

function keyed(decoyKey: Buffer, purpose: string, name: string): string {
  return createHmac('sha256', decoyKey).update(`${purpose}:${name}`, 'utf8').digest('hex').slice(0, KEPT_HEX);
}

/** The subject of a resolved account: its sAMAccountName, lower-cased (blocks, flows and audit events). */
export function accountSubject(account: DirectoryAccount): string {
  return account.sAMAccountName.toLowerCase();
}

/** The subject of a name that resolves to no account (or to one self-service never shows). */
export function unresolvedSubject(decoyKey: Buffer, name: string): string {
  return `${UNRESOLVED_PREFIX}${keyed(decoyKey, 'subject', name.toLowerCase())}`;
}

/** Whether a subject stands for a name that did not resolve (the audit shows it as such). */
export function isUnresolvedSubject(subject: string): boolean {
  return subject.startsWith(UNRESOLVED_PREFIX);
}

/**
 * The key of a name's rate-limit counters and password-bind lease: the same for every form of one name, and for an
 * account the same as for its sAMAccountName typed plainly.
 */
export function nameKey(decoyKey: Buffer, name: string): string {
  return keyed(decoyKey, 'name', name.toLowerCase());
}
