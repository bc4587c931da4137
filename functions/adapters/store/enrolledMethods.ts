/**
 * The recovery methods an enrollment holds besides its answers (issue 16): the authenticator app (its seed sealed:
 * core/methods/authenticator.ts), the saved recovery codes (keyed hashes of the unused codes, a list) and the passkeys.
 * They live on the enrollment item; a change is one conditional write pinned to what was read, and a use (a code, a
 * time step, a signature counter) is not a change of the enrollment: updatedAt stays.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { EnrolledAuthenticator, EnrolledPasskey, Enrollment, RecoveryCodeSet, Store } from '../../core/store.js';
import { MAX_PASSKEYS } from '../../core/store.js';
import { finite, isConditionFailed, itemKeys, storeError, type Table, writeIf } from './table.js';

/** The methods' attributes of an enrollment item; optional, as enrollments written before these methods have none. */
export const enrolledMethodsItem = {
  authenticator: z.optional(
    z.nullable(
      z.object({
        id: z.string(),
        sealed: z.object({
          v: z.literal(1),
          keyVersion: finite,
          iv: z.string(),
          ct: z.string(),
          tag: z.string(),
        }),
        addedAt: finite,
        lastUsedStep: z.nullable(finite),
      }),
    ),
  ),
  recoveryCodes: z.optional(
    z.nullable(
      z.object({
        setId: z.string(),
        // A list, not a string set: a set cannot be empty, and an empty list is what a fully used set is.
        hashes: z.array(z.string()),
        issued: finite,
        createdAt: finite,
      }),
    ),
  ),
  passkeys: z.optional(
    z.array(
      z.object({
        id: z.string(),
        publicKey: z.string(),
        counter: finite,
        transports: z.array(z.string()),
        name: z.string(),
        addedAt: finite,
        lastUsedAt: z.nullable(finite),
      }),
    ),
  ),
};

/** A passkey as stored: explicit copies so nothing but the port's fields reaches the table. */
export function passkeyRecord(passkey: EnrolledPasskey): Record<string, unknown> {
  if (!Number.isSafeInteger(passkey.counter) || passkey.counter < 0) {
    throw new Error('DynamoStore: a passkey counter must be a non-negative integer');
  }
  return {
    id: passkey.id,
    publicKey: passkey.publicKey,
    counter: passkey.counter,
    transports: [...passkey.transports],
    name: passkey.name,
    addedAt: passkey.addedAt,
    lastUsedAt: passkey.lastUsedAt,
  };
}

/** An authenticator as stored: explicit copies so nothing but the port's fields reaches the table. */
export function authenticatorRecord(authenticator: EnrolledAuthenticator | null): Record<string, unknown> | null {
  if (!authenticator) return null;
  const { sealed } = authenticator;
  if (authenticator.lastUsedStep !== null && !Number.isSafeInteger(authenticator.lastUsedStep)) {
    throw new Error('DynamoStore: lastUsedStep must be an integer or null');
  }
  return {
    id: authenticator.id,
    sealed: { v: sealed.v, keyVersion: sealed.keyVersion, iv: sealed.iv, ct: sealed.ct, tag: sealed.tag },
    addedAt: authenticator.addedAt,
    lastUsedStep: authenticator.lastUsedStep,
  };
}

/** A set of recovery codes as stored (hashes only, as the port has them). */
export function recoveryCodesRecord(codes: RecoveryCodeSet | null): Record<string, unknown> | null {
  if (!codes) return null;
  return { setId: codes.setId, hashes: [...codes.hashes], issued: codes.issued, createdAt: codes.createdAt };
}

/**
 * Read, remove at the position read: a round is only lost to a write that changed the set in between (another code
 * used, a new set), and a set holds few codes, so this many rounds is plenty; more means something is wrong.
 */
const RECOVERY_CODE_ROUNDS = 12;

export type EnrolledMethodRecords = Pick<
  Store,
  | 'setAuthenticator'
  | 'setRecoveryCodes'
  | 'useRecoveryCode'
  | 'useAuthenticatorStep'
  | 'addPasskey'
  | 'removePasskey'
  | 'usePasskey'
>;

export function enrolledMethodRecords(
  { db, tableName }: Table,
  getEnrollment: (objectGuid: string) => Promise<Enrollment | null>,
): EnrolledMethodRecords {
  async function setAuthenticator(
    objectGuid: string,
    updatedAt: number,
    authenticator: EnrolledAuthenticator | null,
    now: number,
  ): Promise<boolean> {
    return setEnrollmentPart(
      'setAuthenticator',
      objectGuid,
      updatedAt,
      now,
      'authenticator',
      authenticatorRecord(authenticator),
    );
  }

  async function setRecoveryCodes(
    objectGuid: string,
    updatedAt: number,
    codes: RecoveryCodeSet | null,
    now: number,
  ): Promise<boolean> {
    return setEnrollmentPart(
      'setRecoveryCodes',
      objectGuid,
      updatedAt,
      now,
      'recoveryCodes',
      recoveryCodesRecord(codes),
    );
  }

  /** One attribute of the enrollment set, conditional on its updatedAt, which moves on. */
  async function setEnrollmentPart(
    operation: string,
    objectGuid: string,
    updatedAt: number,
    now: number,
    attribute: 'authenticator' | 'recoveryCodes',
    value: Record<string, unknown> | null,
  ): Promise<boolean> {
    if (!Number.isFinite(updatedAt) || !Number.isFinite(now)) {
      throw new Error('DynamoStore: updatedAt and now must be finite');
    }
    return writeIf(operation, () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: 'SET #part = :value, #updatedAt = :next',
          // Also false for a missing item: a comparison on a missing attribute fails. The next updatedAt is always
          // later, so a second write from the same read is refused as well.
          ConditionExpression: '#updatedAt = :updatedAt',
          ExpressionAttributeNames: { '#part': attribute, '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':value': value,
            ':updatedAt': updatedAt,
            ':next': Math.max(now, updatedAt + 1),
          },
        }),
      ),
    );
  }

  async function useRecoveryCode(objectGuid: string, hash: string): Promise<boolean> {
    for (let round = 0; round < RECOVERY_CODE_ROUNDS; round++) {
      const enrollment = await getEnrollment(objectGuid);
      const index = enrollment?.recoveryCodes?.hashes.indexOf(hash) ?? -1;
      if (index < 0) return false;
      try {
        // The condition pins the hash read above by its position: of parallel uses of one code, the first removes it
        // and the others find another hash (or none) there. A use of another code in between moves the list; then the
        // hash is looked for again.
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: itemKeys.enrollment(objectGuid),
            UpdateExpression: `REMOVE #codes.#hashes[${index}]`,
            ConditionExpression: `#codes.#hashes[${index}] = :hash`,
            ExpressionAttributeNames: { '#codes': 'recoveryCodes', '#hashes': 'hashes' },
            ExpressionAttributeValues: { ':hash': hash },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailed(error)) throw storeError('useRecoveryCode', error);
      }
    }
    throw new Error(`DynamoStore.useRecoveryCode: the set kept changing for ${RECOVERY_CODE_ROUNDS} rounds`);
  }

  async function useAuthenticatorStep(objectGuid: string, authenticatorId: string, step: number): Promise<boolean> {
    if (!Number.isSafeInteger(step) || step < 0) throw new Error('DynamoStore: step must be a non-negative integer');
    return writeIf('useAuthenticatorStep', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: 'SET #auth.#lastUsedStep = :step',
          // Also false with no enrollment or no authenticator (null has no id), and after the authenticator was
          // replaced (another id): a step of the old one is never recorded on the new one.
          ConditionExpression:
            '#auth.#id = :id AND (attribute_type(#auth.#lastUsedStep, :null) OR #auth.#lastUsedStep < :step)',
          ExpressionAttributeNames: { '#auth': 'authenticator', '#id': 'id', '#lastUsedStep': 'lastUsedStep' },
          ExpressionAttributeValues: { ':id': authenticatorId, ':step': step, ':null': 'NULL' },
        }),
      ),
    );
  }

  async function addPasskey(
    objectGuid: string,
    updatedAt: number,
    passkey: EnrolledPasskey,
    now: number,
  ): Promise<boolean> {
    if (!Number.isFinite(updatedAt) || !Number.isFinite(now)) {
      throw new Error('DynamoStore: updatedAt and now must be finite');
    }
    const record = passkeyRecord(passkey);
    // The list changes only with updatedAt (a use changes a counter, never who is in it): read at that updatedAt, a
    // passkey with the same id is refused here, and the write below is refused if the list moved since.
    const enrollment = await getEnrollment(objectGuid);
    if (!enrollment || enrollment.updatedAt !== updatedAt) return false;
    if ((enrollment.passkeys ?? []).some((p) => p.id === passkey.id)) return false;
    return writeIf('addPasskey', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          // Appended, not rewritten: a counter a use stored meanwhile is never rolled back.
          UpdateExpression: 'SET #pk = list_append(if_not_exists(#pk, :empty), :new), #updatedAt = :next',
          ConditionExpression: '#updatedAt = :updatedAt AND (attribute_not_exists(#pk) OR size(#pk) < :max)',
          ExpressionAttributeNames: { '#pk': 'passkeys', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':empty': [],
            ':new': [record],
            ':updatedAt': updatedAt,
            ':max': MAX_PASSKEYS,
            ':next': Math.max(now, updatedAt + 1),
          },
        }),
      ),
    );
  }

  async function removePasskey(objectGuid: string, updatedAt: number, id: string, now: number): Promise<boolean> {
    if (!Number.isFinite(updatedAt) || !Number.isFinite(now)) {
      throw new Error('DynamoStore: updatedAt and now must be finite');
    }
    const enrollment = await getEnrollment(objectGuid);
    if (!enrollment || enrollment.updatedAt !== updatedAt) return false;
    const index = (enrollment.passkeys ?? []).findIndex((p) => p.id === id);
    if (index < 0) return false;
    return writeIf('removePasskey', () =>
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: `REMOVE #pk[${index}] SET #updatedAt = :next`,
          ConditionExpression: `#updatedAt = :updatedAt AND #pk[${index}].#id = :id`,
          ExpressionAttributeNames: { '#pk': 'passkeys', '#id': 'id', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':id': id, ':updatedAt': updatedAt, ':next': Math.max(now, updatedAt + 1) },
        }),
      ),
    );
  }

  async function usePasskey(
    objectGuid: string,
    id: string,
    previousCounter: number,
    nextCounter: number,
    now: number,
  ): Promise<boolean> {
    if (!Number.isSafeInteger(nextCounter) || nextCounter < 0 || !Number.isFinite(now)) {
      throw new Error('DynamoStore: a passkey counter must be a non-negative integer');
    }
    for (let round = 0; round < RECOVERY_CODE_ROUNDS; round++) {
      const enrollment = await getEnrollment(objectGuid);
      const passkeys = enrollment?.passkeys ?? [];
      const index = passkeys.findIndex((p) => p.id === id);
      if (index < 0 || passkeys[index]?.counter !== previousCounter) return false;
      try {
        // Pinned by position, id and counter: of parallel uses of one assertion the first moves the counter and the
        // others fail here; a removal in between moves the list, then the passkey is looked for again. (An
        // authenticator that keeps no counter, 0 and 0, is guarded by its single-use challenge instead.)
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: itemKeys.enrollment(objectGuid),
            UpdateExpression: `SET #pk[${index}].#counter = :next, #pk[${index}].#lastUsedAt = :now`,
            ConditionExpression: `#pk[${index}].#id = :id AND #pk[${index}].#counter = :previous`,
            ExpressionAttributeNames: {
              '#pk': 'passkeys',
              '#id': 'id',
              '#counter': 'counter',
              '#lastUsedAt': 'lastUsedAt',
            },
            ExpressionAttributeValues: { ':id': id, ':previous': previousCounter, ':next': nextCounter, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailed(error)) throw storeError('usePasskey', error);
      }
    }
    throw new Error(`DynamoStore.usePasskey: the passkeys kept changing for ${RECOVERY_CODE_ROUNDS} rounds`);
  }
  return {
    setAuthenticator,
    setRecoveryCodes,
    useRecoveryCode,
    useAuthenticatorStep,
    addPasskey,
    removePasskey,
    usePasskey,
  };
}
