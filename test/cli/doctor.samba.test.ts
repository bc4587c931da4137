/**
 * `sspr doctor` (and the directory-facing commands) against Samba AD: with svc-sspr's full delegation, with each
 * delegated right taken away in turn (always given back), with a CA that did not issue the DC's certificate and with
 * a wrong bind password. Runs with SSPR_TEST_AD (see vitest.config.ts for the order of the Samba suites).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_RIGHTS } from '../../cli/rights.js';
import { SAMBA_ENABLED, startTestStack, type TestStack } from '../api/harness.js';
import { DEMO_PASSWORDS } from '../support/demoUsers.js';
import { loadSambaEnv, type SambaEnv } from '../support/sambaDemo.js';
import { warnSambaSkipped } from '../support/sambaGate.js';
import {
  DOCTOR_RIGHTS_OF,
  removeSambaRight,
  restoreSambaRights,
  SAMBA_RIGHTS,
  setContainerReadControl,
} from '../support/sambaRights.js';
import { runSspr } from './support.js';

warnSambaSkipped('sspr doctor on Samba AD');

interface DoctorCheck {
  section: string;
  id: string;
  status: string;
  message: string;
  fix?: string;
  sddl?: string;
}

describe.runIf(SAMBA_ENABLED)('sspr on Samba AD', () => {
  let stack: TestStack;
  let samba: SambaEnv;
  const people = 'OU=People,DC=corp,DC=example,DC=test';
  const psoContainer = 'CN=Password Settings Container,CN=System,DC=corp,DC=example,DC=test';

  const env = (extra: Record<string, string> = {}) => ({
    SSPR_DATA_DIR: stack.dataDir,
    SSPR_LDAP_URL: samba.SSPR_LDAP_URL,
    SSPR_LDAP_BIND_DN: samba.SSPR_LDAP_BIND_DN,
    SSPR_LDAP_BIND_PASSWORD: samba.SSPR_LDAP_BIND_PASSWORD,
    SSPR_LDAP_CA_FILE: samba.SSPR_LDAP_CA_FILE,
    SSPR_LDAP_BASE_DN: samba.SSPR_LDAP_BASE_DN,
    SSPR_OPERATOR: 'samba-test',
    ...extra,
  });

  async function doctor(extra: Record<string, string> = {}) {
    const run = await runSspr(['doctor', '--json'], { env: env(extra) });
    const report = JSON.parse(run.stdout) as { problems: number; checks: DoctorCheck[] };
    return { ...run, report };
  }

  beforeAll(async () => {
    const loaded = loadSambaEnv();
    if (!loaded) throw new Error('SSPR_TEST_AD is set but Samba is not running: bash scripts/samba-ad.sh start');
    samba = loaded;
    // A previous run that died between remove and restore must not fail this one.
    await restoreSambaRights(samba);
    // So that doctor reads the container's DACL too (the last describe checks the way without it).
    await setContainerReadControl(samba, true);
    stack = await startTestStack({ directory: 'samba' });
  });

  afterAll(async () => {
    if (samba) {
      await restoreSambaRights(samba);
      await setContainerReadControl(samba, false);
    }
    await stack?.close();
  });

  it('with the full delegation: LDAPS verified, bind, every right delegated, exit 0', async () => {
    const { code, report, stderr } = await doctor();
    expect(code, stderr).toBe(0);
    expect(report.problems).toBe(0);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('config')?.status).toBe('ok');
    expect(byId.get('store')?.status).toBe('ok');
    const tls = byId.get('tls:ldaps://127.0.0.1:636');
    expect(tls?.status).toBe('ok');
    expect(tls?.message).toMatch(
      /verified against .*ca\.pem \(\d+ ms\): CN=dc1\.corp\.example\.test, .*IP Address:127\.0\.0\.1, expires \d{4}-\d\d-\d\d \(\d+ days\)/,
    );
    expect(byId.get('bind:ldaps://127.0.0.1:636')?.message).toMatch(
      /^bind as CN=svc-sspr,OU=Service Accounts,.* \(\d+ ms\)$/,
    );
    const rightChecks = report.checks.filter((c) => c.id.startsWith('right:'));
    expect(rightChecks.map((c) => c.id).sort()).toEqual(
      DELEGATED_RIGHTS.map((r) => `right:${r.id}:${r.scope === 'users' ? people : psoContainer}`).sort(),
    );
    expect(rightChecks.every((c) => c.status === 'ok')).toBe(true);
  });

  it('reads each eligibility group given by DN as the service does: its SID, or a failure naming the DN (exit 6)', async () => {
    const domainUsers = 'CN=Domain Users,CN=Users,DC=corp,DC=example,DC=test';
    const missing = 'CN=No Such Group,CN=Users,DC=corp,DC=example,DC=test';
    const config = { eligibility: { denyGroups: [domainUsers, 'S-1-5-32-544'], allowGroups: [missing] } };
    const { code, report } = await doctor({ SSPR_CONFIG: JSON.stringify(config) });
    expect(code).toBe(6);
    expect(report.problems).toBe(1);
    expect(report.checks.filter((c) => c.section === 'eligibility groups')).toEqual([
      {
        section: 'eligibility groups',
        id: `group:${domainUsers}`,
        status: 'ok',
        message: expect.stringMatching(/^eligibility\.denyGroups: CN=Domain Users,.* is S-1-5-21-\d+-\d+-\d+-513$/),
      },
      {
        section: 'eligibility groups',
        id: `group:${missing}`,
        status: 'fail',
        message: expect.stringContaining(
          `eligibility.allowGroups: ${missing} names no group the service account can see`,
        ),
        fix: expect.stringContaining('by its SID'),
      },
    ]);
  });

  for (const name of SAMBA_RIGHTS) {
    it(`without ${name}: names exactly that right, with the dsacls line that grants it (exit 6)`, async () => {
      let run: Awaited<ReturnType<typeof doctor>>;
      try {
        expect(await removeSambaRight(samba, name)).toHaveLength(1);
        run = await doctor();
      } finally {
        await restoreSambaRights(samba);
      }
      expect(run.code).toBe(6);
      const failing = run.report.checks.filter((c) => c.status === 'fail');
      const expected = DOCTOR_RIGHTS_OF[name];
      expect(failing.map((c) => c.id.split(':')[1]).sort()).toEqual([...expected].sort());
      expect(run.report.problems).toBe(expected.length);
      for (const check of failing) {
        const right = DELEGATED_RIGHTS.find((r) => r.id === check.id.split(':')[1]);
        const dn = right?.scope === 'users' ? people : psoContainer;
        expect(check.fix).toBe(
          `dsacls "${dn}"${right?.scope === 'container' ? '' : ' /I:S'} /G "CORP\\svc-sspr:${right?.dsacls}"`,
        );
        expect(check.sddl).toMatch(/^\(O?A;(CIIO)?;[A-Z]+;[0-9a-f-]*;[0-9a-f-]*;S-1-5-21-[\d-]+\)$/);
      }
      // And back: the next doctor run is clean again.
    });
  }

  it('prints the missing right and its dsacls line in the text output', async () => {
    let run: Awaited<ReturnType<typeof runSspr>>;
    try {
      await removeSambaRight(samba, 'reset-password');
      run = await runSspr(['doctor'], { env: env() });
    } finally {
      await restoreSambaRights(samba);
    }
    expect(run.code).toBe(6);
    expect(run.stdout).toMatch(
      /^ {2}fail {2}Reset Password on users under OU=People,DC=corp,DC=example,DC=test: not delegated \(sets the new password on a reset\)$/m,
    );
    expect(run.stdout).toContain(
      '        fix: dsacls "OU=People,DC=corp,DC=example,DC=test" /I:S /G "CORP\\svc-sspr:CA;Reset Password;user"',
    );
    expect(run.stdout).toMatch(/^1 problem$/m);
    expect((await doctor()).code).toBe(0);
  });

  it('a CA that did not issue the DC certificate fails the TLS check, and nothing is bound', async () => {
    const { code, report } = await doctor({ SSPR_LDAP_CA_FILE: join(process.cwd(), 'config/example-ca.pem') });
    expect(code).toBe(6);
    const tls = report.checks.find((c) => c.id.startsWith('tls:'));
    expect(tls?.status).toBe('fail');
    expect(tls?.message).toMatch(/does not verify against .*example-ca\.pem/);
    expect(report.checks.some((c) => c.id.startsWith('bind:'))).toBe(false);
  });

  it('a wrong bind password fails the bind check', async () => {
    const { code, report } = await doctor({ SSPR_LDAP_BIND_PASSWORD: 'not-the-password-1!' });
    expect(code).toBe(6);
    expect(report.checks.find((c) => c.id.startsWith('bind:'))?.status).toBe('fail');
  });

  it('status, unblock and report enrollment work on AD too', async () => {
    await stack.demo.lockOut('ivan');
    const status = await runSspr(['status', 'ivan', '--json'], { env: env() });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ user: 'ivan', lockedInDirectory: true });
    expect(JSON.parse(status.stdout).enrolled.questionIds).toHaveLength(3);

    await stack.store.putBlock({ subject: 'ivan', until: Date.now() + 60_000, reason: 'answer' });
    const unblock = await runSspr(['unblock', 'ivan'], { env: env(), input: ['y'] });
    expect(unblock.code, unblock.stderr).toBe(0);
    expect(await stack.store.getBlock('ivan', Date.now())).toBeNull();

    const report = await runSspr(['report', 'enrollment', '--json'], { env: env() });
    expect(report.code, report.stderr).toBe(0);
    const lines = report.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const users = lines.filter((l) => l.type === 'user').map((l) => l.user);
    // Every demo user; not the computer ws01$ in the same OU, not the service account in its own OU.
    expect(users).toEqual(Object.keys(DEMO_PASSWORDS).sort());
    expect(lines.at(-1)).toMatchObject({ type: 'totals', users: 13, eligibleEnrolled: 1 });
  });

  describe('without read permissions on the Password Settings Container (the delegation of DESIGN §9 alone)', () => {
    beforeAll(async () => {
      await setContainerReadControl(samba, false);
    });
    afterAll(async () => {
      await setContainerReadControl(samba, true);
    });

    it('checks the container by listing and reading: ok with the full delegation', async () => {
      const { code, report } = await doctor();
      expect(code).toBe(0);
      const list = report.checks.find((c) => c.id === `right:list-pso-container:${psoContainer}`);
      expect(list?.status).toBe('ok');
      expect(list?.message).toMatch(
        /lists 1 PSO \(checked by listing, which a broader grant may allow too: grant read permissions/,
      );
      expect(report.checks.find((c) => c.id === `right:read-pso:${psoContainer}`)?.message).toMatch(
        /the settings of CN=Strict Passwords,.* read \(checked by reading\)/,
      );
    });

    it('finds read-pso missing by reading (the settings read empty); list works through Pre-Windows 2000 access', async () => {
      let withoutRead: Awaited<ReturnType<typeof doctor>>;
      let withoutList: Awaited<ReturnType<typeof doctor>>;
      try {
        await removeSambaRight(samba, 'read-pso');
        withoutRead = await doctor();
        await restoreSambaRights(samba);
        await removeSambaRight(samba, 'list-pso-container');
        withoutList = await doctor();
      } finally {
        await restoreSambaRights(samba);
      }
      expect(withoutRead.code).toBe(6);
      const failing = withoutRead.report.checks.filter((c) => c.status === 'fail');
      expect(failing.map((c) => c.id)).toEqual([`right:read-pso:${psoContainer}`]);
      expect(failing[0]?.message).toMatch(/the settings of CN=Strict Passwords,.* read empty/);
      expect(failing[0]?.fix).toBe(`dsacls "${psoContainer}" /I:S /G "CORP\\svc-sspr:RP;;msDS-PasswordSettings"`);
      // Samba's CN=System grants Pre-Windows 2000 Compatible Access list contents, inherited: listing still works, so
      // reading cannot tell the delegation is gone. That is what the message says, and why doctor prefers the DACL.
      expect(withoutList.code).toBe(0);
      expect(
        withoutList.report.checks.find((c) => c.id === `right:list-pso-container:${psoContainer}`)?.message,
      ).toMatch(/checked by listing, which a broader grant may allow too/);
    });
  });
});
