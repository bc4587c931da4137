/**
 * Audit events: one partition per subject (AUDIT#<subject>), sorted by time, each kept for the retention the caller
 * names. scanAudit is a filtered scan of the whole table, page by page, for the admin CLI only: there is no index by
 * time, and request functions never call it.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AuditEvent, Store } from '../../core/store.js';
import {
  AUDIT_PREFIX,
  DAY_MS,
  epochSeconds,
  finite,
  itemKeys,
  parseItem,
  scanAll,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
} from './table.js';

const auditItem = z.object({
  subject: z.string(),
  at: finite,
  event: z.string(),
  outcome: z.string(),
  reason: z.optional(z.string()),
  sourceAddress: z.string(),
  userAgent: z.string(),
  requestId: z.string(),
  operator: z.optional(z.string()),
});

type AuditRecords = Pick<Store, 'recordAudit' | 'listAudit' | 'scanAudit'>;

export function auditRecords(table: Table): AuditRecords {
  const { db, tableName } = table;

  async function recordAudit(event: AuditEvent, retentionDays: number): Promise<void> {
    if (!Number.isFinite(event.at)) throw new Error('DynamoStore: audit event time must be finite');
    // The random part keeps two events of one request in the same millisecond apart.
    const sk = `${new Date(event.at).toISOString()}#${event.requestId}#${randomBytes(6).toString('base64url')}`;
    const item = {
      pk: itemKeys.auditPartition(event.subject),
      sk,
      entity: 'audit',
      subject: event.subject,
      at: event.at,
      event: event.event,
      outcome: event.outcome,
      reason: event.reason,
      sourceAddress: event.sourceAddress,
      userAgent: event.userAgent,
      requestId: event.requestId,
      ...(event.operator === undefined ? {} : { operator: event.operator }),
      [TTL_ATTRIBUTE]: epochSeconds(event.at + retentionDays * DAY_MS),
    };
    try {
      await db.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      throw storeError('recordAudit', error);
    }
  }

  async function listAudit(subject: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': itemKeys.auditPartition(subject) },
            ScanIndexForward: true,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw storeError('listAudit', error);
      }
      for (const item of page.Items ?? []) events.push(parseItem(auditItem, item, 'audit'));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }

  async function scanAudit(since: number, onProgress?: (scanned: number) => void): Promise<AuditEvent[]> {
    if (!Number.isFinite(since)) throw new Error('DynamoStore: since must be a finite number of milliseconds');
    const items = await scanAll(
      table,
      'scanAudit',
      {
        FilterExpression: 'begins_with(pk, :prefix) AND #at >= :since',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':prefix': AUDIT_PREFIX, ':since': since },
      },
      onProgress,
    );
    const events = items.map((item) => ({ sk: String(item.sk), event: parseItem(auditItem, item, 'audit') }));
    // The sort key starts with the ISO time, so it orders events of one millisecond as listAudit does.
    events.sort((a, b) => a.event.at - b.event.at || (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    return events.map(({ event }) => event);
  }

  return { recordAudit, listAudit, scanAudit };
}
