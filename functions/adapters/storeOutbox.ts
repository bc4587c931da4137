/**
 * The Outbox of the deployed request functions: a pending item in the table, which the notifier picks up from the
 * table stream (DESIGN §1). Request functions never hold an SES or SNS client, nor the notifier's private key: the
 * params of a template that carries a secret are sealed to the notifier's public key before the item is written.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.js';
import { checkTemplateChannel, checkTemplateParams, isSealedTemplate } from '../core/notifications.js';
import type { Outbox, OutboxMessage } from '../core/ports.js';
import type { OutboxItem, Store } from '../core/store.js';
import { parsePublicKey, sealParams } from './sealing.js';

export class StoreOutbox implements Outbox {
  private readonly notifierPublicKey: KeyObject;

  constructor(
    private readonly store: Store,
    /** The notifier's X25519 public key: a KeyObject, or base64url of its raw 32 bytes (SSPR_NOTIFIER_PUBLIC_KEY). */
    notifierPublicKey: KeyObject | string,
    private readonly clock: Clock = systemClock,
  ) {
    // Read once, at cold start: a missing or malformed key fails the function before it takes a request. A private
    // key is refused too: request functions must never hold it.
    this.notifierPublicKey =
      typeof notifierPublicKey === 'string' ? parsePublicKey(notifierPublicKey) : publicOnly(notifierPublicKey);
  }

  async enqueue(message: OutboxMessage): Promise<void> {
    await this.write(message);
  }

  /**
   * Writes the pending item and returns it as written (sealed), so the local stack can hand it straight to the
   * notifier.
   */
  async write(message: OutboxMessage): Promise<OutboxItem> {
    // Checked here, so a wrong template or parameter fails the request (and its tests) that queued it, not the notifier.
    checkTemplateParams(message.template, message.params);
    checkTemplateChannel(message.template, message.channel);
    if (message.channel === 'email' && /[\r\n]/.test(message.to)) {
      throw new Error('outbox: e-mail address contains CR or LF');
    }
    // Random, not derived from the message: two identical notices are two items.
    const id = randomBytes(16).toString('base64url');
    // Only templates that carry a secret are sealed: the others hold nothing the table's readers may not see, and
    // the notifier can send them even while its private key cannot be read.
    const sealed = isSealedTemplate(message.template);
    const item: OutboxItem = {
      id,
      channel: message.channel,
      to: message.to,
      template: message.template,
      params: sealed ? {} : { ...message.params },
      ...(sealed ? { sealed: sealParams({ ...message.params }, this.notifierPublicKey, id) } : {}),
      language: message.language,
      status: 'pending',
      createdAt: this.clock.now(),
    };
    await this.store.putOutboxItem(item);
    return item;
  }
}

function publicOnly(key: KeyObject): KeyObject {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'x25519') {
    throw new Error('StoreOutbox takes the notifier’s X25519 public key only');
  }
  return key;
}
