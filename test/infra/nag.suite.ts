/**
 * cdk-nag AwsSolutions on the whole app (issue 8 §3): no unacknowledged finding, error or warning, for the example
 * config and the variants (created VPC, NAT, custom domain, created WAF, no WAF); every acknowledgement has a reason.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synth, VARIANTS, type VariantName } from './synth.js';

function findings(variant: VariantName) {
  const { app } = synth(variant);
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    at: v.violatingResources.map((r) => r.constructPath),
    description: v.description,
  }));
}

/** Registered by templates.test.ts, so that every suite shares one process and its cached synths. */
export function nagSuite(): void {
  describe('cdk-nag AwsSolutions', () => {
    it.each(Object.keys(VARIANTS) as VariantName[])('finds nothing unacknowledged (%s)', (variant) => {
      expect(findings(variant)).toEqual([]);
    });

    it('acknowledges each finding with its reason', () => {
      const { app } = synth('createdNat');
      const acknowledged = app.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        // The CDK acknowledges some of its own CloudFormation validation rules; ours are the AwsSolutions ones.
        .filter(([id]) => id.includes('AwsSolutions-'));
      expect(acknowledged.length).toBeGreaterThan(10);
      for (const [id, reason] of acknowledged) {
        expect(reason.length, id).toBeGreaterThanOrEqual(40);
      }
    });

    it('does find what it should (the check is not vacuous)', () => {
      const scratch = new Stack(new App(), 'NagControl', { env: { region: 'eu-central-1' } });
      new sqs.Queue(scratch, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      const report = new AwsSolutionsChecks(undefined).validateScope(scratch);
      expect(report.violations.map((v) => v.ruleName)).toEqual(
        expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
      );
    });
  });
}
