/**
 * The deploy config (issue 8 §1, DESIGN §6): the example parses, a bad one is refused with every problem listed, by
 * parseDeployConfig and by the CDK app itself (bin/sspr.ts exits non-zero before any stack is built).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/config.js';
import { loadDeployConfig, parseDeployConfig } from '../../lib/config.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { exampleConfig, type RawConfig, withDeployment } from './synth.js';

const run = promisify(execFile);

function problemsOf(input: unknown, baseDir = REPO_ROOT): string[] {
  try {
    parseDeployConfig(input, baseDir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the config was accepted');
}

/** Several wrong keys at once, in both the service part and the deployment part. */
function badConfig(): RawConfig {
  const example = exampleConfig();
  return withDeployment(
    {
      region: 'Frankfurt',
      domainControllerCidrs: ['10.10.1.10/33'],
      caBundleFile: 'config/no-such-ca.pem',
      alarmEmail: 'not an address',
      surprise: true,
    },
    {
      ...example,
      directory: { urls: [] },
      notifications: { ...(example.notifications as object), baseUrl: 'http://password.example.com' },
      reset: { flowMinutes: 'fifteen' },
      unknownSection: {},
    } as RawConfig,
  );
}

/** The problem lines a bad config must produce, one per mistake (the path first). */
const EXPECTED = [
  /^deployment\.region: /,
  /^deployment\.domainControllerCidrs\.0: .*CIDR/,
  /^deployment\.caBundleFile: .*no-such-ca\.pem does not exist/,
  /^deployment\.alarmEmail: /,
  /^deployment(\.surprise)?: .*surprise/,
  /^directory\.urls: name at least one domain controller/,
  /^notifications\.baseUrl: must be the https:\/\//,
  /^reset\.flowMinutes: /,
  /^(unknownSection|\(root\)): |unknownSection/,
];

describe('the deploy config', () => {
  it('config/example.json parses, with the CA file and the operator’s overrides kept as written', () => {
    const config = loadDeployConfig('config/example.json', REPO_ROOT);
    const { deployment, ...overrides } = exampleConfig();
    expect(config.serviceOverrides).toEqual(overrides);
    expect(config.deployment).toMatchObject({
      stackName: deployment.stackName,
      region: 'eu-central-1',
      secretsManagerAccess: 'endpoint',
      logRetentionDays: 90,
      api: { rateLimit: 50, burstLimit: 100 },
    });
    expect(config.files.caBundle).toBe(join(REPO_ROOT, 'config/example-ca.pem'));
    expect(config.files.strings).toBeUndefined();
    expect(config.service.directory.urls).toHaveLength(2);
    // Defaults fill what the operator left out.
    expect(config.service.reset.flowMinutes).toBe(15);
  });

  it('fills the deployment defaults (created VPC, endpoint mode, throttling)', () => {
    const config = parseDeployConfig(
      withDeployment({ vpc: { create: {} }, secretsManagerAccess: undefined, api: undefined, waf: undefined }),
      REPO_ROOT,
    );
    expect(config.deployment.vpc).toEqual({ create: { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 0 } });
    expect(config.deployment.secretsManagerAccess).toBe('endpoint');
    expect(config.deployment.api).toEqual({ rateLimit: 50, burstLimit: 100 });
  });

  it('lists every problem of a bad config at once, in both sections', () => {
    const problems = problemsOf(badConfig());
    for (const pattern of EXPECTED) {
      expect(
        problems.some((p) => pattern.test(p)),
        `${pattern} in\n${problems.join('\n')}`,
      ).toBe(true);
    }
    expect(problems.length).toBeGreaterThanOrEqual(EXPECTED.length);
  });

  it('refuses a CA file that holds no certificate, and a strings file that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-config-'));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    const problems = problemsOf(withDeployment({ caBundleFile: join(dir, 'ca.pem'), stringsFile: 'nowhere.json' }));
    expect(problems).toEqual([
      `deployment.caBundleFile: ${join(dir, 'ca.pem')} holds no PEM certificate`,
      `deployment.stringsFile: ${join(REPO_ROOT, 'nowhere.json')} does not exist`,
    ]);
  });

  it('refuses combinations: a created WAF elsewhere than us-east-1 without the account, NAT access with no NAT', () => {
    const problems = problemsOf(
      withDeployment({
        waf: { create: {} },
        vpc: { create: { natGateways: 0 } },
        secretsManagerAccess: 'nat',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^deployment\.waf\.create: needs deployment\.account/),
        expect.stringMatching(/^deployment\.vpc\.create\.natGateways: must be at least 1/),
      ]),
    );
  });

  it('refuses a missing deployment section and a file that cannot be read', () => {
    const { deployment: _deployment, ...serviceOnly } = exampleConfig();
    expect(problemsOf(serviceOnly).some((p) => p.startsWith('deployment: '))).toBe(true);
    expect(() => loadDeployConfig('config/none.json', REPO_ROOT)).toThrow(/cannot be read/);
  });

  it('stops the CDK app (bin/sspr.ts) with every problem listed and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-badconfig-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(badConfig()));
    const failure = await run('npx', ['tsx', 'bin/sspr.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ config: file }),
        CDK_OUTDIR: join(dir, 'out'),
      },
      timeout: 60_000,
    }).then(
      () => undefined,
      (error: Error & { code?: number; stderr?: string }) => error,
    );
    expect(failure, 'the app accepted a bad config').toBeDefined();
    expect(failure?.code).not.toBe(0);
    const stderr = failure?.stderr ?? '';
    expect(stderr).toContain(`${file}: Invalid configuration:`);
    const listed = stderr.split('\n').filter((line) => line.startsWith('  - '));
    for (const pattern of EXPECTED) {
      expect(
        listed.some((line) => pattern.test(line.slice(4))),
        `${pattern} in\n${stderr}`,
      ).toBe(true);
    }
  });
});
