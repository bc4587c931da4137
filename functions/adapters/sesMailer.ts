/**
 * E-mail through SES (API v2). Only the notifier imports this module, so no request function bundles the SES client.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MessageTransport, RenderedMessage } from '../core/ports.js';
import type { OutboxItem } from '../core/store.js';

export class SesMailer implements MessageTransport {
  constructor(
    /** The verified SES identity messages come from, e.g. no-reply@corp.example.com. */
    private readonly fromAddress: string,
    private readonly client: SESv2Client = new SESv2Client({}),
  ) {}

  async send(message: RenderedMessage, _item: OutboxItem): Promise<void> {
    if (message.channel !== 'email') throw new Error(`SesMailer sends e-mail only, not ${message.channel}`);
    // The notifier refuses these already; checked again at the edge because a header injection costs too much.
    if (/[\r\n]/.test(message.to)) throw new Error('SesMailer: e-mail address contains CR or LF');
    if (message.subject === undefined || /[\r\n]/.test(message.subject)) {
      throw new Error('SesMailer: an e-mail needs a one-line subject');
    }
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}
