/**
 * Deployed notifier (DESIGN §1): fed by the table's stream (new outbox items only, filtered by the event source), it
 * sends each item by SES or SNS (a phone, or the alarm topic for operator alerts) and marks it sent. Outside the VPC; the only function with SES, SNS and the
 * notifier's private key. A send that fails is reported as the batch's failure point, so the stream retries from there
 * and, past its retries, the record goes to the dead-letter queue.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger } from '../adapters/logger.js';
import { sealedParamsOpener } from '../adapters/sealing.js';
import { NotifierKeySecret } from '../adapters/secretsManager.js';
import { SesMailer } from '../adapters/sesMailer.js';
import { SnsSender, SnsTopicPublisher } from '../adapters/snsSender.js';
import { outboxIdFromKey } from '../adapters/store.js';
import { systemClock } from '../core/clock.js';
import { deliverOutboxItemById, type NotifierPorts, UndeliverableOutboxItemError } from '../core/notifier.js';
import { config } from './runtime/config.js';
import { requireEnv } from './runtime/env.js';
import { secretsClient } from './runtime/secretsClient.js';
import { store } from './runtime/store.js';

const env = requireEnv('SSPR_NOTIFIER_KEY_SECRET_ID', 'SSPR_ALERT_TOPIC_ARN');
const logger = createLogger();
const notifierKey = new NotifierKeySecret(env.SSPR_NOTIFIER_KEY_SECRET_ID, secretsClient);

const ports: NotifierPorts = {
  store,
  clock: systemClock,
  transports: {
    email: new SesMailer(config.notifications.emailFrom),
    sms: new SnsSender({ senderId: config.notifications.smsSenderId }),
    // The operators' alerts (a user reported a notice's event as not theirs) go to the alarm topic.
    alert: new SnsTopicPublisher(env.SSPR_ALERT_TOPIC_ARN),
  },
  context: { helpdeskContact: config.helpdesk.contact, baseUrl: config.notifications.baseUrl },
  openSealed: sealedParamsOpener(notifierKey.privateKey),
};

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const id = outboxIdFromKey({ pk: record.dynamodb?.Keys?.pk?.S });
    if (id === null || record.eventName !== 'INSERT') continue;
    try {
      const { outcome, item } = await deliverOutboxItemById(id, ports);
      logger.info('outbox item handled', { outboxId: id, channel: item?.channel, template: item?.template, outcome });
    } catch (error) {
      const err = error as Error;
      if (error instanceof UndeliverableOutboxItemError) {
        // Marked failed by the domain: retrying cannot help, so the batch goes on; the error line raises the alarm.
        logger.error('outbox item undeliverable', { outboxId: id, errorName: err.name, errorMessage: err.message });
        continue;
      }
      logger.error('outbox item not sent; the stream retries it', {
        outboxId: id,
        errorName: err.name,
        errorMessage: err.message,
      });
      // Records after this one are retried with it: the stream's checkpoint is this record.
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
