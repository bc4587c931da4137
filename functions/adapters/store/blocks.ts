/**
 * Failures and blocks: one guard item per subject (BLOCK#<subject>) holding its self-service block (`until` ms and
 * `reason`) and both failure windows (`<kind>Count`, `<kind>WindowEnd` ms), so every reservation is one conditional
 * write of one item whose condition includes "no live block", and the reservation that fills a window writes the block
 * in that same write: no later reservation, in this window or the next, can miss it. TTL deletion lags: the stored
 * window end or `until` is compared with `now`, and the item's TTL is only ever raised (it must outlive all three).
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Block, BlockReason, FailureKind, FailureReservation, FailureWindow, Store } from '../../core/store.js';
import {
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

const guardItem = z.object({
  subject: z.optional(z.string()),
  until: z.optional(finite),
  reason: z.optional(z.enum(BLOCK_REASONS)),
  answerCount: z.optional(finite),
  answerWindowEnd: z.optional(finite),
  codeCount: z.optional(finite),
  codeWindowEnd: z.optional(finite),
  [TTL_ATTRIBUTE]: z.optional(finite),
});
type GuardItem = z.infer<typeof guardItem>;

const countAttribute = (kind: FailureKind) => `${kind}Count` as const;
const windowEndAttribute = (kind: FailureKind) => `${kind}WindowEnd` as const;
const COUNTERS = FAILURE_KINDS.flatMap((kind) => [countAttribute(kind), windowEndAttribute(kind)]);

// The block condition every reservation and new block carries (TTL deletion lags: the stored until decides).
const NO_LIVE_BLOCK = '(attribute_not_exists(#until) OR #until <= :now)';

/** The live block an item holds at `now`, or null. */
function liveBlock(subject: string, item: GuardItem | undefined, now: number): Block | null {
  if (!item || item.until === undefined || item.reason === undefined || item.until <= now) return null;
  return { subject, until: item.until, reason: item.reason };
}

/** The failures of a kind an item holds at `now` (0 outside an open window). */
function liveCount(item: GuardItem | undefined, kind: FailureKind, now: number): number {
  const windowEnd = item?.[windowEndAttribute(kind)];
  return windowEnd !== undefined && windowEnd > now ? (item?.[countAttribute(kind)] ?? 0) : 0;
}

/**
 * The TTL part of a write that must keep the item until `needed` (ms): raised to it when the stored TTL is lower (the
 * condition makes sure it still is), left alone when it is higher, so no write ever shortens the item's life. None
 * when the write makes nothing new to keep (a count in an open window: the window's opening raised the TTL already).
 */
function ttlRaise(stored: number | undefined, needed: number) {
  if (needed <= 0) return null;
  const at = epochSeconds(needed);
  if (stored !== undefined && stored >= at) {
    return { set: [] as string[], condition: '#expiresAt >= :expiresAt', values: { ':expiresAt': at } };
  }
  return {
    set: ['#expiresAt = :expiresAt'],
    condition: '(attribute_not_exists(#expiresAt) OR #expiresAt <= :expiresAt)',
    values: { ':expiresAt': at },
  };
}

/**
 * Read, then one conditional write, for as many rounds as parallel writers move the item on between the two: each
 * round lost means another reservation moved the window on (opened, counted, filled), so a handful is plenty.
 */
const FAILURE_ROUNDS = 8;

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

  async function readGuard(subject: string, operation: string): Promise<GuardItem | undefined> {
    const item = await getItem(table, itemKeys.block(subject), operation);
    return item && parseItem(guardItem, item, 'block');
  }

  async function reserveFailure(
    subject: string,
    kind: FailureKind,
    window: FailureWindow,
    now: number,
  ): Promise<FailureReservation> {
    if (!Number.isFinite(window.windowSeconds) || window.windowSeconds <= 0) {
      throw new Error(`DynamoStore: windowSeconds must be positive (got ${window.windowSeconds})`);
    }
    if (!Number.isFinite(window.blockSeconds) || window.blockSeconds <= 0) {
      throw new Error(`DynamoStore: blockSeconds must be positive (got ${window.blockSeconds})`);
    }
    if (!Number.isFinite(now)) throw new Error('DynamoStore: now must be a finite number of milliseconds');
    const block: Block = { subject, until: now + window.blockSeconds * 1000, reason: kind };
    for (let round = 0; round < FAILURE_ROUNDS; round++) {
      const item = await readGuard(subject, 'reserveFailure');
      const found = liveBlock(subject, item, now);
      // Nothing can ever be reserved: refused without a write that could count one.
      if (window.limit < 1) return { reserved: false, blockedUntil: found?.until ?? null, block: null };
      const open = (item?.[windowEndAttribute(kind)] ?? Number.NEGATIVE_INFINITY) > now;
      const count = liveCount(item, kind, now);
      // The write is chosen as if there were no block, and its condition refuses it during one: blocked or not, a
      // reservation is one read and one conditional write, so its timing does not tell a blocked account apart.
      const full = open && count >= window.limit;
      const fills = count + 1 >= window.limit;
      const windowEnd = now + window.windowSeconds * 1000;
      const ttl = ttlRaise(item?.[TTL_ATTRIBUTE], Math.max(fills ? block.until : 0, open ? 0 : windowEnd));
      const set = [...(ttl?.set ?? []), '#entity = :entity', '#subject = :subject'];
      const conditions = [NO_LIVE_BLOCK, ...(ttl ? [ttl.condition] : [])];
      const values: Record<string, unknown> = { ...ttl?.values, ':now': now, ':entity': 'block', ':subject': subject };
      let add = '';
      if (!open) {
        // Exactly the complement of an open window: of all parallel callers that find none, one opens it.
        set.push('#count = :one', '#windowEnd = :windowEnd');
        conditions.push('(attribute_not_exists(#windowEnd) OR #windowEnd <= :now)');
        Object.assign(values, { ':one': 1, ':windowEnd': windowEnd });
      } else if (!full) {
        add = ' ADD #count :one';
        // A reservation that leaves room needs room left after it; the one that fills the window, exactly one.
        conditions.push('#windowEnd > :now', fills ? '#count = :last' : '#count < :last');
        Object.assign(values, { ':one': 1, ':last': window.limit - 1 });
      } else {
        // Full with no live block (the one its filling wrote has lapsed): nothing is counted, the block is written.
        conditions.push('#windowEnd > :now', '#count >= :limit');
        values[':limit'] = window.limit;
      }
      // The reservation that fills the window writes the block in the same write: a reservation after it, in this
      // window or the next, meets the block.
      if (fills) {
        set.push('#until = :until', '#reason = :reason');
        Object.assign(values, { ':until': block.until, ':reason': block.reason });
      }
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: itemKeys.block(subject),
            UpdateExpression: `SET ${set.join(', ')}${add}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: {
              '#until': 'until',
              ...(fills ? { '#reason': 'reason' } : {}),
              '#count': countAttribute(kind),
              '#windowEnd': windowEndAttribute(kind),
              ...(ttl ? { '#expiresAt': TTL_ATTRIBUTE } : {}),
              '#entity': 'entity',
              '#subject': 'subject',
            },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        const wrote = fills ? block : null;
        if (full) return { reserved: false, blockedUntil: null, block: wrote };
        const written = parseItem(guardItem, result.Attributes, 'block');
        return { reserved: true, count: written[countAttribute(kind)] ?? 1, block: wrote };
      } catch (error) {
        if (!isConditionFailed(error)) throw storeError('reserveFailure', error);
      }
      // Refused by the block the read found: nothing counted, and no second read to tell it apart by timing.
      if (found) return { reserved: false, blockedUntil: found.until, block: null };
    }
    throw new Error(`DynamoStore.reserveFailure: no window could be opened or counted in ${FAILURE_ROUNDS} rounds`);
  }

  async function giveBackFailure(subject: string, kind: FailureKind, now: number, written?: Block): Promise<void> {
    const names = { '#count': countAttribute(kind), '#windowEnd': windowEndAttribute(kind) };
    // The block this reservation wrote by filling the window goes with its failure, and only that block (a repudiation
    // or the helpdesk's since has another until or reason and stays): a right last answer is no reason for a block.
    if (
      written &&
      (await writeIf('giveBackFailure', () =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: itemKeys.block(subject),
            UpdateExpression: 'ADD #count :minusOne REMOVE #until, #reason',
            ConditionExpression: '#until = :until AND #reason = :reason AND #count > :zero',
            ExpressionAttributeNames: { '#count': names['#count'], '#until': 'until', '#reason': 'reason' },
            ExpressionAttributeValues: {
              ':minusOne': -1,
              ':zero': 0,
              ':until': written.until,
              ':reason': written.reason,
            },
          }),
        ),
      ))
    ) {
      return;
    }
    // Also false for a missing item, so a give-back never creates a window; one that ended is left alone.
    await writeIf('giveBackFailure', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.block(subject),
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: '#count > :zero AND #windowEnd > :now',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0, ':now': now },
        }),
      ),
    );
  }

  async function failureCount(subject: string, kind: FailureKind, now: number): Promise<number> {
    return liveCount(await readGuard(subject, 'failureCount'), kind, now);
  }

  /** Removes both failure windows from the item, leaving its block; nothing is created for a missing item. */
  async function removeFailures(subject: string, operation: string): Promise<void> {
    await writeIf(operation, () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.block(subject),
          UpdateExpression: `REMOVE ${COUNTERS.map((_, i) => `#c${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(COUNTERS.map((name, i) => [`#c${i}`, name])),
        }),
      ),
    );
  }

  async function clearFailures(subject: string): Promise<void> {
    await removeFailures(subject, 'clearFailures');
  }

  async function clearBlockAndFailures(subject: string): Promise<void> {
    try {
      await db.send(new DeleteCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    } catch (error) {
      throw storeError('clearBlockAndFailures', error);
    }
  }

  async function clearFailuresAndUnreportedBlock(subject: string): Promise<void> {
    // Conditional on the reason stored now, not on one read earlier: a repudiation written since stays (and only the
    // failures go). True for a missing item too, which leaves nothing to delete.
    const deleted = await writeIf('clearFailuresAndUnreportedBlock', () =>
      db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: itemKeys.block(subject),
          ConditionExpression: 'attribute_not_exists(#reason) OR #reason <> :reported',
          ExpressionAttributeNames: { '#reason': 'reason' },
          ExpressionAttributeValues: { ':reported': 'repudiated' satisfies BlockReason },
        }),
      ),
    );
    if (!deleted) await removeFailures(subject, 'clearFailuresAndUnreportedBlock');
  }

  /**
   * Writes a block into the subject's item, leaving its failure windows, when `condition` holds: first raising the TTL
   * to the block's end, then (a TTL already past it) leaving the TTL alone. False when the condition refused both.
   */
  async function writeBlock(operation: string, block: Block, condition?: { expression: string; now: number }) {
    if (!Number.isFinite(block.until)) throw new Error('DynamoStore: block until must be finite');
    const at = epochSeconds(block.until);
    const attempt = (raise: boolean) =>
      writeIf(operation, () =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: itemKeys.block(block.subject),
            UpdateExpression: `SET #until = :until, #reason = :reason, #subject = :subject, #entity = :entity${raise ? ', #expiresAt = :expiresAt' : ''}`,
            ConditionExpression: [
              ...(condition ? [condition.expression] : []),
              raise ? '(attribute_not_exists(#expiresAt) OR #expiresAt <= :expiresAt)' : '#expiresAt > :expiresAt',
            ].join(' AND '),
            ExpressionAttributeNames: {
              '#until': 'until',
              '#reason': 'reason',
              '#subject': 'subject',
              '#entity': 'entity',
              '#expiresAt': TTL_ATTRIBUTE,
            },
            ExpressionAttributeValues: {
              ':until': block.until,
              ':reason': block.reason,
              ':subject': block.subject,
              ':entity': 'block',
              ':expiresAt': at,
              ...(condition ? { ':now': condition.now } : {}),
            },
          }),
        ),
      );
    return (await attempt(true)) || attempt(false);
  }

  async function putBlock(block: Block): Promise<void> {
    await writeBlock('putBlock', block);
  }

  async function putNewBlock(block: Block, now: number): Promise<boolean> {
    return writeBlock('putNewBlock', block, { expression: NO_LIVE_BLOCK, now });
  }

  async function getBlock(subject: string, now: number): Promise<Block | null> {
    return liveBlock(subject, await readGuard(subject, 'getBlock'), now);
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
