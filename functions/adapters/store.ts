/**
 * The Store port over one DynamoDB table (single-table design, DESIGN §5), reached through the DocumentClient.
 *
 * Item layout (pk / sk, all strings; `expiresAt` is the TTL attribute in epoch seconds):
 *   enrollment    ENROLLMENT#<objectGuid lower-case>   ENROLLMENT                       no expiry
 *   rate counter  RATE#<counter>                       W#<windowSeconds>#<windowStartMs> window end
 *   flow          FLOW#<tokenHash>                     FLOW                             flow expiry
 *   open flow     OPENFLOW#<subject>                   OPENFLOW                         flow expiry
 *   failures      FAILURES#<subject>                   answer | code                    window end
 *   block         BLOCK#<subject>                      BLOCK                            until
 *   lease         LEASE#<name>                         LEASE                            until
 *   choice tally  STATS#question-choices               STATS                            no expiry
 *   audit event   AUDIT#<subject>                      <at ISO>#<requestId>#<random>     at + retention
 *   outbox item   OUTBOX#<id>                          OUTBOX                           createdAt + 1 day
 *   contact codes CONTACTVERIFY#<tokenHash>            CONTACTVERIFY                    expiry
 *   methods       METHODSSESSION#<tokenHash>           METHODSSESSION                   expiry
 *   not-me link   REPUDIATION#<tokenHash>              REPUDIATION                      expiry
 *
 * A flow item (and a contact verification, and a methods session) keeps its own expiry (ms) as `expiresAtMs`, because `expiresAt` is taken by the TTL. The open-flow
 * item holds the tokenHash of the subject's newest flow; a flow it does not name is dead (one open flow per user).
 * An enrollment item may hold `authenticator` (its seed sealed: core/methods/authenticator.ts) and `recoveryCodes` (keyed
 * hashes of the unused codes, a list); items written before those methods hold neither, and still read.
 * Failure items hold `count` and `windowEnd` (ms); block items `until` (ms) and `reason`. An outbox item of a template
 * that carries a secret holds empty `params` and its params in `sealed` (functions/adapters/sealing.ts); both go when the
 * item is settled.
 *
 * The admin CLI's reads (listEnrollments, scanAudit) are filtered scans of the whole table, page by page: there is no
 * index by time, and request functions never call them.
 *
 * Every change is one conditional write on one item (dynalite has no transactions); only unconditional deletes that
 * belong together (a subject's failures, and its block on a fresh start) go in one batch request. TTL deletion is late
 * (and never happens on dynalite), so reads that depend on time compare the stored window end, expiry or `until` with
 * `now` instead of trusting that an expired item is gone.
 */
import { randomBytes } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { LANGUAGES } from '../core/language.js';
import { isSealedTemplate } from '../core/notifications.js';
import { RECOVERY_METHODS } from '../core/recovery/policy.js';
import type {
  Admission,
  AnswerHash,
  AuditEvent,
  Block,
  BlockReason,
  ContactVerification,
  EnrolledAuthenticator,
  EnrolledPasskey,
  Enrollment,
  FailureKind,
  FailureReservation,
  FailureWindow,
  Flow,
  FlowStep,
  MethodsSession,
  OutboxItem,
  OutboxStatus,
  RateWindow,
  RecoveryCodeSet,
  Repudiation,
  Store,
} from '../core/store.js';
import { MAX_PASSKEYS } from '../core/store.js';

const DAY_MS = 86_400_000;
const OUTBOX_LIFETIME_MS = DAY_MS;

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

const OUTBOX_PREFIX = 'OUTBOX#';
const QUESTION_CHOICE_PREFIX = 'q:';
const ENROLLMENT_PREFIX = 'ENROLLMENT#';
const AUDIT_PREFIX = 'AUDIT#';

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
  failures: (subject: string, kind: FailureKind): ItemKey => ({ pk: `FAILURES#${subject}`, sk: kind }),
  block: (subject: string): ItemKey => ({ pk: `BLOCK#${subject}`, sk: 'BLOCK' }),
  lease: (name: string): ItemKey => ({ pk: `LEASE#${name}`, sk: 'LEASE' }),
  questionChoices: (): ItemKey => ({ pk: 'STATS#question-choices', sk: 'STATS' }),
  auditPartition: (subject: string): string => `${AUDIT_PREFIX}${subject}`,
  contactVerification: (tokenHash: string): ItemKey => ({ pk: `CONTACTVERIFY#${tokenHash}`, sk: 'CONTACTVERIFY' }),
  methodsSession: (tokenHash: string): ItemKey => ({ pk: `METHODSSESSION#${tokenHash}`, sk: 'METHODSSESSION' }),
  repudiation: (tokenHash: string): ItemKey => ({ pk: `REPUDIATION#${tokenHash}`, sk: 'REPUDIATION' }),
  outbox: (id: string): ItemKey => ({ pk: `${OUTBOX_PREFIX}${id}`, sk: 'OUTBOX' }),
};

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

/** The outbox id of a table key, or null for any other item (for the notifier reading the table stream). */
export function outboxIdFromKey(key: { pk?: unknown }): string | null {
  return typeof key.pk === 'string' && key.pk.startsWith(OUTBOX_PREFIX) ? key.pk.slice(OUTBOX_PREFIX.length) : null;
}

const language = z.enum(LANGUAGES);
const channel = z.enum(['email', 'sms']);
const outboxChannel = z.enum(['email', 'sms', 'alert']);
// zod 4 numbers refuse Infinity and NaN already.
const finite = z.number();

const enrollmentItem = z.object({
  objectGuid: z.string(),
  sAMAccountName: z.string(),
  answers: z.array(
    z.object({
      questionId: z.string(),
      hash: z.object({
        algorithm: z.literal('scrypt'),
        N: finite,
        r: finite,
        p: finite,
        keyLength: finite,
        salt: z.string(),
        hash: z.string(),
        normalization: finite,
      }),
    }),
  ),
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
  // Optional: enrollments written before these methods existed have neither.
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
});

const rateItem = z.object({ count: finite, windowEnd: finite });

const FLOW_STEPS = [
  'choose',
  'question',
  'code',
  'authenticator',
  'recoveryCode',
  'passkey',
  'verified',
  'claimed',
  'failed',
  'done',
] as const satisfies readonly FlowStep[];
const recoveryMethod = z.enum(RECOVERY_METHODS);
const FAILURE_KINDS = ['answer', 'code'] as const satisfies readonly FailureKind[];
/** BatchWriteItem's unprocessed items: sent again up to this many attempts in all, waiting 2ⁿ × the base between. */
const BATCH_ATTEMPTS = 4;
const BATCH_RETRY_BASE_MS = 25;
const BLOCK_REASONS = [...FAILURE_KINDS, 'repudiated'] as const satisfies readonly BlockReason[];

const flowItem = z.object({
  tokenHash: z.string(),
  purpose: z.enum(['reset', 'unlock']),
  subject: z.string(),
  objectGuid: z.nullable(z.string()),
  decoy: z.boolean(),
  language,
  questionIds: z.array(z.string()),
  answered: finite,
  correct: finite,
  correctRequired: finite,
  alternatives: z.array(z.object({ methods: z.array(recoveryMethod), onlyWithout: z.array(recoveryMethod) })),
  passed: z.array(recoveryMethod),
  channels: z.array(z.object({ id: z.string(), channel, address: z.string() })),
  step: z.enum(FLOW_STEPS),
  pending: z.nullable(z.string()),
  code: z.nullable(z.object({ hmac: z.string(), channelId: z.string(), expiresAt: finite })),
  codeTries: finite,
  sends: finite,
  lastSentAt: z.nullable(finite),
  passwordTries: finite,
  passkeyChallenge: z.optional(z.nullable(z.string())),
  createdAt: finite,
  expiresAtMs: finite,
  version: finite,
});

const openFlowItem = z.object({ tokenHash: z.string() });

const contactVerificationItem = z.object({
  tokenHash: z.string(),
  objectGuid: z.string(),
  subject: z.string(),
  language,
  codes: z.array(z.object({ contactId: z.string(), hmac: z.string(), expiresAt: finite })),
  wrongTries: finite,
  expiresAtMs: finite,
  version: finite,
});

const sealedAuthenticatorItem = z.object({
  v: z.literal(1),
  keyVersion: finite,
  iv: z.string(),
  ct: z.string(),
  tag: z.string(),
});

const methodsSessionItem = z.object({
  tokenHash: z.string(),
  objectGuid: z.string(),
  subject: z.string(),
  language,
  pendingAuthenticator: z.nullable(sealedAuthenticatorItem),
  passkeyChallenge: z.optional(z.nullable(z.string())),
  wrongTries: finite,
  expiresAtMs: finite,
  version: finite,
});

const failureItem = z.object({ count: finite, windowEnd: finite });
// What UPDATED_NEW returns after the increment: only the attribute the update changed.
const failureCountItem = z.object({ count: finite });

const blockItem = z.object({ subject: z.string(), until: finite, reason: z.enum(BLOCK_REASONS) });

const repudiationItem = z.object({
  tokenHash: z.string(),
  objectGuid: z.string(),
  subject: z.string(),
  event: z.string(),
  createdAt: finite,
  expiresAtMs: finite,
  used: z.boolean(),
  version: finite,
});

const auditItem = z.object({
  subject: z.string(),
  at: finite,
  event: z.string(),
  outcome: z.string(),
  reason: z.optional(z.string()),
  sourceAddress: z.string(),
  userAgent: z.string(),
  requestId: z.string(),
  operator: z.optional(z.string()),
});

const outboxItem = z.object({
  id: z.string(),
  channel: outboxChannel,
  to: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.string()),
  sealed: z.optional(z.object({ v: z.literal(1), epk: z.string(), iv: z.string(), ct: z.string(), tag: z.string() })),
  language,
  status: z.enum(['pending', 'sent', 'failed']),
  createdAt: finite,
});

function parseItem<T>(schema: z.ZodMiniType<T>, item: unknown, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    // Only the paths: the values may be personal data or answer hashes, which do not belong in a log.
    const paths = result.error.issues.map((issue) => issue.path.join('.') || '(item)').join(', ');
    throw new Error(`DynamoStore: malformed ${what} item (${paths})`);
  }
  return result.data;
}

function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function storeError(operation: string, error: unknown): Error {
  const name = error instanceof Error ? error.name : typeof error;
  return new Error(`DynamoStore.${operation} failed: ${name}`, { cause: error });
}

function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

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

/** An enrollment as its item: explicit copies so nothing but the port's fields reaches the table. */
function enrollmentRecord(enrollment: Enrollment): Record<string, unknown> {
  return {
    ...itemKeys.enrollment(enrollment.objectGuid),
    entity: 'enrollment',
    objectGuid: enrollment.objectGuid,
    sAMAccountName: enrollment.sAMAccountName,
    // Explicit copies so nothing but the port's fields reaches the table, whatever the caller's objects carry.
    answers: enrollment.answers.map(({ questionId, hash }) => ({
      questionId,
      hash: {
        algorithm: hash.algorithm,
        N: hash.N,
        r: hash.r,
        p: hash.p,
        keyLength: hash.keyLength,
        salt: hash.salt,
        hash: hash.hash,
        normalization: hash.normalization,
      },
    })),
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

/** A passkey as stored: explicit copies so nothing but the port's fields reaches the table. */
function passkeyRecord(passkey: EnrolledPasskey): Record<string, unknown> {
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

/** An authenticator as stored: explicit copies so nothing but the port's fields reaches the table. */
function authenticatorRecord(authenticator: EnrolledAuthenticator | null): Record<string, unknown> | null {
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
function recoveryCodesRecord(codes: RecoveryCodeSet | null): Record<string, unknown> | null {
  if (!codes) return null;
  return { setId: codes.setId, hashes: [...codes.hashes], issued: codes.issued, createdAt: codes.createdAt };
}

/** The flow as an item: explicit copies so nothing but the port's fields reaches the table. */
function flowRecord(flow: Flow): Record<string, unknown> {
  if (!Number.isFinite(flow.expiresAt)) throw new Error('DynamoStore: flow expiry must be finite');
  if (!Number.isInteger(flow.version)) throw new Error('DynamoStore: flow version must be an integer');
  return {
    ...itemKeys.flow(flow.tokenHash),
    entity: 'flow',
    tokenHash: flow.tokenHash,
    purpose: flow.purpose,
    subject: flow.subject,
    objectGuid: flow.objectGuid,
    decoy: flow.decoy,
    language: flow.language,
    questionIds: [...flow.questionIds],
    answered: flow.answered,
    correct: flow.correct,
    correctRequired: flow.correctRequired,
    alternatives: flow.alternatives.map((a) => ({ methods: [...a.methods], onlyWithout: [...a.onlyWithout] })),
    passed: [...flow.passed],
    channels: flow.channels.map(({ id, channel, address }) => ({ id, channel, address })),
    step: flow.step,
    pending: flow.pending,
    code: flow.code && { hmac: flow.code.hmac, channelId: flow.code.channelId, expiresAt: flow.code.expiresAt },
    codeTries: flow.codeTries,
    sends: flow.sends,
    lastSentAt: flow.lastSentAt,
    passwordTries: flow.passwordTries,
    ...(flow.passkeyChallenge === undefined ? {} : { passkeyChallenge: flow.passkeyChallenge }),
    createdAt: flow.createdAt,
    expiresAtMs: flow.expiresAt,
    version: flow.version,
    [TTL_ATTRIBUTE]: epochSeconds(flow.expiresAt),
  };
}

function parseFlow(item: unknown): Flow {
  const { expiresAtMs, ...flow } = parseItem(flowItem, item, 'flow');
  return { ...flow, expiresAt: expiresAtMs };
}

/**
 * Increment, open, increment, …: each round is at most two single-item writes, and a round is only lost to a parallel
 * request that opened the window in between, so a handful of rounds is plenty; more means something is wrong.
 */
const FAILURE_ROUNDS = 5;

/**
 * Read, remove at the position read: a round is only lost to a write that changed the set in between (another code
 * used, a new set), and a set holds few codes, so this many rounds is plenty; more means something is wrong.
 */
const RECOVERY_CODE_ROUNDS = 12;

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getEnrollment(objectGuid: string): Promise<Enrollment | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.enrollment(objectGuid), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getEnrollment', error);
    }
    return item ? parseItem(enrollmentItem, item, 'enrollment') : null;
  }

  async putEnrollment(enrollment: Enrollment): Promise<void> {
    // One update that sets every attribute the enrollment names: the recovery methods it leaves undefined stay as they
    // are in the same write, so an enroll (which names neither) never drops, restores or rolls back a method that was
    // added, used or removed meanwhile.
    const { pk: _pk, sk: _sk, ...attributes } = enrollmentRecord(enrollment);
    const entries = Object.entries(attributes);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async createEnrollment(enrollment: Enrollment): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: enrollmentRecord(enrollment),
          // A concurrent enroll (or another first method) wrote one first: it stays as it is.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('createEnrollment', error);
    }
  }

  async deleteEnrollment(objectGuid: string, updatedAt: number): Promise<boolean> {
    if (!Number.isFinite(updatedAt)) throw new Error('DynamoStore: updatedAt must be finite');
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: itemKeys.enrollment(objectGuid),
          // Also false for a missing item: a comparison on a missing attribute fails.
          ConditionExpression: '#updatedAt = :updatedAt',
          ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':updatedAt': updatedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('deleteEnrollment', error);
    }
  }

  async listEnrollments(onProgress?: (scanned: number) => void): Promise<Enrollment[]> {
    const items = await this.scanAll(
      'listEnrollments',
      {
        FilterExpression: 'begins_with(pk, :prefix) AND sk = :sk',
        ExpressionAttributeValues: { ':prefix': ENROLLMENT_PREFIX, ':sk': 'ENROLLMENT' },
      },
      onProgress,
    );
    return items.map((item) => parseItem(enrollmentItem, item, 'enrollment'));
  }

  async admit(counter: string, window: RateWindow, now: number): Promise<Admission> {
    const { key, windowEnd } = windowPosition(counter, window, now);
    const refused: Admission = { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
    // With a limit of 0 the condition below would still admit the first event (the item does not exist yet).
    if (window.limit < 1) return refused;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async giveBack(counter: string, window: RateWindow, now: number): Promise<void> {
    const { key } = windowPosition(counter, window, now);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async count(counter: string, window: RateWindow, now: number): Promise<number> {
    const { key } = windowPosition(counter, window, now);
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: '#count, #windowEnd',
          ExpressionAttributeNames: { '#count': 'count', '#windowEnd': 'windowEnd' },
        }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('count', error);
    }
    if (!item) return 0;
    const { count, windowEnd } = parseItem(rateItem, item, 'rate counter');
    return windowEnd <= now ? 0 : Math.max(0, count);
  }

  async tallyQuestionChoices(chosen: string[], unchosen: string[]): Promise<void> {
    const change = new Map<string, number>();
    for (const id of chosen) change.set(id, (change.get(id) ?? 0) + 1);
    for (const id of unchosen) change.set(id, (change.get(id) ?? 0) - 1);
    const moved = [...change].filter(([, by]) => by !== 0);
    if (moved.length === 0) return;
    // One attribute per question id, prefixed: ids are the catalog's, never user input, but names stay placeholders.
    const names = Object.fromEntries(moved.map(([id], i) => [`#q${i}`, `${QUESTION_CHOICE_PREFIX}${id}`]));
    const values = Object.fromEntries(moved.map(([, by], i) => [`:q${i}`, by]));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async questionChoiceTally(): Promise<Record<string, number>> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.questionChoices() }));
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

  async takeLease(name: string, holder: string, until: number, now: number): Promise<boolean> {
    if (!Number.isFinite(until)) throw new Error('DynamoStore: lease until must be finite');
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKeys.lease(name), entity: 'lease', holder, until, [TTL_ATTRIBUTE]: epochSeconds(until) },
          ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('takeLease', error);
    }
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
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

  async createFlow(flow: Flow): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: flowRecord(flow),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The token hash is not named: it is the lookup key of a live flow, which has no place in a log.
      if (isConditionFailed(error)) throw new Error('DynamoStore.createFlow: a flow with this token already exists');
      throw storeError('createFlow', error);
    }
    // The pointer goes second, so a crash between the writes leaves the old flow current and the new one unreachable:
    // never a state the caller did not ask for. Unconditional: the newest start always wins.
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKeys.openFlow(flow.subject),
            entity: 'openFlow',
            tokenHash: flow.tokenHash,
            [TTL_ATTRIBUTE]: epochSeconds(flow.expiresAt),
          },
        }),
      );
    } catch (error) {
      throw storeError('createFlow', error);
    }
  }

  async getFlow(tokenHash: string, now: number): Promise<Flow | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.flow(tokenHash), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getFlow', error);
    }
    if (!item) return null;
    const flow = parseFlow(item);
    if (flow.expiresAt <= now) return null;
    let pointer: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.openFlow(flow.subject), ConsistentRead: true }),
      );
      pointer = result.Item;
    } catch (error) {
      throw storeError('getFlow', error);
    }
    // No pointer means the start crashed between its two writes: the flow was never handed out as current.
    if (!pointer) return null;
    return parseItem(openFlowItem, pointer, 'open flow').tokenHash === flow.tokenHash ? flow : null;
  }

  async updateFlow(flow: Flow): Promise<boolean> {
    const item = flowRecord(flow);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // Also false for a missing item, so an update never resurrects or invents a flow.
          ConditionExpression: '#version = :previous',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':previous': flow.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('updateFlow', error);
    }
  }

  async endOpenFlows(subject: string): Promise<void> {
    try {
      // getFlow answers only for the flow the pointer names: without it, none of the subject's flows is live.
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: itemKeys.openFlow(subject) }));
    } catch (error) {
      throw storeError('endOpenFlows', error);
    }
  }

  async createContactVerification(verification: ContactVerification): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: contactVerificationRecord(verification),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new Error('DynamoStore.createContactVerification: one with this token already exists');
      }
      throw storeError('createContactVerification', error);
    }
  }

  async getContactVerification(tokenHash: string, now: number): Promise<ContactVerification | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: itemKeys.contactVerification(tokenHash),
          ConsistentRead: true,
        }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getContactVerification', error);
    }
    if (!item) return null;
    const { expiresAtMs, ...rest } = parseItem(contactVerificationItem, item, 'contact verification');
    // TTL deletion lags: the stored expiry decides.
    return expiresAtMs <= now ? null : { ...rest, expiresAt: expiresAtMs };
  }

  async updateContactVerification(verification: ContactVerification): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: contactVerificationRecord(verification),
          ConditionExpression: '#version = :previous',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':previous': verification.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('updateContactVerification', error);
    }
  }

  async createMethodsSession(session: MethodsSession): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: methodsSessionRecord(session),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The token hash is not named: it is the lookup key of a live session.
      if (isConditionFailed(error))
        throw new Error('DynamoStore.createMethodsSession: one with this token already exists');
      throw storeError('createMethodsSession', error);
    }
  }

  async getMethodsSession(tokenHash: string, now: number): Promise<MethodsSession | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.methodsSession(tokenHash), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getMethodsSession', error);
    }
    if (!item) return null;
    const { expiresAtMs, ...rest } = parseItem(methodsSessionItem, item, 'methods session');
    // TTL deletion lags: the stored expiry decides.
    return expiresAtMs <= now ? null : { ...rest, expiresAt: expiresAtMs };
  }

  async updateMethodsSession(session: MethodsSession): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: methodsSessionRecord(session),
          // Also false for a missing item, so an update never invents a session.
          ConditionExpression: '#version = :previous',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':previous': session.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('updateMethodsSession', error);
    }
  }

  async createRepudiation(repudiation: Repudiation): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: repudiationRecord(repudiation),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The token hash is not named: it is the lookup key of a live link.
      if (isConditionFailed(error))
        throw new Error('DynamoStore.createRepudiation: one with this token already exists');
      throw storeError('createRepudiation', error);
    }
  }

  async useRepudiation(tokenHash: string, now: number): Promise<Repudiation | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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
    if (!item) return null;
    const { expiresAtMs, ...rest } = parseItem(repudiationItem, item, 'repudiation');
    return { ...rest, expiresAt: expiresAtMs };
  }

  async markContactVerified(objectGuid: string, contactId: string): Promise<boolean> {
    const enrollment = await this.getEnrollment(objectGuid);
    const index = enrollment?.contacts.findIndex((c) => c.id === contactId) ?? -1;
    if (index < 0) return false;
    try {
      // The condition pins the list position to the contact read above, so a re-enrollment in between (new contacts,
      // new ids) makes this write fail instead of marking someone else's contact.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: `SET contacts[${index}].verified = :true`,
          ConditionExpression: `contacts[${index}].id = :id`,
          ExpressionAttributeValues: { ':true': true, ':id': contactId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('markContactVerified', error);
    }
  }

  async replaceAnswerHash(
    objectGuid: string,
    questionId: string,
    previous: AnswerHash,
    next: AnswerHash,
  ): Promise<boolean> {
    const enrollment = await this.getEnrollment(objectGuid);
    const index = enrollment?.answers.findIndex((a) => a.questionId === questionId) ?? -1;
    if (index < 0) return false;
    try {
      // The condition pins the answer read above by its position, question and salt and hash: a re-enrollment in
      // between (new salts) makes this write fail instead of putting an old answer back.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('replaceAnswerHash', error);
    }
  }

  async setAuthenticator(
    objectGuid: string,
    updatedAt: number,
    authenticator: EnrolledAuthenticator | null,
    now: number,
  ): Promise<boolean> {
    return this.setEnrollmentPart(
      'setAuthenticator',
      objectGuid,
      updatedAt,
      now,
      'authenticator',
      authenticatorRecord(authenticator),
    );
  }

  async setRecoveryCodes(
    objectGuid: string,
    updatedAt: number,
    codes: RecoveryCodeSet | null,
    now: number,
  ): Promise<boolean> {
    return this.setEnrollmentPart(
      'setRecoveryCodes',
      objectGuid,
      updatedAt,
      now,
      'recoveryCodes',
      recoveryCodesRecord(codes),
    );
  }

  /** One attribute of the enrollment set, conditional on its updatedAt, which moves on. */
  private async setEnrollmentPart(
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
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError(operation, error);
    }
  }

  async useRecoveryCode(objectGuid: string, hash: string): Promise<boolean> {
    for (let round = 0; round < RECOVERY_CODE_ROUNDS; round++) {
      const enrollment = await this.getEnrollment(objectGuid);
      const index = enrollment?.recoveryCodes?.hashes.indexOf(hash) ?? -1;
      if (index < 0) return false;
      try {
        // The condition pins the hash read above by its position: of parallel uses of one code, the first removes it
        // and the others find another hash (or none) there. A use of another code in between moves the list; then the
        // hash is looked for again.
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
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

  async useAuthenticatorStep(objectGuid: string, authenticatorId: string, step: number): Promise<boolean> {
    if (!Number.isSafeInteger(step) || step < 0) throw new Error('DynamoStore: step must be a non-negative integer');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: 'SET #auth.#lastUsedStep = :step',
          // Also false with no enrollment or no authenticator (null has no id), and after the authenticator was
          // replaced (another id): a step of the old one is never recorded on the new one.
          ConditionExpression:
            '#auth.#id = :id AND (attribute_type(#auth.#lastUsedStep, :null) OR #auth.#lastUsedStep < :step)',
          ExpressionAttributeNames: { '#auth': 'authenticator', '#id': 'id', '#lastUsedStep': 'lastUsedStep' },
          ExpressionAttributeValues: { ':id': authenticatorId, ':step': step, ':null': 'NULL' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('useAuthenticatorStep', error);
    }
  }

  async addPasskey(objectGuid: string, updatedAt: number, passkey: EnrolledPasskey, now: number): Promise<boolean> {
    if (!Number.isFinite(updatedAt) || !Number.isFinite(now)) {
      throw new Error('DynamoStore: updatedAt and now must be finite');
    }
    const record = passkeyRecord(passkey);
    // The list changes only with updatedAt (a use changes a counter, never who is in it): read at that updatedAt, a
    // passkey with the same id is refused here, and the write below is refused if the list moved since.
    const enrollment = await this.getEnrollment(objectGuid);
    if (!enrollment || enrollment.updatedAt !== updatedAt) return false;
    if ((enrollment.passkeys ?? []).some((p) => p.id === passkey.id)) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('addPasskey', error);
    }
  }

  async removePasskey(objectGuid: string, updatedAt: number, id: string, now: number): Promise<boolean> {
    if (!Number.isFinite(updatedAt) || !Number.isFinite(now)) {
      throw new Error('DynamoStore: updatedAt and now must be finite');
    }
    const enrollment = await this.getEnrollment(objectGuid);
    if (!enrollment || enrollment.updatedAt !== updatedAt) return false;
    const index = (enrollment.passkeys ?? []).findIndex((p) => p.id === id);
    if (index < 0) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.enrollment(objectGuid),
          UpdateExpression: `REMOVE #pk[${index}] SET #updatedAt = :next`,
          ConditionExpression: `#updatedAt = :updatedAt AND #pk[${index}].#id = :id`,
          ExpressionAttributeNames: { '#pk': 'passkeys', '#id': 'id', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':id': id, ':updatedAt': updatedAt, ':next': Math.max(now, updatedAt + 1) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('removePasskey', error);
    }
  }

  async usePasskey(
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
      const enrollment = await this.getEnrollment(objectGuid);
      const passkeys = enrollment?.passkeys ?? [];
      const index = passkeys.findIndex((p) => p.id === id);
      if (index < 0 || passkeys[index]?.counter !== previousCounter) return false;
      try {
        // Pinned by position, id and counter: of parallel uses of one assertion the first moves the counter and the
        // others fail here; a removal in between moves the list, then the passkey is looked for again. (An
        // authenticator that keeps no counter, 0 and 0, is guarded by its single-use challenge instead.)
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
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

  async reserveFailure(
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
    const block = await this.getBlock(subject, now);
    if (block) return { reserved: false, blockedUntil: block.until };
    const full: FailureReservation = { reserved: false, blockedUntil: null };
    if (window.limit < 1) return full;
    const key = itemKeys.failures(subject, kind);
    const windowEnd = now + window.windowSeconds * 1000;
    for (let round = 0; round < FAILURE_ROUNDS; round++) {
      try {
        const result = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
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
      if ((await this.failureCount(subject, kind, now)) >= window.limit) return full;
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
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

  async giveBackFailure(subject: string, kind: FailureKind, now: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async failureCount(subject: string, kind: FailureKind, now: number): Promise<number> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: itemKeys.failures(subject, kind),
          ConsistentRead: true,
          ProjectionExpression: '#count, #windowEnd',
          ExpressionAttributeNames: { '#count': 'count', '#windowEnd': 'windowEnd' },
        }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('failureCount', error);
    }
    if (!item) return 0;
    const { count, windowEnd } = parseItem(failureItem, item, 'failures');
    return windowEnd <= now ? 0 : count;
  }

  async clearFailures(subject: string): Promise<void> {
    await this.deleteTogether(
      FAILURE_KINDS.map((kind) => itemKeys.failures(subject, kind)),
      'clearFailures',
    );
  }

  async clearBlockAndFailures(subject: string): Promise<void> {
    await this.deleteTogether(
      [itemKeys.block(subject), ...FAILURE_KINDS.map((kind) => itemKeys.failures(subject, kind))],
      'clearBlockAndFailures',
    );
  }

  /**
   * Unconditional deletes in one BatchWriteItem request. DynamoDB may hand some back unprocessed (throttling): those
   * are sent again after a short wait, and the call fails only when some are still left after the last attempt.
   */
  private async deleteTogether(keys: ItemKey[], operation: string): Promise<void> {
    let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
    try {
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === BATCH_ATTEMPTS) throw new Error(`${requests.length} deletes left unprocessed`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_RETRY_BASE_MS * 2 ** attempt));
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  async putBlock(block: Block): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: blockItemOf(block),
        }),
      );
    } catch (error) {
      throw storeError('putBlock', error);
    }
  }

  async putNewBlock(block: Block, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: blockItemOf(block),
          // A live block stays as it is (TTL deletion lags: the stored until decides).
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('putNewBlock', error);
    }
  }

  async getBlock(subject: string, now: number): Promise<Block | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.block(subject), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getBlock', error);
    }
    if (!item) return null;
    const block = parseItem(blockItem, item, 'block');
    return block.until <= now ? null : block;
  }

  async recordAudit(event: AuditEvent, retentionDays: number): Promise<void> {
    if (!Number.isFinite(event.at)) throw new Error('DynamoStore: audit event time must be finite');
    // The random part keeps two events of one request in the same millisecond apart.
    const sk = `${new Date(event.at).toISOString()}#${event.requestId}#${randomBytes(6).toString('base64url')}`;
    const item = {
      pk: itemKeys.auditPartition(event.subject),
      sk,
      entity: 'audit',
      subject: event.subject,
      at: event.at,
      event: event.event,
      outcome: event.outcome,
      reason: event.reason,
      sourceAddress: event.sourceAddress,
      userAgent: event.userAgent,
      requestId: event.requestId,
      ...(event.operator === undefined ? {} : { operator: event.operator }),
      [TTL_ATTRIBUTE]: epochSeconds(event.at + retentionDays * DAY_MS),
    };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      throw storeError('recordAudit', error);
    }
  }

  async listAudit(subject: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': itemKeys.auditPartition(subject) },
            ScanIndexForward: true,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw storeError('listAudit', error);
      }
      for (const item of page.Items ?? []) events.push(parseItem(auditItem, item, 'audit'));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }

  async scanAudit(since: number, onProgress?: (scanned: number) => void): Promise<AuditEvent[]> {
    if (!Number.isFinite(since)) throw new Error('DynamoStore: since must be a finite number of milliseconds');
    const items = await this.scanAll(
      'scanAudit',
      {
        FilterExpression: 'begins_with(pk, :prefix) AND #at >= :since',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':prefix': AUDIT_PREFIX, ':since': since },
      },
      onProgress,
    );
    const events = items.map((item) => ({ sk: String(item.sk), event: parseItem(auditItem, item, 'audit') }));
    // The sort key starts with the ISO time, so it orders events of one millisecond as listAudit does.
    events.sort((a, b) => a.event.at - b.event.at || (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    return events.map(({ event }) => event);
  }

  /** Every item a filtered scan returns, page by page (admin tooling only). */
  private async scanAll(
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
        page = await this.db.send(
          new ScanCommand({ TableName: this.tableName, ...filter, ConsistentRead: true, ExclusiveStartKey: startKey }),
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

  async putOutboxItem(item: OutboxItem): Promise<void> {
    const hasParams = Object.keys(item.params).length > 0;
    // Checked at the last point before the table, whoever wrote the item: a code in clear would also reach the stream,
    // backups and exports, where no later step could take it back.
    if (item.sealed ? hasParams : isSealedTemplate(item.template)) {
      throw new Error(
        item.sealed
          ? `DynamoStore.putOutboxItem: outbox item ${item.id} has both readable and sealed params`
          : `DynamoStore.putOutboxItem: outbox item ${item.id} (${item.template}) must have its params sealed`,
      );
    }
    const { sealed } = item;
    const record = {
      ...itemKeys.outbox(item.id),
      entity: 'outbox',
      id: item.id,
      channel: item.channel,
      to: item.to,
      template: item.template,
      params: { ...item.params },
      ...(sealed ? { sealed: { v: sealed.v, epk: sealed.epk, iv: sealed.iv, ct: sealed.ct, tag: sealed.tag } } : {}),
      language: item.language,
      status: item.status,
      createdAt: item.createdAt,
      [TTL_ATTRIBUTE]: epochSeconds(item.createdAt + OUTBOX_LIFETIME_MS),
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          // Never overwrite: putting a sent item back to pending would make the notifier send it again.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new Error(`DynamoStore.putOutboxItem: outbox item ${item.id} already exists`);
      throw storeError('putOutboxItem', error);
    }
  }

  async getOutboxItem(id: string): Promise<OutboxItem | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: itemKeys.outbox(id), ConsistentRead: true }),
      );
      item = result.Item;
    } catch (error) {
      throw storeError('getOutboxItem', error);
    }
    return item ? parseItem(outboxItem, item, 'outbox') : null;
  }

  async markOutboxItem(id: string, status: Exclude<OutboxStatus, 'pending'>, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.outbox(id),
          // The params, readable or sealed, go once the item is settled: whatever a message carried should not outlive
          // its send in the table or in the stream's new image (DESIGN §1). A sealed body would stay openable by
          // whoever gets the notifier's key later.
          UpdateExpression: 'SET #status = :status, #settledAt = :now, #params = :noParams REMOVE #sealed',
          // Also false for a missing item: attribute comparisons on a missing item fail.
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#settledAt': 'settledAt',
            '#params': 'params',
            '#sealed': 'sealed',
          },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':noParams': {}, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw storeError('markOutboxItem', error);
    }
  }
}

function contactVerificationRecord(verification: ContactVerification): Record<string, unknown> {
  return {
    ...itemKeys.contactVerification(verification.tokenHash),
    entity: 'contactVerification',
    tokenHash: verification.tokenHash,
    objectGuid: verification.objectGuid,
    subject: verification.subject,
    language: verification.language,
    codes: verification.codes.map(({ contactId, hmac, expiresAt }) => ({ contactId, hmac, expiresAt })),
    wrongTries: verification.wrongTries,
    // The table's TTL attribute is in seconds; the domain's expiry in milliseconds keeps its own name.
    expiresAtMs: verification.expiresAt,
    version: verification.version,
    [TTL_ATTRIBUTE]: epochSeconds(verification.expiresAt),
  };
}

function methodsSessionRecord(session: MethodsSession): Record<string, unknown> {
  if (!Number.isFinite(session.expiresAt)) throw new Error('DynamoStore: methods session expiry must be finite');
  if (!Number.isInteger(session.version)) throw new Error('DynamoStore: methods session version must be an integer');
  const pending = session.pendingAuthenticator;
  return {
    ...itemKeys.methodsSession(session.tokenHash),
    entity: 'methodsSession',
    tokenHash: session.tokenHash,
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
    ...(session.passkeyChallenge === undefined ? {} : { passkeyChallenge: session.passkeyChallenge }),
    wrongTries: session.wrongTries,
    expiresAtMs: session.expiresAt,
    version: session.version,
    [TTL_ATTRIBUTE]: epochSeconds(session.expiresAt),
  };
}

function repudiationRecord(repudiation: Repudiation): Record<string, unknown> {
  if (!Number.isFinite(repudiation.expiresAt)) throw new Error('DynamoStore: repudiation expiry must be finite');
  if (!Number.isInteger(repudiation.version)) throw new Error('DynamoStore: repudiation version must be an integer');
  return {
    ...itemKeys.repudiation(repudiation.tokenHash),
    entity: 'repudiation',
    tokenHash: repudiation.tokenHash,
    objectGuid: repudiation.objectGuid,
    subject: repudiation.subject,
    event: repudiation.event,
    createdAt: repudiation.createdAt,
    expiresAtMs: repudiation.expiresAt,
    used: repudiation.used,
    version: repudiation.version,
    [TTL_ATTRIBUTE]: epochSeconds(repudiation.expiresAt),
  };
}
