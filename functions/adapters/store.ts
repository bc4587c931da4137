/**
 * The Store port over one DynamoDB table (single-table design, DESIGN §5), reached through the DocumentClient.
 *
 * Item layout (pk / sk, all strings; `expiresAt` is the TTL attribute in epoch seconds):
 *   enrollment    ENROLLMENT#<objectGuid lower-case>   ENROLLMENT                       no expiry
 *   rate counter  RATE#<counter>                       W#<windowSeconds>#<windowStartMs> window end
 *   audit event   AUDIT#<subject>                      <at ISO>#<requestId>#<random>     at + retention
 *   outbox item   OUTBOX#<id>                          OUTBOX                           createdAt + 1 day
 *
 * Every change is one conditional write on one item (dynalite has no transactions). TTL deletion is late (and never
 * happens on dynalite), so reads that depend on time compare the stored window end with `now` instead of trusting
 * that an expired item is gone.
 */
import { randomBytes } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { LANGUAGES } from '../core/language.js';
import type { Admission, AuditEvent, Enrollment, OutboxItem, OutboxStatus, RateWindow, Store } from '../core/store.js';

const DAY_MS = 86_400_000;
const OUTBOX_LIFETIME_MS = DAY_MS;

/** The table's key schema and billing, for the local stack and tests (the deployed table is defined in CDK). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    // dynalite accepts and ignores this; it documents what the notifier relies on in AWS.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

/** The TTL attribute (epoch seconds); the deployed table enables TTL on it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface ItemKey {
  pk: string;
  sk: string;
}

const OUTBOX_PREFIX = 'OUTBOX#';

/** Key builders, exported so tests and the admin tooling address the same items as the store. */
export const itemKeys = {
  // objectGUIDs are canonical lower case; folding case here means a differently-cased GUID can never split an account.
  enrollment: (objectGuid: string): ItemKey => ({ pk: `ENROLLMENT#${objectGuid.toLowerCase()}`, sk: 'ENROLLMENT' }),
  // The window length is part of the key so a changed windowSeconds starts fresh counters instead of reusing an item
  // whose stored window end belongs to the old length.
  rate: (counter: string, windowSeconds: number, windowStart: number): ItemKey => ({
    pk: `RATE#${counter}`,
    sk: `W#${windowSeconds}#${windowStart}`,
  }),
  auditPartition: (subject: string): string => `AUDIT#${subject}`,
  outbox: (id: string): ItemKey => ({ pk: `${OUTBOX_PREFIX}${id}`, sk: 'OUTBOX' }),
};

/** The outbox id of a table key, or null for any other item (for the notifier reading the table stream). */
export function outboxIdFromKey(key: { pk?: unknown }): string | null {
  return typeof key.pk === 'string' && key.pk.startsWith(OUTBOX_PREFIX) ? key.pk.slice(OUTBOX_PREFIX.length) : null;
}

const language = z.enum(LANGUAGES);
const channel = z.enum(['email', 'sms']);
const finite = z.number().finite();

const enrollmentItem = z.object({
  objectGuid: z.string(),
  sAMAccountName: z.string(),
  answers: z.array(
    z.object({
      questionId: z.string(),
      hash: z.object({
        algorithm: z.literal('scrypt'),
        N: finite,
        r: finite,
        p: finite,
        keyLength: finite,
        salt: z.string(),
        hash: z.string(),
        normalization: finite,
      }),
    }),
  ),
  contacts: z.array(
    z.object({
      id: z.string(),
      channel,
      address: z.string(),
      verified: z.boolean(),
      addedAt: finite,
    }),
  ),
  language,
  enrolledAt: finite,
  updatedAt: finite,
});

const rateItem = z.object({ count: finite, windowEnd: finite });

const auditItem = z.object({
  subject: z.string(),
  at: finite,
  event: z.string(),
  outcome: z.string(),
  reason: z.string().optional(),
  sourceAddress: z.string(),
  userAgent: z.string(),
  requestId: z.string(),
});

const outboxItem = z.object({
  id: z.string(),
  channel,
  to: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.string()),
  language,
  status: z.enum(['pending', 'sent', 'failed']),
  createdAt: finite,
});

function parseItem<T>(schema: z.ZodType<T>, item: unknown, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    // Only the paths: the values may be personal data or answer hashes, which do not belong in a log.
    const paths = result.error.issues.map((issue) => issue.path.join('.') || '(item)').join(', ');
    throw new Error(`DynamoStore: malformed ${what} item (${paths})`);
  }
  return result.data;
}

function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function storeError(operation: string, error: unknown): Error {
  const name = error instanceof Error ? error.name : typeof error;
  return new Error(`DynamoStore.${operation} failed: ${name}`, { cause: error });
}

function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

interface WindowPosition {
  key: ItemKey;
  windowEnd: number;
}

function windowPosition(counter: string, window: RateWindow, now: number): WindowPosition {
  if (!Number.isInteger(window.windowSeconds) || window.windowSeconds < 1) {
    throw new Error(`DynamoStore: windowSeconds must be a positive integer (got ${window.windowSeconds})`);
  }
  if (!Number.isFinite(now)) throw new Error('DynamoStore: now must be a finite number of milliseconds');
  const windowMs = window.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  return { key: itemKeys.rate(counter, window.windowSeconds, windowStart), windowEnd: windowStart + windowMs };
}

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getEnrollment(objectGuid: string): Promise<Enrollment | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.enrollment(objectGuid), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getEnrollment', error);
    }
    return item ? parseItem(enrollmentItem, item, 'enrollment') : null;
  }

  async putEnrollment(enrollment: Enrollment): Promise<void> {
    const item = {
      ...itemKeys.enrollment(enrollment.objectGuid),
      entity: 'enrollment',
      objectGuid: enrollment.objectGuid,
      sAMAccountName: enrollment.sAMAccountName,
      // Explicit copies so nothing but the port's fields reaches the table, whatever the caller's objects carry.
      answers: enrollment.answers.map(({ questionId, hash }) => ({
        questionId,
        hash: {
          algorithm: hash.algorithm,
          N: hash.N,
          r: hash.r,
          p: hash.p,
          keyLength: hash.keyLength,
          salt: hash.salt,
          hash: hash.hash,
          normalization: hash.normalization,
        },
      })),
      contacts: enrollment.contacts.map(({ id, channel, address, verified, addedAt }) => ({
        id,
        channel,
        address,
        verified,
        addedAt,
      })),
      language: enrollment.language,
      enrolledAt: enrollment.enrolledAt,
      updatedAt: enrollment.updatedAt,
    };
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
    } catch (error) {
      throw storeError('putEnrollment', error);
    }
  }

  async admit(counter: string, window: RateWindow, now: number): Promise<Admission> {
    const { key, windowEnd } = windowPosition(counter, window, now);
    const refused: Admission = { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
    // With a limit of 0 the condition below would still admit the first event (the item does not exist yet).
    if (window.limit < 1) return refused;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt), ' +
            '#windowEnd = if_not_exists(#windowEnd, :windowEnd), #entity = :entity',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: {
            '#count': 'count',
            '#expiresAt': TTL_ATTRIBUTE,
            '#windowEnd': 'windowEnd',
            '#entity': 'entity',
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': window.limit,
            ':expiresAt': epochSeconds(windowEnd),
            ':windowEnd': windowEnd,
            ':entity': 'rate',
          },
        }),
      );
      return { admitted: true };
    } catch (error) {
      if (isConditionFailed(error)) return refused;
      throw storeError('admit', error);
    }
  }

  async giveBack(counter: string, window: RateWindow, now: number): Promise<void> {
    const { key } = windowPosition(counter, window, now);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD #count :minusOne',
          // Also false when the item does not exist, so a give-back never creates a counter.
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      // Nothing left to give back in this window: zero is the floor, not an error.
      if (isConditionFailed(error)) return;
      throw storeError('giveBack', error);
    }
  }

  async count(counter: string, window: RateWindow, now: number): Promise<number> {
    const { key } = windowPosition(counter, window, now);
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: '#count, #windowEnd',
          ExpressionAttributeNames: { '#count': 'count', '#windowEnd': 'windowEnd' },
        }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('count', error);
    }
    if (!item) return 0;
    const { count, windowEnd } = parseItem(rateItem, item, 'rate counter');
    return windowEnd <= now ? 0 : Math.max(0, count);
  }

  async recordAudit(event: AuditEvent, retentionDays: number): Promise<void> {
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
      [TTL_ATTRIBUTE]: epochSeconds(event.at + retentionDays * DAY_MS),
    };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      throw storeError('recordAudit', error);
    }
  }

  async listAudit(subject: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
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

  async putOutboxItem(item: OutboxItem): Promise<void> {
    const record = {
      ...itemKeys.outbox(item.id),
      entity: 'outbox',
      id: item.id,
      channel: item.channel,
      to: item.to,
      template: item.template,
      params: { ...item.params },
      language: item.language,
      status: item.status,
      createdAt: item.createdAt,
      [TTL_ATTRIBUTE]: epochSeconds(item.createdAt + OUTBOX_LIFETIME_MS),
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
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

  async getOutboxItem(id: string): Promise<OutboxItem | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.outbox(id), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getOutboxItem', error);
    }
    return item ? parseItem(outboxItem, item, 'outbox') : null;
  }

  async markOutboxItem(id: string, status: Exclude<OutboxStatus, 'pending'>, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.outbox(id),
          // The params are emptied once the item is settled: whatever a message carried should not outlive its send
          // in the table or in the stream's new image (DESIGN §1).
          UpdateExpression: 'SET #status = :status, #settledAt = :now, #params = :noParams',
          // Also false for a missing item: attribute comparisons on a missing item fail.
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#settledAt': 'settledAt', '#params': 'params' },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':noParams': {}, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('markOutboxItem', error);
    }
  }
}
