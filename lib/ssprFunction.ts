/**
 * The house Lambda construct: every function of the product is built the same way (DESIGN §9). Node.js 24 on arm64,
 * bundled by esbuild as minified ESM with the AWS SDK clients inside (no runtime-provided SDK whose version drifts),
 * source maps without sources content, its own log group with the configured retention, and the rules in its
 * environment as SSPR_CONFIG.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPO_ROOT } from './paths.js';

export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** SDK credential sources behind dynamic imports that a Lambda never runs (see bundlingOptions). */
export const UNREACHED_CREDENTIAL_SOURCES = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
];

/** esbuild's options as the app builds every function; `npm run bench` measures the bundles a synth produces. */
export function bundlingOptions(extraFiles: Record<string, string> = {}): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // DEFAULT: the .map file plus the sourceMappingURL comment that --enable-source-maps needs to find it, when an
    // operator turns it on for a function (an external map has no comment, and Node would print minified traces).
    sourceMapMode: nodejs.SourceMapMode.DEFAULT,
    target: 'node22',
    mainFields: ['module', 'main'],
    // Bundle everything, the SDK clients included (DESIGN §10): one module per client keeps each bundle to what it
    // uses. Left out: the credential sources a Lambda never reaches. The SDK's default chain tries the environment
    // first, and a Lambda's role credentials are always there; the other sources are dynamic imports that only run
    // when the environment has none, so they cost ~90 KiB of every bundle for nothing.
    externalModules: UNREACHED_CREDENTIAL_SOURCES,
    // License texts stay in node_modules; the deployed file carries code only.
    esbuildArgs: { '--legal-comments': 'none', '--charset': 'utf8' },
    // ESM bundles of CommonJS dependencies still call require() for Node built-ins.
    banner: "import{createRequire as __sspr_cr}from'module';const require=__sspr_cr(import.meta.url);",
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_input: string, output: string) =>
        Object.entries(extraFiles).map(
          ([name, source]) => `cp ${shellQuote(source)} ${shellQuote(`${output}/${name}`)}`,
        ),
    },
  };
}

export interface SsprFunctionProps {
  /** The entry under functions/lambda/ (without .ts), e.g. 'startReset'. */
  entry: string;
  description: string;
  /** The rules the function reads as SSPR_CONFIG (the operator's overrides; defaults stay the schema's). */
  serviceConfig: Record<string, unknown>;
  environment?: Record<string, string>;
  logRetention: logs.RetentionDays;
  memorySize?: number;
  timeout?: Duration;
  vpc?: { vpc: ec2.IVpc; subnets: ec2.SubnetSelection; securityGroup: ec2.ISecurityGroup };
  /** Files copied next to the bundle (name → absolute source), e.g. the directory's CA bundle as ca.pem. */
  extraFiles?: Record<string, string>;
  version: string;
}

export class SsprFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SsprFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Its own role: write to its own log group and nothing else until the stack grants what the function uses.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `SSPR ${props.entry}`,
    });
    this.logGroup.grantWrite(role);
    if (props.vpc) {
      // Lambda attaches a function to the VPC through network interfaces it manages with the function's role (what
      // AWSLambdaVPCAccessExecutionRole grants, without its logs:* on every log group). These actions take no
      // resource scope that Lambda's own check accepts.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      role,
      entry: `${REPO_ROOT}/functions/lambda/${props.entry}.ts`,
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      projectRoot: REPO_ROOT,
      bundling: bundlingOptions(props.extraFiles),
      // No --enable-source-maps: Node reads and parses a bundle's map as it loads it, 7 ms of every cold start
      // (measured on a 380 KiB bundle, 36 → 43 ms), while the service logs no stack traces (log allow-list). The maps
      // stay beside each bundle for the rare runtime stack trace: docs/deploy.md says how to turn them on.
      environment: {
        SSPR_VERSION: props.version,
        SSPR_CONFIG: JSON.stringify(props.serviceConfig),
        ...props.environment,
      },
      ...(props.vpc
        ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets, securityGroups: [props.vpc.securityGroup] }
        : {}),
    });
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
