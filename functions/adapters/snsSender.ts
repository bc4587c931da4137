/**
 * SMS through SNS (Publish to a phone number), and the operators' alerts (Publish to the alarm topic). Only the notifier imports this module, so no request function bundles
 * the SNS client.
 */
import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { isValidPhone } from '../core/contacts.js';
import type { MessageTransport, RenderedMessage } from '../core/ports.js';
import type { OutboxItem } from '../core/store.js';

export interface SnsSenderOptions {
  /** The alphanumeric sender id (config notifications.smsSenderId); without it the account's default shows. */
  senderId?: string | undefined;
}

export class SnsSender implements MessageTransport {
  private readonly attributes: Record<string, MessageAttributeValue>;

  constructor(
    options: SnsSenderOptions = {},
    private readonly client: SNSClient = new SNSClient({}),
  ) {
    // Transactional: codes and security notices must arrive now, and SNS then routes for reliability, not price.
    this.attributes = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      ...(options.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } } : {}),
    };
  }

  async send(message: RenderedMessage, _item: OutboxItem): Promise<void> {
    if (message.channel !== 'sms') throw new Error(`SnsSender sends SMS only, not ${message.channel}`);
    // The flows offer E.164 numbers only; checked again at the edge, as SesMailer checks for CR/LF: a number SNS
    // might read differently than the user saw it must never be texted.
    if (!isValidPhone(message.to)) throw new Error('SnsSender: the destination is not an E.164 number');
    await this.client.send(
      new PublishCommand({ PhoneNumber: message.to, Message: message.body, MessageAttributes: this.attributes }),
    );
  }
}

/** SNS allows a subject of printable ASCII, under 100 characters, on one line. */
function snsSubject(subject: string): string {
  return subject.replace(/[^\x20-\x7E]/g, '?').slice(0, 99);
}

/** The operators' alerts (channel alert): Publish to the alarm topic, whose subscribers are the operators. */
export class SnsTopicPublisher implements MessageTransport {
  constructor(
    private readonly topicArn: string,
    private readonly client: SNSClient = new SNSClient({}),
  ) {}

  async send(message: RenderedMessage, _item: OutboxItem): Promise<void> {
    if (message.channel !== 'alert') throw new Error(`SnsTopicPublisher sends alerts only, not ${message.channel}`);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        ...(message.subject ? { Subject: snsSubject(message.subject) } : {}),
        Message: message.body,
      }),
    );
  }
}
