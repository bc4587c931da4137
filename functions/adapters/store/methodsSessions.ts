/**
 * Methods sessions (POST /api/methods/session): the password was proven, and until the session expires its token adds
 * and removes recovery methods. Kept under the hash of the token.
 *
 * Ending every session of a subject (a repudiation) is one write with no list of sessions to keep: each subject has an
 * epoch (METHODSEPOCH#<subject>, 0 while there is no item), moved on by every end, and a session holds the epoch that
 * was current when it was created. A session is live only while its epoch is still the subject's, so a session created
 * from an epoch read just before an end is dead as well. The epoch item never expires: an account reported once keeps a
 * counter, and no session can go back to an epoch it left.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { MethodsSession, Store } from '../../core/store.js';
import { finite, getItem, itemKeys, language, parseItem, storeError, type Table } from './table.js';
import { createTokenRecord, readTokenItem, replaceTokenRecord, type TokenRecordKind } from './tokens.js';

const sealedAuthenticatorItem = z.object({
  v: z.literal(1),
  keyVersion: finite,
  iv: z.string(),
  ct: z.string(),
  tag: z.string(),
});

const sessions: TokenRecordKind<MethodsSession> = {
  entity: 'methodsSession',
  what: 'methods session',
  key: itemKeys.methodsSession,
  exists: 'one with this token already exists',
  attributes: (session) => {
    const pending = session.pendingAuthenticator;
    return {
      objectGuid: session.objectGuid,
      subject: session.subject,
      language: session.language,
      // Sealed only (core/methods/authenticator.ts): the seed itself never reaches the table.
      pendingAuthenticator: pending && {
        v: pending.v,
        keyVersion: pending.keyVersion,
        iv: pending.iv,
        ct: pending.ct,
        tag: pending.tag,
      },
      ...(session.passkeyChallengeHash === undefined ? {} : { passkeyChallengeHash: session.passkeyChallengeHash }),
      wrongTries: session.wrongTries,
    };
  },
  schema: z.object({
    tokenHash: z.string(),
    objectGuid: z.string(),
    subject: z.string(),
    language,
    pendingAuthenticator: z.nullable(sealedAuthenticatorItem),
    // An item written before challenges were hashed holds `passkeyChallenge` in clear: not read (the object drops it),
    // so its ceremony has no challenge and the user asks for a new one; the next write (a Put) leaves it out.
    passkeyChallengeHash: z.optional(z.nullable(z.string())),
    wrongTries: finite,
    expiresAtMs: finite,
    version: finite,
  }),
};

const epochItem = z.object({ epoch: finite });
// Sessions created before epochs existed hold none: they belong to epoch 0, the epoch of a subject never ended.
const sessionEpochItem = z.object({ epoch: z.optional(finite) });

type MethodsSessionRecords = Pick<
  Store,
  'createMethodsSession' | 'getMethodsSession' | 'updateMethodsSession' | 'endMethodsSessions'
>;

export function methodsSessionRecords(table: Table): MethodsSessionRecords {
  const { db, tableName } = table;

  async function currentEpoch(subject: string, operation: string): Promise<number> {
    const item = await getItem(table, itemKeys.methodsEpoch(subject), operation);
    return item ? parseItem(epochItem, item, 'methods epoch').epoch : 0;
  }

  const epochOf = (item: Record<string, unknown>): number =>
    parseItem(sessionEpochItem, item, 'methods session').epoch ?? 0;

  async function createMethodsSession(session: MethodsSession): Promise<void> {
    const epoch = await currentEpoch(session.subject, 'createMethodsSession');
    await createTokenRecord(table, sessions, session, 'createMethodsSession', { epoch });
  }

  async function getMethodsSession(tokenHash: string, now: number): Promise<MethodsSession | null> {
    const read = await readTokenItem(table, sessions, tokenHash, now, 'getMethodsSession');
    if (!read) return null;
    const epoch = await currentEpoch(read.record.subject, 'getMethodsSession');
    return epochOf(read.item) === epoch ? read.record : null;
  }

  async function updateMethodsSession(session: MethodsSession): Promise<boolean> {
    // The session keeps the epoch it was created in, so an update never revives an ended one. The write is conditional
    // on the version read with it: if the item changed in between, the write is refused anyway.
    const stored = await getItem(table, itemKeys.methodsSession(session.tokenHash), 'updateMethodsSession');
    if (!stored) return false;
    return replaceTokenRecord(table, sessions, session, 'updateMethodsSession', { epoch: epochOf(stored) });
  }

  async function endMethodsSessions(subject: string): Promise<void> {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.methodsEpoch(subject),
          UpdateExpression: 'ADD #epoch :one SET #entity = :entity',
          ExpressionAttributeNames: { '#epoch': 'epoch', '#entity': 'entity' },
          ExpressionAttributeValues: { ':one': 1, ':entity': 'methodsEpoch' },
        }),
      );
    } catch (error) {
      throw storeError('endMethodsSessions', error);
    }
  }

  return { createMethodsSession, getMethodsSession, updateMethodsSession, endMethodsSessions };
}
