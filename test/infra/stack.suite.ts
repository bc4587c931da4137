/**
 * Template assertions (bundling off) for the functions, their permissions, the data and the network (issue 8, §2):
 * the house construct, one function per route, least privilege per function, the notifier, the table and secrets,
 * the VPC (imported or created), the security group and the endpoints.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { BIND_PASSWORD_PLACEHOLDER } from '../../functions/adapters/secretsManager.js';
import { TTL_ATTRIBUTE, tableDefinition } from '../../functions/adapters/store.js';
import { ROUTES } from '../../functions/http/routes.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { bundlingOptions, FUNCTION_RUNTIME, UNREACHED_CREDENTIAL_SOURCES } from '../../lib/ssprFunction.js';
import {
  actionsOf,
  apiOf,
  dataOf,
  functionProps,
  getAtt,
  houseFunctions,
  logicalId,
  notifyOf,
  ofType,
  REQUEST_FUNCTIONS,
  type RequestFunctionName,
  ref,
  resource,
  resourcesOf,
  roleOf,
  type Statement,
  statementsFor,
} from './inspect.js';
import { exampleConfig, type Synth, synth, VARIANTS } from './synth.js';

const example = () => synth('example');

/** The service part of a raw config: what the operator wrote outside `deployment`. */
function serviceOverrides(raw: Record<string, unknown>): Record<string, unknown> {
  const { deployment: _deployment, ...rest } = raw;
  return rest;
}

function requestFunction(s: Synth, name: RequestFunctionName) {
  return apiOf(s.stack).functions[name];
}

/** Registered by templates.test.ts, so that every suite shares one process and its cached synths. */
export function stackSuite(): void {
  describe('bundling options (lib/ssprFunction.ts bundlingOptions)', () => {
    const options = bundlingOptions({ 'ca.pem': '/etc/ssl/the ca.pem' });

    it('minifies, writes external source maps without sources content, and bundles every module (the SDK too)', () => {
      expect(options.minify).toBe(true);
      expect(options.sourceMap).toBe(true);
      expect(options.sourcesContent).toBe(false);
      // Linked (DEFAULT), so that the bundle names its map (--enable-source-maps finds maps by the sourceMappingURL comment).
      expect(options.sourceMapMode).toBe(nodejs.SourceMapMode.DEFAULT);
      // Only the SDK credential sources a Lambda never reaches stay out (dynamic imports after the environment's
      // credentials); every client, ldapts, zod and middy are inside.
      expect(options.externalModules).toEqual(UNREACHED_CREDENTIAL_SOURCES);
      for (const name of options.externalModules ?? []) {
        expect(name).toMatch(/^@(aws-sdk|smithy)\/(credential-provider-[a-z-]+|token-providers|nested-clients)$/);
      }
      expect(options.nodeModules ?? []).toEqual([]);
      expect(options.format).toBe(nodejs.OutputFormat.ESM);
      expect(options.target).toMatch(/^node(2[2-9]|[3-9]\d)$/);
    });

    it('copies extra files (the CA bundle) next to the bundle, quoted for the shell', () => {
      const commands = options.commandHooks?.afterBundling('/in', '/out/asset') ?? [];
      expect(commands).toEqual(["cp '/etc/ssl/the ca.pem' '/out/asset/ca.pem'"]);
      expect(bundlingOptions().commandHooks?.afterBundling('/in', '/out') ?? []).toEqual([]);
    });

    it('targets a Node.js 22+ runtime', () => {
      expect(Number(/^nodejs(\d+)\.x$/.exec(FUNCTION_RUNTIME.name)?.[1])).toBeGreaterThanOrEqual(22);
    });
  });

  describe('the house construct, on every function', () => {
    it('is used by one function per route, the $default fallback, the notifier and the notifier key maker', () => {
      const { stack } = example();
      const entries = houseFunctions(stack).map((fn) => fn.node.path.replace(/^Sspr\//, ''));
      expect(entries.sort()).toEqual(
        [
          ...REQUEST_FUNCTIONS.map((name) => `Api/${name.charAt(0).toUpperCase()}${name.slice(1)}`),
          'Notify/Notifier',
          'Data/NotifierKeyMaker',
        ].sort(),
      );
      // Every deployed entry exists (the bundled synth builds them).
      for (const name of [...REQUEST_FUNCTIONS, 'notifier', 'notifierKeys']) {
        expect(existsSync(join(REPO_ROOT, `functions/lambda/${name}.ts`)), name).toBe(true);
      }
    });

    it.each(['example', 'createdEndpoint'] as const)(
      'runs Node.js 22+ on arm64 with its own log group at the configured retention (%s)',
      (variant) => {
        const s = synth(variant);
        const retention = s.config.deployment.logRetentionDays;
        const functions = houseFunctions(s.stack);
        expect(functions).toHaveLength(REQUEST_FUNCTIONS.length + 2);
        for (const fn of functions) {
          const props = functionProps(s.template, fn);
          expect(Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1]), fn.node.path).toBeGreaterThanOrEqual(22);
          expect(props.Architectures, fn.node.path).toEqual(['arm64']);
          expect(props.Handler).toBe('index.handler');
          expect(props.LoggingConfig.LogGroup, fn.node.path).toEqual(ref(fn.logGroup));
          expect(resource(s.template, logicalId(fn.logGroup)).Properties?.RetentionInDays, fn.node.path).toBe(
            retention,
          );
          // It may write to its own log group only.
          const logs = statementsFor(roleOf(s.template, fn).statements, 'logs');
          expect(logs.flatMap(resourcesOf), fn.node.path).toEqual([getAtt(fn.logGroup, 'Arn')]);
        }
        // No log group of the stack keeps logs forever.
        for (const [id, group] of ofType(s.template, 'AWS::Logs::LogGroup')) {
          expect(group.Properties?.RetentionInDays, id).toBe(retention);
        }
      },
    );

    it.each(['example', 'createdEndpoint'] as const)(
      'gives the functions the operator’s rules as SSPR_CONFIG, and no NODE_OPTIONS (source maps cost every cold start) (%s)',
      (variant) => {
        const s = synth(variant);
        const overrides = serviceOverrides(VARIANTS[variant]());
        for (const fn of houseFunctions(s.stack)) {
          const env = functionProps(s.template, fn).Environment.Variables as Record<string, unknown>;
          expect(env.NODE_OPTIONS, fn.node.path).toBeUndefined();
          expect(env.SSPR_VERSION).toBe('0.0.0-test');
          const expected = fn.node.path.endsWith('NotifierKeyMaker') ? {} : overrides;
          expect(JSON.parse(String(env.SSPR_CONFIG)), fn.node.path).toEqual(expected);
        }
      },
    );

    it('carries the operator’s overrides as written, not the merged defaults', () => {
      const s = synth('createdEndpoint');
      const env = functionProps(s.template, requestFunction(s, 'startReset')).Environment.Variables;
      expect(JSON.parse(env.SSPR_CONFIG).reset).toEqual({ flowMinutes: 10 });
      expect(JSON.parse(env.SSPR_CONFIG)).not.toHaveProperty('rateLimits');
    });

    it('gives the hashing functions (enroll, answer) the memory of a full vCPU, the others less', () => {
      const s = example();
      for (const name of REQUEST_FUNCTIONS) {
        const memory = functionProps(s.template, requestFunction(s, name)).MemorySize as number;
        if (name === 'enroll' || name === 'answer') expect(memory, name).toBeGreaterThanOrEqual(1769);
        else expect(memory, name).toBeLessThan(1769);
      }
    });
  });

  describe('the API routes', () => {
    it('maps every route of functions/http/routes.ts, and $default, to its own function', () => {
      const s = example();
      const routes = ofType(s.template, 'AWS::ApiGatewayV2::Route');
      expect(routes).toHaveLength(ROUTES.length + 1);
      const expected = [
        ...ROUTES.map((route) => ({ key: `${route.method} ${route.path}`, name: route.name as RequestFunctionName })),
        { key: '$default', name: 'fallback' as const },
      ];
      for (const { key, name } of expected) {
        const route = routes.find(([, r]) => r.Properties?.RouteKey === key);
        expect(route, key).toBeDefined();
        const target = route?.[1].Properties?.Target['Fn::Join'][1] as unknown[];
        expect(target[0]).toBe('integrations/');
        const integration = resource(s.template, (target[1] as { Ref: string }).Ref);
        expect(integration.Properties?.IntegrationType).toBe('AWS_PROXY');
        expect(integration.Properties?.IntegrationUri, key).toEqual(getAtt(requestFunction(s, name).fn, 'Arn'));
        expect(route?.[1].Properties?.AuthorizationType ?? 'NONE').toBe('NONE');
      }
      const functionIds = new Set(REQUEST_FUNCTIONS.map((name) => logicalId(requestFunction(s, name).fn)));
      expect(functionIds.size).toBe(REQUEST_FUNCTIONS.length);
    });
  });

  describe('least privilege', () => {
    const secretsOf = (s: Synth) => {
      const data = dataOf(s.stack);
      return {
        origin: ref(data.originSecret),
        bind: ref(data.bindSecret),
        pepper: ref(data.pepperSecret),
        decoy: ref(data.decoyKeySecret),
        authenticator: ref(data.authenticatorKeySecret),
        notifierKey: ref(data.notifierKeySecret),
      };
    };
    type SecretName = keyof ReturnType<typeof secretsOf>;
    const FLOW: SecretName[] = ['origin', 'bind', 'pepper', 'decoy', 'authenticator'];
    const READS: Record<RequestFunctionName, SecretName[]> = {
      health: ['origin'],
      fallback: ['origin'],
      config: ['origin', 'bind'],
      verifyContact: ['origin', 'pepper', 'decoy', 'authenticator'],
      enroll: FLOW,
      startReset: FLOW,
      answer: FLOW,
      chooseMethod: FLOW,
      resetPasskey: FLOW,
      sendCode: FLOW,
      setPassword: FLOW,
      unlock: FLOW,
      changePassword: FLOW,
      // Each only the key it needs: the proof's decoy key, the codes' pepper, the seeds' authenticator key, none.
      methodsSession: ['origin', 'bind', 'decoy'],
      methodsRecoveryCodes: ['origin', 'bind', 'pepper'],
      methodsAuthenticatorBegin: ['origin', 'bind', 'authenticator'],
      methodsAuthenticatorConfirm: ['origin', 'bind', 'authenticator'],
      methodsPasskeyBegin: ['origin', 'bind'],
      methodsPasskeyFinish: ['origin', 'bind'],
      methodsRemove: ['origin', 'bind'],
      // The table and the outbox (the notifier's public key); no directory, no key.
      repudiate: ['origin'],
    };
    const NO_TABLE: RequestFunctionName[] = ['health', 'config', 'fallback'];
    const ENI_ACTIONS = [
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:UnassignPrivateIpAddresses',
    ];

    it.each(REQUEST_FUNCTIONS)('%s: its table actions, its secrets, the VPC interfaces, and nothing else', (name) => {
      const s = example();
      const fn = requestFunction(s, name);
      const { statements, managed } = roleOf(s.template, fn);
      expect(managed).toEqual([]);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.NotResource).toBeUndefined();
        for (const action of actionsOf(statement)) {
          expect(action, name).toMatch(/^(logs|dynamodb|secretsmanager|ec2):[A-Za-z]+$/);
          expect(action).not.toMatch(/^(ses|sns|sesv2):/);
        }
      }

      const table = statementsFor(statements, 'dynamodb');
      if (NO_TABLE.includes(name)) {
        expect(table).toEqual([]);
      } else {
        expect(table).toHaveLength(1);
        expect([...actionsOf(table[0] as Statement)].sort()).toEqual(
          [
            'dynamodb:BatchWriteItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ].sort(),
        );
        expect(resourcesOf(table[0] as Statement)).toEqual([getAtt(dataOf(s.stack).table, 'Arn')]);
      }

      const secrets = statementsFor(statements, 'secretsmanager');
      for (const statement of secrets) {
        expect([...actionsOf(statement)].sort()).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
      }
      const all = secretsOf(s);
      const granted = secrets.flatMap(resourcesOf);
      expect(granted).toHaveLength(READS[name].length);
      expect(granted).toEqual(expect.arrayContaining(READS[name].map((secret) => all[secret])));
      expect(granted).not.toContainEqual(all.notifierKey);

      const ec2 = statementsFor(statements, 'ec2');
      expect(ec2).toHaveLength(1);
      expect([...actionsOf(ec2[0] as Statement)].sort()).toEqual(ENI_ACTIONS);
    });

    it('names in each function’s environment exactly the secrets it may read', () => {
      const s = example();
      const all = secretsOf(s);
      const variables: Record<SecretName, string | undefined> = {
        origin: 'SSPR_ORIGIN_SECRET_ID',
        bind: 'SSPR_BIND_SECRET_ID',
        pepper: 'SSPR_PEPPER_SECRET_ID',
        decoy: 'SSPR_DECOY_KEY_SECRET_ID',
        authenticator: 'SSPR_AUTHENTICATOR_KEY_SECRET_ID',
        notifierKey: undefined,
      };
      for (const name of REQUEST_FUNCTIONS) {
        const env = functionProps(s.template, requestFunction(s, name)).Environment.Variables;
        for (const secret of Object.keys(variables) as SecretName[]) {
          const variable = variables[secret];
          if (variable === undefined) continue;
          if (READS[name].includes(secret)) expect(env[variable], `${name} ${variable}`).toEqual(all[secret]);
          else expect(env[variable], `${name} ${variable}`).toBeUndefined();
        }
        expect(JSON.stringify(env)).not.toContain(logicalId(dataOf(s.stack).notifierKeySecret));
        // Functions that seal codes hold the notifier's public key, never its private key.
        if (READS[name].includes('pepper')) {
          expect(env.SSPR_NOTIFIER_PUBLIC_KEY).toEqual({
            'Fn::GetAtt': [expect.stringMatching(/^DataNotifierKeyPair/), 'PublicKey'],
          });
        }
        if (name !== 'health' && name !== 'fallback' && READS[name].includes('bind')) {
          expect(env.SSPR_LDAP_CA_FILE).toBe('ca.pem');
          expect(env.SSPR_LDAP_BIND_DN).toBe(exampleConfig().deployment.bindDn);
        }
      }
    });

    it('lets no role other than the notifier send mail or SMS', () => {
      const s = example();
      const notifierRole = logicalId(notifyOf(s.stack).notifier.fn.role as never);
      for (const [id, policy] of ofType(s.template, 'AWS::IAM::Policy')) {
        const statements = policy.Properties?.PolicyDocument.Statement as Statement[];
        const sends = statements.filter((st) => actionsOf(st).some((a) => /^(ses|sns|sesv2):/.test(a) || a === '*'));
        const roles = JSON.stringify(policy.Properties?.Roles);
        // SES, SMS to numbers, and the alarm topic (operator alerts).
        if (roles.includes(notifierRole)) expect(sends, id).toHaveLength(3);
        else expect(sends, id).toEqual([]);
      }
    });
  });

  describe('the notifier', () => {
    it('runs outside the VPC on the table stream, new outbox items only, reporting item failures, with a DLQ', () => {
      const s = example();
      const { notifier, deadLetters } = notifyOf(s.stack);
      const table = dataOf(s.stack).table;
      expect(functionProps(s.template, notifier).VpcConfig).toBeUndefined();
      s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      const [, mapping] = ofType(s.template, 'AWS::Lambda::EventSourceMapping')[0] ?? [];
      const props = mapping?.Properties ?? {};
      expect(props.FunctionName).toEqual(ref(notifier.fn));
      expect(props.EventSourceArn).toEqual(getAtt(table, 'StreamArn'));
      expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(props.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(deadLetters, 'Arn') } });
      expect(props.FilterCriteria.Filters).toHaveLength(1);
      expect(JSON.parse(props.FilterCriteria.Filters[0].Pattern)).toEqual({
        eventName: ['INSERT'],
        dynamodb: { NewImage: { entity: { S: ['outbox'] } } },
      });
      expect(props.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(resource(s.template, logicalId(deadLetters)).Type).toBe('AWS::SQS::Queue');
    });

    it('sends mail as the configured identity only, SMS to numbers, alerts to the alarm topic only, reads the notifier key', () => {
      const s = example();
      const { notifier, deadLetters } = notifyOf(s.stack);
      const data = dataOf(s.stack);
      const { statements, managed } = roleOf(s.template, notifier);
      expect(managed).toEqual([]);

      const ses = statementsFor(statements, 'ses');
      expect(ses).toHaveLength(1);
      expect(actionsOf(ses[0] as Statement)).toEqual(['ses:SendEmail']);
      expect(ses[0]?.Resource).toEqual({
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-central-1:', { Ref: 'AWS::AccountId' }, ':identity/example.com'],
        ],
      });

      const sns = statementsFor(statements, 'sns');
      expect(sns).toHaveLength(2);
      const [numbers, topic] = [sns.find((st) => st.NotResource), sns.find((st) => st.Resource)];
      expect(actionsOf(numbers as Statement)).toEqual(['sns:Publish']);
      expect(numbers?.NotResource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] });
      // The operators' alerts ("This wasn't me"): the alarm topic and nothing else, and its key to encrypt.
      const alarmTopic = s.stack.node.findChild('Alarms').node.findChild('Topic') as never;
      expect(actionsOf(topic as Statement)).toEqual(['sns:Publish']);
      expect(topic?.Resource).toEqual(ref(alarmTopic));
      const kms = statementsFor(statements, 'kms');
      expect(kms.flatMap(resourcesOf)).toEqual([
        getAtt(s.stack.node.findChild('Alarms').node.findChild('TopicKey') as never, 'Arn'),
      ]);

      const secrets = statementsFor(statements, 'secretsmanager');
      expect(secrets.flatMap(resourcesOf)).toEqual([ref(data.notifierKeySecret)]);
      expect(secrets.flatMap(actionsOf).sort()).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);

      const table = statementsFor(statements, 'dynamodb');
      const itemActions = table.filter((st) => resourcesOf(st).some((r) => JSON.stringify(r).includes('"Arn"')));
      expect(itemActions.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      expect(itemActions.flatMap(resourcesOf)).toEqual([getAtt(data.table, 'Arn')]);
      // The stream (the event source) and the dead-letter queue.
      expect(table.flatMap(resourcesOf)).toContainEqual(getAtt(data.table, 'StreamArn'));
      expect(statementsFor(statements, 'sqs').flatMap(resourcesOf)).toEqual([getAtt(deadLetters, 'Arn')]);

      const env = functionProps(s.template, notifier).Environment.Variables;
      expect(env.SSPR_NOTIFIER_KEY_SECRET_ID).toEqual(ref(data.notifierKeySecret));
      expect(env.SSPR_TABLE_NAME).toEqual(ref(data.table));
      expect(env.SSPR_ALERT_TOPIC_ARN).toEqual(ref(alarmTopic));
    });
  });

  describe('the table and the secrets', () => {
    it('has the keys of the store’s table definition, TTL, a new-image stream, PITR, deletion protection, on demand', () => {
      const s = example();
      const definition = tableDefinition('t');
      s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: definition.KeySchema,
          AttributeDefinitions: Match.arrayWith(definition.AttributeDefinitions ?? []),
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        },
      });
      expect(TTL_ATTRIBUTE).toBe('expiresAt');
      expect(definition.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
    });

    it('keeps six secrets on stack delete: the bind password put in by hand, four generated keys, the notifier key', () => {
      const s = example();
      const data = dataOf(s.stack);
      const secrets = ofType(s.template, 'AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(6);
      for (const [id, secret] of secrets) {
        expect(secret.DeletionPolicy, id).toBe('Retain');
        expect(secret.UpdateReplacePolicy, id).toBe('Retain');
      }
      const props = (secret: Parameters<typeof logicalId>[0]) => resource(s.template, logicalId(secret)).Properties;
      for (const generated of [
        data.pepperSecret,
        data.decoyKeySecret,
        data.authenticatorKeySecret,
        data.originSecret,
      ]) {
        expect(props(generated)?.SecretString).toBeUndefined();
        expect(props(generated)?.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
        expect(props(generated)?.GenerateSecretString.ExcludePunctuation).toBe(true);
      }
      // The bind password is not generated: a visible placeholder the directory port recognizes until the operator
      // puts the real one in (never a password in the template).
      expect(props(data.bindSecret)?.GenerateSecretString).toBeUndefined();
      expect(props(data.bindSecret)?.SecretString).toBe(BIND_PASSWORD_PLACEHOLDER);
      expect(BIND_PASSWORD_PLACEHOLDER).toMatch(/^UNSET/);
      // The notifier key: an unshaped placeholder CloudFormation needs, replaced by the key maker at deploy.
      expect(props(data.notifierKeySecret)?.SecretString).toBeUndefined();
      expect(props(data.notifierKeySecret)?.GenerateSecretString).toEqual({});
    });

    it('has the notifier key pair made by a custom resource that alone may write the notifier key', () => {
      const s = example();
      const data = dataOf(s.stack);
      const maker = houseFunctions(s.stack).find((fn) => fn.node.id === 'NotifierKeyMaker');
      if (!maker) throw new Error('no NotifierKeyMaker');
      s.template.hasResourceProperties('Custom::SsprNotifierKey', {
        ServiceToken: getAtt(maker.fn, 'Arn'),
        SecretId: ref(data.notifierKeySecret),
      });
      const { statements } = roleOf(s.template, maker);
      expect(statements.flatMap(actionsOf).every((a) => /^(logs|secretsmanager):/.test(a))).toBe(true);
      const secretResources = statementsFor(statements, 'secretsmanager').flatMap(resourcesOf);
      expect(new Set(secretResources.map((r) => JSON.stringify(r)))).toEqual(
        new Set([JSON.stringify(ref(data.notifierKeySecret))]),
      );
      expect(statementsFor(statements, 'secretsmanager').flatMap(actionsOf)).toContain('secretsmanager:PutSecretValue');
      expect(functionProps(s.template, maker).VpcConfig).toBeUndefined();
    });
  });

  describe('the network', () => {
    /** Every egress rule of the request functions' security group, inline or separate, normalized. */
    function egressOf(s: Synth) {
      const sg = apiOf(s.stack).node.scope?.node.findChild('Network').node.findChild('Functions');
      if (!sg) throw new Error('no Network/Functions');
      const sgId = logicalId(sg);
      const inline = (resource(s.template, sgId).Properties?.SecurityGroupEgress ?? []) as Record<string, unknown>[];
      const separate = ofType(s.template, 'AWS::EC2::SecurityGroupEgress')
        .map(([, r]) => r.Properties ?? {})
        .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }));
      const rules = [...inline, ...separate].map((rule) => ({
        protocol: rule.IpProtocol,
        from: rule.FromPort,
        to: rule.ToPort,
        cidr: rule.CidrIp,
        prefixList: rule.DestinationPrefixListId,
        group: rule.DestinationSecurityGroupId,
      }));
      return { sgId, rules };
    }

    const dcRules = () =>
      exampleConfig().deployment.domainControllerCidrs.map((cidr: string) => ({
        protocol: 'tcp',
        from: 636,
        to: 636,
        cidr,
        prefixList: undefined,
        group: undefined,
      }));
    const prefixListRule = {
      protocol: 'tcp',
      from: 443,
      to: 443,
      cidr: undefined,
      prefixList: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkDynamoDbPrefixList/), 'PrefixLists.0.PrefixListId'] },
      group: undefined,
    };

    it('puts every request function in the private subnets with the one security group', () => {
      const s = example();
      const { sgId } = egressOf(s);
      const imported = exampleConfig().deployment.vpc.import;
      for (const name of REQUEST_FUNCTIONS) {
        expect(functionProps(s.template, requestFunction(s, name)).VpcConfig, name).toEqual({
          SubnetIds: imported.privateSubnetIds,
          SecurityGroupIds: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }],
        });
      }
    });

    it('endpoint mode: egress only 636 to each DC range and 443 to the DynamoDB prefix list and the endpoint; no ingress', () => {
      const s = example();
      const { sgId, rules } = egressOf(s);
      const endpointSg = ofType(s.template, 'AWS::EC2::SecurityGroup').find(([id]) =>
        id.startsWith('NetworkEndpoints'),
      );
      expect(endpointSg).toBeDefined();
      expect(rules).toHaveLength(dcRules().length + 2);
      expect(rules).toEqual(
        expect.arrayContaining([
          ...dcRules(),
          prefixListRule,
          {
            protocol: 'tcp',
            from: 443,
            to: 443,
            cidr: undefined,
            prefixList: undefined,
            group: { 'Fn::GetAtt': [endpointSg?.[0], 'GroupId'] },
          },
        ]),
      );
      expect(resource(s.template, sgId).Properties?.SecurityGroupIngress).toBeUndefined();
      const ingressToFunctions = ofType(s.template, 'AWS::EC2::SecurityGroupIngress').filter(
        ([, r]) => JSON.stringify(r.Properties?.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }),
      );
      expect(ingressToFunctions).toEqual([]);
    });

    it('endpoint mode: a Secrets Manager interface endpoint reachable from the functions’ group only', () => {
      const s = example();
      const { sgId } = egressOf(s);
      const interfaces = ofType(s.template, 'AWS::EC2::VPCEndpoint').filter(
        ([, r]) => r.Properties?.VpcEndpointType === 'Interface',
      );
      expect(interfaces).toHaveLength(1);
      const props = interfaces[0]?.[1].Properties ?? {};
      expect(props.ServiceName).toBe('com.amazonaws.eu-central-1.secretsmanager');
      expect(props.PrivateDnsEnabled).toBe(true);
      expect(props.SubnetIds).toEqual(exampleConfig().deployment.vpc.import.privateSubnetIds);
      const endpointSgId = (props.SecurityGroupIds as { 'Fn::GetAtt': string[] }[])[0]?.['Fn::GetAtt'][0] ?? '';
      // Not open to the VPC range: its only ingress is 443 from the functions' group.
      expect(resource(s.template, endpointSgId).Properties?.SecurityGroupIngress).toBeUndefined();
      const ingress = ofType(s.template, 'AWS::EC2::SecurityGroupIngress')
        .map(([, r]) => r.Properties ?? {})
        .filter((p) => JSON.stringify(p.GroupId).includes(endpointSgId));
      expect(ingress).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
        }),
      ]);
    });

    it.each(['importedNat', 'createdNat'] as const)(
      'nat mode (%s): no Secrets Manager endpoint, 443 anywhere instead of to it',
      (variant) => {
        const s = synth(variant);
        const { rules } = egressOf(s);
        expect(
          ofType(s.template, 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties?.VpcEndpointType === 'Interface'),
        ).toEqual([]);
        expect(rules).toHaveLength(dcRules().length + 2);
        expect(rules).toEqual(
          expect.arrayContaining([
            ...dcRules(),
            prefixListRule,
            { protocol: 'tcp', from: 443, to: 443, cidr: '0.0.0.0/0', prefixList: undefined, group: undefined },
          ]),
        );
      },
    );

    it('has the DynamoDB gateway endpoint on the private route tables, and looks its prefix list up at deploy time', () => {
      const s = example();
      const gateways = ofType(s.template, 'AWS::EC2::VPCEndpoint').filter(
        ([, r]) => r.Properties?.VpcEndpointType === 'Gateway',
      );
      expect(gateways).toHaveLength(1);
      const props = gateways[0]?.[1].Properties ?? {};
      expect(JSON.stringify(props.ServiceName)).toMatch(/\.dynamodb"/);
      expect(props.RouteTableIds).toEqual(exampleConfig().deployment.vpc.import.privateSubnetRouteTableIds);
      expect(props.VpcId).toBe(exampleConfig().deployment.vpc.import.vpcId);
      const lookup = ofType(s.template, 'Custom::AWS')[0]?.[1].Properties ?? {};
      expect(JSON.stringify(lookup.Create ?? lookup.Update)).toContain('com.amazonaws.eu-central-1.dynamodb');
    });

    it('imports the VPC by attributes: no VPC resource and no lookup (synth needs no account)', () => {
      const s = example();
      s.template.resourceCountIs('AWS::EC2::VPC', 0);
      s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
      const assembly = s.app.synth();
      expect(assembly.manifest.missing ?? []).toEqual([]);
      expect(s.stack.account).toMatch(/^\$\{Token/);
    });

    it('creates a VPC when configured, with a flow log and private subnets for the functions', () => {
      const nat = synth('createdNat');
      nat.template.resourceCountIs('AWS::EC2::VPC', 1);
      nat.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
      nat.template.resourceCountIs('AWS::EC2::NatGateway', 1);
      const vpcId = ofType(nat.template, 'AWS::EC2::VPC')[0]?.[0];
      nat.template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceId: { Ref: vpcId },
        ResourceType: 'VPC',
        LogDestinationType: 'cloud-watch-logs',
      });
      const subnets = ofType(nat.template, 'AWS::EC2::Subnet');
      const functionSubnets = functionProps(nat.template, requestFunction(nat, 'enroll')).VpcConfig.SubnetIds as {
        Ref: string;
      }[];
      expect(functionSubnets).toHaveLength(2);
      for (const subnet of functionSubnets) {
        const props = subnets.find(([id]) => id === subnet.Ref)?.[1].Properties ?? {};
        expect(props.MapPublicIpOnLaunch, subnet.Ref).toBe(false);
        expect(JSON.stringify(props.Tags)).toContain('"Private"');
      }

      const isolated = synth('createdEndpoint');
      isolated.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.50.0.0/16' });
      isolated.template.resourceCountIs('AWS::EC2::NatGateway', 0);
      isolated.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
      isolated.template.resourceCountIs('AWS::EC2::FlowLog', 1);
      const isolatedSubnets = functionProps(isolated.template, requestFunction(isolated, 'enroll')).VpcConfig
        .SubnetIds as { Ref: string }[];
      // Without an account the CDK knows two AZs only, whatever maxAzs says.
      expect(isolatedSubnets.length).toBeGreaterThanOrEqual(2);
      for (const subnet of isolatedSubnets) {
        const props = resource(isolated.template, subnet.Ref).Properties ?? {};
        expect(JSON.stringify(props.Tags)).toContain('"Isolated"');
      }
      isolated.template.resourceCountIs('AWS::EC2::Route', 0);
      expect(
        ofType(isolated.template, 'AWS::EC2::VPCEndpoint')
          .map(([, r]) => r.Properties?.VpcEndpointType)
          .sort(),
      ).toEqual(['Gateway', 'Interface']);
    });
  });
}
