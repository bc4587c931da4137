/**
 * The search filter for an account lookup, built from ldapts filter objects: values travel as BER octet strings,
 * never through filter-string parsing, so `*`, `(`, `)` and `\` in a typed name are plain characters.
 */
import { AndFilter, EqualityFilter, type Filter } from 'ldapts';
import { type AccountLookup, SAM_USER_ACCOUNT } from '../../core/directory.js';
import { guidToBytes } from './guid.js';

/** userPrincipalName may be up to 1024 characters; nothing longer names an account. */
const MAX_LOOKUP_LENGTH = 1024;
/** C0 and C1 control characters and DEL: no AD name holds them, and NUL would end a string on the DC side. */
function hasControlCharacter(value: string): boolean {
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

const ATTRIBUTE: Record<AccountLookup['by'], string> = {
  sAMAccountName: 'sAMAccountName',
  userPrincipalName: 'userPrincipalName',
  objectGuid: 'objectGUID',
};

/** `(&(sAMAccountType=805306368)(<attribute>=<value>))`, or null when the value cannot name an account. */
export function accountFilter(lookup: AccountLookup): Filter | null {
  const { value } = lookup;
  if (value.length === 0 || value.length > MAX_LOOKUP_LENGTH || hasControlCharacter(value)) return null;
  let match: EqualityFilter;
  if (lookup.by === 'objectGuid') {
    // A Buffer value: a string filter with escaped bytes >= 0x80 matches nothing on AD (notes/samba-ad-dc.md).
    const bytes = guidToBytes(value);
    if (!bytes) return null;
    match = new EqualityFilter({ attribute: ATTRIBUTE.objectGuid, value: bytes });
  } else {
    match = new EqualityFilter({ attribute: ATTRIBUTE[lookup.by], value });
  }
  return new AndFilter({
    filters: [new EqualityFilter({ attribute: 'sAMAccountType', value: String(SAM_USER_ACCOUNT) }), match],
  });
}
