/**
 * The eligibility groups of the configuration (eligibility.denyGroups, allowGroups) as SIDs, for checkEligibility
 * (DESIGN §4 Eligibility). tokenGroups holds SIDs, so a group given by DN is resolved through the directory port
 * (DirectorySession.groupSid) on first use and kept per directory instance (a warm Lambda asks once an hour, not once
 * a request). A DN that resolves to nothing is a configuration error: no EligibilityGroups is made, so every request
 * that checks eligibility fails (INTERNAL, with an error log line naming the DN) until the operator fixes it. Read as
 * an empty group instead, a deny group would let its members in; nothing here fails open.
 */
import type { Config } from './config.js';
import type { Directory, DirectorySession } from './directory.js';
import { canonicalSid, type EligibilityGroups, isSid } from './eligibility.js';
import type { Logger } from './log.js';

/**
 * How long a resolved DN is trusted. A group deleted and re-created under the same DN gets a new SID; an hour bounds
 * how long a warm instance compares against the old one.
 */
export const GROUP_SID_TTL_MS = 60 * 60_000;

/** A configured group DN that names no group the service account can see. */
export class UnresolvableGroupError extends Error {
  override readonly name = 'UnresolvableGroupError';
}

type Eligibility = Config['eligibility'];

/**
 * A DN as a cache key: LDAP compares DNs case-insensitively and ignores spaces around the separators. Escaped commas
 * (`CN=Smith\, J`) stay inside their RDN.
 */
export function dnKey(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      return (eq < 0 ? rdn.trim() : `${rdn.slice(0, eq).trim()}=${rdn.slice(eq + 1).trim()}`).toLowerCase();
    })
    .join(',');
}

/** The configured group references that are DNs, each once (by dnKey), with the setting that names it. */
export function configuredGroupDns(eligibility: Eligibility): { dn: string; setting: string }[] {
  const found = new Map<string, { dn: string; setting: string }>();
  for (const setting of ['denyGroups', 'allowGroups'] as const) {
    for (const ref of eligibility[setting]) {
      if (!isSid(ref) && !found.has(dnKey(ref))) found.set(dnKey(ref), { dn: ref, setting: `eligibility.${setting}` });
    }
  }
  return [...found.values()];
}

/**
 * The groups as SIDs, given what each configured DN resolved to (by dnKey). Pure. Throws UnresolvableGroupError naming
 * every DN missing from `sidsByDn`, rather than leaving a group out.
 */
export function eligibilityGroupsFrom(
  eligibility: Eligibility,
  sidsByDn: ReadonlyMap<string, string>,
): EligibilityGroups {
  const missing: string[] = [];
  const sidOf = (ref: string): string => {
    if (isSid(ref)) return canonicalSid(ref);
    const sid = sidsByDn.get(dnKey(ref));
    if (sid === undefined) missing.push(ref);
    return sid === undefined ? '' : canonicalSid(sid);
  };
  const deny = new Set(eligibility.denyGroups.map(sidOf));
  const allow = eligibility.allowGroups.length > 0 ? new Set(eligibility.allowGroups.map(sidOf)) : null;
  if (missing.length > 0) throw unresolvable([...new Set(missing)]);
  return { deny, allow };
}

function unresolvable(dns: string[]): UnresolvableGroupError {
  return new UnresolvableGroupError(
    `eligibility group ${dns.map((dn) => JSON.stringify(dn)).join(', ')} names no group the service account can ` +
      'see (it does not exist, is no group, or lies outside this domain): every eligibility check refuses until ' +
      'the configuration names it by SID or by the DN of an existing group',
  );
}

interface Resolved {
  sid: string;
  at: number;
}

/** Resolved DNs per directory instance (a new directory, as in each test stack, starts empty), by dnKey. */
const resolvedByDirectory = new WeakMap<Directory, Map<string, Resolved>>();

export interface GroupResolution {
  nowMs: number;
  /** Where an unresolvable DN is logged (the helpdesk CLI has none: it shows the error it throws). */
  logger?: Logger;
  /** A session the caller holds: DNs not yet known are read on it instead of on a session opened here. */
  session?: DirectorySession;
}

/**
 * The configured eligibility groups, DNs resolved: from the cache when every DN was resolved in the last
 * GROUP_SID_TTL_MS, else read from the directory. A configuration with SIDs only never asks the directory. A DN that
 * resolves to nothing is logged as an error and thrown (UnresolvableGroupError), never cached: once the operator
 * creates the group, the next request resolves it.
 */
export async function eligibilityGroups(
  directory: Directory,
  eligibility: Eligibility,
  { nowMs, logger, session }: GroupResolution,
): Promise<EligibilityGroups> {
  const dns = configuredGroupDns(eligibility);
  const known = resolvedByDirectory.get(directory) ?? new Map<string, Resolved>();
  resolvedByDirectory.set(directory, known);
  // A SID read "in the future" (a clock set back, as the local stack's offset can) is read again too.
  const fresh = (dn: string) => {
    const hit = known.get(dnKey(dn));
    return hit !== undefined && hit.at <= nowMs && nowMs - hit.at < GROUP_SID_TTL_MS;
  };
  const toRead = dns.filter(({ dn }) => !fresh(dn));
  if (toRead.length > 0) {
    const reader = session ?? (await directory.openSession());
    try {
      const unresolved: typeof toRead = [];
      for (const ref of toRead) {
        const sid = await reader.groupSid(ref.dn);
        if (sid === null) unresolved.push(ref);
        else known.set(dnKey(ref.dn), { sid, at: nowMs });
      }
      if (unresolved.length > 0) {
        const error = unresolvable(unresolved.map((ref) => ref.dn));
        for (const ref of unresolved) {
          logger?.error('a configured eligibility group cannot be resolved: configuration error', {
            reason: ref.setting,
            errorName: error.name,
            errorMessage: `${JSON.stringify(ref.dn)} names no group the service account can see`,
          });
        }
        throw error;
      }
    } finally {
      if (!session) await reader.close();
    }
  }
  const sidsByDn = new Map(
    dns.flatMap(({ dn }) => {
      const hit = known.get(dnKey(dn));
      return hit ? [[dnKey(dn), hit.sid] as const] : [];
    }),
  );
  return eligibilityGroupsFrom(eligibility, sidsByDn);
}
