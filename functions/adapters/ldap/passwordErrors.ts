/**
 * What a DC's answer to a unicodePwd write means for the port (PasswordWriteOutcome). AD does not say which rule a
 * refused password broke; only the Win32 code at the start of the diagnostic message (0000052D, 00000056, 00002035)
 * tells the refusals apart.
 */
import { ResultCodeError } from 'ldapts';
import type { PasswordWriteOutcome } from '../../core/directory.js';

/** ERROR_PASSWORD_RESTRICTION: history, length, complexity, minimum age, or a DC password filter. */
const PASSWORD_RESTRICTION = '0000052d';
/** ERROR_INVALID_PASSWORD: the old password of a change does not match. */
const INVALID_PASSWORD = '00000056';
/** ERROR_DS_UNWILLING_TO_PERFORM: unicodePwd not as a quoted UTF-16LE value, or not over an encrypted connection. */
const UNWILLING_TO_PERFORM = '00002035';

/** The 8-hex-digit Win32 code an AD or Samba diagnostic message starts with, lower case; null when there is none. */
export function win32CodeOf(message: string): string | null {
  return /^\s*([0-9a-f]{8}):/i.exec(message)?.[1]?.toLowerCase() ?? null;
}

/**
 * The refusal an LDAP error stands for, or null when it is none of the password refusals (the caller rethrows it).
 * `right` names what the service account lacks when the DC answers 50 to this write.
 */
export function passwordRefusalOf(error: unknown, right: string): Exclude<PasswordWriteOutcome, { ok: true }> | null {
  if (!(error instanceof ResultCodeError)) return null;
  const code = win32CodeOf(error.message);
  if (error.code === 19) {
    if (code === PASSWORD_RESTRICTION) return { ok: false, refusal: 'policy' };
    if (code === INVALID_PASSWORD) return { ok: false, refusal: 'wrong-password' };
    return { ok: false, refusal: 'constraint' };
  }
  if (error.code === 50) return { ok: false, refusal: 'access', right };
  if (error.code === 53 && code === UNWILLING_TO_PERFORM) {
    return { ok: false, refusal: 'access', right: 'unicodePwd write over LDAPS' };
  }
  return null;
}

/** "LDAP 19 (0000052d)": enough for an operator, and built from codes only, so no DC text reaches a log line. */
export function ldapErrorSummary(error: ResultCodeError): string {
  const code = win32CodeOf(error.message);
  return code ? `LDAP ${error.code} (${code})` : `LDAP ${error.code}`;
}
