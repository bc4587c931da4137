/**
 * Enrollments: one item per account (its objectGuid, lower-cased), holding the answers' hashes, the contacts and the
 * recovery methods (functions/adapters/store/enrolledMethods.ts changes those). Items written before a method existed
 * lack it, and still read.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AnswerHash, Enrollment, Store } from '../../core/store.js';
import { authenticatorRecord, enrolledMethodsItem, passkeyRecord, recoveryCodesRecord } from './enrolledMethods.js';
import {
  channel,
  ENROLLMENT_PREFIX,
  finite,
  getItem,
  itemKeys,
  language,
  parseItem,
  scanAll,
  storeError,
  type Table,
  writeIf,
} from './table.js';

const answerHashItem = z.object({
  algorithm: z.literal('scrypt'),
  N: finite,
  r: finite,
  p: finite,
  keyLength: finite,
  salt: z.string(),
  hash: z.string(),
  normalization: finite,
});

const enrollmentItem = z.object({
  objectGuid: z.string(),
  sAMAccountName: z.string(),
  answers: z.array(z.object({ questionId: z.string(), hash: answerHashItem })),
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
  ...enrolledMethodsItem,
});

/** An answer hash as stored: explicit copies so nothing but the port's fields reaches the table. */
function answerHashRecord(hash: AnswerHash): Record<string, unknown> {
  return {
    algorithm: hash.algorithm,
    N: hash.N,
    r: hash.r,
    p: hash.p,
    keyLength: hash.keyLength,
    salt: hash.salt,
    hash: hash.hash,
    normalization: hash.normalization,
  };
}

/** An enrollment as its item: explicit copies so nothing but the port's fields reaches the table. */
function enrollmentRecord(enrollment: Enrollment): Record<string, unknown> {
  return {
    ...itemKeys.enrollment(enrollment.objectGuid),
    entity: 'enrollment',
    objectGuid: enrollment.objectGuid,
    sAMAccountName: enrollment.sAMAccountName,
    // Explicit copies so nothing but the port's fields reaches the table, whatever the caller's objects carry.
    answers: enrollment.answers.map(({ questionId, hash }) => ({ questionId, hash: answerHashRecord(hash) })),
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
    // Left out when absent, so an enrollment written without them reads back without them.
    ...(enrollment.authenticator === undefined ? {} : { authenticator: authenticatorRecord(enrollment.authenticator) }),
    ...(enrollment.recoveryCodes === undefined ? {} : { recoveryCodes: recoveryCodesRecord(enrollment.recoveryCodes) }),
    ...(enrollment.passkeys === undefined ? {} : { passkeys: enrollment.passkeys.map(passkeyRecord) }),
  };
}

export type EnrollmentRecords = Pick<
  Store,
  | 'getEnrollment'
  | 'putEnrollment'
  | 'createEnrollment'
  | 'deleteEnrollment'
  | 'listEnrollments'
  | 'markContactVerified'
  | 'replaceAnswerHash'
>;

export function enrollmentRecords(table: Table): EnrollmentRecords {
  const { db, tableName } = table;

  async function getEnrollment(objectGuid: string): Promise<Enrollment | null> {
    const item = await getItem(table, itemKeys.enrollment(objectGuid), 'getEnrollment');
    return item ? parseItem(enrollmentItem, item, 'enrollment') : null;
  }

  async function putEnrollment(enrollment: Enrollment): Promise<void> {
    // One update that sets every attribute the enrollment names: the recovery methods it leaves undefined stay as they
    // are in the same write, so an enroll (which names neither) never drops, restores or rolls back a method that was
    // added, used or removed meanwhile.
    const { pk: _pk, sk: _sk, ...attributes } = enrollmentRecord(enrollment);
    const entries = Object.entries(attributes);
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(enrollment.objectGuid),
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:a${i}`, value])),
        }),
      );
    } catch (error) {
      throw storeError('putEnrollment', error);
    }
  }

  async function createEnrollment(enrollment: Enrollment): Promise<boolean> {
    return writeIf('createEnrollment', () =>
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: enrollmentRecord(enrollment),
          // A concurrent enroll (or another first method) wrote one first: it stays as it is.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async function deleteEnrollment(objectGuid: string, updatedAt: number): Promise<boolean> {
    if (!Number.isFinite(updatedAt)) throw new Error('DynamoStore: updatedAt must be finite');
    return writeIf('deleteEnrollment', () =>
      db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          // Also false for a missing item: a comparison on a missing attribute fails.
          ConditionExpression: '#updatedAt = :updatedAt',
          ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':updatedAt': updatedAt },
        }),
      ),
    );
  }

  async function listEnrollments(onProgress?: (scanned: number) => void): Promise<Enrollment[]> {
    const items = await scanAll(
      table,
      'listEnrollments',
      {
        FilterExpression: 'begins_with(pk, :prefix) AND sk = :sk',
        ExpressionAttributeValues: { ':prefix': ENROLLMENT_PREFIX, ':sk': 'ENROLLMENT' },
      },
      onProgress,
    );
    return items.map((item) => parseItem(enrollmentItem, item, 'enrollment'));
  }

  async function markContactVerified(objectGuid: string, contactId: string): Promise<boolean> {
    const enrollment = await getEnrollment(objectGuid);
    const index = enrollment?.contacts.findIndex((c) => c.id === contactId) ?? -1;
    if (index < 0) return false;
    // The condition pins the list position to the contact read above, so a re-enrollment in between (new contacts,
    // new ids) makes this write fail instead of marking someone else's contact.
    return writeIf('markContactVerified', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: `SET contacts[${index}].verified = :true`,
          ConditionExpression: `contacts[${index}].id = :id`,
          ExpressionAttributeValues: { ':true': true, ':id': contactId },
        }),
      ),
    );
  }

  async function replaceAnswerHash(
    objectGuid: string,
    questionId: string,
    previous: AnswerHash,
    next: AnswerHash,
  ): Promise<boolean> {
    const enrollment = await getEnrollment(objectGuid);
    const index = enrollment?.answers.findIndex((a) => a.questionId === questionId) ?? -1;
    if (index < 0) return false;
    // The condition pins the answer read above by its position, question and salt and hash: a re-enrollment in
    // between (new salts) makes this write fail instead of putting an old answer back.
    return writeIf('replaceAnswerHash', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: `SET answers[${index}].#hash = :next`,
          ConditionExpression:
            `answers[${index}].questionId = :questionId AND answers[${index}].#hash.salt = :salt ` +
            `AND answers[${index}].#hash.#hash = :previous`,
          ExpressionAttributeNames: { '#hash': 'hash' },
          ExpressionAttributeValues: {
            ':next': answerHashRecord(next),
            ':questionId': questionId,
            ':salt': previous.salt,
            ':previous': previous.hash,
          },
        }),
      ),
    );
  }

  return {
    getEnrollment,
    putEnrollment,
    createEnrollment,
    deleteEnrollment,
    listEnrollments,
    markContactVerified,
    replaceAnswerHash,
  };
}
