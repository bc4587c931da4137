/**
 * The notifier's domain (DESIGN §1): deliver one outbox item exactly once as far as the store can tell. Deployed it runs
 * on the table stream (SES, SNS); locally on items as they are written (the outbox file).
 */
import type { Clock } from './clock.js';
import { isSealedTemplate, isTemplateName, type NotificationContext, renderMessage } from './notifications.js';
import type { MessageTransport, OpenSealedParams, RenderedMessage } from './ports.js';
import type { OutboxChannel, OutboxItem, Store } from './store.js';

export interface NotifierPorts {
  store: Store;
  /** A channel without a transport (e.g. SMS not configured) fails its items loudly rather than dropping them. */
  transports: Record<OutboxChannel, MessageTransport | undefined>;
  clock: Clock;
  context: NotificationContext;
  /** Opens sealed params with the notifier's private key; called only for sealed items. */
  openSealed: OpenSealedParams;
}

/** An item that can never be sent as it is (bad address, unknown template, bad parameters). It is marked failed. */
export class UndeliverableOutboxItemError extends Error {
  override readonly name = 'UndeliverableOutboxItemError';
}

/**
 * Sends a pending item its caller has just written and marks it sent (the local notifier and the admin CLI run on
 * items as they queue them): the write is the table's current state, so there is nothing to read first; the mark is
 * still conditional on pending. Returns 'skipped' for an item that is not pending. A transport error propagates and
 * leaves the item pending. An item that can never be delivered is marked failed, then UndeliverableOutboxItemError is
 * thrown so the failure shows; a later delivery by id finds it settled and skips it.
 */
export async function deliverWrittenOutboxItem(item: OutboxItem, ports: NotifierPorts): Promise<'sent' | 'skipped'> {
  if (item.status !== 'pending') return 'skipped';
  return deliverCurrent(item, ports);
}

/**
 * The same for an item known by its id only (the deployed notifier reads the stream record's key, and a redelivered
 * record names an item already sent): one read of the table decides. A transport error leaves the item pending, so
 * the Lambda's retries and dead-letter queue see it. Returns the item as read (null when it is gone), for the log line.
 */
export async function deliverOutboxItemById(
  id: string,
  ports: NotifierPorts,
): Promise<{ outcome: 'sent' | 'skipped'; item: OutboxItem | null }> {
  const current = await ports.store.getOutboxItem(id);
  if (current?.status !== 'pending') return { outcome: 'skipped', item: current };
  return { outcome: await deliverCurrent(current, ports), item: current };
}

async function deliverCurrent(current: OutboxItem, ports: NotifierPorts): Promise<'sent'> {
  // Opened before anything is judged: a key that cannot be had throws here and leaves the item pending. Items that
  // are not sealed never need the key, so notices still go out while its secret is unreadable.
  const opened = current.sealed ? await ports.openSealed(current.sealed, current.id) : undefined;

  let delivered: OutboxItem;
  let message: RenderedMessage;
  try {
    delivered = withParams(current, opened);
    message = prepare(delivered, ports.context);
  } catch (error) {
    await ports.store.markOutboxItem(current.id, 'failed', ports.clock.now());
    throw new UndeliverableOutboxItemError(`outbox item ${current.id}: ${(error as Error).message}`, { cause: error });
  }

  const transport = ports.transports[current.channel];
  // A configuration problem, not the item's: it stays pending so it goes out once the channel is configured.
  if (!transport) throw new Error(`outbox item ${current.id}: no transport for channel ${current.channel}`);

  await transport.send(message, delivered);
  // A false here means a parallel delivery settled it first; the message went out either way.
  await ports.store.markOutboxItem(current.id, 'sent', ports.clock.now());
  return 'sent';
}

/**
 * The item with the params it is rendered from. Throws for a seal that did not open, and for readable params where
 * there must be none: a secret in clear means the outbox was bypassed, and is not sent on.
 */
function withParams(item: OutboxItem, opened: Record<string, string> | null | undefined): OutboxItem {
  const { sealed, ...rest } = item;
  if (!sealed) {
    // An unknown template is refused by prepare(), by its name.
    if (isTemplateName(item.template) && isSealedTemplate(item.template)) {
      throw new Error(`template ${item.template} must be sealed`);
    }
    return rest;
  }
  if (Object.keys(item.params).length > 0) throw new Error('both readable and sealed params');
  if (!opened) throw new Error('the sealed params do not open');
  return { ...rest, params: opened };
}

function prepare(item: OutboxItem, context: NotificationContext): RenderedMessage {
  // A CR or LF in an address could inject mail headers (DESIGN §4 Notifications).
  if (item.channel === 'email' && /[\r\n]/.test(item.to)) throw new Error('e-mail address contains CR or LF');
  if (item.to.trim() === '') throw new Error('no destination');
  return renderMessage(item, context);
}
