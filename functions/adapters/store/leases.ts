/**
 * Leases (LEASE#<name>): a name held by one holder until a time, such as the bind lease that keeps one password bind
 * per account in flight (core/lockoutGuard.ts); taken and ended by conditional writes only.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/store.js';
import { epochSeconds, isConditionFailed, itemKeys, storeError, type Table, TTL_ATTRIBUTE, writeIf } from './table.js';

type LeaseRecords = Pick<Store, 'takeLease' | 'releaseLease'>;

export function leaseRecords({ db, tableName }: Table): LeaseRecords {
  async function takeLease(name: string, holder: string, until: number, now: number): Promise<boolean> {
    if (!Number.isFinite(until)) throw new Error('DynamoStore: lease until must be finite');
    return writeIf('takeLease', () =>
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...itemKeys.lease(name), entity: 'lease', holder, until, [TTL_ATTRIBUTE]: epochSeconds(until) },
          ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  async function releaseLease(name: string, holder: string): Promise<void> {
    try {
      await db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: itemKeys.lease(name),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Gone, or another holder's now: either way not ours to end.
      if (isConditionFailed(error)) return;
      throw storeError('releaseLease', error);
    }
  }

  return { takeLease, releaseLease };
}
