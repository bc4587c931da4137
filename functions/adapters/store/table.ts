/**
 * What every record family of the store shares (functions/adapters/store.ts composes them): the table and its key
 * schema, the item keys, and the way an item is read, parsed, written on a condition and reported when DynamoDB fails.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { LANGUAGES } from '../../core/language.js';

/** The one table every family writes to, and the client that reaches it. */
export interface Table {
  db: DynamoDBDocumentClient;
  tableName: string;
}

export const DAY_MS = 86_400_000;

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

export const OUTBOX_PREFIX = 'OUTBOX#';
export const ENROLLMENT_PREFIX = 'ENROLLMENT#';
export const AUDIT_PREFIX = 'AUDIT#';

/** Key builders, exported so tests and the admin tooling address the same items as the store. */
export const itemKeys = {
  // objectGUIDs are canonical lower case; folding case here means a differently-cased GUID can never split an account.
  enrollment: (objectGuid: string): ItemKey => ({
    pk: `${ENROLLMENT_PREFIX}${objectGuid.toLowerCase()}`,
    sk: 'ENROLLMENT',
  }),
  // The window length is part of the key so a changed windowSeconds starts fresh counters instead of reusing an item
  // whose stored window end belongs to the old length.
  rate: (counter: string, windowSeconds: number, windowStart: number): ItemKey => ({
    pk: `RATE#${counter}`,
    sk: `W#${windowSeconds}#${windowStart}`,
  }),
  flow: (tokenHash: string): ItemKey => ({ pk: `FLOW#${tokenHash}`, sk: 'FLOW' }),
  openFlow: (subject: string): ItemKey => ({ pk: `OPENFLOW#${subject}`, sk: 'OPENFLOW' }),
  // A subject's guard item: its block and both failure windows (store/blocks.ts).
  block: (subject: string): ItemKey => ({ pk: `BLOCK#${subject}`, sk: 'BLOCK' }),
  lease: (name: string): ItemKey => ({ pk: `LEASE#${name}`, sk: 'LEASE' }),
  questionChoices: (): ItemKey => ({ pk: 'STATS#question-choices', sk: 'STATS' }),
  auditPartition: (subject: string): string => `${AUDIT_PREFIX}${subject}`,
  contactVerification: (tokenHash: string): ItemKey => ({ pk: `CONTACTVERIFY#${tokenHash}`, sk: 'CONTACTVERIFY' }),
  methodsSession: (tokenHash: string): ItemKey => ({ pk: `METHODSSESSION#${tokenHash}`, sk: 'METHODSSESSION' }),
  methodsEpoch: (subject: string): ItemKey => ({ pk: `METHODSEPOCH#${subject}`, sk: 'METHODSEPOCH' }),
  repudiation: (tokenHash: string): ItemKey => ({ pk: `REPUDIATION#${tokenHash}`, sk: 'REPUDIATION' }),
  outbox: (id: string): ItemKey => ({ pk: `${OUTBOX_PREFIX}${id}`, sk: 'OUTBOX' }),
};

/** The outbox id of a table key, or null for any other item (for the notifier reading the table stream). */
export function outboxIdFromKey(key: { pk?: unknown }): string | null {
  return typeof key.pk === 'string' && key.pk.startsWith(OUTBOX_PREFIX) ? key.pk.slice(OUTBOX_PREFIX.length) : null;
}

export const language = z.enum(LANGUAGES);
export const channel = z.enum(['email', 'sms']);
// zod 4 numbers refuse Infinity and NaN already.
export const finite = z.number();

export function parseItem<T>(schema: z.ZodMiniType<T>, item: unknown, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    // Only the paths: the values may be personal data or answer hashes, which do not belong in a log.
    const paths = result.error.issues.map((issue) => issue.path.join('.') || '(item)').join(', ');
    throw new Error(`DynamoStore: malformed ${what} item (${paths})`);
  }
  return result.data;
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function storeError(operation: string, error: unknown): Error {
  const name = error instanceof Error ? error.name : typeof error;
  return new Error(`DynamoStore.${operation} failed: ${name}`, { cause: error });
}

export function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * Makes one conditional write: true when it was made, false when its condition refused it (that is an answer, not an
 * error); any other failure is the operation's error.
 */
export async function writeIf(operation: string, write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw storeError(operation, error);
  }
}

/** The item under `key` by a strongly consistent read (only the attributes `only` names, if given), or undefined. */
export async function getItem(
  { db, tableName }: Table,
  key: ItemKey,
  operation: string,
  only?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const projection = only && {
    ProjectionExpression: only.map((_, i) => `#p${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(only.map((name, i) => [`#p${i}`, name])),
  };
  try {
    const result = await db.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true, ...projection }),
    );
    return result.Item;
  } catch (error) {
    throw storeError(operation, error);
  }
}

/** Every item a filtered scan returns, page by page (admin tooling only). */
export async function scanAll(
  { db, tableName }: Table,
  operation: string,
  filter: Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  onProgress?: (scanned: number) => void,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let scanned = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    let page: ScanCommandOutput;
    try {
      page = await db.send(
        new ScanCommand({ TableName: tableName, ...filter, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
    } catch (error) {
      throw storeError(operation, error);
    }
    items.push(...(page.Items ?? []));
    scanned += page.ScannedCount ?? 0;
    onProgress?.(scanned);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
