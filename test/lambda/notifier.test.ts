/**
 * The deployed notifier entry (functions/lambda/notifier.ts) as Lambda runs it: its module wires itself from the
 * environment, reads the table on dynalite (the real DynamoDB API), and sends by SES and SNS, whose clients are
 * checked with aws-sdk-client-mock (there is no local SES or SNS). Records come as the table stream delivers them.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamoClient.js';
import { generateSealingKeyPair } from '../../functions/adapters/sealing.js';
import { DynamoStore } from '../../functions/adapters/store.js';
import { StoreOutbox } from '../../functions/adapters/storeOutbox.js';
import { ensureTable, localClientOptions, type RunningDynalite, startDynalite } from '../../local/dynalite.js';

const TABLE = 'sspr-notifier-test';
const ALERT_TOPIC = 'arn:aws:sns:us-east-1:111122223333:sspr-alarms';
const keys = generateSealingKeyPair();
const secretsManager = mockClient(SecretsManagerClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);

let dynalite: RunningDynalite;
let store: DynamoStore;
let outbox: StoreOutbox;
let handler: (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
const saved = { ...process.env };

function streamEvent(...ids: string[]): DynamoDBStreamEvent {
  return {
    Records: ids.map((id, i) => ({
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: { S: `OUTBOX#${id}` }, sk: { S: 'OUTBOX' } }, SequenceNumber: String(100 + i) },
    })),
  };
}

/** A verification code as a request function queues it: sealed to the notifier's key. */
async function enqueueCode(channel: 'email' | 'sms', to: string, code: string): Promise<string> {
  const item = await outbox.write({
    channel,
    to,
    template: 'verification-code',
    params: { code, minutes: '10' },
    language: 'en',
  });
  return item.id;
}

beforeAll(async () => {
  dynalite = await startDynalite();
  const client = createDocumentClient(localClientOptions(dynalite.endpoint));
  await ensureTable(client, TABLE);
  store = new DynamoStore(client, TABLE);
  outbox = new StoreOutbox(store, keys.publicKey);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    SSPR_TABLE_NAME: TABLE,
    SSPR_NOTIFIER_KEY_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:notifier',
    SSPR_ALERT_TOPIC_ARN: ALERT_TOPIC,
    SSPR_CONFIG: JSON.stringify({
      notifications: {
        baseUrl: 'https://password.example.com',
        emailFrom: 'no-reply@example.com',
        smsSenderId: 'ExampleIT',
      },
    }),
  });
  ({ handler } = await import('../../functions/lambda/notifier.js'));
});

afterAll(async () => {
  process.env = saved;
  await dynalite.close();
});

beforeEach(() => {
  secretsManager.reset();
  ses.reset();
  sns.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: keys.privateKey });
});

describe('deployed notifier', () => {
  it('leaves an item to the stream retries while the key cannot be read (runs first: a read key is kept for the instance)', async () => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const id = await enqueueCode('email', 'carol@corp.example.test', '777888');
    expect((await handler(streamEvent(id))).batchItemFailures).toHaveLength(1);
    expect((await store.getOutboxItem(id))?.status).toBe('pending');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('opens a sealed code with the private key from Secrets Manager, sends it by SES from the configured address, and marks it sent', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const id = await enqueueCode('email', 'alice@corp.example.test', '493817');
    expect(JSON.stringify(await store.getOutboxItem(id))).not.toContain('493817');

    expect(await handler(streamEvent(id))).toEqual({ batchItemFailures: [] });
    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.FromEmailAddress).toBe('no-reply@example.com');
    expect(sent[0]?.Destination?.ToAddresses).toEqual(['alice@corp.example.test']);
    expect(sent[0]?.Content?.Simple?.Body?.Text?.Data).toContain('493817');
    expect((await store.getOutboxItem(id))?.status).toBe('sent');

    // A redelivered record finds the item settled and sends nothing.
    expect(await handler(streamEvent(id))).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('sends an SMS by SNS as transactional with the sender id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 's-1' });
    const id = await enqueueCode('sms', '+15550100001', '111222');
    expect(await handler(streamEvent(id))).toEqual({ batchItemFailures: [] });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.PhoneNumber).toBe('+15550100001');
    expect(input?.Message).toContain('111222');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SenderID']?.StringValue).toBe('ExampleIT');
  });

  it('publishes an operators\' alert ("This wasn\'t me") to the alarm topic, never to a phone', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'a-1' });
    const { id } = await outbox.write({
      channel: 'alert',
      to: 'operators',
      template: 'repudiation-alert',
      params: { subject: 'bob', event: 'password-reset', at: '2026-03-01T09:05:00Z', sourceAddress: '192.0.2.7' },
      language: 'en',
    });
    expect(await handler(streamEvent(id))).toEqual({ batchItemFailures: [] });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(ALERT_TOPIC);
    expect(input?.PhoneNumber).toBeUndefined();
    expect(input?.Subject).toBe('SSPR: bob reported password-reset as not theirs');
    expect(input?.Message).toContain('192.0.2.7');
    expect((await store.getOutboxItem(id))?.status).toBe('sent');
  });

  it('reports the first record whose send failed as the batch failure point and leaves it pending', async () => {
    ses.on(SendEmailCommand).rejects(new Error('Throttling'));
    const first = await enqueueCode('email', 'bob@corp.example.test', '222333');
    const second = await enqueueCode('email', 'judy@corp.example.test', '444555');
    expect(await handler(streamEvent(first, second))).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect((await store.getOutboxItem(first))?.status).toBe('pending');
    // The second is not tried: the stream retries from the failure point, and it comes with it.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect((await store.getOutboxItem(second))?.status).toBe('pending');
  });

  it('ignores records that are not new outbox items', async () => {
    const event: DynamoDBStreamEvent = {
      Records: [
        { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'FLOW#abc' }, sk: { S: 'FLOW' } }, SequenceNumber: '1' } },
        {
          eventName: 'MODIFY',
          dynamodb: { Keys: { pk: { S: 'OUTBOX#x' }, sk: { S: 'OUTBOX' } }, SequenceNumber: '2' },
        },
      ],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
