/**
 * Builds the CDK app the way bin/sspr.ts does, from a deploy config object, with bundling off (no esbuild: template
 * assertions only; never deploy this output). Synths cost seconds, so each distinct config is built once per test file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type DeployConfig, parseDeployConfig } from '../../lib/config.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { SsprStack } from '../../lib/ssprStack.js';
import { WafStack } from '../../lib/waf.js';
import type { Json } from './inspect.js';

export type RawConfig = Record<string, unknown> & { deployment: Record<string, Json> };

/** config/example.json as parsed JSON: a fresh copy each call, free to change. */
export function exampleConfig(): RawConfig {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'config/example.json'), 'utf8')) as RawConfig;
}

/** The example with `deployment` keys replaced (a key set to undefined is removed). */
export function withDeployment(changes: Record<string, unknown>, base: RawConfig = exampleConfig()): RawConfig {
  const deployment = { ...base.deployment, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete deployment[key];
  return { ...base, deployment };
}

let scratch: string | undefined;
/** A per-process temporary directory (web dir, strings file): web/dist may not exist in a fresh clone. */
export function scratchDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'sspr-infra-'));
    writeFileSync(join(scratch, 'index.html'), '<!doctype html><title>SSPR test</title>');
    writeFileSync(join(scratch, 'strings.json'), JSON.stringify({ en: { title: 'Reset your Example password' } }));
  }
  return scratch;
}

/** The operator's strings override file the variants name (absolute, so the base dir does not matter). */
export function stringsFile(): string {
  return join(scratchDir(), 'strings.json');
}

export const VARIANTS = {
  /** config/example.json: imported VPC, Secrets Manager endpoint, WAF by ARN, no custom domain. */
  example: () => exampleConfig(),
  /** A created VPC with a NAT, Secrets Manager through it, a custom domain, a created WAF, the operator's strings. */
  createdNat: () =>
    withDeployment({
      account: '111122223333',
      vpc: { create: { natGateways: 1 } },
      secretsManagerAccess: 'nat',
      customDomain: {
        domainName: 'password.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-4000-8000-000000000000',
      },
      waf: { create: { requestsPer5Minutes: 600 } },
      stringsFile: stringsFile(),
    }),
  /** A created isolated VPC (no NAT) reaching Secrets Manager by endpoint; no WAF; other retention, throttling, rules. */
  createdEndpoint: () =>
    withDeployment(
      {
        vpc: { create: { cidr: '10.50.0.0/16', maxAzs: 3 } },
        waf: undefined,
        logRetentionDays: 30,
        api: { rateLimit: 20, burstLimit: 40 },
      },
      { ...exampleConfig(), reset: { flowMinutes: 10 } } as RawConfig,
    ),
  /** The imported VPC, but Secrets Manager through its NAT. */
  importedNat: () => withDeployment({ secretsManagerAccess: 'nat' }),
} satisfies Record<string, () => RawConfig>;

export type VariantName = keyof typeof VARIANTS;

export interface Synth {
  app: App;
  config: DeployConfig;
  stack: SsprStack;
  template: Template;
  waf: WafStack | undefined;
  wafTemplate: Template | undefined;
}

/** Builds the app for a raw config (validated by parseDeployConfig, paths relative to the repository root). */
export function build(raw: RawConfig): Synth {
  const config = parseDeployConfig(raw, REPO_ROOT);
  const { deployment } = config;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  // As bin/sspr.ts: a created web ACL lives in its own us-east-1 stack, shared with the main stack across regions.
  let waf: WafStack | undefined;
  if (deployment.waf && 'create' in deployment.waf) {
    waf = new WafStack(app, `${deployment.stackName}Waf`, {
      env: { account: deployment.account, region: 'us-east-1' },
      crossRegionReferences: deployment.region !== 'us-east-1',
      requestsPer5Minutes: deployment.waf.create.requestsPer5Minutes,
    });
  }
  const stack = new SsprStack(app, deployment.stackName, {
    env: { account: deployment.account, region: deployment.region },
    crossRegionReferences: waf !== undefined && deployment.region !== 'us-east-1',
    config,
    webDir: scratchDir(),
    version: '0.0.0-test',
    webAclArn: waf?.webAclArn,
  });
  return {
    app,
    config,
    stack,
    template: Template.fromStack(stack),
    waf,
    wafTemplate: waf ? Template.fromStack(waf) : undefined,
  };
}

const cache = new Map<string, Synth>();

/** One synth per variant per test file. */
export function synth(variant: VariantName): Synth {
  let built = cache.get(variant);
  if (!built) {
    built = build(VARIANTS[variant]());
    cache.set(variant, built);
  }
  return built;
}
