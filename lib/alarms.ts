/**
 * Alarms to one SNS topic with the operator's e-mail (DESIGN §9): function errors and throttles, API 5xx, directory
 * unavailability, SMS volume at 80 % of the daily cap, undeliverable outbox items and the notifier's dead letters.
 * The directory, SMS and undeliverable signals are log lines (the allow-listed JSON logger), turned into metrics here.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SMS_WARNING_MESSAGE } from '../functions/core/limits.js';
import type { SsprFunction } from './ssprFunction.js';

export const METRIC_NAMESPACE = 'SSPR';

export interface AlarmsProps {
  alarmEmail: string;
  requestFunctions: SsprFunction[];
  notifier: SsprFunction;
  httpApi: apigw.HttpApi;
  deadLetters: sqs.IQueue;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'SSPR alarm topic encryption',
      enableKeyRotation: true,
    });
    // CloudWatch publishes to the encrypted topic, so it may use the key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'SSPR alarms', masterKey: key, enforceSSL: true });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const all = [...props.requestFunctions, props.notifier];
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      return created;
    };

    // One alarm per function (an alarm's math may not combine more than 10 metrics), so the alarm names the function.
    for (const fn of all) {
      alarm(
        `${fn.node.id}Errors`,
        fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `${fn.node.id} failed (an unhandled error or a timeout): see its log.`,
      );
      alarm(
        `${fn.node.id}Throttles`,
        fn.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `${fn.node.id} was throttled by Lambda concurrency: raise the account limit or its reserved concurrency.`,
      );
    }
    alarm(
      'Api5xx',
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
      'The API answered 5xx five times or more in five minutes.',
    );

    const fromLogs = (name: string, pattern: logs.IFilterPattern, functions: SsprFunction[]) => {
      for (const fn of functions) {
        new logs.MetricFilter(this, `${name}${fn.node.id}`, {
          logGroup: fn.logGroup,
          filterPattern: pattern,
          metricNamespace: METRIC_NAMESPACE,
          metricName: name,
          metricValue: '1',
          defaultValue: 0,
        });
      }
      return new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: name,
        period: Duration.minutes(5),
        statistic: 'Sum',
      });
    };
    alarm(
      'DirectoryUnavailable',
      fromLogs(
        'DirectoryUnavailable',
        logs.FilterPattern.stringValue('$.message', '=', 'directory unavailable'),
        props.requestFunctions,
      ),
      1,
      'No domain controller answered a request in time: check the DCs, the network path on 636 and the CA.',
    );
    alarm(
      'SmsVolume',
      fromLogs(
        'SmsVolumeWarning',
        logs.FilterPattern.stringValue('$.message', '=', SMS_WARNING_MESSAGE),
        props.requestFunctions,
      ),
      1,
      'SMS sent today reached 80 % of rateLimits.smsPerDay: check for abuse, or raise the cap and the SNS spend limit.',
    );
    alarm(
      'OutboxUndeliverable',
      fromLogs('OutboxUndeliverable', logs.FilterPattern.stringValue('$.message', '=', 'outbox item undeliverable'), [
        props.notifier,
      ]),
      1,
      'A message could not be sent as it is (bad address or parameters): see the notifier log.',
    );
    alarm(
      'NotifierDeadLetters',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
      'Outbox records the notifier could not send after its retries are in the dead-letter queue.',
    );
  }
}
