/**
 * cdk-nag (AwsSolutions) findings this app accepts, each with its reason. Anything not listed here fails synth, and
 * test/infra checks that the app has no unacknowledged finding.
 */
import { type Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ROUTES as API_ROUTES } from '../functions/http/routes.js';

interface Acknowledgement {
  /** Construct path below the stack, or a prefix of the id of a singleton the CDK adds at the stack's root. */
  at: string;
  id: string;
  reason: string;
}

const PUBLIC_API =
  'Self-service is for users who cannot sign in: the API has no IAM or JWT authorizer by design. Each function checks ' +
  "CloudFront's origin secret (constant time) and then proves the user by password, answers and codes, with rate limits.";

/** The HTTP API's route construct ids (CDK names them method + path with `/` as `--`), and its `$default` route. */
const ROUTES = ['DefaultRoute', ...API_ROUTES.map((route) => `${route.method}${route.path.replaceAll('/', '--')}`)];

/** The request functions' construct ids under Api (lib/api.ts): one per route, and the `$default` fallback. */
const REQUEST_FUNCTIONS = [...API_ROUTES.map((route) => route.name), 'fallback'].map(
  (name) => name.charAt(0).toUpperCase() + name.slice(1),
);

const BUCKET_DEPLOYMENT = 'Custom::CDKBucketDeployment';
const AWS_CUSTOM_RESOURCE = 'AWS679f53fac002430cb0da5b7982bd2287';

interface Options {
  customDomain: boolean;
  /** A web ACL is attached (created by the app or named by ARN). */
  waf: boolean;
}

function acknowledgements(options: Options & { account: string; region: string }): Acknowledgement[] {
  const secretRotation = (name: string, reason: string): Acknowledgement => ({
    at: `Data/${name}`,
    id: 'AwsSolutions-SMG4',
    reason,
  });
  return [
    ...ROUTES.map((route) => ({ at: `Api/HttpApi/${route}`, id: 'AwsSolutions-APIG4', reason: PUBLIC_API })),
    {
      at: 'Web/Distribution',
      id: 'AwsSolutions-CFR1',
      reason:
        'Employees reset passwords from wherever they are (travel, home); a country block belongs in the WAF web ACL, where the operator can add one.',
    },
    ...(options.waf
      ? []
      : [
          {
            at: 'Web/Distribution',
            id: 'AwsSolutions-CFR2',
            reason:
              'The WAF web ACL is optional (deployment.waf): without one, stage throttling and the per-user and per-address ' +
              'limits of the functions still apply; set deployment.waf to add the rate rule at the edge.',
          },
        ]),
    ...(options.customDomain
      ? []
      : [
          {
            at: 'Web/Distribution',
            id: 'AwsSolutions-CFR4',
            reason:
              'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS floor it sets; ' +
              'set deployment.customDomain to get TLSv1.2_2021 as the minimum.',
          },
        ]),
    secretRotation(
      'BindPassword',
      'The bind password is rotated in AD and then here by the operator (docs/deploy.md); functions re-read it within 5 minutes.',
    ),
    secretRotation(
      'Pepper',
      'The pepper keys every stored answer hash: rotating it voids all enrollments, so it is rotated by hand only (docs/deploy.md).',
    ),
    secretRotation(
      'DecoyKey',
      'Rotating the decoy key changes the decoy questions of unknown names, itself a signal; rotated by hand (docs/deploy.md).',
    ),
    secretRotation(
      'AuthenticatorKey',
      'The authenticator key seals every enrolled authenticator seed: rotating it voids them, so it is rotated by hand only (docs/deploy.md).',
    ),
    secretRotation(
      'OriginSecret',
      'CloudFront reads the origin secret at deploy time; it is rotated by a redeploy after a new value is put (docs/deploy.md).',
    ),
    secretRotation(
      'NotifierKey',
      'The notifier key pair is made by the stack; a rotation is a new value and a redeploy, as docs/deploy.md describes.',
    ),
    {
      at: 'Notify/DeadLetters',
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the notifier’s stream source.',
    },
    {
      at: 'Notify/Notifier/Role/DefaultPolicy',
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Two statements need "*": dynamodb:ListStreams (the stream event source; it has no resource scope) and sns:Publish to phone numbers, ' +
        'which is written as NotResource arn:aws:sns:*:*:* so that no topic can be published to.',
    },
    ...REQUEST_FUNCTIONS.map((fn) => ({
      at: `Api/${fn}/Role/DefaultPolicy`,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'A function in a VPC needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, ' +
        'AssignPrivateIpAddresses and UnassignPrivateIpAddresses (Lambda manages its network interfaces with the function role); ' +
        'Lambda checks them unscoped. Every other statement of the role names its table, secrets or log group.',
    })),
    {
      at: 'Network/DynamoDbPrefixList/CustomResourcePolicy',
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeManagedPrefixLists has no resource-level permissions; it only reads the DynamoDB prefix list id.',
    },
    {
      at: AWS_CUSTOM_RESOURCE,
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The CDK’s AwsCustomResource function (prefix list lookup) writes its logs with the basic execution policy.',
    },
    {
      at: BUCKET_DEPLOYMENT,
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The CDK’s BucketDeployment function (copies the web build to the bucket) writes its logs with the basic execution policy.',
    },
    ...[
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<WebSiteD504717C.Arn>/*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${options.account}-${options.region}/*]`,
    ].map((id) => ({
      at: BUCKET_DEPLOYMENT,
      id,
      reason:
        'The CDK’s BucketDeployment copies the web build from the CDK asset bucket into the site bucket and prunes old files: ' +
        'its grants are read on the asset objects and write on the site bucket’s objects only.',
    })),
    {
      at: BUCKET_DEPLOYMENT,
      id: 'AwsSolutions-L1',
      reason:
        'The CDK’s BucketDeployment function runtime is chosen by aws-cdk-lib (it runs at deploy time only, never on a request).',
    },
  ];
}

export function suppressFindings(stack: Stack, options: Options): void {
  // The asset bucket's name holds the account: a pseudo parameter unless deployment.account names it.
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  for (const ack of acknowledgements({ ...options, account, region: stack.region })) {
    for (const construct of findAll(stack, ack.at)) {
      Validations.of(construct).acknowledge({ id: ack.id, reason: ack.reason });
    }
  }
}

function findAll(stack: Stack, at: string): IConstruct[] {
  const exact = stack.node.tryFindChild(at.split('/')[0] ?? '');
  if (exact && !at.includes('/')) return [exact];
  if (at.includes('/')) {
    const found = at.split('/').reduce<IConstruct | undefined>((node, id) => node?.node.tryFindChild(id), stack);
    return found ? [found] : [];
  }
  return stack.node.children.filter((child) => child.node.id.startsWith(at));
}
