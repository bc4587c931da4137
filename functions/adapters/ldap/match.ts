/**
 * Deciding what the search results of one lookup name, over every search base: the same entry seen under two
 * overlapping bases is one match; two different entries (a UPN held twice, which older domains allow) are
 * ambiguous, and an ambiguous name is no name at all.
 */
import type { Entry } from 'ldapts';
import { guidToString } from './guid.js';

export type LookupMatch = { kind: 'none' } | { kind: 'one'; dn: string } | { kind: 'ambiguous'; count: number };

/** Entries are told apart by objectGUID (DNs can be spelled differently), by DN when the GUID is missing. */
export function uniqueMatch(entries: readonly Entry[]): LookupMatch {
  const byIdentity = new Map<string, string>();
  for (const entry of entries) {
    const guid = Object.entries(entry).find(([name]) => name.toLowerCase() === 'objectguid')?.[1];
    const identity = Buffer.isBuffer(guid) && guid.length === 16 ? guidToString(guid) : `dn:${entry.dn.toLowerCase()}`;
    byIdentity.set(identity, entry.dn);
  }
  if (byIdentity.size > 1) return { kind: 'ambiguous', count: byIdentity.size };
  const [dn] = byIdentity.values();
  return dn === undefined ? { kind: 'none' } : { kind: 'one', dn };
}
