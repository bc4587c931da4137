/**
 * The helpdesk CLI with eligibility groups given by DN, on a local stack's in-memory directory: status and the
 * enrollment report apply them as the service does, and a DN that names no group stops those commands (exit 5, the
 * DN named) and fails doctor (exit 6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../api/harness.js';
import { runSspr } from './support.js';

const DOMAIN_USERS = 'CN=Domain Users,CN=Users,DC=corp,DC=example,DC=test';
const MISSING = 'CN=No Such Group,CN=Users,DC=corp,DC=example,DC=test';

let stack: TestStack;

const sspr = (argv: string[], eligibility: object) =>
  runSspr(argv, {
    env: { SSPR_DATA_DIR: stack.dataDir, SSPR_CONFIG: JSON.stringify({ eligibility }), SSPR_OPERATOR: 'helpdesk-anna' },
  });

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('eligibility groups given by DN in the CLI', () => {
  it('status and the enrollment report keep the members of a deny group given by DN out', async () => {
    const status = await sspr(['status', 'bob', '--json'], { denyGroups: [DOMAIN_USERS.toLowerCase()] });
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.eligibility).toEqual({
      enroll: 'PROTECTED_ACCOUNT',
      reset: 'PROTECTED_ACCOUNT',
      change: 'PROTECTED_ACCOUNT',
    });
    expect(report.selfServiceReset).toBe('NOT_ELIGIBLE:PROTECTED_ACCOUNT');

    const listing = await sspr(['report', 'enrollment', '--json'], { denyGroups: [DOMAIN_USERS] });
    expect(listing.code, listing.stderr).toBe(0);
    const rows = listing.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((row) => row.type === 'user');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.ineligible === 'PROTECTED_ACCOUNT')).toBe(true);
  });

  it('a DN that names no group: status and the report stop with exit 5 naming it, doctor fails it (exit 6)', async () => {
    const eligibility = { denyGroups: [DOMAIN_USERS], allowGroups: [MISSING] };
    for (const argv of [
      ['status', 'bob'],
      ['report', 'enrollment'],
    ]) {
      const run = await sspr(argv, eligibility);
      expect(run.code, argv.join(' ')).toBe(5);
      expect(run.stderr).toContain(MISSING);
      expect(run.stdout).toBe('');
    }
    const doctor = await sspr(['doctor', '--json'], eligibility);
    expect(doctor.code).toBe(6);
    const checks = JSON.parse(doctor.stdout).checks.filter(
      (c: { section: string }) => c.section === 'eligibility groups',
    );
    expect(checks.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [`group:${DOMAIN_USERS}`, 'ok'],
      [`group:${MISSING}`, 'fail'],
    ]);
  });
});
