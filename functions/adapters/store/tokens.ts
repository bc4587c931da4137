/**
 * The records kept under the hash of a token handed to a user (flows, contact verifications, methods sessions,
 * repudiations): the token itself is never stored, and its hash is never named in an error, being the lookup key of a
 * live record. Each is created once and never overwritten, read only until its own expiry (kept as `expiresAtMs`,
 * because `expiresAt` is the TTL attribute and TTL deletion lags), and replaced only by a write conditional on the
 * version that was read.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import {
  epochSeconds,
  getItem,
  type ItemKey,
  isConditionFailed,
  parseItem,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
  writeIf,
} from './table.js';

export interface TokenRecord {
  tokenHash: string;
  expiresAt: number;
  /** Bumped by every write; each write is conditional on the version that was read. */
  version: number;
}

/** A token record as its item holds it: the expiry in milliseconds under its own name. */
export type StoredTokenRecord<T extends TokenRecord> = Omit<T, 'expiresAt'> & { expiresAtMs: number };

/** One kind of token record: how it is keyed, written and read. */
export interface TokenRecordKind<T extends TokenRecord> {
  /** As items and errors name it: the `entity` attribute, and e.g. 'methods session' in messages. */
  entity: string;
  what: string;
  key(tokenHash: string): ItemKey;
  /** Its attributes but key, expiry and version: explicit copies so nothing but the port's fields reaches the table. */
  attributes(record: T): Record<string, unknown>;
  schema: z.ZodMiniType<StoredTokenRecord<T>>;
  /** What creating it says when one with the same token exists. */
  exists: string;
}

/**
 * What an item may hold beside the port's fields, for the family's own bookkeeping (e.g. a methods session's epoch):
 * never read back into the record.
 */
export type Bookkeeping = Record<string, unknown>;

/** The record as its item. */
export function tokenRecordItem<T extends TokenRecord>(
  kind: TokenRecordKind<T>,
  record: T,
  bookkeeping: Bookkeeping = {},
): Record<string, unknown> {
  if (!Number.isFinite(record.expiresAt)) throw new Error(`DynamoStore: ${kind.what} expiry must be finite`);
  if (!Number.isInteger(record.version)) throw new Error(`DynamoStore: ${kind.what} version must be an integer`);
  return {
    ...kind.key(record.tokenHash),
    entity: kind.entity,
    tokenHash: record.tokenHash,
    ...kind.attributes(record),
    ...bookkeeping,
    // The table's TTL attribute is in seconds; the domain's expiry in milliseconds keeps its own name.
    expiresAtMs: record.expiresAt,
    version: record.version,
    [TTL_ATTRIBUTE]: epochSeconds(record.expiresAt),
  };
}

/** The record an item holds, whatever its expiry. */
export function parseTokenRecord<T extends TokenRecord>(kind: TokenRecordKind<T>, item: unknown): T {
  const { expiresAtMs, ...rest } = parseItem(kind.schema, item, kind.what);
  return { ...rest, expiresAt: expiresAtMs } as unknown as T;
}

/** Creates the record; never overwrites one with the same token. */
export async function createTokenRecord<T extends TokenRecord>(
  { db, tableName }: Table,
  kind: TokenRecordKind<T>,
  record: T,
  operation: string,
  bookkeeping?: Bookkeeping,
): Promise<void> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: tokenRecordItem(kind, record, bookkeeping),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new Error(`DynamoStore.${operation}: ${kind.exists}`);
    throw storeError(operation, error);
  }
}

/** The record, or null when unknown or expired: TTL deletion lags, so the stored expiry decides. */
export async function readTokenRecord<T extends TokenRecord>(
  table: Table,
  kind: TokenRecordKind<T>,
  tokenHash: string,
  now: number,
  operation: string,
): Promise<T | null> {
  return (await readTokenItem(table, kind, tokenHash, now, operation))?.record ?? null;
}

/** As readTokenRecord, with the item it was read from (for the family's bookkeeping). */
export async function readTokenItem<T extends TokenRecord>(
  table: Table,
  kind: TokenRecordKind<T>,
  tokenHash: string,
  now: number,
  operation: string,
): Promise<{ record: T; item: Record<string, unknown> } | null> {
  const item = await getItem(table, kind.key(tokenHash), operation);
  if (!item) return null;
  const record = parseTokenRecord(kind, item);
  return record.expiresAt <= now ? null : { record, item };
}

/** Replaces the record if its stored version is still `record.version - 1`; false when another write came first. */
export async function replaceTokenRecord<T extends TokenRecord>(
  { db, tableName }: Table,
  kind: TokenRecordKind<T>,
  record: T,
  operation: string,
  bookkeeping?: Bookkeeping,
): Promise<boolean> {
  return writeIf(operation, () =>
    db.send(
      new PutCommand({
        TableName: tableName,
        Item: tokenRecordItem(kind, record, bookkeeping),
        // Also false for a missing item, so a replacement never resurrects or invents a record.
        ConditionExpression: '#version = :previous',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':previous': record.version - 1 },
      }),
    ),
  );
}
