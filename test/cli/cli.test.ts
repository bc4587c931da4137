/**
 * The admin CLI (issue 10) against a local stack of its own (dynalite store, in-memory directory): every command's
 * output and effect, the audit events it writes, the confirmation prompt, the JSON and CSV formats, the report over
 * all demo users, and the exit codes.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, Enrollment } from '../../functions/core/store.js';
import { startDynalite } from '../../local/dynalite.js';
import { startTestStack, type TestStack } from '../api/harness.js';
import { ResetClient } from '../api/resetClient.js';
import { DEMO_PASSWORDS } from '../support/demoUsers.js';
import { runSspr } from './support.js';

const CONFIG = { revealAccountState: true };
const OPERATOR = 'helpdesk-anna';
const DEMO_USERS = Object.keys(DEMO_PASSWORDS).sort();

let stack: TestStack;
let client: ResetClient;
let workDir: string;

function env(extra: Record<string, string> = {}) {
  return { SSPR_DATA_DIR: stack.dataDir, SSPR_CONFIG: JSON.stringify(CONFIG), SSPR_OPERATOR: OPERATOR, ...extra };
}

const sspr = (argv: string[], input?: string[], extra: { tty?: boolean; env?: Record<string, string> } = {}) =>
  runSspr(argv, {
    env: env(extra.env),
    cwd: workDir,
    ...(input ? { input } : {}),
    ...(extra.tty ? { tty: true } : {}),
  });

function fakeHash(n: number) {
  return {
    algorithm: 'scrypt' as const,
    N: 131072,
    r: 8,
    p: 1,
    keyLength: 32,
    salt: Buffer.alloc(16, n).toString('base64'),
    hash: Buffer.alloc(32, n).toString('base64'),
    normalization: 1,
  };
}

/** judy's enrollment with a verified and a pending e-mail and a verified phone, through the store port. */
async function enrollJudy(): Promise<Enrollment> {
  const judy = await stack.demo.account('judy');
  const now = stack.clock.now();
  const enrollment: Enrollment = {
    objectGuid: judy.objectGuid,
    sAMAccountName: 'judy',
    answers: ['first-pet-name', 'birth-city', 'first-school'].map((questionId, i) => ({
      questionId,
      hash: fakeHash(i),
    })),
    contacts: [
      { id: 'e1', channel: 'email', address: 'judy.private@example.org', verified: true, addedAt: now },
      { id: 'e2', channel: 'email', address: 'judy.unproven@example.org', verified: false, addedAt: now },
      { id: 's1', channel: 'sms', address: '+15550100099', verified: true, addedAt: now },
    ],
    language: 'de',
    enrolledAt: now,
    updatedAt: now,
  };
  await stack.store.putEnrollment(enrollment);
  return enrollment;
}

/** Three wrong answers through the API: the real way a user gets blocked. */
async function blockThroughApi(user: string): Promise<void> {
  const { flowId } = await client.started(user, 'unlock');
  await client.failQuestions(flowId);
  expect(await stack.store.getBlock(user, stack.clock.now())).not.toBeNull();
}

async function helpdeskEvents(subject: string): Promise<AuditEvent[]> {
  return (await stack.store.listAudit(subject)).filter((e) => e.event.startsWith('helpdesk-'));
}

beforeAll(async () => {
  stack = await startTestStack({ config: CONFIG });
  client = new ResetClient(stack);
  await client.loadCatalog();
  workDir = await mkdtemp(join(tmpdir(), 'sspr-cli-work-'));
});

afterAll(async () => {
  await stack?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('help and usage', () => {
  it('prints the command list, and --help for every command, with exit 0', async () => {
    const main = await sspr(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['status', 'unblock', 'unenroll', 'audit', 'report enrollment', 'report activity']) {
      expect(main.stdout).toContain(command);
    }
    expect(main.stdout).toMatch(/Exit codes: 0 done/);
    for (const command of [
      ['status'],
      ['unblock'],
      ['unenroll'],
      ['audit'],
      ['report', 'enrollment'],
      ['report', 'activity'],
      ['export', 'audit'],
      ['doctor'],
    ]) {
      const help = await sspr([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: sspr ${command.join(' ')}`);
      expect(help.stdout).toContain('--stack NAME');
      const viaHelp = await sspr(['help', ...command]);
      expect(viaHelp.stdout).toBe(help.stdout);
    }
  });

  it('refuses wrong usage with exit 2 and a sentence on stderr', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['bogus'], /unknown command "bogus"/],
      [['report', 'bogus'], /unknown command "report bogus"/],
      [['status'], /usage: sspr status <user>/],
      [['status', 'alice', 'bob'], /usage: sspr status/],
      [['status', 'alice', '--csv'], /does not take --csv/],
      [['status', 'alice', '--nope'], /Unknown option '--nope'/],
      [['audit'], /either a <user> or --all/],
      [['audit', 'alice', '--all'], /either a <user> or --all/],
      [['audit', '--all', '--json', '--csv'], /one of --json and --csv/],
      [['audit', '--all', '--since', 'yesterday'], /--since "yesterday" is neither/],
      [['status', 'alice', '--stack', 'x', '--data-dir', 'y'], /do not go together/],
    ];
    for (const [argv, message] of cases) {
      const run = await sspr(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr, argv.join(' ')).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });
});

describe('status', () => {
  it('shows an enrolled, locked user: questions, code destination masked, lockout, eligibility', async () => {
    const run = await sspr(['status', 'ivan']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^User\s+ivan \(Ivan Irwin\)$/m);
    expect(run.stdout).toMatch(/^Enrolled\s+yes, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/m);
    expect(run.stdout).toMatch(/^Questions\s+first-pet-name, birth-city, first-school$/m);
    expect(run.stdout).toMatch(/^Code goes to\s+i•••@corp\.example\.test$/m);
    expect(run.stdout).toMatch(/^Blocked\s+no$/m);
    expect(run.stdout).toMatch(/^Locked in AD\s+yes/m);
    expect(run.stdout).toMatch(/^Self-service\s+can reset or unlock now$/m);
  });

  it('takes the forms a user types (CORP\\ivan, the UPN) and answers JSON with --json', async () => {
    for (const name of ['CORP\\ivan', 'IVAN', 'ivan@corp.example.test']) {
      const run = await sspr(['status', name, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.user).toBe('ivan');
      expect(report.lockedInDirectory).toBe(true);
      expect(report.enrolled.questionIds).toHaveLength(3);
    }
  });

  it('masks enrolled contacts and says which are verified; never prints an address', async () => {
    await enrollJudy();
    const run = await sspr(['status', 'judy', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.enrolled.contacts).toEqual([
      { channel: 'email', destination: 'j•••@example.org', verified: true },
      { channel: 'email', destination: 'j•••@example.org', verified: false },
      { channel: 'sms', destination: '•••0099', verified: true },
    ]);
    expect(report.codeChannels).toEqual(['j•••@corp.example.test', 'j•••@example.org', '•••0010', '•••0099']);
    const text = await sspr(['status', 'judy']);
    for (const secret of ['judy.private', 'judy.unproven', '+15550100099', '5550100010', 'judy@corp']) {
      expect(text.stdout + run.stdout).not.toContain(secret);
    }
    expect(text.stdout).toMatch(/email j•••@example\.org \(not verified\)/);
  });

  it('gives the reasons an ineligible user is refused', async () => {
    const carol = JSON.parse((await sspr(['status', 'carol', '--json'])).stdout);
    expect(carol.eligibility).toEqual({ enroll: 'DISABLED', reset: 'DISABLED', change: 'DISABLED' });
    expect(carol.selfServiceReset).toBe('NOT_ELIGIBLE:DISABLED');
    const erin = JSON.parse((await sspr(['status', 'erin', '--json'])).stdout);
    expect(erin.eligibility).toEqual({ enroll: 'MUST_CHANGE_PASSWORD', reset: null, change: null });
    expect(erin.selfServiceReset).toBe('NOT_ENROLLED');
    const oscar = await sspr(['status', 'oscar']);
    expect(oscar.stdout).toMatch(/reset\/unlock: no \(PROTECTED_ACCOUNT\)/);
  });

  it('says a user does not exist with exit 3, also for hidden accounts and names of no accepted form', async () => {
    for (const name of ['nobody', 'svc-sspr', 'OTHER\\alice', 'alice@elsewhere.example', 'a*)(uid=*']) {
      const run = await sspr(['status', name]);
      expect(run.code, name).toBe(3);
      expect(run.stderr, name).toMatch(/not found under the search bases|is not a username of this domain/);
    }
  });
});

describe('unblock', () => {
  beforeEach(async () => {
    await stack.store.clearBlockAndFailures('ivan');
  });

  it('asks first; "no" (or no answer) changes nothing and writes no audit event (exit 4)', async () => {
    await blockThroughApi('ivan');
    const before = await helpdeskEvents('ivan');
    for (const input of [['n'], [''], ['maybe'], []]) {
      const run = await sspr(['unblock', 'ivan'], input);
      expect(run.code, JSON.stringify(input)).toBe(4);
      expect(run.linesRead).toBe(1);
      expect(run.stderr).toMatch(/ivan \(Ivan Irwin\): blocked until .* UTC after wrong answers; 3 wrong answers/);
      expect(run.stderr).toMatch(/Lift the block and clear the failure counts of ivan\? \[y\/N\] /);
      expect(run.stderr).toMatch(input.length === 0 ? /no answer on stdin.*--yes/ : /not confirmed: nothing changed/);
      expect(run.stdout).toBe('');
    }
    expect(await stack.store.getBlock('ivan', stack.clock.now())).not.toBeNull();
    expect(await helpdeskEvents('ivan')).toEqual(before);
  });

  it('"yes" lifts the block and the failure counts, audits it with the operator, and self-service works again', async () => {
    await blockThroughApi('ivan');
    expect((await client.start('ivan', 'unlock')).body.error.code).toBe('BLOCKED');
    const run = await sspr(['unblock', 'CORP\\ivan'], ['yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^ivan: block lifted, failure counts cleared \(audited as helpdesk-unblock by helpdesk-anna, request cli-[\w-]+\)\n$/,
    );
    const now = stack.clock.now();
    expect(await stack.store.getBlock('ivan', now)).toBeNull();
    expect(await stack.store.failureCount('ivan', 'answer', now)).toBe(0);
    const [event] = (await helpdeskEvents('ivan')).slice(-1);
    expect(event).toMatchObject({
      subject: 'ivan',
      event: 'helpdesk-unblock',
      outcome: 'unblocked',
      reason: 'answer;failures:3+0',
      operator: OPERATOR,
      sourceAddress: `cli:${hostname()}`,
      userAgent: expect.stringMatching(/^sspr-cli\//),
      requestId: expect.stringMatching(/^cli-/),
    });
    expect(event?.at).toBeGreaterThanOrEqual(now - 5000);
    expect((await client.start('ivan', 'unlock')).status).toBe(200);
  });

  it('--yes asks nothing; --operator names the operator; --json reports what changed', async () => {
    await stack.store.putBlock({ subject: 'ivan', until: stack.clock.now() + 3_600_000, reason: 'code' });
    const run = await runSspr(['unblock', 'ivan', '--yes', '--json', '--operator', 'bob.the.admin'], {
      env: { ...env(), SSPR_OPERATOR: undefined },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.linesRead).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ user: 'ivan', changed: true, failuresCleared: { answer: 0, code: 0 } });
    expect(result.wasBlockedUntil).toMatch(/Z$/);
    const [event] = (await helpdeskEvents('ivan')).slice(-1);
    expect(event).toMatchObject({ outcome: 'unblocked', reason: 'code;failures:0+0', operator: 'bob.the.admin' });
  });

  it('clears failure counts of a user who is not blocked yet; nothing to do for a clean user (exit 0, no event)', async () => {
    await stack.store.reserveFailure(
      'ivan',
      'answer',
      { limit: 3, windowSeconds: 3600, blockSeconds: 3600 },
      stack.clock.now(),
    );
    const partial = await sspr(['unblock', 'ivan', '--yes']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/^ivan: failure counts cleared/);
    expect((await helpdeskEvents('ivan')).at(-1)).toMatchObject({ outcome: 'not-blocked', reason: 'failures:1+0' });
    const count = (await helpdeskEvents('ivan')).length;
    const clean = await sspr(['unblock', 'ivan']);
    expect(clean.code).toBe(0);
    expect(clean.linesRead).toBe(0);
    expect(clean.stdout).toBe('ivan (Ivan Irwin) is not blocked and has no failures: nothing to do\n');
    expect(await helpdeskEvents('ivan')).toHaveLength(count);
  });

  it('the operator defaults to the OS user at this host', async () => {
    await stack.store.putBlock({ subject: 'ivan', until: stack.clock.now() + 3_600_000, reason: 'answer' });
    const run = await runSspr(['unblock', 'ivan', '-y'], { env: { ...env(), SSPR_OPERATOR: undefined } });
    expect(run.code).toBe(0);
    expect((await helpdeskEvents('ivan')).at(-1)?.operator).toMatch(new RegExp(`^[^@]+@${hostname()}$`));
  });
});

describe('unenroll', () => {
  it('"no" keeps the enrollment (exit 4); "yes" removes it, tells the user on every proven channel, and audits', async () => {
    await enrollJudy();
    const judy = await stack.demo.account('judy');
    const declined = await sspr(['unenroll', 'judy'], ['no']);
    expect(declined.code).toBe(4);
    expect(declined.stderr).toMatch(/judy \(Judy Jones\): enrolled since .* with 3 answers and 3 contacts/);
    expect(declined.stderr).toMatch(/Remove the enrollment of judy and tell them by e-mail and SMS\? \[y\/N\]/);
    expect(await stack.store.getEnrollment(judy.objectGuid)).not.toBeNull();

    const outboxBefore = (await stack.outboxLines()).length;
    const run = await sspr(['unenroll', 'judy'], ['y']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^judy: enrollment removed; told by 2 e-mail and 1 SMS \(audited as helpdesk-unenroll by helpdesk-anna/,
    );
    expect(await stack.store.getEnrollment(judy.objectGuid)).toBeNull();

    const sent = (await stack.outboxLines()).slice(outboxBefore);
    // The directory mail and the verified e-mail; the verified phone (not the directory mobile); never the pending one.
    expect(sent.map((line) => `${line.channel} ${line.to}`).sort()).toEqual([
      'email judy.private@example.org',
      'email judy@corp.example.test',
      'sms +15550100099',
    ]);
    const mail = sent.find((line) => line.to === 'judy@corp.example.test');
    // In the enrollment's language.
    expect(mail?.subject).toBe('Ihre Registrierung für die Kennwort-Selbstbedienung wurde entfernt');
    expect(String(mail?.body)).toContain('Judy Jones');
    expect(mail).not.toHaveProperty('code');

    expect((await helpdeskEvents('judy')).at(-1)).toMatchObject({
      event: 'helpdesk-unenroll',
      outcome: 'removed',
      reason: 'notified:3',
      operator: OPERATOR,
    });
    const status = JSON.parse((await sspr(['status', 'judy', '--json'])).stdout);
    expect(status.enrolled).toBeNull();
    expect(status.selfServiceReset).toBe('NOT_ENROLLED');
  });

  it('an enrollment through the API is removed with --yes --json; a second run has nothing to do', async () => {
    await client.enroll('bob');
    const run = await sspr(['unenroll', 'bob', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      user: 'bob',
      changed: true,
      notified: { email: 1, sms: 0, smsSkipped: 0 },
      operator: OPERATOR,
    });
    const again = await sspr(['unenroll', 'bob', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('bob (Bob Baker) is not enrolled: nothing to do\n');
    expect((await helpdeskEvents('bob')).filter((e) => e.event === 'helpdesk-unenroll')).toHaveLength(1);
  });

  it('an unknown user is exit 3 and changes nothing', async () => {
    const run = await sspr(['unenroll', 'nobody', '--yes']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/user "nobody" not found/);
  });
});

describe('audit', () => {
  it("shows a user's trail as a table, as JSON lines and as CSV", async () => {
    await stack.store.putBlock({ subject: 'ivan', until: stack.clock.now() + 60_000, reason: 'answer' });
    await sspr(['unblock', 'ivan', '--yes']);
    const events = await stack.store.listAudit('ivan');
    expect(events.length).toBeGreaterThan(3);

    const text = await sspr(['audit', 'ivan']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^time \(UTC\)\s+user\s+event\s+outcome\s+reason\s+source\s+operator\s+request$/);
    expect(lines).toHaveLength(events.length + 1);
    expect(text.stdout).toMatch(/helpdesk-unblock\s+unblocked\s+answer;failures:0\+0\s+cli:\S+\s+helpdesk-anna\s+cli-/);

    const json = await sspr(['audit', 'CORP\\ivan', '--json']);
    const records = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(events.length);
    expect(Object.keys(records[0]).sort()).toEqual(
      [
        'at',
        'event',
        'operator',
        'outcome',
        'reason',
        'requestId',
        'sourceAddress',
        'subject',
        'time',
        'userAgent',
      ].sort(),
    );
    expect(records.map((r) => r.at)).toEqual(events.map((e) => e.at));

    const csvRun = await sspr(['audit', 'ivan', '--csv', '--event', 'helpdesk-unblock']);
    const rows = csvRun.stdout.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('time (UTC),user,event,outcome,reason,source,operator,request');
    expect(rows.length).toBe(1 + events.filter((e) => e.event === 'helpdesk-unblock').length);
    expect(rows.slice(1).every((row) => row.split(',')[2] === 'helpdesk-unblock')).toBe(true);
  });

  it('--all --since --event finds the blocks of everyone; --since filters a user', async () => {
    await blockThroughApi('ivan');
    const run = await sspr(['audit', '--all', '--since', '1h', '--event', 'blocked', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const records = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.length).toBeGreaterThan(0);
    // The name or the outcome, in any case: the block itself, and starts refused as BLOCKED (reveal mode).
    expect(records.every((r) => r.outcome.toLowerCase() === 'blocked')).toBe(true);
    expect(records.some((r) => r.subject === 'ivan' && r.event === 'block')).toBe(true);
    expect(records.some((r) => r.event === 'start' && r.outcome === 'BLOCKED')).toBe(true);
    const future = new Date(stack.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const none = await sspr(['audit', 'ivan', '--since', future]);
    expect(none.stdout).toBe('no audit events\n');
  });

  it("finds a made-up name's trail by its keyed hash, in any form, and never shows the name as typed", async () => {
    const typed = 'Typed2026Secret';
    const started = await stack.post('/api/reset/start', { username: `${typed}@corp.example.test`, purpose: 'reset' });
    // This stack reveals account states: the start is refused, and audited.
    expect(started.body.error?.code).toBe('NOT_ENROLLED');
    for (const form of [typed, `CORP\\${typed}`]) {
      const run = await sspr(['audit', form, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const records = run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(records.some((r) => r.event === 'start' && r.requestId === started.headers.get('x-request-id'))).toBe(
        true,
      );
      expect(records.every((r) => /^unresolved:[0-9a-f]{32}$/.test(r.subject))).toBe(true);
      expect(run.stdout.toLowerCase()).not.toContain(typed.toLowerCase());
    }
  });

  it('draws progress on stderr only when it is a terminal', async () => {
    const quiet = await sspr(['audit', '--all', '--since', '1h']);
    expect(quiet.stderr).toBe('');
    const tty = await sspr(['audit', '--all', '--since', '1h'], undefined, { tty: true });
    expect(tty.stderr).toMatch(/\rscanning the audit trail \d+/);
    expect(tty.stdout).toBe(quiet.stdout);
  });

  it('a name that was never seen has an empty trail', async () => {
    const run = await sspr(['audit', `ghost-${randomUUID().slice(0, 8)}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('no audit events\n');
  });
});

describe('reports and export', () => {
  it('report enrollment covers every demo user, with eligibility and totals (table, CSV, JSON)', async () => {
    await enrollJudy();
    const text = await sspr(['report', 'enrollment']);
    expect(text.code, text.stderr).toBe(0);
    for (const user of DEMO_USERS) expect(text.stdout).toMatch(new RegExp(`^${user}\\s`, 'm'));
    expect(text.stdout).toMatch(/^carol\s+Carol Carter\s+no\s+DISABLED\s+no/m);
    expect(text.stdout).toMatch(/^ivan\s+Ivan Irwin\s+yes\s+yes\s+\d{4}-/m);
    expect(text.stdout).toMatch(/^judy\s+Judy Jones\s+yes\s+yes\s+\S+ \S+\s+2$/m);
    expect(text.stdout).toMatch(
      /^13 users: 8 eligible \(2 enrolled, 6 not enrolled: 25 % coverage\), 5 not eligible$/m,
    );
    expect(text.stdout).not.toContain('svc-sspr');

    const csvRun = await sspr(['report', 'enrollment', '--csv']);
    const rows = csvRun.stdout.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('user,displayName,eligible,reason,enrolled,enrolledAt,verifiedContacts');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(DEMO_USERS);
    expect(rows.find((row) => row.startsWith('oscar,'))).toBe('oscar,Oscar Owens,no,PROTECTED_ACCOUNT,no,,0');

    const json = await sspr(['report', 'enrollment', '--json']);
    const lines = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(DEMO_USERS.length + 1);
    expect(lines.at(-1)).toEqual({
      type: 'totals',
      users: 13,
      eligible: 8,
      eligibleEnrolled: 2,
      eligibleNotEnrolled: 6,
      ineligible: 5,
      orphanEnrollments: 0,
    });
    expect(lines.find((l) => l.user === 'judy')).toMatchObject({
      enrolled: true,
      verifiedContacts: 2,
      ineligible: null,
    });
  });

  it('report activity counts events per day, event and outcome', async () => {
    const events = await stack.store.scanAudit(stack.clock.now() - 86_400_000);
    const run = await sspr(['report', 'activity', '--since', '1d', '--json']);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(events.length);
    const blocked = events.filter((e) => e.event === 'block' && e.outcome === 'blocked').length;
    expect(rows.filter((r) => r.event === 'block' && r.outcome === 'blocked').reduce((s, r) => s + r.count, 0)).toBe(
      blocked,
    );
    expect(rows[0]).toEqual({
      day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      event: expect.any(String),
      outcome: expect.any(String),
      count: expect.any(Number),
    });
    const text = await sspr(['report', 'activity']);
    expect(text.stdout).toMatch(/^day \(UTC\)\s+event\s+outcome\s+count$/m);
    expect(text.stdout).toMatch(new RegExp(`^${events.length} events$`, 'm'));
    const csvRun = await sspr(['report', 'activity', '--csv']);
    expect(csvRun.stdout.startsWith('day,event,outcome,count\r\n')).toBe(true);
  });

  it('export audit writes every event since a time as JSON lines to a private file', async () => {
    const since = stack.clock.now() - 86_400_000;
    const events = await stack.store.scanAudit(since);
    const run = await sspr(['export', 'audit', '--since', '1d', '--out', 'siem/audit.jsonl'], undefined, {});
    // The folder must exist: the CLI does not create it.
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write .*siem\/audit\.jsonl/);
    await mkdir(join(workDir, 'siem'));
    const ok = await sspr(['export', 'audit', '--since', '1d', '--out', 'siem/audit.jsonl']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(
      new RegExp(`^exported ${events.length} audit events since .* UTC to siem/audit.jsonl\\n$`),
    );
    const file = join(workDir, 'siem', 'audit.jsonl');
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.at)).toEqual(events.map((e) => e.at));
    expect(lines.every((l, i) => l.subject === events[i]?.subject && l.event === events[i]?.event)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const toStdout = await sspr(['export', 'audit', '--since', '1d']);
    expect(toStdout.stdout.trimEnd().split('\n')).toHaveLength(events.length);
  });

  it('no command output carries an answer hash, a password or a code', async () => {
    const outbox = await stack.outboxLines();
    const codes = outbox.map((line) => line.code).filter((c): c is string => typeof c === 'string');
    const all = [
      await sspr(['status', 'ivan', '--json']),
      await sspr(['audit', '--all', '--since', '1d', '--json']),
      await sspr(['export', 'audit', '--since', '1d']),
      await sspr(['report', 'enrollment', '--json']),
    ]
      .map((run) => run.stdout + run.stderr)
      .join('\n');
    for (const password of Object.values(DEMO_PASSWORDS)) expect(all).not.toContain(password);
    for (const code of codes) expect(all).not.toMatch(new RegExp(`(^|\\D)${code}(\\D|$)`));
    expect(all).not.toContain(fakeHash(1).hash);
    expect(all).not.toContain('ivan answer');
  });
});

describe('the bin', () => {
  const run = (command: string, args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(command, args, { env: { ...process.env, ...env() } }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
      // An empty stdin, closed: a prompt reads end of input.
      child.stdin?.end();
    });

  it('`npx sspr` resolves the package bin in the repository', async () => {
    const help = await run('npx', ['--no-install', 'sspr', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^sspr — the helpdesk and operations tool/);
  });

  it('cli/sspr.mjs runs a command in a process of its own, with the exit codes scripts see', async () => {
    const status = await run(process.execPath, ['cli/sspr.mjs', 'status', 'ivan', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).user).toBe('ivan');
    const missing = await run(process.execPath, ['cli/sspr.mjs', 'status', 'nobody']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/user "nobody" not found/);
    const unconfirmed = await run(process.execPath, ['cli/sspr.mjs', 'unenroll', 'ivan']);
    // No answer is a no.
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stderr).toMatch(/no answer on stdin/);
    expect(await stack.store.getEnrollment((await stack.demo.account('ivan')).objectGuid)).not.toBeNull();
  });
});

describe('where the CLI acts', () => {
  it('says clearly that no local stack runs in a data folder (exit 5)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sspr-cli-empty-'));
    try {
      const run = await sspr(['status', 'alice'], undefined, { env: { SSPR_DATA_DIR: empty } });
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/no local stack in .* \(no endpoint\.json\): start it with `npm start`/);
      const viaOption = await runSspr(['audit', '--all', '--data-dir', empty], { cwd: workDir, env: {} });
      expect(viaOption.code).toBe(5);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('says a stack that stopped does not answer (exit 5), and names a missing table', async () => {
    const dead = await mkdtemp(join(tmpdir(), 'sspr-cli-dead-'));
    try {
      await writeFile(join(dead, 'endpoint.json'), JSON.stringify({ dynamodb: 'http://127.0.0.1:9' }));
      const run = await sspr(['audit', '--all'], undefined, { env: { SSPR_DATA_DIR: dead } });
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/store at http:\/\/127\.0\.0\.1:9 does not answer: is the local stack running/);
      // A dynalite without the table.
      const bare = await startDynalite();
      try {
        await writeFile(join(dead, 'endpoint.json'), JSON.stringify({ dynamodb: bare.endpoint }));
        const missing = await sspr(['report', 'activity'], undefined, { env: { SSPR_DATA_DIR: dead } });
        expect(missing.code).toBe(5);
        expect(missing.stderr).toMatch(/table sspr-local not found/);
      } finally {
        await bare.close();
      }
    } finally {
      await rm(dead, { recursive: true, force: true });
    }
  });

  it('reports an invalid SSPR_CONFIG with every problem (exit 5)', async () => {
    const run = await sspr(['audit', '--all'], undefined, { env: { SSPR_CONFIG: '{"block":{"hours":-1}}' } });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/Invalid configuration:\n\s+- block\.hours/);
  });
});
