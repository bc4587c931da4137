/**
 * A CloudFront-scope WAF web ACL with a rate rule per client address (DESIGN §9). CloudFront web ACLs live in
 * us-east-1: the app creates this stack there and hands the ARN to the main stack (across regions when it is elsewhere).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface WafStackProps extends StackProps {
  requestsPer5Minutes: number;
}

export class WafStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: true,
    });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('sspr-web-acl'),
      rules: [
        {
          name: 'rate-per-address',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.requestsPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('sspr-rate-per-address'),
        },
        {
          name: 'aws-common',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: visibility('sspr-aws-common'),
        },
      ],
    });
    this.webAclArn = acl.attrArn;
  }
}
