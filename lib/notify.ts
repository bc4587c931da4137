/**
 * The notifier (DESIGN §1): outside the VPC, fed by the table's stream (new outbox items only), the only function
 * with SES (for the configured identity only), SNS publish (to phone numbers, and to the alarm topic for the operators'
 * alerts) and the notifier's private key. Records it cannot send after its retries go to a dead-letter queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SsprFunction } from './ssprFunction.js';

export interface NotifyProps {
  table: dynamodb.Table;
  notifierKeySecret: secretsmanager.ISecret;
  sesIdentity: string;
  serviceConfig: Record<string, unknown>;
  logRetention: logs.RetentionDays;
  version: string;
}

export class Notify extends Construct {
  readonly notifier: SsprFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.notifier = new SsprFunction(this, 'Notifier', {
      entry: 'notifier',
      description: 'SSPR notifier: sends outbox items (e-mail by SES, SMS by SNS) from the table stream',
      serviceConfig: props.serviceConfig,
      logRetention: props.logRetention,
      memorySize: 256,
      timeout: Duration.seconds(30),
      version: props.version,
      environment: {
        SSPR_TABLE_NAME: props.table.tableName,
        SSPR_NOTIFIER_KEY_SECRET_ID: props.notifierKeySecret.secretArn,
      },
    });
    const fn = this.notifier.fn;
    fn.addEventSource(
      new sources.DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: 5,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.hours(1),
        onFailure: new sources.SqsDlq(this.deadLetters),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('outbox') } } },
          }),
        ],
      }),
    );
    // Reads the item and marks it sent or failed: no other table access.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    props.notifierKeySecret.grantRead(fn);
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sesIdentity })],
      }),
    );
    // An SMS to a phone number has no resource ARN; "anything that is not an SNS ARN" allows numbers and no topic.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${stack.partition}:sns:*:*:*`] }),
    );
  }

  /**
   * The operators' alerts (outbox channel alert: a user reported a notice's event as not theirs) go to the alarm topic:
   * publish to that one topic (and its key), and its ARN in the environment. Called once the alarms exist.
   */
  sendAlertsTo(topic: sns.Topic): void {
    const fn = this.notifier.fn;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    // The topic is encrypted: publishing needs a data key of its key (the exact actions, no wildcard).
    if (topic.masterKey) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [topic.masterKey.keyArn],
        }),
      );
    }
    fn.addEnvironment('SSPR_ALERT_TOPIC_ARN', topic.topicArn);
  }
}
