/**
 * Template assertions (bundling off) for what faces users and operators (issue 8, §2): the HTTP API stage, CloudFront
 * and its bucket, the deployed page and strings, the WAF web ACL, the alarms and the outputs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SMS_WARNING_MESSAGE } from '../../functions/core/limits.js';
import { ORIGIN_SECRET_HEADER } from '../../functions/http/origin.js';
import { CONTENT_SECURITY_POLICY } from '../../web/securityHeaders.js';
import {
  apiOf,
  dataOf,
  getAtt,
  type Json,
  logicalId,
  notifyOf,
  ofType,
  REQUEST_FUNCTIONS,
  ref,
  resource,
} from './inspect.js';
import { exampleConfig, type Synth, stringsFile, synth } from './synth.js';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const example = () => synth('example');

function distributionConfig(s: Synth): Record<string, Json> {
  const distributions = ofType(s.template, 'AWS::CloudFront::Distribution');
  expect(distributions).toHaveLength(1);
  return distributions[0]?.[1].Properties?.DistributionConfig ?? {};
}

function apiBehavior(s: Synth): Record<string, Json> {
  const behaviors = (distributionConfig(s).CacheBehaviors ?? []) as Record<string, Json>[];
  const api = behaviors.find((b) => b.PathPattern === '/api/*');
  if (!api) throw new Error('no /api/* behavior');
  return api;
}

function originOf(s: Synth, behavior: Record<string, Json>): Record<string, Json> {
  const origin = (distributionConfig(s).Origins as Record<string, Json>[]).find(
    (o) => o.Id === behavior.TargetOriginId,
  );
  if (!origin) throw new Error(`no origin ${behavior.TargetOriginId}`);
  return origin;
}

/** Registered by templates.test.ts, so that every suite shares one process and its cached synths. */
export function edgeSuite(): void {
  describe('the HTTP API', () => {
    it.each([
      ['example', 50, 100],
      ['createdEndpoint', 20, 40],
    ] as const)(
      'has the $default stage with the configured throttling and access logs (%s)',
      (variant, rate, burst) => {
        const s = synth(variant);
        s.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
        s.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
        const [, stage] = ofType(s.template, 'AWS::ApiGatewayV2::Stage')[0] ?? [];
        const props = stage?.Properties ?? {};
        expect(props.StageName).toBe('$default');
        expect(props.AutoDeploy).toBe(true);
        expect(props.ApiId).toEqual(ref(apiOf(s.stack).httpApi));
        expect(props.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst });
        const destination = (props.AccessLogSettings.DestinationArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
        expect(resource(s.template, destination[0] ?? '').Type).toBe('AWS::Logs::LogGroup');
        const format = JSON.parse(props.AccessLogSettings.Format) as Record<string, string>;
        expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
        // Nothing a user typed (query strings, headers, bodies) goes to the access log.
        expect(Object.values(format).join(' ')).not.toMatch(/querystring|header|body|identity\.sourceIp/i);
      },
    );
  });

  describe('CloudFront', () => {
    it('serves the page from a private, encrypted, SSL-only bucket through Origin Access Control', () => {
      const s = example();
      const web = s.stack.node.findChild('Web');
      const bucketId = logicalId(web.node.findChild('Site'));
      const bucket = resource(s.template, bucketId).Properties ?? {};
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
      ).toMatch(/^(AES256|aws:kms)$/);
      expect(bucket.WebsiteConfiguration).toBeUndefined();
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      });
      // Nobody else may read the bucket.
      const [, policy] =
        ofType(s.template, 'AWS::S3::BucketPolicy').find(
          ([, p]) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }),
        ) ?? [];
      for (const statement of policy?.Properties?.PolicyDocument.Statement ?? []) {
        if (statement.Effect === 'Allow') expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      }

      const config = distributionConfig(s);
      const siteOrigin = originOf(s, config.DefaultCacheBehavior);
      expect(siteOrigin.DomainName).toEqual(getAtt(web.node.findChild('Site'), 'RegionalDomainName'));
      const oacId = (siteOrigin.OriginAccessControlId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '';
      expect(resource(s.template, oacId).Properties?.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
      expect(siteOrigin.S3OriginConfig?.OriginAccessIdentity ?? '').toBe('');
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(config.DefaultRootObject).toBe('index.html');
    });

    it('sends /api/* to the HTTP API uncached, every method, with the viewer address and not the host', () => {
      const s = example();
      const api = apiBehavior(s);
      expect(api.CachePolicyId).toBe(CACHING_DISABLED);
      expect([...api.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(api.ViewerProtocolPolicy).toMatch(/^(https-only|redirect-to-https)$/);
      const policyId = (api.OriginRequestPolicyId as { Ref: string }).Ref;
      const policy = resource(s.template, policyId).Properties?.OriginRequestPolicyConfig;
      expect(policy.HeadersConfig.HeaderBehavior).toBe('whitelist');
      const headers = (policy.HeadersConfig.Headers as string[]).map((h) => h.toLowerCase());
      expect(headers).toContain('cloudfront-viewer-address');
      expect(headers).not.toContain('host');
      expect(headers).not.toContain('x-forwarded-for');
      const origin = originOf(s, api);
      expect(origin.DomainName).toEqual({
        'Fn::Join': ['', [ref(apiOf(s.stack).httpApi), '.execute-api.eu-central-1.amazonaws.com']],
      });
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    });

    it('adds the origin secret header as a dynamic reference to the origin secret, never a value', () => {
      const s = example();
      const headers = originOf(s, apiBehavior(s)).OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[];
      expect(headers).toHaveLength(1);
      expect(headers[0]?.HeaderName).toBe(ORIGIN_SECRET_HEADER);
      expect(ORIGIN_SECRET_HEADER).toBe('x-sspr-origin');
      expect(typeof headers[0]?.HeaderValue).not.toBe('string');
      expect(headers[0]?.HeaderValue).toEqual({
        'Fn::Join': ['', ['{{resolve:secretsmanager:', ref(dataOf(s.stack).originSecret), ':SecretString:::}}']],
      });
      // The site origin carries no secret.
      expect(originOf(s, distributionConfig(s).DefaultCacheBehavior).OriginCustomHeaders).toBeUndefined();
    });

    it('puts the response-headers policy (CSP, HSTS, DENY, no-referrer) on both behaviors', () => {
      const s = example();
      const policies = ofType(s.template, 'AWS::CloudFront::ResponseHeadersPolicy');
      expect(policies).toHaveLength(1);
      const [policyId, policy] = policies[0] ?? [];
      const headers = policy?.Properties?.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true });
      expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
      expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
      expect(headers.StrictTransportSecurity.Override).toBe(true);
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
      const config = distributionConfig(s);
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
      expect(apiBehavior(s).ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    });

    it('answers at the custom domain with its certificate and TLS 1.2 when configured, at cloudfront.net otherwise', () => {
      const custom = synth('createdNat');
      const config = distributionConfig(custom);
      expect(config.Aliases).toEqual(['password.example.com']);
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
      custom.template.hasOutput('Url', { Value: 'https://password.example.com' });

      const plain = example();
      expect(distributionConfig(plain).Aliases).toBeUndefined();
      expect(distributionConfig(plain).ViewerCertificate).toBeUndefined();
    });
  });

  describe('the page in the bucket', () => {
    /** The staged source directory of a BucketDeployment source object key. */
    function sourceDir(s: Synth, key: string): string {
      const assembly = s.app.synth();
      const manifest = JSON.parse(readFileSync(join(assembly.directory, `${s.stack.artifactId}.assets.json`), 'utf8'));
      const source = manifest.files[key.replace(/\.zip$/, '')]?.source as { path: string; packaging: string };
      expect(source.packaging).toBe('zip');
      const path = isAbsolute(source.path) ? source.path : join(assembly.directory, source.path);
      expect(statSync(path).isDirectory()).toBe(true);
      return path;
    }

    function deployment(s: Synth): Record<string, Json> {
      const deployments = ofType(s.template, 'Custom::CDKBucketDeployment');
      expect(deployments).toHaveLength(1);
      return deployments[0]?.[1].Properties ?? {};
    }

    it('deploys the web build to the site bucket, pruning, and invalidates the distribution', () => {
      const s = example();
      const props = deployment(s);
      const web = s.stack.node.findChild('Web');
      expect(props.DestinationBucketName).toEqual(ref(web.node.findChild('Site')));
      expect(props.DistributionId).toEqual(ref(web.node.findChild('Distribution')));
      expect(props.DistributionPaths).toEqual(['/*']);
      expect(props.Prune).toBe(true);
      expect(props.SourceObjectKeys).toHaveLength(1);
      const dir = sourceDir(s, props.SourceObjectKeys[0]);
      expect(readdirSync(dir)).toContain('index.html');
      expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('SSPR test');
    });

    it('deploys the operator’s strings file over the built strings.json when configured', () => {
      const s = synth('createdNat');
      const props = deployment(s);
      expect(props.SourceObjectKeys).toHaveLength(2);
      const [webDir, stringsDir] = (props.SourceObjectKeys as string[]).map((key) => sourceDir(s, key));
      expect(readdirSync(webDir ?? '')).toContain('index.html');
      expect(existsSync(join(webDir ?? '', 'strings.json'))).toBe(false);
      expect(readdirSync(stringsDir ?? '')).toEqual(['strings.json']);
      expect(readFileSync(join(stringsDir ?? '', 'strings.json'), 'utf8')).toBe(readFileSync(stringsFile(), 'utf8'));
    });
  });

  describe('the WAF web ACL', () => {
    it('attaches the configured web ACL ARN', () => {
      const s = example();
      expect(distributionConfig(s).WebACLId).toBe(exampleConfig().deployment.waf.webAclArn);
      expect(s.waf).toBeUndefined();
    });

    it('creates a CloudFront web ACL with a rate rule in a us-east-1 stack and attaches it across regions', () => {
      const s = synth('createdNat');
      expect(s.waf?.region).toBe('us-east-1');
      const template = s.wafTemplate;
      if (!template) throw new Error('no WAF stack');
      template.resourceCountIs('AWS::WAFv2::WebACL', 1);
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'CLOUDFRONT',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({
            Action: { Block: {} },
            Statement: { RateBasedStatement: { Limit: 600, AggregateKeyType: 'IP' } },
          }),
        ]),
      });
      const attached = distributionConfig(s).WebACLId as { 'Fn::GetAtt': string[] };
      expect(resource(s.template, attached['Fn::GetAtt'][0] ?? '').Type).toBe('Custom::CrossRegionExportReader');
      expect(attached['Fn::GetAtt'][1]).toMatch(/WebAclArn/);
    });

    it('has none when none is configured', () => {
      const s = synth('createdEndpoint');
      expect(distributionConfig(s).WebACLId).toBeUndefined();
      expect(s.waf).toBeUndefined();
      expect(s.app.node.children.filter((child) => Stack.isStack(child)).map((stack) => stack.node.id)).toEqual([
        'Sspr',
      ]);
      s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    });
  });

  describe('alarms', () => {
    const alarms = (s: Synth) => ofType(s.template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    const topicRef = (s: Synth) => {
      const topics = ofType(s.template, 'AWS::SNS::Topic');
      expect(topics).toHaveLength(1);
      return { Ref: topics[0]?.[0] };
    };

    it('send to one SNS topic with the alarm e-mail subscribed', () => {
      const s = example();
      const topic = topicRef(s);
      s.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: exampleConfig().deployment.alarmEmail,
        TopicArn: topic,
      });
      const all = alarms(s);
      expect(all.length).toBeGreaterThan(0);
      for (const alarm of all) {
        expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topic]);
        expect(alarm.TreatMissingData).toBe('notBreaching');
      }
    });

    it('watch errors and throttles of every request function and the notifier', () => {
      const s = example();
      const functions = [
        ...REQUEST_FUNCTIONS.map((name) => apiOf(s.stack).functions[name]),
        notifyOf(s.stack).notifier,
      ];
      for (const fn of functions) {
        for (const metric of ['Errors', 'Throttles']) {
          const found = alarms(s).filter(
            (a) =>
              a.Namespace === 'AWS/Lambda' &&
              a.MetricName === metric &&
              JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: ref(fn.fn) }]),
          );
          expect(found, `${fn.node.id} ${metric}`).toHaveLength(1);
          expect(found[0]?.Threshold).toBe(1);
        }
      }
    });

    it('watch the API’s 5xx and the dead-letter queue', () => {
      const s = example();
      expect(
        alarms(s).filter(
          (a) =>
            a.Namespace === 'AWS/ApiGateway' &&
            a.MetricName === '5xx' &&
            JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'ApiId', Value: ref(apiOf(s.stack).httpApi) }]),
        ),
      ).toHaveLength(1);
      const dlq = alarms(s).filter((a) => a.Namespace === 'AWS/SQS');
      expect(dlq).toHaveLength(1);
      expect(dlq[0]).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(notifyOf(s.stack).deadLetters, 'QueueName') }],
        Threshold: 1,
      });
    });

    it.each([
      ['DirectoryUnavailable', 'directory unavailable', 'request'],
      ['SmsVolumeWarning', SMS_WARNING_MESSAGE, 'request'],
      ['OutboxUndeliverable', 'outbox item undeliverable', 'notifier'],
    ] as const)('turn the %s log line into a metric with an alarm', (metricName, message, where) => {
      const s = example();
      const filters = ofType(s.template, 'AWS::Logs::MetricFilter')
        .map(([, f]) => f.Properties ?? {})
        .filter((f) => f.MetricTransformations[0].MetricName === metricName);
      const functions =
        where === 'request'
          ? REQUEST_FUNCTIONS.map((name) => apiOf(s.stack).functions[name])
          : [notifyOf(s.stack).notifier];
      expect(filters.map((f) => f.LogGroupName)).toEqual(
        expect.arrayContaining(functions.map((fn) => ref(fn.logGroup))),
      );
      expect(filters).toHaveLength(functions.length);
      for (const filter of filters) {
        expect(filter.FilterPattern).toBe(`{ $.message = "${message}" }`);
        expect(filter.MetricTransformations[0]).toMatchObject({ MetricNamespace: 'SSPR', MetricValue: '1' });
      }
      const alarm = alarms(s).filter((a) => a.Namespace === 'SSPR' && a.MetricName === metricName);
      expect(alarm).toHaveLength(1);
      expect(alarm[0]?.Threshold).toBe(1);
    });

    it('number one per function and signal, nothing unaccounted for', () => {
      const s = example();
      expect(alarms(s)).toHaveLength((REQUEST_FUNCTIONS.length + 1) * 2 + 5);
    });
  });

  describe('outputs', () => {
    it('give the URL, the table and the secrets to fill or rotate, and the notifier public key', () => {
      const s = example();
      const data = dataOf(s.stack);
      const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs).sort()).toEqual(
        [
          'AuthenticatorKeySecretArn',
          'BindSecretArn',
          'DecoyKeySecretArn',
          'NotifierPublicKey',
          'PepperSecretArn',
          'TableName',
          'Url',
        ].sort(),
      );
      expect(outputs.Url?.Value).toEqual({
        'Fn::Join': [
          '',
          ['https://', getAtt(s.stack.node.findChild('Web').node.findChild('Distribution'), 'DomainName')],
        ],
      });
      expect(outputs.TableName?.Value).toEqual(ref(data.table));
      expect(outputs.BindSecretArn?.Value).toEqual(ref(data.bindSecret));
      expect(outputs.PepperSecretArn?.Value).toEqual(ref(data.pepperSecret));
      expect(outputs.DecoyKeySecretArn?.Value).toEqual(ref(data.decoyKeySecret));
      expect(outputs.AuthenticatorKeySecretArn?.Value).toEqual(ref(data.authenticatorKeySecret));
      expect(outputs.NotifierPublicKey?.Value).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^DataNotifierKeyPair/), 'PublicKey'],
      });
    });
  });
}
