/**
 * eligibility.denyGroups and allowGroups through the HTTP API (DESIGN §4 Eligibility, issue 15 item 4), each group
 * given by SID and by DN, on either directory. A DN is resolved to its SID through the directory; one that resolves to
 * nothing refuses every request that checks eligibility (500 INTERNAL, an error log line naming it), never reads as an
 * empty group.
 *
 * allowGroups needs a group some demo users are in and others not: "Self-Service Pilot", with alice as its one member,
 * is added for this suite only (to the in-memory seed; on Samba created before and deleted after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySeed } from '../../local/memoryDirectory.js';
import type { DirectoryKind } from '../support/demoDirectory.js';
import { asAdmin, loadSambaEnv } from '../support/sambaDemo.js';
import { DEMO, enrollBody, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from './harness.js';

const BASE = 'DC=corp,DC=example,DC=test';
const DOMAIN_USERS_DN = `CN=Domain Users,CN=Users,${BASE}`;
const DOMAIN_ADMINS_DN = `CN=Domain Admins,CN=Users,${BASE}`;
const PILOT = { name: 'Self-Service Pilot', sam: 'selfservice-pilot', dn: `CN=Self-Service Pilot,CN=Users,${BASE}` };
const MISSING_DN = `CN=No Such Group,CN=Users,${BASE}`;
const NEW_PASSWORD = 'Quartz!2026zq';

/** The pilot group in the in-memory seed: alice a direct member, a RID no demo object uses. */
function withPilotGroup(seed: DirectorySeed): DirectorySeed {
  return {
    ...seed,
    groups: [...seed.groups, { name: PILOT.name, dn: PILOT.dn, rid: 3901 }],
    accounts: seed.accounts.map((account) =>
      account.sAMAccountName === 'alice'
        ? { ...account, memberOf: [...(account.memberOf ?? []), PILOT.name] }
        : account,
    ),
  };
}

/** On Samba: the pilot group with alice in it, made afresh (a run cut short may have left one behind). */
async function createSambaPilotGroup(): Promise<void> {
  const env = loadSambaEnv();
  if (!env) throw new Error('Samba is not set up (scripts/samba-ad.sh start)');
  await asAdmin(env, async (client) => {
    await client.del(PILOT.dn).catch(() => undefined);
    const { searchEntries } = await client.search(`OU=People,${env.SSPR_LDAP_BASE_DN}`, {
      scope: 'sub',
      filter: '(sAMAccountName=alice)',
      attributes: ['dn'],
    });
    const alice = searchEntries[0]?.dn;
    if (!alice) throw new Error('Samba demo directory: no alice');
    await client.add(PILOT.dn, { objectClass: ['top', 'group'], sAMAccountName: PILOT.sam, member: [alice] });
  });
}

async function deleteSambaPilotGroup(): Promise<void> {
  const env = loadSambaEnv();
  if (env) await asAdmin(env, (client) => client.del(PILOT.dn).catch(() => undefined));
}

export function describeEligibilityGroupsApi(directory: DirectoryKind) {
  let questionIds: string[] = [];
  /** The domain's SID and the pilot group's, as the directory holds them (read through the product's own port). */
  let domainSid = '';
  let pilotSid = '';

  const start = async (eligibility: object, revealAccountState = true): Promise<TestStack> => {
    const stack = await startTestStack({
      directory,
      config: { revealAccountState, rateLimits: GENEROUS_ACTION_LIMITS, eligibility },
      // On Samba `ldap` keeps the harness from enrolling ivan, whom most of these configurations refuse.
      ...(directory === 'memory' ? { memorySeed: withPilotGroup } : { ldap: {} }),
    });
    await stack.demo.applyDemoStates();
    return stack;
  };

  const enroll = (stack: TestStack, user: keyof typeof DEMO) =>
    stack.post('/api/enroll', enrollBody(questionIds, user, DEMO[user]));

  const expectProtected = (response: { status: number; body: { error?: unknown }; text: string }) => {
    expect(response.status, response.text).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', reason: 'PROTECTED_ACCOUNT' });
  };

  beforeAll(async () => {
    if (directory === 'samba') await createSambaPilotGroup();
    const stack = await start({});
    try {
      questionIds = (await stack.request('GET', '/api/config')).body.questions.map((q: { id: string }) => q.id);
      domainSid = (await stack.demo.account('alice')).objectSid.replace(/-\d+$/, '');
      const session = await stack.directory.openSession();
      try {
        pilotSid = (await session.groupSid(PILOT.dn)) ?? '';
      } finally {
        await session.close();
      }
    } finally {
      await stack.close();
    }
    expect(pilotSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
  });

  afterAll(async () => {
    if (directory === 'samba') await deleteSambaPilotGroup();
  });

  describe('denyGroups', () => {
    it('by DN (Domain Users, in another case): bob cannot enroll, start a reset or change his password', async () => {
      const stack = await start({ denyGroups: [DOMAIN_USERS_DN.toUpperCase()] });
      try {
        const account = await stack.demo.account('bob');
        expectProtected(await enroll(stack, 'bob'));
        expect(await stack.store.getEnrollment(account.objectGuid)).toBeNull();
        expectProtected(await stack.post('/api/reset/start', { username: 'alice', purpose: 'reset' }));
        expectProtected(
          await stack.post('/api/change', { username: 'bob', oldPassword: DEMO.bob, newPassword: NEW_PASSWORD }),
        );
        expect(await stack.demo.verifyPassword('bob', DEMO.bob)).toEqual({ ok: true });
      } finally {
        await stack.close();
      }
    });

    it('by SID (Domain Users): bob cannot enroll', async () => {
      const stack = await start({ denyGroups: [`${domainSid}-513`] });
      try {
        expectProtected(await enroll(stack, 'bob'));
      } finally {
        await stack.close();
      }
    });

    it('by DN of a group bob is not in (Domain Admins): bob enrolls, oscar stays out', async () => {
      const stack = await start({ denyGroups: [DOMAIN_ADMINS_DN] });
      try {
        expect((await enroll(stack, 'bob')).status).toBe(200);
        expectProtected(await enroll(stack, 'oscar'));
      } finally {
        await stack.close();
      }
    });
  });

  describe('allowGroups', () => {
    it.each([
      ['DN', () => PILOT.dn.toLowerCase()],
      ['SID', () => pilotSid],
    ])('by %s: its member alice enrolls; bob, no member, cannot enroll or start', async (_form, pilot) => {
      const stack = await start({ allowGroups: [pilot()] });
      try {
        expect((await enroll(stack, 'alice')).status).toBe(200);
        expectProtected(await enroll(stack, 'bob'));
        expectProtected(await stack.post('/api/reset/start', { username: 'bob', purpose: 'reset' }));
      } finally {
        await stack.close();
      }
    });

    it('by DN, next to a deny group by DN: denyGroups wins for a member of both', async () => {
      const stack = await start({ allowGroups: [PILOT.dn], denyGroups: [DOMAIN_USERS_DN] });
      try {
        expectProtected(await enroll(stack, 'alice'));
      } finally {
        await stack.close();
      }
    });
  });

  describe('a DN that names no group is a configuration error: every eligibility check refuses', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await start({ denyGroups: [DOMAIN_ADMINS_DN, MISSING_DN] }, false);
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('enroll: 500 INTERNAL after the proof, nothing enrolled, and an error log line naming the DN', async () => {
      const response = await enroll(stack, 'bob');
      expect(response.status, response.text).toBe(500);
      expect(response.body.error.code).toBe('INTERNAL');
      expect(await stack.store.getEnrollment((await stack.demo.account('bob')).objectGuid)).toBeNull();
      const line = stack.logs.map((l) => JSON.parse(l)).find((l) => l.reason === 'eligibility.denyGroups');
      expect(line).toMatchObject({ level: 'error', errorName: 'UnresolvableGroupError' });
      expect(line.errorMessage).toContain(MISSING_DN);
    });

    it('change: 500 INTERNAL, the password unchanged', async () => {
      const response = await stack.post('/api/change', {
        username: 'bob',
        oldPassword: DEMO.bob,
        newPassword: NEW_PASSWORD,
      });
      expect(response.status, response.text).toBe(500);
      expect(await stack.demo.verifyPassword('bob', DEMO.bob)).toEqual({ ok: true });
    });

    it('reset start: 500 INTERNAL for a real name and a made-up one alike (no decoy that tells them apart)', async () => {
      for (const username of ['bob', 'nobody-here']) {
        const response = await stack.post('/api/reset/start', { username, purpose: 'reset' });
        expect(response.status, `${username}: ${response.text}`).toBe(500);
        expect(response.body.error.code).toBe('INTERNAL');
      }
    });

    it('logs no password and no typed name', () => {
      const logs = stack.logs.join('\n');
      expect(logs).not.toContain(DEMO.bob);
      expect(logs).not.toContain(NEW_PASSWORD);
      expect(logs).not.toContain('nobody-here');
    });

    it("an account's DN in allowGroups (no group) refuses too: alice cannot enroll", async () => {
      const alice = await stack.demo.account('alice');
      const other = await start({ allowGroups: [alice.dn] }, false);
      try {
        const response = await enroll(other, 'alice');
        expect(response.status, response.text).toBe(500);
        expect(other.logs.join('\n')).toContain(alice.dn);
      } finally {
        await other.close();
      }
    });
  });
}
