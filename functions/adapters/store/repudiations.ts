/**
 * "This wasn't me" links (core/repudiation.ts): one record per notice event, kept under the hash of its token, used
 * once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Repudiation, Store } from '../../core/store.js';
import { finite, isConditionFailed, itemKeys, storeError, type Table } from './table.js';
import { createTokenRecord, parseTokenRecord, type TokenRecordKind } from './tokens.js';

const repudiations: TokenRecordKind<Repudiation> = {
  entity: 'repudiation',
  what: 'repudiation',
  key: itemKeys.repudiation,
  exists: 'one with this token already exists',
  attributes: (repudiation) => ({
    objectGuid: repudiation.objectGuid,
    subject: repudiation.subject,
    event: repudiation.event,
    createdAt: repudiation.createdAt,
    used: repudiation.used,
  }),
  schema: z.object({
    tokenHash: z.string(),
    objectGuid: z.string(),
    subject: z.string(),
    event: z.string(),
    createdAt: finite,
    expiresAtMs: finite,
    used: z.boolean(),
    version: finite,
  }),
};

type RepudiationRecords = Pick<Store, 'createRepudiation' | 'useRepudiation'>;

export function repudiationRecords(table: Table): RepudiationRecords {
  const { db, tableName } = table;

  async function useRepudiation(tokenHash: string, now: number): Promise<Repudiation | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.repudiation(tokenHash),
          UpdateExpression: 'SET #used = :true, #version = #version + :one',
          // Also false for a missing item. TTL deletion lags: the stored expiry decides.
          ConditionExpression: '#used = :false AND #expiresAtMs > :now',
          ExpressionAttributeNames: { '#used': 'used', '#version': 'version', '#expiresAtMs': 'expiresAtMs' },
          ExpressionAttributeValues: { ':true': true, ':false': false, ':one': 1, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      item = result.Attributes;
    } catch (error) {
      if (isConditionFailed(error)) return null;
      throw storeError('useRepudiation', error);
    }
    return item ? parseTokenRecord(repudiations, item) : null;
  }

  return {
    createRepudiation: (repudiation) => createTokenRecord(table, repudiations, repudiation, 'createRepudiation'),
    useRepudiation,
  };
}
