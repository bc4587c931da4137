/**
 * The configured eligibility groups (functions/core/groups.ts): DNs resolved through the directory port once per
 * directory instance, an unresolvable DN a configuration error that refuses, and the config's check of their shape.
 * The directory here is a fake port: no I/O.
 */
import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, parseConfig } from '../../functions/core/config.js';
import type { Directory, DirectorySession } from '../../functions/core/directory.js';
import {
  configuredGroupDns,
  dnKey,
  eligibilityGroups,
  GROUP_SID_TTL_MS,
  UnresolvableGroupError,
} from '../../functions/core/groups.js';
import type { LogFields, Logger } from '../../functions/core/log.js';

const BASE = 'DC=corp,DC=example,DC=test';
const DOMAIN_SID = 'S-1-5-21-1004336348-1177238915-682003330';
const HELPDESK_DN = `CN=Helpdesk,OU=Groups,${BASE}`;
const PILOT_DN = `CN=SSPR Pilot,OU=Groups,${BASE}`;
const NOW = Date.UTC(2026, 2, 4, 13, 30);

/** A directory whose sessions answer groupSid from `groups` (by dnKey) and count what they were asked. */
function fakeDirectory(groups: Record<string, string>) {
  const known = new Map(Object.entries(groups).map(([dn, sid]) => [dnKey(dn), sid]));
  const counts = { sessionsOpened: 0, sessionsClosed: 0, reads: [] as string[] };
  const session = {
    controller: 'fake://dc1',
    groupSid: async (dn: string) => {
      counts.reads.push(dn);
      return known.get(dnKey(dn)) ?? null;
    },
    close: async () => {
      counts.sessionsClosed += 1;
    },
  } as unknown as DirectorySession;
  const directory = {
    serviceAccountDn: `CN=svc-sspr,OU=Service Accounts,${BASE}`,
    openSession: async () => {
      counts.sessionsOpened += 1;
      return session;
    },
  } as unknown as Directory;
  return { directory, session, counts, known };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields: LogFields | undefined }[] = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  return { logger, lines };
}

const eligibility = (denyGroups: string[], allowGroups: string[] = []): Config['eligibility'] => ({
  denyGroups,
  allowGroups,
});

describe('dnKey', () => {
  it('ignores case and the spaces around separators, and keeps escaped commas inside their RDN', () => {
    expect(dnKey(' CN = Help Desk , OU=Groups,DC=Corp ')).toBe('cn=help desk,ou=groups,dc=corp');
    expect(dnKey('CN=Smith\\, J,OU=Groups')).toBe('cn=smith\\, j,ou=groups');
  });
});

describe('configuredGroupDns', () => {
  it('lists each DN once, with the setting that names it, and leaves SIDs out', () => {
    const config = eligibility([`${DOMAIN_SID}-1301`, HELPDESK_DN], [PILOT_DN, HELPDESK_DN.toUpperCase()]);
    expect(configuredGroupDns(config)).toEqual([
      { dn: HELPDESK_DN, setting: 'eligibility.denyGroups' },
      { dn: PILOT_DN, setting: 'eligibility.allowGroups' },
    ]);
  });
});

describe('eligibilityGroups', () => {
  it('never asks the directory when every group is given by SID', async () => {
    const { directory, counts } = fakeDirectory({});
    const groups = await eligibilityGroups(directory, eligibility([`${DOMAIN_SID}-1301`], ['s-1-5-32-545']), {
      nowMs: NOW,
    });
    expect(groups).toEqual({ deny: new Set([`${DOMAIN_SID}-1301`]), allow: new Set(['S-1-5-32-545']) });
    expect(counts.sessionsOpened).toBe(0);
  });

  it('has no allow list when allowGroups is empty (everyone may, unless denied)', async () => {
    const { directory } = fakeDirectory({});
    expect(await eligibilityGroups(directory, eligibility([]), { nowMs: NOW })).toEqual({
      deny: new Set(),
      allow: null,
    });
  });

  it('resolves DNs to SIDs on a session it opens and closes, then answers from its cache', async () => {
    const { directory, counts } = fakeDirectory({
      [HELPDESK_DN]: `${DOMAIN_SID}-1301`,
      [PILOT_DN]: `${DOMAIN_SID}-1401`,
    });
    const config = eligibility([HELPDESK_DN], [PILOT_DN.toLowerCase()]);
    const expected = { deny: new Set([`${DOMAIN_SID}-1301`]), allow: new Set([`${DOMAIN_SID}-1401`]) };
    expect(await eligibilityGroups(directory, config, { nowMs: NOW })).toEqual(expected);
    expect(counts).toMatchObject({
      sessionsOpened: 1,
      sessionsClosed: 1,
      reads: [HELPDESK_DN, PILOT_DN.toLowerCase()],
    });

    expect(await eligibilityGroups(directory, config, { nowMs: NOW + GROUP_SID_TTL_MS - 1 })).toEqual(expected);
    expect(counts.sessionsOpened).toBe(1);
    expect(counts.reads).toHaveLength(2);
  });

  it('reads a DN again once its SID is older than GROUP_SID_TTL_MS (a re-created group has a new SID)', async () => {
    const { directory, counts, known } = fakeDirectory({ [HELPDESK_DN]: `${DOMAIN_SID}-1301` });
    const config = eligibility([HELPDESK_DN]);
    await eligibilityGroups(directory, config, { nowMs: NOW });
    known.set(dnKey(HELPDESK_DN), `${DOMAIN_SID}-1302`);
    const later = await eligibilityGroups(directory, config, { nowMs: NOW + GROUP_SID_TTL_MS });
    expect(later.deny).toEqual(new Set([`${DOMAIN_SID}-1302`]));
    expect(counts.reads).toEqual([HELPDESK_DN, HELPDESK_DN]);
  });

  it("reads on the caller's session without opening or closing one", async () => {
    const { directory, session, counts } = fakeDirectory({ [HELPDESK_DN]: `${DOMAIN_SID}-1301` });
    await eligibilityGroups(directory, eligibility([HELPDESK_DN]), { nowMs: NOW, session });
    expect(counts).toMatchObject({ sessionsOpened: 0, sessionsClosed: 0, reads: [HELPDESK_DN] });
  });

  it('keeps one cache per directory instance', async () => {
    const first = fakeDirectory({ [HELPDESK_DN]: `${DOMAIN_SID}-1301` });
    const second = fakeDirectory({ [HELPDESK_DN]: 'S-1-5-21-1-2-3-1301' });
    const config = eligibility([HELPDESK_DN]);
    expect((await eligibilityGroups(first.directory, config, { nowMs: NOW })).deny).toEqual(
      new Set([`${DOMAIN_SID}-1301`]),
    );
    expect((await eligibilityGroups(second.directory, config, { nowMs: NOW })).deny).toEqual(
      new Set(['S-1-5-21-1-2-3-1301']),
    );
  });

  it('refuses an unresolvable DN: throws, logs an error naming it and its setting, and caches nothing', async () => {
    const { directory, counts, known } = fakeDirectory({ [HELPDESK_DN]: `${DOMAIN_SID}-1301` });
    const { logger, lines } = recordingLogger();
    const config = eligibility([HELPDESK_DN], [PILOT_DN]);
    const attempt = eligibilityGroups(directory, config, { nowMs: NOW, logger });
    await expect(attempt).rejects.toThrow(UnresolvableGroupError);
    await expect(attempt).rejects.toThrow(PILOT_DN);
    expect(counts.sessionsClosed).toBe(counts.sessionsOpened);
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'a configured eligibility group cannot be resolved: configuration error',
        fields: {
          reason: 'eligibility.allowGroups',
          errorName: 'UnresolvableGroupError',
          errorMessage: `"${PILOT_DN}" names no group the service account can see`,
        },
      },
    ]);

    // Every later request refuses too, until the group exists; then the next one resolves it.
    await expect(eligibilityGroups(directory, config, { nowMs: NOW + 1, logger })).rejects.toThrow(PILOT_DN);
    known.set(dnKey(PILOT_DN), `${DOMAIN_SID}-1401`);
    const groups = await eligibilityGroups(directory, config, { nowMs: NOW + 2, logger });
    expect(groups.allow).toEqual(new Set([`${DOMAIN_SID}-1401`]));
  });
});

describe('the config schema on eligibility groups', () => {
  const problems = (groups: string[]): string[] => {
    try {
      parseConfig({ eligibility: { denyGroups: groups, allowGroups: groups } });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it('takes SIDs and DNs, spaces around separators and escaped commas included', () => {
    expect(
      problems([
        `${DOMAIN_SID}-1301`,
        'S-1-5-32-544',
        `CN=Domain Users,CN=Users,${BASE}`,
        'cn=Smith\\, J , OU=Groups, dc=corp,dc=example,dc=test',
      ]),
    ).toEqual([]);
  });

  it('lists every malformed group, in both settings, each with its index', () => {
    expect(problems(['Domain Users', 'CN=Helpdesk', 'CN=a,,DC=x', 'S-1-5-21-x', ''])).toEqual([
      "eligibility.denyGroups.0: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.denyGroups.1: must be a group's full distinguished name, ending in its domain's DC= parts (CN=…,OU=…,DC=…)",
      "eligibility.denyGroups.2: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.denyGroups.3: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.denyGroups.4: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.allowGroups.0: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.allowGroups.1: must be a group's full distinguished name, ending in its domain's DC= parts (CN=…,OU=…,DC=…)",
      "eligibility.allowGroups.2: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.allowGroups.3: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
      "eligibility.allowGroups.4: must be a group's SID (S-1-5-…) or its distinguished name (CN=…,OU=…,DC=…)",
    ]);
  });
});
