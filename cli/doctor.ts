/**
 * `sspr doctor`: is everything in place for the service to work? Changes nothing. The config; the table; each DC
 * over LDAPS with the configured CA (certificate subject and expiry, handshake latency); the service account's bind;
 * each delegated right of DESIGN §9, read from the DACLs of the search bases and of the Password Settings
 * Container, with the dsacls line that grants what is missing; and the eligibility groups given by DN (doctorGroups.ts).
 */
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Client } from 'ldapts';
import { SdFlagsControl } from '../functions/adapters/ldap/sdFlagsControl.js';
import { parseSecurityDescriptor } from '../functions/adapters/ldap/securityDescriptor.js';
import { sidToString } from '../functions/adapters/ldap/sid.js';
import type { ParsedOptions } from './args.js';
import type { Backend, LdapTarget } from './backend.js';
import { eligibilityGroupChecks } from './doctorGroups.js';
import { EXIT, explain } from './errors.js';
import { printable } from './format.js';
import type { CliIo } from './io.js';
import { ldapClient } from './ldapTools.js';
import { DELEGATED_RIGHTS, dsaclsLine, findRight, isBroad, type RightScope, sddlAce } from './rights.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Check {
  section: string;
  /** A stable id, e.g. `right:reset-password:OU=People,…`, `tls:ldaps://dc1:636`. */
  id: string;
  status: CheckStatus;
  message: string;
  /** How to fix it: a dsacls line, a setting. */
  fix?: string;
  /** The same grant as SDDL (Samba's samba-tool dsacl). */
  sddl?: string;
}

/** A certificate expiring within this many days is a warning. */
const EXPIRY_WARNING_DAYS = 30;

export interface DoctorContext {
  io: CliIo;
  options: ParsedOptions;
  openBackend: () => Promise<Backend>;
}

export async function doctorCommand(context: DoctorContext): Promise<number> {
  const { io, options } = context;
  const checks: Check[] = [];
  let backend: Backend | undefined;
  let where = '';
  try {
    try {
      backend = await context.openBackend();
      where = backend.describe;
      checks.push({ section: 'config', id: 'config', status: 'ok', message: 'the configuration is valid' });
    } catch (error) {
      const failure = explain(error);
      checks.push({ section: 'config', id: 'config', status: 'fail', message: failure.message });
    }
    if (backend) {
      checks.push(await storeCheck(backend));
      checks.push(...(await directoryChecks(backend)));
      checks.push(...(await eligibilityGroupChecks(backend)));
    }
  } finally {
    await backend?.close().catch(() => undefined);
  }
  const problems = checks.filter((c) => c.status === 'fail').length;
  if (options.json) {
    io.stdout(`${JSON.stringify({ target: where, problems, checks }, null, 2)}\n`);
  } else {
    io.stdout(renderChecks(where, checks));
  }
  return problems > 0 ? EXIT.PROBLEMS : EXIT.OK;
}

export function renderChecks(where: string, checks: Check[]): string {
  const lines: string[] = [`sspr doctor — ${where || 'nothing reachable'}`];
  let section = '';
  for (const check of checks) {
    if (check.section !== section) {
      section = check.section;
      lines.push('', section);
    }
    lines.push(`  ${check.status.padEnd(5)} ${printable(check.message)}`);
    if (check.fix) lines.push(`        fix: ${printable(check.fix)}`);
  }
  const problems = checks.filter((c) => c.status === 'fail').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  lines.push(
    '',
    problems === 0
      ? `no problems${warnings > 0 ? ` (${warnings} warnings)` : ''}`
      : `${problems} problem${problems === 1 ? '' : 's'}${warnings > 0 ? `, ${warnings} warnings` : ''}`,
    '',
  );
  return lines.join('\n');
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - start) };
}

async function storeCheck(backend: Backend): Promise<Check> {
  try {
    const { ms } = await timed(() => backend.store.getEnrollment('00000000-0000-0000-0000-000000000000'));
    return { section: 'store', id: 'store', status: 'ok', message: `table ${backend.table} answers (${ms} ms)` };
  } catch (error) {
    const failure = explain(error, { table: backend.table, store: backend.storeLocation });
    return { section: 'store', id: 'store', status: 'fail', message: failure.message };
  }
}

async function directoryChecks(backend: Backend): Promise<Check[]> {
  let access: Awaited<ReturnType<Backend['directory']>>;
  try {
    access = await backend.directory();
  } catch (error) {
    return [{ section: 'directory', id: 'directory', status: 'fail', message: explain(error).message }];
  }
  if (!access.ldap) {
    return [
      {
        section: 'directory',
        id: 'directory',
        status: 'info',
        message: `${access.describe}: no LDAPS, certificate or delegation to check (set SSPR_LDAP_* for a real AD)`,
      },
    ];
  }
  const target = access.ldap;
  const checks: Check[] = [];
  let rightsChecked = false;
  for (const url of target.urls) {
    const section = `directory ${url}`;
    const handshake = await tlsCheck(target, url);
    checks.push({ section, ...handshake.check });
    if (!handshake.ok) continue;
    const client = ldapClient(target, url);
    try {
      try {
        const { ms } = await timed(() => client.bind(target.bindDn, target.bindPassword));
        checks.push({
          section,
          id: `bind:${url}`,
          status: 'ok',
          message: `bind as ${target.bindDn} (${ms} ms)`,
        });
      } catch (error) {
        checks.push({
          section,
          id: `bind:${url}`,
          status: 'fail',
          message: `bind as ${target.bindDn} refused: ${(error as Error).message}`,
          fix: 'check the bind DN and password (the bind secret), and that the account is enabled and not locked',
        });
        continue;
      }
      checks.push(...(await rootDseChecks(client, section, url)));
      // Rights are the same on every DC (replicated): read them once, on the first DC that binds.
      if (!rightsChecked) {
        rightsChecked = true;
        checks.push(...(await rightsChecks(client, target, backend.config.domain.netbiosName)));
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  return checks;
}

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 636) };
}

async function tlsCheck(target: LdapTarget, url: string): Promise<{ ok: boolean; check: Omit<Check, 'section'> }> {
  const id = `tls:${url}`;
  let host: string;
  let port: number;
  try {
    ({ host, port } = hostAndPort(url));
  } catch {
    return { ok: false, check: { id, status: 'fail', message: `${url} is not a URL` } };
  }
  const start = performance.now();
  return new Promise((done) => {
    const socket = tls.connect({
      host,
      port,
      ca: target.ca,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(isIP(host) ? {} : { servername: host }),
    });
    const finish = (result: { ok: boolean; check: Omit<Check, 'section'> }) => {
      socket.destroy();
      done(result);
    };
    socket.setTimeout(target.connectTimeoutMs, () =>
      finish({
        ok: false,
        check: { id, status: 'fail', message: `no answer within ${target.connectTimeoutMs} ms on ${host}:${port}` },
      }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.name;
      const certificate = /CERT|SIGNATURE|ISSUER|SELF_SIGNED|ALTNAME|HOSTNAME/.test(code);
      finish({
        ok: false,
        check: {
          id,
          status: 'fail',
          message: certificate
            ? `the certificate of ${host}:${port} does not verify against ${target.caSource} (${code}: ${error.message})`
            : `cannot reach ${host}:${port} (${code}: ${error.message})`,
          fix: certificate
            ? 'the CA bundle must hold the CA that issued the DC certificate, and the certificate must name the host in the URL'
            : 'check the network path to the DC on port 636 (security groups, firewalls) and the URL',
        },
      });
    });
    socket.once('secureConnect', () => {
      const ms = Math.round(performance.now() - start);
      const cert = socket.getPeerCertificate();
      const expires = Date.parse(cert.valid_to);
      const days = Math.floor((expires - Date.now()) / 86_400_000);
      const subject = cert.subject?.CN ? `CN=${cert.subject.CN}` : 'no CN';
      const names = cert.subjectaltname ? `, ${cert.subjectaltname}` : '';
      finish({
        ok: true,
        check: {
          id,
          status: days < EXPIRY_WARNING_DAYS ? 'warn' : 'ok',
          message:
            `LDAPS ${socket.getProtocol() ?? 'TLS'} verified against ${target.caSource} (${ms} ms): ` +
            `${subject}${names}, expires ${new Date(expires).toISOString().slice(0, 10)} (${days} days)`,
          ...(days < EXPIRY_WARNING_DAYS ? { fix: 'renew the DC certificate before it expires' } : {}),
        },
      });
    });
  });
}

async function rootDseChecks(client: Client, section: string, url: string): Promise<Check[]> {
  try {
    const { searchEntries } = await client.search('', {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['supportedControl', 'dnsHostName'],
    });
    const controls = ([] as unknown[]).concat(searchEntries[0]?.supportedControl ?? []).map(String);
    const hints = controls.includes('1.2.840.113556.1.4.2239') || controls.includes('1.2.840.113556.1.4.2066');
    return [
      {
        section,
        id: `hints:${url}`,
        status: 'info',
        message: hints
          ? 'lists the password-policy-hints control: resets are checked against the password history'
          : 'does not list the password-policy-hints control: an administrative reset is not checked against the history (Samba, or Windows before 2012 R2)',
      },
    ];
  } catch (error) {
    return [
      { section, id: `rootdse:${url}`, status: 'warn', message: `cannot read rootDSE: ${(error as Error).message}` },
    ];
  }
}

function buffers(value: unknown): Buffer[] {
  return ([] as unknown[]).concat(value ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
}

function strings(value: unknown): string[] {
  return ([] as unknown[]).concat(value ?? []).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

async function readDacl(client: Client, dn: string) {
  const { searchEntries } = await client.search(
    dn,
    {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['nTSecurityDescriptor'],
      explicitBufferAttributes: ['nTSecurityDescriptor'],
    },
    new SdFlagsControl(),
  );
  const [descriptor] = buffers(searchEntries[0]?.nTSecurityDescriptor);
  if (!descriptor) return null;
  return parseSecurityDescriptor(descriptor).dacl ?? [];
}

async function rightsChecks(client: Client, target: LdapTarget, netbios: string): Promise<Check[]> {
  const section = 'delegated rights';
  const { searchEntries } = await client.search(target.bindDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['objectSid', 'tokenGroups', 'sAMAccountName'],
    explicitBufferAttributes: ['objectSid', 'tokenGroups'],
  });
  const self = searchEntries[0];
  const [sidBytes] = buffers(self?.objectSid);
  if (!self || !sidBytes) {
    return [
      {
        section,
        id: 'service-account',
        status: 'fail',
        message: `cannot read the service account's own objectSid (${target.bindDn})`,
      },
    ];
  }
  const sid = sidToString(sidBytes);
  const domainSid = sid.slice(0, sid.lastIndexOf('-'));
  const groups = buffers(self.tokenGroups).map((b) => sidToString(b));
  const principals = new Set([sid, ...groups.filter((g) => !isBroad(g, domainSid))]);
  const account = `${netbios}\\${strings(self.sAMAccountName)[0] ?? target.bindDn}`;
  const checks: Check[] = [
    {
      section,
      id: 'service-account',
      status: 'info',
      message: `${account} (${sid}); rights granted to it or to its groups count, broad groups (Authenticated Users, Pre-Windows 2000 Compatible Access, Everyone, Domain Users) do not`,
    },
  ];
  const psoContainer = `CN=Password Settings Container,CN=System,${target.baseDn}`;
  const objects: { dn: string; scopes: RightScope[] }[] = [
    ...target.searchBases.map((dn) => ({ dn, scopes: ['users'] as RightScope[] })),
    { dn: psoContainer, scopes: ['container', 'settings'] },
  ];
  for (const { dn, scopes } of objects) {
    const rights = DELEGATED_RIGHTS.filter((r) => scopes.includes(r.scope));
    let dacl: Awaited<ReturnType<typeof readDacl>>;
    try {
      dacl = await readDacl(client, dn);
    } catch (error) {
      dacl = null;
      checks.push({
        section,
        id: `dacl:${dn}`,
        status: 'fail',
        message: `cannot read the DACL of ${dn}: ${(error as Error).message}`,
      });
      continue;
    }
    if (dacl === null) {
      if (scopes.includes('container')) {
        // The delegation grants no read permissions on the container itself: check by reading, as the product does.
        checks.push(...(await psoProbes(client, target, dn, account, sid)));
        continue;
      }
      checks.push({
        section,
        id: `dacl:${dn}`,
        status: 'fail',
        message: `cannot read the DACL of ${dn} (the service account needs read permissions on it to be checked)`,
        fix: `dsacls "${dn}" /G "${account}:RC"`,
      });
      continue;
    }
    for (const right of rights) {
      const where =
        right.scope === 'users'
          ? `on users under ${dn}`
          : right.scope === 'container'
            ? `on ${dn}`
            : `on the PSOs in ${dn}`;
      const finding = findRight(dacl, right, principals, domainSid);
      const id = `right:${right.id}:${dn}`;
      if (finding.status === 'granted') {
        checks.push({ section, id, status: 'ok', message: `${right.label} ${where}` });
      } else if (finding.status === 'denied') {
        checks.push({
          section,
          id,
          status: 'fail',
          message: `${right.label} ${where}: denied by an ACE for ${finding.to} (${right.why})`,
          fix: `remove the deny ACE for ${finding.to} on ${dn}`,
        });
      } else {
        checks.push({
          section,
          id,
          status: 'fail',
          message:
            `${right.label} ${where}: not delegated (${right.why})` +
            (finding.broad ? `; it works today only through ${finding.broad}, which a hardened domain takes away` : ''),
          fix: dsaclsLine(right, dn, account),
          sddl: sddlAce(right, sid),
        });
      }
    }
  }
  return checks;
}

const PSO_ATTRIBUTES = ['msDS-MinimumPasswordLength', 'msDS-PasswordHistoryLength', 'msDS-LockoutThreshold'];

/**
 * The Password Settings Container's rights, by reading (changes nothing): which PSOs apply to users under the search
 * bases (msDS-ResultantPSO, a delegated read), whether listing the container shows them, and whether a PSO's settings
 * read. Without the list right a one-level search returns nothing, without the read right the settings read empty:
 * AD reports neither as an error.
 */
async function psoProbes(client: Client, target: LdapTarget, container: string, account: string, sid: string) {
  const section = 'delegated rights';
  const list = DELEGATED_RIGHTS.find((r) => r.id === 'list-pso-container');
  const read = DELEGATED_RIGHTS.find((r) => r.id === 'read-pso');
  if (!list || !read) return [];
  const inUse = new Set<string>();
  for (const base of target.searchBases) {
    const { searchEntries } = await client.search(base, {
      scope: 'sub',
      filter: '(sAMAccountType=805306368)',
      attributes: ['msDS-ResultantPSO'],
      paged: { pageSize: 500 },
    });
    for (const entry of searchEntries) for (const dn of strings(entry['msDS-ResultantPSO'])) if (dn) inUse.add(dn);
  }
  // (objectClass=*) needs no read right on the children (a filter on any other value would, and would then hide them).
  const { searchEntries: listed } = await client.search(container, {
    scope: 'one',
    filter: '(objectClass=*)',
    attributes: PSO_ATTRIBUTES,
  });
  const checks: Check[] = [];
  const missing = (right: typeof list, why: string): Check => ({
    section,
    id: `right:${right.id}:${container}`,
    status: 'fail',
    message: `${right.label} (${container}): not delegated: ${why} (${right.why})`,
    fix: dsaclsLine(right, container, account),
    sddl: sddlAce(right, sid),
  });
  const unverified = `checked by listing, which a broader grant may allow too: grant read permissions on the container (dsacls "${container}" /G "${account}:RC") to let doctor read its DACL`;
  if (listed.length > 0) {
    checks.push({
      section,
      id: `right:${list.id}:${container}`,
      status: 'ok',
      message: `${list.label}: lists ${listed.length} PSO${listed.length === 1 ? '' : 's'} (${unverified})`,
    });
  } else if (inUse.size > 0) {
    checks.push(missing(list, `${inUse.size} PSO applies to users, but listing the container shows none`));
  }
  const sample = [...listed.map((entry) => entry.dn), ...inUse][0];
  if (sample) {
    const { searchEntries } = await client.search(sample, { scope: 'base', attributes: PSO_ATTRIBUTES });
    const readable = PSO_ATTRIBUTES.filter((name) => strings(searchEntries[0]?.[name]).length > 0);
    checks.push(
      readable.length === PSO_ATTRIBUTES.length
        ? {
            section,
            id: `right:${read.id}:${container}`,
            status: 'ok',
            message: `${read.label}: the settings of ${sample} read (checked by reading)`,
          }
        : missing(read, `the settings of ${sample} read empty`),
    );
  }
  if (listed.length === 0 && inUse.size === 0) {
    checks.push({
      section,
      id: `right:${list.id}:${container}`,
      status: 'warn',
      message: `${list.label} and ${read.label}: cannot tell (no PSO applies to users under the search bases, and none is listed)`,
      fix: `if PSOs exist: ${dsaclsLine(list, container, account)} and ${dsaclsLine(read, container, account)}`,
    });
  }
  return checks;
}
