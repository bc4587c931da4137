/**
 * The CDK app (DESIGN §2): reads and validates the deploy config named by the `config` context key (cdk.json; or
 * `-c config=path`), then the stacks. A bad config stops synth here, with every problem listed. cdk-nag's
 * AwsSolutions checks run on everything; a finding fails synth unless suppressed with its reason (lib/nag.ts).
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/core/config.js';
import { loadDeployConfig } from '../lib/config.js';
import { REPO_ROOT } from '../lib/paths.js';
import { SsprStack } from '../lib/ssprStack.js';
import { WafStack } from '../lib/waf.js';

const app = new App();
const configPath = String(app.node.tryGetContext('config') ?? 'config/example.json');

let config: ReturnType<typeof loadDeployConfig>;
try {
  config = loadDeployConfig(configPath, REPO_ROOT);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${configPath}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const { deployment } = config;
const version = (JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string }).version;
const env = { account: deployment.account, region: deployment.region };

let webAclArn: string | undefined;
if (deployment.waf && 'create' in deployment.waf) {
  const waf = new WafStack(app, `${deployment.stackName}Waf`, {
    env: { account: deployment.account, region: 'us-east-1' },
    crossRegionReferences: deployment.region !== 'us-east-1',
    requestsPer5Minutes: deployment.waf.create.requestsPer5Minutes,
  });
  webAclArn = waf.webAclArn;
}

new SsprStack(app, deployment.stackName, {
  env,
  crossRegionReferences: webAclArn !== undefined && deployment.region !== 'us-east-1',
  config,
  // cdk.json's app builds web/dist first; SSPR_WEB_DIR names another built page (the bundled-synth test uses one).
  webDir: process.env.SSPR_WEB_DIR ?? `${REPO_ROOT}/web/dist`,
  version,
  webAclArn,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
