/**
 * The deploy config (DESIGN §6): the service's rules and directory settings, validated by the same schema the Lambdas
 * use (functions/core/config.ts), plus what only the deployment needs (account, network, secrets, edge, alarms). One
 * JSON file, named by cdk.json's context key `config` (default `config/example.json`, or `-c config=path`). A bad
 * file fails synth with every problem listed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { type Config, ConfigError, configSchema } from '../functions/core/config.js';

const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, 'must be an IPv4 CIDR range like 10.0.1.0/24')
  .refine((v) => {
    const [address = '', bits = ''] = v.split('/');
    return address.split('.').every((octet) => Number(octet) <= 255) && Number(bits) <= 32;
  }, 'must be an IPv4 CIDR range like 10.0.1.0/24');

const distinguishedName = z.string().regex(/^[A-Za-z]+=[^,]+(,[A-Za-z]+=[^,]+)*$/, 'must be a distinguished name');
const arn = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ARN of ${service} (arn:aws:${service}:…)`);

/** An existing VPC, imported by attributes so synth needs no lookup (and no AWS account). */
const importedVpc = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id (vpc-…)'),
  vpcCidrBlock: cidr,
  availabilityZones: z.array(z.string().min(1)).min(1),
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id (subnet-…)')).min(1),
  privateSubnetRouteTableIds: z.array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, 'must be a route table id (rtb-…)')),
});

/** A VPC the stack creates: private subnets with NAT (or none, when Secrets Manager is reached by endpoint). */
const createdVpc = z.strictObject({
  cidr: cidr.default('10.40.0.0/16'),
  maxAzs: z.int().min(2).max(3).default(2),
  natGateways: z.int().min(0).max(3).default(0),
});

export const deploymentSchema = z
  .strictObject({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/)
      .default('Sspr'),
    /** The account and region to deploy to; the account is needed only for a WAF web ACL created by the app. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like eu-central-1'),
    vpc: z.union([z.strictObject({ import: importedVpc }), z.strictObject({ create: createdVpc })], {
      error:
        'must be { "import": { vpcId, vpcCidrBlock, availabilityZones, privateSubnetIds, … } } or { "create": { … } }',
    }),
    /** How request functions reach Secrets Manager from the private subnets: an interface endpoint, or the VPC's NAT. */
    secretsManagerAccess: z.enum(['endpoint', 'nat']).default('endpoint'),
    /** The domain controllers' addresses: request functions may open 636 to these ranges and nothing else. */
    domainControllerCidrs: z.array(cidr).min(1),
    /** The service account's DN; its password goes into the bind secret after the first deploy (docs/deploy.md). */
    bindDn: distinguishedName,
    /** PEM bundle of the CA(s) that issued the DCs' certificates, relative to the repository root. */
    caBundleFile: z.string().min(1),
    /** The SES identity (a verified domain or address) mail is sent as; the notifier may send as this one only. */
    sesIdentity: z.string().min(3),
    alarmEmail: z.email(),
    logRetentionDays: z
      .union(
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map(
          (n) => z.literal(n),
        ),
      )
      .default(90),
    api: z
      .strictObject({
        /** Stage throttling: steady requests per second and burst, for the whole API. */
        rateLimit: z.int().min(1).max(10_000).default(50),
        burstLimit: z.int().min(1).max(5_000).default(100),
      })
      .prefault({}),
    /** The page at your own name (certificate in us-east-1, as CloudFront requires). */
    customDomain: z.strictObject({ domainName: z.string().min(3), certificateArn: arn('acm') }).optional(),
    /** A CloudFront WAF web ACL: an existing one by ARN, or one the app creates in us-east-1 with a rate rule. */
    waf: z
      .union([
        z.strictObject({ webAclArn: arn('wafv2') }),
        z.strictObject({
          create: z.strictObject({ requestsPer5Minutes: z.int().min(100).max(2_000_000000).default(1000) }),
        }),
      ])
      .optional(),
    /** The operator's string overrides for the page (web/public/strings.json format), relative to the repository root. */
    stringsFile: z.string().min(1).optional(),
  })
  .superRefine((deployment, ctx) => {
    if (deployment.waf && 'create' in deployment.waf && deployment.region !== 'us-east-1' && !deployment.account) {
      ctx.addIssue({
        code: 'custom',
        path: ['waf', 'create'],
        message: 'needs deployment.account: the web ACL lives in us-east-1 and is shared with the stack across regions',
      });
    }
    if (
      'create' in deployment.vpc &&
      deployment.secretsManagerAccess === 'nat' &&
      deployment.vpc.create.natGateways === 0
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpc', 'create', 'natGateways'],
        message: 'must be at least 1 when secretsManagerAccess is "nat"',
      });
    }
  });

export type Deployment = z.output<typeof deploymentSchema>;

export interface DeployConfig {
  /** The rules and directory settings the functions get as SSPR_CONFIG. */
  service: Config;
  /** The same, as the operator wrote it (what SSPR_CONFIG carries: defaults stay defaults). */
  serviceOverrides: Record<string, unknown>;
  deployment: Deployment;
  /** Absolute paths of the files the config names. */
  files: { caBundle: string; strings: string | undefined };
}

/**
 * Validates a deploy config object: `deployment` against the deployment schema, everything else against the service
 * schema. Throws ConfigError listing every problem of both (paths as in the file).
 */
export function parseDeployConfig(input: unknown, baseDir: string): DeployConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(['(root): must be a JSON object with a "deployment" section']);
  }
  const { deployment: rawDeployment, ...serviceOverrides } = input as Record<string, unknown>;
  const problems: string[] = [];
  const service = configSchema.safeParse(serviceOverrides);
  if (!service.success) problems.push(...service.error.issues.map((issue) => describe(issue.path, issue.message)));
  const deployment = deploymentSchema.safeParse(rawDeployment);
  if (!deployment.success) {
    problems.push(...deployment.error.issues.map((issue) => describe(['deployment', ...issue.path], issue.message)));
  }
  // The deploy-only checks run even when the schemas found other problems, on the raw values then (every problem is
  // listed at once); a value of the wrong type is the schema's to report.
  const section = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const urls = service.success ? service.data.directory.urls : section(serviceOverrides.directory).urls;
  if (urls === undefined || (Array.isArray(urls) && urls.length === 0)) {
    problems.push('directory.urls: name at least one domain controller (ldaps://dc1.corp.example.com)');
  }
  const baseUrl = service.success
    ? service.data.notifications.baseUrl
    : section(serviceOverrides.notifications).baseUrl;
  if (baseUrl === undefined || (typeof baseUrl === 'string' && !/^https:\/\//.test(baseUrl))) {
    problems.push('notifications.baseUrl: must be the https:// address users open (the CloudFront or custom domain)');
  }
  const fileName = (key: 'caBundleFile' | 'stringsFile'): string | undefined => {
    const value = deployment.success ? deployment.data[key] : section(rawDeployment)[key];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const files = { caBundle: '', strings: undefined as string | undefined };
  const caBundleFile = fileName('caBundleFile');
  if (caBundleFile) {
    files.caBundle = resolvePath(baseDir, caBundleFile);
    if (!existsSync(files.caBundle)) {
      problems.push(`deployment.caBundleFile: ${files.caBundle} does not exist`);
    } else if (!readFileSync(files.caBundle, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`deployment.caBundleFile: ${files.caBundle} holds no PEM certificate`);
    }
  }
  const stringsFile = fileName('stringsFile');
  if (stringsFile) {
    files.strings = resolvePath(baseDir, stringsFile);
    if (!existsSync(files.strings)) problems.push(`deployment.stringsFile: ${files.strings} does not exist`);
  }
  if (problems.length > 0 || !service.success || !deployment.success) throw new ConfigError(problems);
  return { service: service.data, serviceOverrides, deployment: deployment.data, files };
}

/** Reads and validates the deploy config file; paths in it are relative to `baseDir` (the repository root). */
export function loadDeployConfig(path: string, baseDir = process.cwd()): DeployConfig {
  const file = resolvePath(baseDir, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`${file}: cannot be read (name the deploy config with -c config=path)`]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file}: not valid JSON (${(error as Error).message})`]);
  }
  return parseDeployConfig(input, baseDir);
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function describe(path: PropertyKey[], message: string): string {
  return `${path.length ? path.map(String).join('.') : '(root)'}: ${message}`;
}
