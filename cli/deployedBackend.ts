/**
 * A deployed stack as the CLI sees it (--stack NAME): the deploy config (lib/config.ts loadDeployConfig, the file named
 * by the cdk.json context key "config"), the stack's CloudFormation outputs (TableName, BindSecretArn,
 * NotifierPublicKey), AWS credentials from the SDK's usual chain, the region from the deploy config. The directory is
 * reached over LDAPS from where the CLI runs, with the bind password from Secrets Manager and the configured CA.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../functions/adapters/dynamoClient.js';
import { LdapDirectory } from '../functions/adapters/ldap/ldapDirectory.js';
import { decodeSecretKey } from '../functions/adapters/secretsManager.js';
import { DynamoStore } from '../functions/adapters/store.js';
import { StoreOutbox } from '../functions/adapters/storeOutbox.js';
import { systemClock } from '../functions/core/clock.js';
import type { Config } from '../functions/core/config.js';
import type { Backend, DirectoryAccess, LdapTarget } from './backend.js';
import { CliError, EXIT, explain } from './errors.js';
import { listLdapUserNames } from './ldapTools.js';

/** What the CLI relies on from lib/config.ts (the CDK app's deploy config). */
export interface DeployConfig {
  service: Config;
  deployment: { region: string; bindDn: string; caBundleFile: string };
  /** Absolute paths of the files the config names (lib/config.ts resolves them against the repository). */
  files?: { caBundle: string };
}

type DeployConfigLoader = (path: string, baseDir: string) => Promise<DeployConfig> | DeployConfig;

export const REQUIRED_OUTPUTS = ['TableName', 'BindSecretArn', 'NotifierPublicKey'] as const;

export interface DeployedBackendOptions {
  stackName: string;
  /** --config; else the cdk.json context key "config"; else config/example.json. Relative to cwd, then the repo. */
  configFile?: string;
  repoRoot: string;
  cwd: string;
  /** Tests: the deploy config loader (default: lib/config.ts loadDeployConfig). */
  loadDeployConfig?: DeployConfigLoader;
}

async function defaultConfigFile(repoRoot: string): Promise<string> {
  try {
    const cdk = JSON.parse(await readFile(resolve(repoRoot, 'cdk.json'), 'utf8')) as { context?: { config?: unknown } };
    if (typeof cdk.context?.config === 'string') return cdk.context.config;
  } catch {
    // No cdk.json (yet): the documented default.
  }
  return 'config/example.json';
}

async function importDeployConfigLoader(repoRoot: string): Promise<DeployConfigLoader> {
  const module = resolve(repoRoot, 'lib/config.ts');
  let loaded: { loadDeployConfig?: unknown };
  try {
    loaded = (await import(pathToFileURL(module).href)) as { loadDeployConfig?: unknown };
  } catch (error) {
    throw new CliError(
      `--stack needs the CDK app's deploy config loader (${module}): ${(error as Error).message}`,
      EXIT.UNAVAILABLE,
    );
  }
  if (typeof loaded.loadDeployConfig !== 'function') {
    throw new CliError(`${module} exports no loadDeployConfig`, EXIT.UNAVAILABLE);
  }
  return loaded.loadDeployConfig as DeployConfigLoader;
}

/** The stack's outputs by key; clear errors for missing credentials and an unknown stack. */
export async function stackOutputs(
  client: CloudFormationClient,
  stackName: string,
  region: string,
): Promise<Record<string, string>> {
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message)) {
      throw new CliError(`stack ${stackName} not found in ${region}`, EXIT.UNAVAILABLE);
    }
    throw explain(error);
  }
  const stack = stacks?.[0];
  if (!stack) throw new CliError(`stack ${stackName} not found in ${region}`, EXIT.UNAVAILABLE);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new CliError(
      `stack ${stackName} (${stack.StackStatus ?? 'unknown status'}) lacks the outputs ${missing.join(', ')}: is it an SSPR stack, deployed completely?`,
      EXIT.UNAVAILABLE,
    );
  }
  return outputs;
}

export async function openDeployedBackend(options: DeployedBackendOptions): Promise<Backend> {
  const file = options.configFile ?? (await defaultConfigFile(options.repoRoot));
  const configPath = isAbsolute(file) ? file : resolve(options.configFile ? options.cwd : options.repoRoot, file);
  const load = options.loadDeployConfig ?? (await importDeployConfigLoader(options.repoRoot));
  let deploy: DeployConfig;
  try {
    deploy = await load(configPath, options.repoRoot);
  } catch (error) {
    throw new CliError(`deploy config ${configPath}: ${(error as Error).message}`, EXIT.UNAVAILABLE);
  }
  const { service: config, deployment } = deploy;
  const region = deployment.region;
  const cloudFormation = new CloudFormationClient({ region });
  let outputs: Record<string, string>;
  try {
    outputs = await stackOutputs(cloudFormation, options.stackName, region);
  } finally {
    cloudFormation.destroy();
  }
  const table = outputs.TableName ?? '';
  const db = createDocumentClient({ region });
  const store = new DynamoStore(db, table);
  const closers: (() => Promise<void>)[] = [async () => db.destroy()];

  const directory = async (): Promise<DirectoryAccess> => {
    const secrets = new SecretsManagerClient({ region });
    let bindPassword: string;
    try {
      const secret = await secrets.send(new GetSecretValueCommand({ SecretId: outputs.BindSecretArn }));
      if (!secret.SecretString) throw new CliError('the bind secret has no string value', EXIT.UNAVAILABLE);
      bindPassword = secret.SecretString;
    } catch (error) {
      throw explain(error);
    } finally {
      secrets.destroy();
    }
    const caFile = deploy.files?.caBundle ?? resolve(options.repoRoot, deployment.caBundleFile);
    const ca = await readFile(caFile).catch((error: Error) => {
      throw new CliError(`the CA bundle ${caFile} cannot be read (${error.message})`, EXIT.UNAVAILABLE);
    });
    if (config.directory.urls.length === 0) {
      throw new CliError('the deploy config names no domain controller (directory.urls)', EXIT.UNAVAILABLE);
    }
    const target: LdapTarget = {
      urls: config.directory.urls,
      bindDn: deployment.bindDn,
      bindPassword,
      ca,
      caSource: caFile,
      baseDn: config.domain.baseDn,
      searchBases: config.domain.searchBases,
      connectTimeoutMs: config.directory.connectTimeoutMs,
      operationTimeoutMs: config.directory.operationTimeoutMs,
    };
    const ldap = new LdapDirectory({ ...target });
    closers.unshift(() => ldap.close());
    return {
      directory: ldap,
      describe: target.urls.join(', '),
      listUserNames: (onProgress) => listLdapUserNames(target, onProgress),
      ldap: target,
      close: () => ldap.close(),
    };
  };

  const outbox = new StoreOutbox(store, outputs.NotifierPublicKey ?? '', systemClock);

  return {
    mode: 'deployed',
    describe: `stack ${options.stackName} in ${region} (table ${table})`,
    table,
    storeLocation: `DynamoDB in ${region}`,
    config,
    clock: systemClock,
    store,
    directory,
    outbox: async () => outbox,
    decoyKey: async () => {
      const secrets = new SecretsManagerClient({ region });
      try {
        const secret = await secrets.send(new GetSecretValueCommand({ SecretId: outputs.DecoyKeySecretArn }));
        return decodeSecretKey(secret.SecretString ?? '', 'decoy key');
      } catch (error) {
        throw explain(error);
      } finally {
        secrets.destroy();
      }
    },
    close: async () => {
      for (const close of closers) await close().catch(() => undefined);
    },
  };
}
