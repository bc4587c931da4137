/**
 * Outbox items (OUTBOX#<id>): the messages request functions queue and the notifier sends from the table stream. An
 * item of a template that carries a secret holds empty `params` and its params in `sealed`
 * (functions/adapters/sealing.ts); both go when the item is settled.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { isSealedTemplate } from '../../core/notifications.js';
import type { OutboxItem, OutboxStatus, Store } from '../../core/store.js';
import {
  DAY_MS,
  epochSeconds,
  finite,
  getItem,
  isConditionFailed,
  itemKeys,
  language,
  parseItem,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
  writeIf,
} from './table.js';

const OUTBOX_LIFETIME_MS = DAY_MS;

const outboxItem = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms', 'alert']),
  to: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.string()),
  sealed: z.optional(z.object({ v: z.literal(1), epk: z.string(), iv: z.string(), ct: z.string(), tag: z.string() })),
  language,
  status: z.enum(['pending', 'sent', 'failed']),
  createdAt: finite,
});

type OutboxRecords = Pick<Store, 'putOutboxItem' | 'getOutboxItem' | 'markOutboxItem'>;

export function outboxRecords(table: Table): OutboxRecords {
  const { db, tableName } = table;

  async function putOutboxItem(item: OutboxItem): Promise<void> {
    const hasParams = Object.keys(item.params).length > 0;
    // Checked at the last point before the table, whoever wrote the item: a code in clear would also reach the stream,
    // backups and exports, where no later step could take it back.
    if (item.sealed ? hasParams : isSealedTemplate(item.template)) {
      throw new Error(
        item.sealed
          ? `DynamoStore.putOutboxItem: outbox item ${item.id} has both readable and sealed params`
          : `DynamoStore.putOutboxItem: outbox item ${item.id} (${item.template}) must have its params sealed`,
      );
    }
    const { sealed } = item;
    const record = {
      ...itemKeys.outbox(item.id),
      entity: 'outbox',
      id: item.id,
      channel: item.channel,
      to: item.to,
      template: item.template,
      params: { ...item.params },
      ...(sealed ? { sealed: { v: sealed.v, epk: sealed.epk, iv: sealed.iv, ct: sealed.ct, tag: sealed.tag } } : {}),
      language: item.language,
      status: item.status,
      createdAt: item.createdAt,
      [TTL_ATTRIBUTE]: epochSeconds(item.createdAt + OUTBOX_LIFETIME_MS),
    };
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: record,
          // Never overwrite: putting a sent item back to pending would make the notifier send it again.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new Error(`DynamoStore.putOutboxItem: outbox item ${item.id} already exists`);
      throw storeError('putOutboxItem', error);
    }
  }

  async function getOutboxItem(id: string): Promise<OutboxItem | null> {
    const item = await getItem(table, itemKeys.outbox(id), 'getOutboxItem');
    return item ? parseItem(outboxItem, item, 'outbox') : null;
  }

  async function markOutboxItem(id: string, status: Exclude<OutboxStatus, 'pending'>, now: number): Promise<boolean> {
    return writeIf('markOutboxItem', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.outbox(id),
          // The params, readable or sealed, go once the item is settled: whatever a message carried should not outlive
          // its send in the table or in the stream's new image (DESIGN §1). A sealed body would stay openable by
          // whoever gets the notifier's key later.
          UpdateExpression: 'SET #status = :status, #settledAt = :now, #params = :noParams REMOVE #sealed',
          // Also false for a missing item: attribute comparisons on a missing item fail.
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#settledAt': 'settledAt',
            '#params': 'params',
            '#sealed': 'sealed',
          },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':noParams': {}, ':pending': 'pending' },
        }),
      ),
    );
  }
  return { putOutboxItem, getOutboxItem, markOutboxItem };
}
