/**
 * Failures and blocks: each subject's failure windows (FAILURES#<subject>, one item per kind holding `count` and
 * `windowEnd` ms), reserved before the check they guard, and its self-service block (BLOCK#<subject>, `until` ms and
 * `reason`). TTL deletion lags: the stored window end or `until` is compared with `now`.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Block, BlockReason, FailureKind, FailureReservation, FailureWindow, Store } from '../../core/store.js';
import {
  deleteTogether,
  epochSeconds,
  finite,
  getItem,
  isConditionFailed,
  itemKeys,
  parseItem,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
  writeIf,
} from './table.js';

const FAILURE_KINDS = ['answer', 'code'] as const satisfies readonly FailureKind[];
const BLOCK_REASONS = [...FAILURE_KINDS, 'repudiated'] as const satisfies readonly BlockReason[];

const failureItem = z.object({ count: finite, windowEnd: finite });
// What UPDATED_NEW returns after the increment: only the attribute the update changed.
const failureCountItem = z.object({ count: finite });

const blockItem = z.object({ subject: z.string(), until: finite, reason: z.enum(BLOCK_REASONS) });

/** A block as its item, for putBlock and putNewBlock alike. */
function blockItemOf(block: Block): Record<string, unknown> {
  if (!Number.isFinite(block.until)) throw new Error('DynamoStore: block until must be finite');
  return {
    ...itemKeys.block(block.subject),
    entity: 'block',
    subject: block.subject,
    until: block.until,
    reason: block.reason,
    [TTL_ATTRIBUTE]: epochSeconds(block.until),
  };
}

/**
 * Increment, open, increment, …: each round is at most two single-item writes, and a round is only lost to a parallel
 * request that opened the window in between, so a handful of rounds is plenty; more means something is wrong.
 */
const FAILURE_ROUNDS = 5;

type BlockRecords = Pick<
  Store,
  | 'reserveFailure'
  | 'giveBackFailure'
  | 'failureCount'
  | 'clearFailures'
  | 'clearBlockAndFailures'
  | 'clearFailuresAndUnreportedBlock'
  | 'putBlock'
  | 'putNewBlock'
  | 'getBlock'
>;

export function blockRecords(table: Table): BlockRecords {
  const { db, tableName } = table;

  async function reserveFailure(
    subject: string,
    kind: FailureKind,
    window: FailureWindow,
    now: number,
  ): Promise<FailureReservation> {
    if (!Number.isFinite(window.windowSeconds) || window.windowSeconds <= 0) {
      throw new Error(`DynamoStore: windowSeconds must be positive (got ${window.windowSeconds})`);
    }
    if (!Number.isFinite(now)) throw new Error('DynamoStore: now must be a finite number of milliseconds');
    // Nothing is counted during a block: a failure then would outlive the block in a window of its own.
    const block = await getBlock(subject, now);
    if (block) return { reserved: false, blockedUntil: block.until };
    const full: FailureReservation = { reserved: false, blockedUntil: null };
    if (window.limit < 1) return full;
    const key = itemKeys.failures(subject, kind);
    const windowEnd = now + window.windowSeconds * 1000;
    for (let round = 0; round < FAILURE_ROUNDS; round++) {
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'ADD #count :one',
            // Also false for a missing item or an ended window; the window's end stays where its first failure put it.
            ConditionExpression: '#windowEnd > :now AND #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#windowEnd': 'windowEnd' },
            ExpressionAttributeValues: { ':one': 1, ':now': now, ':limit': window.limit },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { reserved: true, count: parseItem(failureCountItem, result.Attributes, 'failures').count };
      } catch (error) {
        if (!isConditionFailed(error)) throw storeError('reserveFailure', error);
      }
      // Refused: either the window is full, or there is no open window (then it is opened below).
      if ((await failureCount(subject, kind, now)) >= window.limit) return full;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET #count = :one, #windowEnd = :windowEnd, #expiresAt = :expiresAt, #entity = :entity',
            // Exactly the complement of the increment's window condition: of all parallel callers that find no open
            // window, one opens it and the others go back to the increment, so every count is handed out once.
            ConditionExpression: 'attribute_not_exists(pk) OR #windowEnd <= :now',
            ExpressionAttributeNames: {
              '#count': 'count',
              '#windowEnd': 'windowEnd',
              '#expiresAt': TTL_ATTRIBUTE,
              '#entity': 'entity',
            },
            ExpressionAttributeValues: {
              ':one': 1,
              ':now': now,
              ':windowEnd': windowEnd,
              ':expiresAt': epochSeconds(windowEnd),
              ':entity': 'failures',
            },
          }),
        );
        return { reserved: true, count: 1 };
      } catch (error) {
        if (!isConditionFailed(error)) throw storeError('reserveFailure', error);
      }
    }
    throw new Error(`DynamoStore.reserveFailure: no window could be opened or counted in ${FAILURE_ROUNDS} rounds`);
  }

  async function giveBackFailure(subject: string, kind: FailureKind, now: number): Promise<void> {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.failures(subject, kind),
          UpdateExpression: 'ADD #count :minusOne',
          // Also false for a missing item, so a give-back never creates a window; one that ended is left alone.
          ConditionExpression: '#count > :zero AND #windowEnd > :now',
          ExpressionAttributeNames: { '#count': 'count', '#windowEnd': 'windowEnd' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0, ':now': now },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return;
      throw storeError('giveBackFailure', error);
    }
  }

  async function failureCount(subject: string, kind: FailureKind, now: number): Promise<number> {
    const item = await getItem(table, itemKeys.failures(subject, kind), 'failureCount', ['count', 'windowEnd']);
    if (!item) return 0;
    const { count, windowEnd } = parseItem(failureItem, item, 'failures');
    return windowEnd <= now ? 0 : count;
  }

  async function clearFailures(subject: string): Promise<void> {
    await deleteTogether(
      table,
      FAILURE_KINDS.map((kind) => itemKeys.failures(subject, kind)),
      'clearFailures',
    );
  }

  async function clearBlockAndFailures(subject: string): Promise<void> {
    await deleteTogether(
      table,
      [itemKeys.block(subject), ...FAILURE_KINDS.map((kind) => itemKeys.failures(subject, kind))],
      'clearBlockAndFailures',
    );
  }

  async function clearFailuresAndUnreportedBlock(subject: string): Promise<void> {
    await Promise.all([
      deleteTogether(
        table,
        FAILURE_KINDS.map((kind) => itemKeys.failures(subject, kind)),
        'clearFailuresAndUnreportedBlock',
      ),
      // Conditional on the reason stored now, not on one read earlier: a repudiation written since stays. False for a
      // missing block too, which leaves nothing to delete.
      writeIf('clearFailuresAndUnreportedBlock', () =>
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: itemKeys.block(subject),
            ConditionExpression: '#reason <> :reported',
            ExpressionAttributeNames: { '#reason': 'reason' },
            ExpressionAttributeValues: { ':reported': 'repudiated' satisfies BlockReason },
          }),
        ),
      ),
    ]);
  }

  async function putBlock(block: Block): Promise<void> {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: blockItemOf(block),
        }),
      );
    } catch (error) {
      throw storeError('putBlock', error);
    }
  }

  async function putNewBlock(block: Block, now: number): Promise<boolean> {
    return writeIf('putNewBlock', () =>
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: blockItemOf(block),
          // A live block stays as it is (TTL deletion lags: the stored until decides).
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  async function getBlock(subject: string, now: number): Promise<Block | null> {
    const item = await getItem(table, itemKeys.block(subject), 'getBlock');
    if (!item) return null;
    const block = parseItem(blockItem, item, 'block');
    return block.until <= now ? null : block;
  }

  return {
    reserveFailure,
    giveBackFailure,
    failureCount,
    clearFailures,
    clearBlockAndFailures,
    clearFailuresAndUnreportedBlock,
    putBlock,
    putNewBlock,
    getBlock,
  };
}
