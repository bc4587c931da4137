/**
 * The Outbox of the deployed request functions: a pending item in the table, which the notifier picks up from the
 * table stream (DESIGN §1). Request functions never hold an SES or SNS client.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.js';
import { checkTemplateParams } from '../core/notifications.js';
import type { Outbox, OutboxMessage } from '../core/ports.js';
import type { OutboxItem, Store } from '../core/store.js';

export class StoreOutbox implements Outbox {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  async enqueue(message: OutboxMessage): Promise<void> {
    await this.write(message);
  }

  /** Writes the pending item and returns it, so the local stack can hand it straight to the notifier. */
  async write(message: OutboxMessage): Promise<OutboxItem> {
    // Checked here, so a wrong template or parameter fails the request (and its tests) that queued it, not the notifier.
    checkTemplateParams(message.template, message.params);
    if (message.channel === 'email' && /[\r\n]/.test(message.to)) {
      throw new Error('outbox: e-mail address contains CR or LF');
    }
    const item: OutboxItem = {
      // Random, not derived from the message: two identical notices are two items.
      id: randomBytes(16).toString('base64url'),
      channel: message.channel,
      to: message.to,
      template: message.template,
      params: { ...message.params },
      language: message.language,
      status: 'pending',
      createdAt: this.clock.now(),
    };
    await this.store.putOutboxItem(item);
    return item;
  }
}
