/** Contact formats accepted at enrollment (DESIGN §3 pinned details). */

/**
 * RFC 5321 mailbox in the dot-atom form (no quoted local parts, no address literals: no mail system of a company
 * directory needs them, and they are where header injection hides). At most 254 characters, no CR/LF.
 */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATEXT}(\\.${ATEXT})*$`);
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isValidEmail(address: string): boolean {
  if (address.length > 254 || /[\r\n]/.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export function isValidPhone(number: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(number);
}

/** The same contact, whatever the case of an e-mail's letters. */
export function sameAddress(channel: 'email' | 'sms', a: string, b: string): boolean {
  return channel === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * A directory `mobile` as E.164, or null. Directories often hold numbers written for people ("+1 555-010 0001"): the
 * spacing is dropped, but a number without its country code is refused rather than guessed.
 */
export function directoryPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const compact = value.replace(/[\s\-.()]/g, '');
  return isValidPhone(compact) ? compact : null;
}

/**
 * Whether a number may be texted (DESIGN §4 Rate limits): E.164, and when the operator listed country codes
 * (codes.smsCountryCodes), starting with one of them. An empty list allows every country.
 */
export function isSmsAllowed(number: string, countryCodes: readonly string[]): boolean {
  return (
    isValidPhone(number) && (countryCodes.length === 0 || countryCodes.some((prefix) => number.startsWith(prefix)))
  );
}
