/**
 * Counters: the fixed-window rate counters (RATE#<counter>, one item per window) and the tally of the catalog
 * questions enrolled users chose (decoy questions are drawn from it). Every move is one atomic update of one item.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Admission, RateWindow, Store } from '../../core/store.js';
import {
  epochSeconds,
  finite,
  getItem,
  type ItemKey,
  isConditionFailed,
  itemKeys,
  parseItem,
  storeError,
  type Table,
  TTL_ATTRIBUTE,
} from './table.js';

const QUESTION_CHOICE_PREFIX = 'q:';

const rateItem = z.object({ count: finite, windowEnd: finite });

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

type CounterRecords = Pick<Store, 'admit' | 'giveBack' | 'count' | 'tallyQuestionChoices' | 'questionChoiceTally'>;

export function counterRecords(table: Table): CounterRecords {
  const { db, tableName } = table;

  async function admit(counter: string, window: RateWindow, now: number): Promise<Admission> {
    const { key, windowEnd } = windowPosition(counter, window, now);
    const refused: Admission = { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
    // With a limit of 0 the condition below would still admit the first event (the item does not exist yet).
    if (window.limit < 1) return refused;
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
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

  async function giveBack(counter: string, window: RateWindow, now: number): Promise<void> {
    const { key } = windowPosition(counter, window, now);
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
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

  async function count(counter: string, window: RateWindow, now: number): Promise<number> {
    const { key } = windowPosition(counter, window, now);
    const item = await getItem(table, key, 'count', ['count', 'windowEnd']);
    if (!item) return 0;
    const { count, windowEnd } = parseItem(rateItem, item, 'rate counter');
    return windowEnd <= now ? 0 : Math.max(0, count);
  }

  async function tallyQuestionChoices(chosen: string[], unchosen: string[]): Promise<void> {
    const change = new Map<string, number>();
    for (const id of chosen) change.set(id, (change.get(id) ?? 0) + 1);
    for (const id of unchosen) change.set(id, (change.get(id) ?? 0) - 1);
    const moved = [...change].filter(([, by]) => by !== 0);
    if (moved.length === 0) return;
    // One attribute per question id, prefixed: ids are the catalog's, never user input, but names stay placeholders.
    const names = Object.fromEntries(moved.map(([id], i) => [`#q${i}`, `${QUESTION_CHOICE_PREFIX}${id}`]));
    const values = Object.fromEntries(moved.map(([, by], i) => [`:q${i}`, by]));
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.questionChoices(),
          UpdateExpression: `ADD ${moved.map((_, i) => `#q${i} :q${i}`).join(', ')} SET #entity = :entity`,
          ExpressionAttributeNames: { ...names, '#entity': 'entity' },
          ExpressionAttributeValues: { ...values, ':entity': 'questionChoices' },
        }),
      );
    } catch (error) {
      throw storeError('tallyQuestionChoices', error);
    }
  }

  async function questionChoiceTally(): Promise<Record<string, number>> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.questionChoices() }));
      item = result.Item;
    } catch (error) {
      throw storeError('questionChoiceTally', error);
    }
    const tally: Record<string, number> = Object.create(null);
    for (const [name, value] of Object.entries(item ?? {})) {
      // A count below zero (a removal that raced its own enrollment) is no choice at all.
      if (name.startsWith(QUESTION_CHOICE_PREFIX) && typeof value === 'number' && value > 0) {
        tally[name.slice(QUESTION_CHOICE_PREFIX.length)] = value;
      }
    }
    return tally;
  }

  return { admit, giveBack, count, tallyQuestionChoices, questionChoiceTally };
}
