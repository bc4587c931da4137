/**
 * The little LDAP the CLI does beside the directory port: list the user names under the search bases (reports) and
 * open a verified LDAPS connection as the service account (doctor). TLS is always verified against the configured CA.
 */
import { Client } from 'ldapts';
import { SAM_USER_ACCOUNT } from '../functions/core/directory.js';
import type { LdapTarget } from './backend.js';

export function ldapClient(target: LdapTarget, url: string): Client {
  return new Client({
    url,
    tlsOptions: { ca: target.ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    timeout: target.operationTimeoutMs,
    connectTimeout: target.connectTimeoutMs,
  });
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

/**
 * The sAMAccountNames of user accounts (sAMAccountType 805306368) under every search base, paged, from the first DC
 * that answers. The filter holds no user input.
 */
export async function listLdapUserNames(target: LdapTarget, onProgress?: (found: number) => void): Promise<string[]> {
  let lastError: unknown;
  for (const url of target.urls) {
    const client = ldapClient(target, url);
    try {
      await client.bind(target.bindDn, target.bindPassword);
      const names = new Set<string>();
      for (const base of target.searchBases) {
        const { searchEntries } = await client.search(base, {
          scope: 'sub',
          filter: `(sAMAccountType=${SAM_USER_ACCOUNT})`,
          attributes: ['sAMAccountName'],
          paged: { pageSize: 500 },
        });
        for (const entry of searchEntries) {
          const name = first(entry.sAMAccountName);
          if (name) names.add(name);
        }
        onProgress?.(names.size);
      }
      return [...names].sort((a, b) => a.localeCompare(b));
    } catch (error) {
      lastError = error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  throw lastError ?? new Error('no LDAP URL configured');
}
