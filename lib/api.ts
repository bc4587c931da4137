/**
 * The HTTP API (DESIGN §1, §3): one function per route from the route table the local server also serves
 * (functions/http/routes.ts), the `$default` route for unknown routes and methods, stage throttling and access logs.
 * Request functions run in the VPC's private subnets; each may use only the table actions and secrets it needs.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ROUTES, type RouteName } from '../functions/http/routes.js';
import type { Data } from './data.js';
import { SsprFunction } from './ssprFunction.js';

/**
 * What each route's function touches. `hashes`: it runs scrypt at N=2^17, r=8 (128 MiB per hash), so it gets the
 * memory that buys a full vCPU (1769 MB) and the hash costs what the bench measured, not several times more.
 */
interface RouteNeeds {
  description: string;
  directory: boolean;
  table: boolean;
  keys: boolean;
  /**
   * With `keys`: only these of the three keys (the function reads them through lambda/runtime/grantedKeys.ts); without
   * it, all three (lambda/runtime/keys.ts).
   */
  onlyKeys?: readonly KeyName[];
  hashes: boolean;
}

type KeyName = 'pepper' | 'decoyKey' | 'authenticatorKey';
const ALL_KEYS: readonly KeyName[] = ['pepper', 'decoyKey', 'authenticatorKey'];

const FLOW: Omit<RouteNeeds, 'description' | 'hashes'> = { directory: true, table: true, keys: true };

export const ROUTE_NEEDS: Record<RouteName | 'fallback', RouteNeeds> = {
  health: { description: 'GET /api/health', directory: false, table: false, keys: false, hashes: false },
  config: { description: 'GET /api/config', directory: true, table: false, keys: false, hashes: false },
  enroll: { description: 'POST /api/enroll', ...FLOW, hashes: true },
  verifyContact: { description: 'POST /api/enroll/verify', directory: false, table: true, keys: true, hashes: false },
  startReset: { description: 'POST /api/reset/start', ...FLOW, hashes: false },
  answer: { description: 'POST /api/reset/answer', ...FLOW, hashes: true },
  chooseMethod: { description: 'POST /api/reset/choose', ...FLOW, hashes: false },
  resetPasskey: { description: 'POST /api/reset/passkey', ...FLOW, hashes: false },
  sendCode: { description: 'POST /api/reset/code', ...FLOW, hashes: false },
  setPassword: { description: 'POST /api/reset/password', ...FLOW, hashes: false },
  unlock: { description: 'POST /api/unlock', ...FLOW, hashes: false },
  changePassword: { description: 'POST /api/change', ...FLOW, hashes: false },
  // Recovery methods: the session proves the password (the decoy key keys unresolved names); every step reads the
  // account again and queues notices; recovery codes are keyed hashes (pepper), authenticator seeds are sealed (the
  // authenticator key); passkeys need no key (a public key is no secret) and removing needs none.
  methodsSession: { description: 'POST /api/methods/session', ...FLOW, onlyKeys: ['decoyKey'], hashes: false },
  methodsRecoveryCodes: {
    description: 'POST /api/methods/recovery-codes',
    ...FLOW,
    onlyKeys: ['pepper'],
    hashes: false,
  },
  methodsAuthenticatorBegin: {
    description: 'POST /api/methods/authenticator/begin',
    ...FLOW,
    onlyKeys: ['authenticatorKey'],
    hashes: false,
  },
  methodsAuthenticatorConfirm: {
    description: 'POST /api/methods/authenticator/confirm',
    ...FLOW,
    onlyKeys: ['authenticatorKey'],
    hashes: false,
  },
  methodsPasskeyBegin: { description: 'POST /api/methods/passkey/begin', ...FLOW, onlyKeys: [], hashes: false },
  methodsPasskeyFinish: { description: 'POST /api/methods/passkey/finish', ...FLOW, onlyKeys: [], hashes: false },
  methodsRemove: { description: 'POST /api/methods/remove', ...FLOW, onlyKeys: [], hashes: false },
  // "This wasn't me": the table (the token's record, the block, the open flow, audit) and the outbox (the notifier's
  // public key); it reads no account and no key.
  repudiate: {
    description: 'POST /api/repudiate',
    directory: false,
    table: true,
    keys: true,
    onlyKeys: [],
    hashes: false,
  },
  fallback: {
    description: '$default: unknown routes and methods',
    directory: false,
    table: false,
    keys: false,
    hashes: false,
  },
};

/**
 * The table actions of a request function: items by key, one conditional write at a time (DESIGN §5). BatchWriteItem
 * grants nothing more than PutItem and DeleteItem (the store uses it for unconditional deletes that belong together);
 * every table function has it, so a domain change that clears failures somewhere new cannot fail only in AWS.
 */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export const HASHING_MEMORY_MB = 1769;

export interface ApiProps {
  data: Data;
  network: { vpc: ec2.IVpc; subnets: ec2.SubnetSelection; securityGroup: ec2.ISecurityGroup };
  serviceConfig: Record<string, unknown>;
  bindDn: string;
  caBundleFile: string;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: logs.RetentionDays;
  version: string;
}

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly functions: Record<RouteName | 'fallback', SsprFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { data } = props;
    const make = (name: RouteName | 'fallback') => {
      const needs = ROUTE_NEEDS[name];
      const environment: Record<string, string> = { SSPR_ORIGIN_SECRET_ID: data.originSecret.secretArn };
      const secrets: secretsmanager.ISecret[] = [data.originSecret];
      if (needs.directory) {
        environment.SSPR_BIND_SECRET_ID = data.bindSecret.secretArn;
        environment.SSPR_LDAP_BIND_DN = props.bindDn;
        environment.SSPR_LDAP_CA_FILE = 'ca.pem';
        secrets.push(data.bindSecret);
      }
      if (needs.table) environment.SSPR_TABLE_NAME = data.table.tableName;
      if (needs.keys) {
        const keys = {
          pepper: { variable: 'SSPR_PEPPER_SECRET_ID', secret: data.pepperSecret },
          decoyKey: { variable: 'SSPR_DECOY_KEY_SECRET_ID', secret: data.decoyKeySecret },
          authenticatorKey: { variable: 'SSPR_AUTHENTICATOR_KEY_SECRET_ID', secret: data.authenticatorKeySecret },
        };
        for (const name of needs.onlyKeys ?? ALL_KEYS) {
          environment[keys[name].variable] = keys[name].secret.secretArn;
          secrets.push(keys[name].secret);
        }
        environment.SSPR_NOTIFIER_PUBLIC_KEY = data.notifierPublicKey;
      }
      const fn = new SsprFunction(this, upperFirst(name), {
        entry: name,
        description: `SSPR ${needs.description}`,
        serviceConfig: props.serviceConfig,
        logRetention: props.logRetention,
        memorySize: needs.hashes ? HASHING_MEMORY_MB : 512,
        timeout: Duration.seconds(25),
        version: props.version,
        vpc: props.network,
        environment,
        ...(needs.directory ? { extraFiles: { 'ca.pem': props.caBundleFile } } : {}),
      });
      for (const secret of secrets) secret.grantRead(fn.fn);
      if (needs.table) {
        fn.fn.addToRolePolicy(new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: [data.table.tableArn] }));
      }
      return fn;
    };
    const functions = Object.fromEntries(
      (Object.keys(ROUTE_NEEDS) as (RouteName | 'fallback')[]).map((name) => [name, make(name)]),
    ) as Record<RouteName | 'fallback', SsprFunction>;
    this.functions = functions;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'SSPR API (reached through CloudFront only: the functions check the origin secret)',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Fallback', functions.fallback.fn),
    });
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No query string, no headers, no body: nothing a user typed reaches the access log.
        format: apigwv1.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of ROUTES) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as apigw.HttpMethod],
        integration: new HttpLambdaIntegration(upperFirst(route.name), functions[route.name].fn),
      });
    }
  }
}

function upperFirst(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
