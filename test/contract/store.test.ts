/**
 * The Store contract (functions/core/store.ts) against DynamoStore on dynalite, in-process, with a fresh table.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamoClient.js';
import { generateSealingKeyPair, openParams, sealParams } from '../../functions/adapters/sealing.js';
import { DynamoStore, itemKeys } from '../../functions/adapters/store.js';
import type {
  AuditEvent,
  EnrolledAuthenticator,
  EnrolledPasskey,
  Enrollment,
  Flow,
  MethodsSession,
  OutboxItem,
  RateWindow,
  RecoveryCodeSet,
} from '../../functions/core/store.js';
import { ensureTable, localClientOptions, type RunningDynalite, startDynalite } from '../../local/dynalite.js';

let dynalite: RunningDynalite;
let db: ReturnType<typeof createDocumentClient>;
let store: DynamoStore;
const tableName = `store-contract-${randomUUID()}`;

beforeAll(async () => {
  dynalite = await startDynalite();
  db = createDocumentClient(localClientOptions(dynalite.endpoint));
  await ensureTable(db, tableName);
  store = new DynamoStore(db, tableName);
});

afterAll(async () => {
  db?.destroy();
  await dynalite?.close();
});

function enrollment(overrides: Partial<Enrollment> = {}): Enrollment {
  return {
    objectGuid: randomUUID(),
    sAMAccountName: 'alice',
    answers: [1, 2, 3].map((n) => ({
      questionId: `q${n}`,
      hash: {
        algorithm: 'scrypt',
        N: 131072,
        r: 8,
        p: 1,
        keyLength: 32,
        salt: Buffer.alloc(16, n).toString('base64'),
        hash: Buffer.alloc(32, n + 10).toString('base64'),
        normalization: 1,
      },
    })),
    contacts: [
      { id: 'c1', channel: 'email', address: 'alice@corp.example.test', verified: true, addedAt: 1_700_000_000_000 },
      { id: 'c2', channel: 'sms', address: '+15550100001', verified: false, addedAt: 1_700_000_000_500 },
    ],
    language: 'de',
    enrolledAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('enrollments', () => {
  it('round-trips an enrollment', async () => {
    const original = enrollment();
    await store.putEnrollment(original);
    expect(await store.getEnrollment(original.objectGuid)).toEqual(original);
  });

  it('returns null for an account that is not enrolled', async () => {
    expect(await store.getEnrollment(randomUUID())).toBeNull();
  });

  it('replaces the earlier enrollment of the same account', async () => {
    const first = enrollment();
    await store.putEnrollment(first);
    const second = enrollment({
      objectGuid: first.objectGuid,
      answers: first.answers.slice(0, 1),
      contacts: [],
      language: 'fr',
      updatedAt: first.updatedAt + 1000,
    });
    await store.putEnrollment(second);
    expect(await store.getEnrollment(first.objectGuid)).toEqual(second);
  });

  it('finds the enrollment whatever the case of the GUID', async () => {
    const original = enrollment();
    await store.putEnrollment(original);
    expect(await store.getEnrollment(original.objectGuid.toUpperCase())).toEqual(original);
  });

  it('stores answers and contacts as nested maps, not strings', async () => {
    const original = enrollment();
    await store.putEnrollment(original);
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: itemKeys.enrollment(original.objectGuid) }),
    );
    expect(Item?.answers?.[0]?.hash?.N).toBe(131072);
    expect(Item?.contacts?.[1]?.verified).toBe(false);
    expect(Item?.expiresAt).toBeUndefined();
  });
});

describe('creating an enrollment only where there is none (a first recovery method)', () => {
  it('creates one, then refuses a second create and leaves the first as it was', async () => {
    const empty = enrollment({ answers: [], contacts: [], language: 'fr' });
    expect(await store.createEnrollment(empty)).toBe(true);
    expect(await store.getEnrollment(empty.objectGuid)).toEqual(empty);
    const other = enrollment({ objectGuid: empty.objectGuid, updatedAt: empty.updatedAt + 1 });
    expect(await store.createEnrollment(other)).toBe(false);
    expect(await store.getEnrollment(empty.objectGuid)).toEqual(empty);
  });

  it('never overwrites an enrollment a concurrent enroll put', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    expect(await store.createEnrollment(enrollment({ objectGuid: enrolled.objectGuid, answers: [] }))).toBe(false);
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual(enrolled);
  });

  it('of 20 parallel creates exactly one is true', async () => {
    const objectGuid = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.createEnrollment(enrollment({ objectGuid, updatedAt: i }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('methods sessions (issue 16)', () => {
  const sealed = { v: 1 as const, keyVersion: 1, iv: 'aXZpdml2aXZpdml2', ct: 'Y2lwaGVy', tag: 'dGFndGFndGFndGFndGFn' };
  const session = (overrides: Partial<MethodsSession> = {}): MethodsSession => ({
    tokenHash: randomBytes(32).toString('base64url'),
    objectGuid: randomUUID(),
    subject: 'alice',
    language: 'de',
    pendingAuthenticator: null,
    wrongTries: 0,
    expiresAt: 1_700_000_900_000,
    version: 1,
    ...overrides,
  });
  const now = 1_700_000_000_000;

  it('creates, gets and updates one, with a pending sealed seed; the TTL in seconds beside the expiry in ms', async () => {
    const created = session();
    await store.createMethodsSession(created);
    expect(await store.getMethodsSession(created.tokenHash, now)).toEqual(created);
    const next = { ...created, pendingAuthenticator: sealed, wrongTries: 2, version: 2 };
    expect(await store.updateMethodsSession(next)).toBe(true);
    expect(await store.getMethodsSession(created.tokenHash, now)).toEqual(next);
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: itemKeys.methodsSession(created.tokenHash) }),
    );
    expect(Item?.expiresAt).toBe(Math.ceil(created.expiresAt / 1000));
    expect(Item?.expiresAtMs).toBe(created.expiresAt);
    expect(Item?.pendingAuthenticator).toEqual(sealed);
  });

  it('returns null for an unknown one, and for an expired one although its item is still there', async () => {
    expect(await store.getMethodsSession(randomBytes(32).toString('base64url'), now)).toBeNull();
    const created = session();
    await store.createMethodsSession(created);
    expect(await store.getMethodsSession(created.tokenHash, created.expiresAt - 1)).not.toBeNull();
    expect(await store.getMethodsSession(created.tokenHash, created.expiresAt)).toBeNull();
  });

  it('never overwrites one on create, and never creates one through an update', async () => {
    const created = session();
    await store.createMethodsSession(created);
    await expect(store.createMethodsSession({ ...created, subject: 'mallory' })).rejects.toThrow(/already exists/);
    expect((await store.getMethodsSession(created.tokenHash, now))?.subject).toBe('alice');
    const ghost = session({ version: 2 });
    expect(await store.updateMethodsSession(ghost)).toBe(false);
    expect(await store.getMethodsSession(ghost.tokenHash, now)).toBeNull();
  });

  it('refuses an update from a stale version, and lets one of 20 parallel updates from the same read win', async () => {
    const created = session();
    await store.createMethodsSession(created);
    expect(await store.updateMethodsSession({ ...created, version: 3 })).toBe(false);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.updateMethodsSession({ ...created, wrongTries: i, version: 2 })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getMethodsSession(created.tokenHash, now))?.version).toBe(2);
  });

  it("ends a subject's sessions created before endMethodsSessions, for good; later ones and other subjects' live", async () => {
    const subject = `user-${randomUUID()}`;
    const before = session({ subject });
    const other = session({ subject: `user-${randomUUID()}` });
    await store.createMethodsSession(before);
    await store.createMethodsSession(other);
    await store.endMethodsSessions(subject);
    expect(await store.getMethodsSession(before.tokenHash, now)).toBeNull();
    // An update from the version read before the end is made, and the session stays ended.
    expect(await store.updateMethodsSession({ ...before, wrongTries: 1, version: 2 })).toBe(true);
    expect(await store.getMethodsSession(before.tokenHash, now)).toBeNull();
    expect(await store.getMethodsSession(other.tokenHash, now)).toEqual(other);

    const after = session({ subject });
    await store.createMethodsSession(after);
    expect(await store.getMethodsSession(after.tokenHash, now)).toEqual(after);
    const next = { ...after, wrongTries: 1, version: 2 };
    expect(await store.updateMethodsSession(next)).toBe(true);
    expect(await store.getMethodsSession(after.tokenHash, now)).toEqual(next);
    // A second end ends that one as well, and never brings back the first.
    await store.endMethodsSessions(subject);
    expect(await store.getMethodsSession(after.tokenHash, now)).toBeNull();
    expect(await store.getMethodsSession(before.tokenHash, now)).toBeNull();
  });

  it('reads a session item written before epochs existed as live until its subject is first ended', async () => {
    const legacy = session({ subject: `user-${randomUUID()}` });
    await store.createMethodsSession(legacy);
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: itemKeys.methodsSession(legacy.tokenHash),
        UpdateExpression: 'REMOVE epoch',
      }),
    );
    expect(await store.getMethodsSession(legacy.tokenHash, now)).toEqual(legacy);
    await store.endMethodsSessions(legacy.subject);
    expect(await store.getMethodsSession(legacy.tokenHash, now)).toBeNull();
  });
});

describe('rate counters', () => {
  const window: RateWindow = { limit: 3, windowSeconds: 60 };
  // A window start, so the arithmetic below is easy to follow.
  const start = 1_700_000_040_000;

  it('admits up to the limit, then refuses with the time until the window ends', async () => {
    const counter = `c-${randomUUID()}`;
    for (let i = 0; i < 3; i++)
      expect(await store.admit(counter, window, start + i * 1000)).toEqual({ admitted: true });
    expect(await store.admit(counter, window, start + 10_500)).toEqual({ admitted: false, retryAfterSeconds: 50 });
    expect(await store.count(counter, window, start + 10_500)).toBe(3);
  });

  it('reports at least one second to wait at the very end of a window', async () => {
    const counter = `c-${randomUUID()}`;
    const end = start + 60_000;
    for (let i = 0; i < 3; i++) await store.admit(counter, window, end - 1);
    expect(await store.admit(counter, window, end - 1)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('admits exactly the limit out of 20 parallel requests', async () => {
    const counter = `c-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => store.admit(counter, window, start)));
    expect(results.filter((r) => r.admitted)).toHaveLength(3);
    expect(results.filter((r) => !r.admitted)).toHaveLength(17);
    expect(await store.count(counter, window, start)).toBe(3);
  });

  it('gives back one admission, never below zero', async () => {
    const counter = `c-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await store.admit(counter, window, start);
    expect((await store.admit(counter, window, start)).admitted).toBe(false);
    await store.giveBack(counter, window, start);
    expect(await store.count(counter, window, start)).toBe(2);
    expect(await store.admit(counter, window, start)).toEqual({ admitted: true });
    for (let i = 0; i < 5; i++) await store.giveBack(counter, window, start);
    expect(await store.count(counter, window, start)).toBe(0);
  });

  it('a give-back on a counter that never admitted anything creates nothing', async () => {
    const counter = `c-${randomUUID()}`;
    await store.giveBack(counter, window, start);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.rate(counter, 60, start) }));
    expect(Item).toBeUndefined();
    expect(await store.count(counter, window, start)).toBe(0);
  });

  it('a new window admits again', async () => {
    const counter = `c-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await store.admit(counter, window, start + 59_000);
    expect((await store.admit(counter, window, start + 59_999)).admitted).toBe(false);
    expect(await store.admit(counter, window, start + 60_000)).toEqual({ admitted: true });
    expect(await store.count(counter, window, start + 60_000)).toBe(1);
  });

  it('counts an expired window as 0 although its item still exists', async () => {
    const counter = `c-${randomUUID()}`;
    await store.admit(counter, window, start);
    await store.admit(counter, window, start);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.rate(counter, 60, start) }));
    expect(Item).toMatchObject({ count: 2, windowEnd: start + 60_000, expiresAt: (start + 60_000) / 1000 });
    // Nothing deletes the item (dynalite has no TTL, DynamoDB deletes late): the count must not rely on that.
    expect(await store.count(counter, window, start + 60_000)).toBe(0);
    expect(await store.count(counter, window, start + 3_600_000)).toBe(0);
  });

  it('keeps counters of different names and window lengths apart', async () => {
    const counter = `c-${randomUUID()}`;
    await store.admit(counter, window, start);
    expect(await store.count(`${counter}-other`, window, start)).toBe(0);
    expect(await store.count(counter, { limit: 3, windowSeconds: 120 }, start)).toBe(0);
  });

  it('refuses everything with a limit of 0', async () => {
    const counter = `c-${randomUUID()}`;
    expect(await store.admit(counter, { limit: 0, windowSeconds: 60 }, start)).toEqual({
      admitted: false,
      retryAfterSeconds: 60,
    });
  });
});

describe('flows', () => {
  const created = 1_700_000_000_000;
  const lifetime = 15 * 60_000;

  function flow(overrides: Partial<Flow> = {}): Flow {
    return {
      tokenHash: randomBytes(32).toString('base64url'),
      purpose: 'reset',
      subject: `user-${randomUUID()}`,
      objectGuid: randomUUID(),
      decoy: false,
      language: 'fr',
      questionIds: ['q3', 'q1', 'q2'],
      answered: 0,
      correct: 0,
      correctRequired: 1,
      alternatives: [
        { methods: ['questions', 'email'], onlyWithout: [] },
        { methods: ['questions', 'sms'], onlyWithout: [] },
      ],
      passed: [],
      channels: [{ id: 'ch1', channel: 'email', address: 'alice@corp.example.test' }],
      step: 'question',
      pending: null,
      code: null,
      codeTries: 0,
      sends: 0,
      lastSentAt: null,
      passwordTries: 0,
      createdAt: created,
      expiresAt: created + lifetime,
      version: 1,
      ...overrides,
    };
  }

  it('creates, gets and updates a flow', async () => {
    const original = flow();
    await store.createFlow(original);
    expect(await store.getFlow(original.tokenHash, created + 1000)).toEqual(original);

    const next: Flow = {
      ...original,
      answered: 3,
      correct: 1,
      step: 'code',
      pending: 'req-1',
      code: { hmac: 'aG1hYw', channelId: 'ch1', expiresAt: created + 600_000 },
      sends: 1,
      lastSentAt: created + 2000,
      version: 2,
    };
    expect(await store.updateFlow(next)).toBe(true);
    expect(await store.getFlow(original.tokenHash, created + 3000)).toEqual(next);
  });

  it('keeps a decoy without an account, and stores the TTL in seconds beside the expiry in ms', async () => {
    const decoy = flow({
      objectGuid: null,
      decoy: true,
      channels: [],
      alternatives: [{ methods: ['questions'], onlyWithout: ['email', 'sms'] }],
    });
    await store.createFlow(decoy);
    expect(await store.getFlow(decoy.tokenHash, created)).toEqual(decoy);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.flow(decoy.tokenHash) }));
    expect(Item).toMatchObject({ expiresAt: (created + lifetime) / 1000, expiresAtMs: created + lifetime });
    const pointer = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.openFlow(decoy.subject) }));
    expect(pointer.Item).toMatchObject({ tokenHash: decoy.tokenHash, expiresAt: (created + lifetime) / 1000 });
  });

  it('returns null for an unknown flow', async () => {
    expect(await store.getFlow(randomBytes(32).toString('base64url'), created)).toBeNull();
  });

  it('never overwrites an existing flow', async () => {
    const original = flow();
    await store.createFlow(original);
    await expect(store.createFlow({ ...original, step: 'verified' })).rejects.toThrow(/already exists/);
    expect((await store.getFlow(original.tokenHash, created))?.step).toBe('question');
  });

  it('a second start of the same subject makes the first flow unreachable', async () => {
    const first = flow();
    await store.createFlow(first);
    const second = flow({ subject: first.subject, createdAt: created + 5000, expiresAt: created + 5000 + lifetime });
    await store.createFlow(second);
    expect(await store.getFlow(first.tokenHash, created + 6000)).toBeNull();
    expect(await store.getFlow(second.tokenHash, created + 6000)).toEqual(second);
    // Another subject's start does not touch this one.
    await store.createFlow(flow());
    expect(await store.getFlow(second.tokenHash, created + 6000)).toEqual(second);
  });

  it('a flow whose open-flow pointer was never written (crash between the writes) is unreachable', async () => {
    const orphan = flow();
    // The flow item as createFlow's first write leaves it.
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...orphan,
          ...itemKeys.flow(orphan.tokenHash),
          expiresAtMs: orphan.expiresAt,
          expiresAt: orphan.expiresAt / 1000,
        },
      }),
    );
    expect(await store.getFlow(orphan.tokenHash, created)).toBeNull();
  });

  it('returns null for an expired flow although its item still exists', async () => {
    const original = flow();
    await store.createFlow(original);
    expect(await store.getFlow(original.tokenHash, original.expiresAt - 1)).toEqual(original);
    expect(await store.getFlow(original.tokenHash, original.expiresAt)).toBeNull();
    expect(await store.getFlow(original.tokenHash, original.expiresAt + 3_600_000)).toBeNull();
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.flow(original.tokenHash) }));
    expect(Item).toBeDefined();
  });

  it('keeps the hash of a passkey challenge; an item with one in clear (before hashing) has none', async () => {
    const original = flow({ step: 'passkey', passkeyChallengeHash: randomBytes(32).toString('base64url') });
    await store.createFlow(original);
    expect(await store.getFlow(original.tokenHash, created + 1000)).toEqual(original);
    const cleared = { ...original, passkeyChallengeHash: null, version: 2 };
    expect(await store.updateFlow(cleared)).toBe(true);
    expect(await store.getFlow(original.tokenHash, created + 1000)).toEqual(cleared);

    // The flow as a release before hashing left it: the challenge in clear, no hash.
    const key = itemKeys.flow(original.tokenHash);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    const { passkeyChallengeHash: _, ...older } = Item ?? {};
    await db.send(new PutCommand({ TableName: tableName, Item: { ...older, passkeyChallenge: 'Y2hhbGxlbmdl' } }));
    const read = await store.getFlow(original.tokenHash, created + 1000);
    expect(read && ('passkeyChallenge' in read || 'passkeyChallengeHash' in read)).toBe(false);
    // The next write replaces the item: the clear challenge is gone from the table.
    expect(await store.updateFlow({ ...(read ?? original), version: 3 })).toBe(true);
    const after = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    expect(after.Item?.version).toBe(3);
    expect(after.Item && 'passkeyChallenge' in after.Item).toBe(false);
  });

  it('refuses an update from a stale version and changes nothing', async () => {
    const original = flow();
    await store.createFlow(original);
    const winner = { ...original, answered: 1, version: 2 };
    expect(await store.updateFlow(winner)).toBe(true);
    // A request that read version 1 as well, and wants to write version 2.
    expect(await store.updateFlow({ ...original, answered: 1, correct: 1, version: 2 })).toBe(false);
    // A version that skips ahead is just as stale.
    expect(await store.updateFlow({ ...original, step: 'done', version: 4 })).toBe(false);
    expect(await store.getFlow(original.tokenHash, created)).toEqual(winner);
  });

  it('does not create a flow through an update', async () => {
    const ghost = flow({ version: 1 });
    expect(await store.updateFlow(ghost)).toBe(false);
    expect(await store.updateFlow({ ...ghost, version: 0 })).toBe(false);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.flow(ghost.tokenHash) }));
    expect(Item).toBeUndefined();
  });

  it('lets exactly one of 20 parallel updates from the same read win', async () => {
    const original = flow();
    await store.createFlow(original);
    const read = await store.getFlow(original.tokenHash, created);
    if (!read) throw new Error('flow not found');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateFlow({ ...read, pending: `req-${i}`, version: read.version + 1 }),
      ),
    );
    expect(results.filter((r) => r)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.getFlow(original.tokenHash, created)).toEqual({
      ...read,
      pending: `req-${winner}`,
      version: read.version + 1,
    });
  });
});

/** A failure counted with no limit in reach, and the count it reached: reserveFailure is how failures are counted. */
async function countFailure(
  on: DynamoStore,
  subject: string,
  kind: 'answer' | 'code',
  windowSeconds: number,
  now: number,
): Promise<number> {
  const reservation = await on.reserveFailure(
    subject,
    kind,
    { limit: 1_000_000, windowSeconds, blockSeconds: 3600 },
    now,
  );
  if (!reservation.reserved) throw new Error(`no failure reserved for ${subject}`);
  return reservation.count;
}

describe('failures', () => {
  const now = 1_700_000_000_000;
  const day = 86_400;

  it('counts failures in a window that starts at the first one', async () => {
    const subject = `user-${randomUUID()}`;
    expect(await countFailure(store, subject, 'answer', day, now)).toBe(1);
    expect(await countFailure(store, subject, 'answer', day, now + 1000)).toBe(2);
    expect(await countFailure(store, subject, 'answer', day, now + day * 1000 - 1)).toBe(3);
    expect(await store.failureCount(subject, 'answer', now + day * 1000 - 1)).toBe(3);
    // In the subject's one guard item, with its block: one write can count a failure and see the block.
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item).toMatchObject({ answerCount: 3, answerWindowEnd: now + day * 1000, expiresAt: now / 1000 + day });
  });

  it('keeps kinds and subjects apart', async () => {
    const subject = `user-${randomUUID()}`;
    await countFailure(store, subject, 'answer', day, now);
    await countFailure(store, subject, 'answer', day, now);
    expect(await countFailure(store, subject, 'code', day, now)).toBe(1);
    expect(await store.failureCount(subject, 'answer', now)).toBe(2);
    expect(await store.failureCount(subject, 'code', now)).toBe(1);
    expect(await store.failureCount(`${subject}-other`, 'answer', now)).toBe(0);
  });

  it('starts again at 1 once the window has ended', async () => {
    const subject = `user-${randomUUID()}`;
    await countFailure(store, subject, 'code', 60, now);
    await countFailure(store, subject, 'code', 60, now + 30_000);
    const ended = now + 60_000;
    expect(await store.failureCount(subject, 'code', ended - 1)).toBe(2);
    // The item is still there (nothing deletes it); the count must not rely on that.
    expect(await store.failureCount(subject, 'code', ended)).toBe(0);
    expect(await countFailure(store, subject, 'code', 60, ended)).toBe(1);
    // The new window starts at that failure, not at the old window's end.
    expect(await countFailure(store, subject, 'code', 60, ended + 59_999)).toBe(2);
    expect(await store.failureCount(subject, 'code', ended + 60_000)).toBe(0);
  });

  it('hands out every count from 1 to 20 exactly once to 20 parallel failures', async () => {
    const subject = `user-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => countFailure(store, subject, 'answer', day, now)),
    );
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.failureCount(subject, 'answer', now)).toBe(20);
  });

  it('hands out every count once when parallel failures find an ended window', async () => {
    const subject = `user-${randomUUID()}`;
    await countFailure(store, subject, 'answer', 60, now);
    await countFailure(store, subject, 'answer', 60, now);
    const later = now + 120_000;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => countFailure(store, subject, 'answer', 60, later)),
    );
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.failureCount(subject, 'answer', later)).toBe(20);
  });

  it('clears both kinds', async () => {
    const subject = `user-${randomUUID()}`;
    await countFailure(store, subject, 'answer', day, now);
    await countFailure(store, subject, 'code', day, now);
    await store.clearFailures(subject);
    expect(await store.failureCount(subject, 'answer', now)).toBe(0);
    expect(await store.failureCount(subject, 'code', now)).toBe(0);
    expect(await countFailure(store, subject, 'answer', day, now)).toBe(1);
    // Clearing a subject without failures is not an error.
    await store.clearFailures(`user-${randomUUID()}`);
  });

  it('refuses a window that is not a positive length', async () => {
    await expect(
      store.reserveFailure('u', 'answer', { limit: 3, windowSeconds: 0, blockSeconds: 60 }, now),
    ).rejects.toThrow(/windowSeconds/);
  });
});

describe('question choice tally (decoy weights)', () => {
  it('counts chosen ids up and unchosen ids down, in parallel without losing any, and leaves others out', async () => {
    const own = new DynamoStore(db, tableName);
    const before = await own.questionChoiceTally();
    const id = `q-${randomUUID()}`;
    const other = `q-${randomUUID()}`;
    await Promise.all(Array.from({ length: 10 }, () => own.tallyQuestionChoices([id, other], [])));
    await own.tallyQuestionChoices([other], [id, other]);
    const after = await own.questionChoiceTally();
    expect(after[id]).toBe(9);
    expect(after[other]).toBe(10);
    // Nothing moves for an id both chosen and unchosen, or for no ids at all.
    await own.tallyQuestionChoices([id], [id]);
    await own.tallyQuestionChoices([], []);
    expect((await own.questionChoiceTally())[id]).toBe(9);
    expect(Object.keys(before)).not.toContain(id);
  });

  it('leaves out counts that went below one', async () => {
    const id = `q-${randomUUID()}`;
    await store.tallyQuestionChoices([], [id]);
    expect(Object.keys(await store.questionChoiceTally())).not.toContain(id);
  });
});

describe('leases (one password bind per account in flight)', () => {
  const now = 1_700_000_000_000;

  it('lets exactly one of many parallel takers hold a lease', async () => {
    const name = `password-bind:${randomUUID()}`;
    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.takeLease(name, `holder-${i}`, now + 10_000, now)),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('is free again once its holder ends it, and only its holder can', async () => {
    const name = `password-bind:${randomUUID()}`;
    expect(await store.takeLease(name, 'a', now + 10_000, now)).toBe(true);
    await store.releaseLease(name, 'b');
    expect(await store.takeLease(name, 'b', now + 10_000, now)).toBe(false);
    await store.releaseLease(name, 'a');
    expect(await store.takeLease(name, 'b', now + 10_000, now)).toBe(true);
    // Ending one that is gone or someone else's is no error.
    await store.releaseLease(name, 'a');
    await store.releaseLease(`password-bind:${randomUUID()}`, 'a');
  });

  it('runs out at its until (compared with now: the item may still be there) and can then be taken', async () => {
    const name = `password-bind:${randomUUID()}`;
    expect(await store.takeLease(name, 'a', now + 1000, now)).toBe(true);
    expect(await store.takeLease(name, 'b', now + 2000, now + 999)).toBe(false);
    expect(await store.takeLease(name, 'b', now + 2000, now + 1000)).toBe(true);
    // The first holder, late, cannot end the lease that is now b's.
    await store.releaseLease(name, 'a');
    expect(await store.takeLease(name, 'c', now + 3000, now + 1500)).toBe(false);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.lease(name) }));
    expect(Item?.expiresAt).toBe((now + 2000) / 1000);
  });
});

describe('blocks', () => {
  const now = 1_700_000_000_000;

  it('puts and gets a block, with the TTL at its end', async () => {
    const subject = `user-${randomUUID()}`;
    const block = { subject, until: now + 86_400_000, reason: 'answer' as const };
    await store.putBlock(block);
    expect(await store.getBlock(subject, now)).toEqual(block);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item?.expiresAt).toBe(now / 1000 + 86_400);
  });

  it('returns null when there is no block, or its until has passed although the item exists', async () => {
    const subject = `user-${randomUUID()}`;
    expect(await store.getBlock(subject, now)).toBeNull();
    await store.putBlock({ subject, until: now + 1000, reason: 'code' });
    expect(await store.getBlock(subject, now + 999)).not.toBeNull();
    expect(await store.getBlock(subject, now + 1000)).toBeNull();
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item).toBeDefined();
  });

  it('replaces an earlier block', async () => {
    const subject = `user-${randomUUID()}`;
    await store.putBlock({ subject, until: now + 1000, reason: 'answer' });
    const later = { subject, until: now + 5000, reason: 'code' as const };
    await store.putBlock(later);
    expect(await store.getBlock(subject, now + 2000)).toEqual(later);
  });

  it('clears the block and both failure counts together, and clearing none is not an error', async () => {
    const subject = `user-${randomUUID()}`;
    const other = `user-${randomUUID()}`;
    for (const who of [subject, other]) {
      // Failures first: none is counted while a block is live.
      await countFailure(store, who, 'answer', 86_400, now);
      await countFailure(store, who, 'code', 86_400, now);
      await store.putBlock({ subject: who, until: now + 86_400_000, reason: 'answer' });
    }
    await store.clearBlockAndFailures(subject);
    expect(await store.getBlock(subject, now)).toBeNull();
    expect(await store.failureCount(subject, 'answer', now)).toBe(0);
    expect(await store.failureCount(subject, 'code', now)).toBe(0);
    // Only that subject's items go.
    expect(await store.getBlock(other, now)).not.toBeNull();
    expect(await store.failureCount(other, 'answer', now)).toBe(1);
    expect(await store.failureCount(other, 'code', now)).toBe(1);
    await store.clearBlockAndFailures(`user-${randomUUID()}`);
  });

  it('a fresh start by enrollment clears the failures, and the block unless it is a reported one', async () => {
    const failed = `user-${randomUUID()}`;
    const reported = `user-${randomUUID()}`;
    for (const [who, reason] of [
      [failed, 'answer'],
      [reported, 'repudiated'],
    ] as const) {
      await countFailure(store, who, 'answer', 86_400, now);
      await countFailure(store, who, 'code', 86_400, now);
      await store.putBlock({ subject: who, until: now + 86_400_000, reason });
    }
    await store.clearFailuresAndUnreportedBlock(failed);
    await store.clearFailuresAndUnreportedBlock(reported);
    expect(await store.getBlock(failed, now)).toBeNull();
    expect(await store.getBlock(reported, now)).toEqual({
      subject: reported,
      until: now + 86_400_000,
      reason: 'repudiated',
    });
    for (const who of [failed, reported]) {
      expect(await store.failureCount(who, 'answer', now)).toBe(0);
      expect(await store.failureCount(who, 'code', now)).toBe(0);
    }
    // A subject with nothing to clear is not an error.
    await store.clearFailuresAndUnreportedBlock(`user-${randomUUID()}`);
  });
});

describe('failure reservations (reserved before the check, DESIGN §5)', () => {
  const now = 1_700_000_000_000;
  const window = { limit: 3, windowSeconds: 86_400, blockSeconds: 3600 };
  const blockMs = window.blockSeconds * 1000;

  it('reserves up to the limit; the one that fills the window writes the block in the same write', async () => {
    const subject = `user-${randomUUID()}`;
    expect(await store.reserveFailure(subject, 'answer', window, now)).toEqual({
      reserved: true,
      count: 1,
      block: null,
    });
    expect(await store.reserveFailure(subject, 'code', window, now)).toEqual({ reserved: true, count: 1, block: null });
    expect(await store.reserveFailure(subject, 'answer', window, now + 1)).toEqual({
      reserved: true,
      count: 2,
      block: null,
    });
    const block = { subject, until: now + 2 + blockMs, reason: 'answer' as const };
    expect(await store.reserveFailure(subject, 'answer', window, now + 2)).toEqual({ reserved: true, count: 3, block });
    expect(await store.getBlock(subject, now + 2)).toEqual(block);
    // Nothing is counted during the block, of either kind.
    for (const kind of ['answer', 'code'] as const) {
      expect(await store.reserveFailure(subject, kind, window, now + 3)).toEqual({
        reserved: false,
        blockedUntil: block.until,
        block: null,
      });
    }
    expect(await store.failureCount(subject, 'answer', now + 3)).toBe(3);
    expect(await store.failureCount(subject, 'code', now + 3)).toBe(1);
    // The block lapsed with the window still full: the next reservation is not counted, and writes a block again.
    const lapsed = block.until;
    expect(await store.reserveFailure(subject, 'answer', window, lapsed)).toEqual({
      reserved: false,
      blockedUntil: null,
      block: { subject, until: lapsed + blockMs, reason: 'answer' },
    });
    // Once the window and the block have ended (the item is still there), a reservation opens a new window.
    const ended = now + 86_400_000;
    expect(await store.reserveFailure(subject, 'answer', window, ended)).toEqual({
      reserved: true,
      count: 1,
      block: null,
    });
  });

  it('hands out exactly `limit` reservations and one block to 20 parallel callers, also across an ended window', async () => {
    for (const opened of [false, true]) {
      const subject = `user-${randomUUID()}`;
      if (opened) await countFailure(store, subject, 'answer', 60, now - 120_000);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.reserveFailure(subject, 'answer', window, now)),
      );
      const counts = results.flatMap((r) => (r.reserved ? [r.count] : []));
      expect(counts.sort()).toEqual([1, 2, 3]);
      expect(results.filter((r) => !r.reserved)).toHaveLength(17);
      expect(results.filter((r) => r.block)).toEqual([{ reserved: true, count: 3, block: expect.anything() }]);
      expect(await store.failureCount(subject, 'answer', now)).toBe(3);
    }
  });

  it('a burst straddling the window end: the new window opens only after the block the old one wrote', async () => {
    const subject = `user-${randomUUID()}`;
    for (let i = 0; i < window.limit - 1; i++) await store.reserveFailure(subject, 'code', window, now);
    const windowEnd = now + window.windowSeconds * 1000;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.reserveFailure(subject, 'code', window, i % 2 ? windowEnd - 60_000 : windowEnd + 60_000),
      ),
    );
    // Whichever side came first, the burst fills one window and meets its block: at most `limit` more are counted
    // (as many as one failure at a time could get), and exactly one block is written.
    const reserved = results.filter((r) => r.reserved);
    expect(reserved.length).toBeGreaterThanOrEqual(1);
    expect(reserved.length).toBeLessThanOrEqual(window.limit);
    expect(results.filter((r) => r.block)).toHaveLength(1);
    expect(results.filter((r) => !r.reserved && r.blockedUntil === null)).toHaveLength(0);
    expect(await store.getBlock(subject, windowEnd + 60_000)).not.toBeNull();
  });

  it('counts nothing during a live block and says until when; after the block it counts again', async () => {
    const subject = `user-${randomUUID()}`;
    await store.putBlock({ subject, until: now + 1000, reason: 'answer' });
    expect(await store.reserveFailure(subject, 'answer', window, now)).toEqual({
      reserved: false,
      blockedUntil: now + 1000,
      block: null,
    });
    expect(await store.failureCount(subject, 'answer', now)).toBe(0);
    expect(await store.reserveFailure(subject, 'answer', window, now + 1000)).toEqual({
      reserved: true,
      count: 1,
      block: null,
    });
  });

  it('is one read and one conditional write, blocked or not (its timing does not tell a blocked user apart)', async () => {
    let requests: string[] = [];
    const counting = new DynamoStore(
      {
        send: (command: { constructor: { name: string } }) => {
          requests.push(command.constructor.name);
          return db.send(command as never);
        },
      } as unknown as typeof db,
      tableName,
    );
    const free = `user-${randomUUID()}`;
    const blocked = `user-${randomUUID()}`;
    await store.reserveFailure(free, 'code', window, now);
    await store.reserveFailure(blocked, 'code', window, now);
    await store.putBlock({ subject: blocked, until: now + blockMs, reason: 'answer' });
    const paths: Record<string, string[]> = {};
    for (const [name, subject] of [
      ['free', free],
      ['blocked', blocked],
    ] as const) {
      requests = [];
      await counting.reserveFailure(subject, 'code', window, now + 1);
      paths[name] = requests;
    }
    expect(paths).toEqual({ free: ['GetCommand', 'UpdateCommand'], blocked: ['GetCommand', 'UpdateCommand'] });
    // And the blocked user's write counted nothing.
    expect(await store.failureCount(blocked, 'code', now + 1)).toBe(1);
    expect(await store.failureCount(free, 'code', now + 1)).toBe(2);
  });

  it('a limit of 0 reserves nothing', async () => {
    const subject = `user-${randomUUID()}`;
    expect(await store.reserveFailure(subject, 'code', { limit: 0, windowSeconds: 60, blockSeconds: 60 }, now)).toEqual(
      {
        reserved: false,
        blockedUntil: null,
        block: null,
      },
    );
    expect(await store.failureCount(subject, 'code', now)).toBe(0);
  });

  it('gives a reservation back, never below zero, never into an ended window, never creating one', async () => {
    const subject = `user-${randomUUID()}`;
    await store.reserveFailure(subject, 'answer', window, now);
    await store.reserveFailure(subject, 'answer', window, now);
    await store.giveBackFailure(subject, 'answer', now + 1);
    expect(await store.failureCount(subject, 'answer', now + 1)).toBe(1);
    await store.giveBackFailure(subject, 'answer', now + 1);
    await store.giveBackFailure(subject, 'answer', now + 1);
    expect(await store.failureCount(subject, 'answer', now + 1)).toBe(0);
    // Into an ended window: nothing changes.
    await store.reserveFailure(subject, 'answer', window, now + 2);
    await store.giveBackFailure(subject, 'answer', now + 86_400_000);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item?.answerCount).toBe(1);
    const none = `user-${randomUUID()}`;
    await store.giveBackFailure(none, 'code', now);
    const missing = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(none) }));
    expect(missing.Item).toBeUndefined();
  });

  it('a right last answer takes back the block its reservation wrote, and only that block', async () => {
    const subject = `user-${randomUUID()}`;
    for (let i = 0; i < window.limit - 1; i++) await store.reserveFailure(subject, 'answer', window, now);
    const last = await store.reserveFailure(subject, 'answer', window, now + 2);
    expect(last.block).not.toBeNull();
    await store.giveBackFailure(subject, 'answer', now + 3, last.block ?? undefined);
    expect(await store.getBlock(subject, now + 3)).toBeNull();
    expect(await store.failureCount(subject, 'answer', now + 3)).toBe(2);
    // The full window has room again: the next failure fills it and blocks.
    const again = await store.reserveFailure(subject, 'answer', window, now + 4);
    expect(again).toMatchObject({ reserved: true, count: 3 });
    // A repudiation written over it since stays when that reservation gives back.
    const reported = { subject, until: now + 86_400_000, reason: 'repudiated' as const };
    await store.putBlock(reported);
    await store.giveBackFailure(subject, 'answer', now + 5, again.block ?? undefined);
    expect(await store.getBlock(subject, now + 5)).toEqual(reported);
    expect(await store.failureCount(subject, 'answer', now + 5)).toBe(2);
  });

  it('a new block, a repudiation or a clear leaves the failure windows as they are', async () => {
    const subject = `user-${randomUUID()}`;
    await store.reserveFailure(subject, 'answer', window, now);
    expect(await store.putNewBlock({ subject, until: now + 1000, reason: 'repudiated' }, now)).toBe(true);
    await store.putBlock({ subject, until: now + 2000, reason: 'repudiated' });
    expect(await store.failureCount(subject, 'answer', now)).toBe(1);
    await store.clearFailures(subject);
    expect(await store.getBlock(subject, now)).toEqual({ subject, until: now + 2000, reason: 'repudiated' });
    // The TTL never comes down: the window opened next outlives the short block.
    await store.reserveFailure(subject, 'code', window, now + 2000);
    await store.putBlock({ subject, until: now + 3000, reason: 'answer' });
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item?.expiresAt).toBe((now + 2000) / 1000 + window.windowSeconds);
  });
});

describe('new blocks (never extending a live one)', () => {
  const now = 1_700_000_000_000;

  it('writes a block only when none is live, so parallel blocking failures write one', async () => {
    const subject = `user-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.putNewBlock({ subject, until: now + 86_400_000 + i, reason: 'answer' }, now + i),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const written = results.indexOf(true);
    expect(await store.getBlock(subject, now)).toEqual({
      subject,
      until: now + 86_400_000 + written,
      reason: 'answer',
    });
    // A later failure during the block leaves its until alone.
    expect(await store.putNewBlock({ subject, until: now + 2 * 86_400_000, reason: 'code' }, now + 60_000)).toBe(false);
    expect((await store.getBlock(subject, now + 60_000))?.until).toBe(now + 86_400_000 + written);
  });

  it('replaces a block whose until has passed although the item is still there', async () => {
    const subject = `user-${randomUUID()}`;
    await store.putBlock({ subject, until: now + 1000, reason: 'answer' });
    expect(await store.putNewBlock({ subject, until: now + 5000, reason: 'code' }, now + 1000)).toBe(true);
    expect(await store.getBlock(subject, now + 1000)).toEqual({ subject, until: now + 5000, reason: 'code' });
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.block(subject) }));
    expect(Item?.expiresAt).toBe(now / 1000 + 5);
  });
});

describe('ending a subject’s open flows', () => {
  const created = 1_700_000_000_000;

  it('leaves none of them live; the next start is live again; other subjects are untouched', async () => {
    const subject = `user-${randomUUID()}`;
    const other = `user-${randomUUID()}`;
    const flowOf = (who: string): Flow => ({
      tokenHash: randomBytes(32).toString('base64url'),
      purpose: 'reset',
      subject: who,
      objectGuid: randomUUID(),
      decoy: false,
      language: 'en',
      questionIds: ['q1', 'q2', 'q3'],
      answered: 0,
      correct: 0,
      correctRequired: 1,
      alternatives: [{ methods: ['questions'], onlyWithout: [] }],
      passed: [],
      channels: [],
      step: 'question',
      pending: null,
      code: null,
      codeTries: 0,
      sends: 0,
      lastSentAt: null,
      passwordTries: 0,
      createdAt: created,
      expiresAt: created + 900_000,
      version: 1,
    });
    const open = flowOf(subject);
    const others = flowOf(other);
    await store.createFlow(open);
    await store.createFlow(others);
    await store.endOpenFlows(subject);
    expect(await store.getFlow(open.tokenHash, created + 1)).toBeNull();
    expect(await store.getFlow(others.tokenHash, created + 1)).toEqual(others);
    const next = flowOf(subject);
    await store.createFlow(next);
    expect(await store.getFlow(next.tokenHash, created + 1)).toEqual(next);
    // Ending when nothing is open is not an error.
    await store.endOpenFlows(`user-${randomUUID()}`);
  });
});

describe('raising an answer hash (DESIGN §5 rehash)', () => {
  const stronger = (hash: Enrollment['answers'][number]['hash']) => ({
    ...hash,
    N: 262_144,
    salt: Buffer.alloc(16, 99).toString('base64'),
    hash: Buffer.alloc(32, 98).toString('base64'),
  });

  it('replaces the one answer it names while it is still the hash that was verified', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    const [first, second] = enrolled.answers;
    if (!first || !second) throw new Error('enrollment() has three answers');
    const next = stronger(second.hash);
    expect(await store.replaceAnswerHash(enrolled.objectGuid, second.questionId, second.hash, next)).toBe(true);
    const read = await store.getEnrollment(enrolled.objectGuid);
    expect(read?.answers.map((a) => a.hash)).toEqual([first.hash, next, enrolled.answers[2]?.hash]);
    // Everything else, updatedAt included, is as it was: a rehash is not a change the user made.
    expect({ ...read, answers: [] }).toEqual({ ...enrolled, answers: [] });
    // The old hash is no longer there to be replaced.
    expect(await store.replaceAnswerHash(enrolled.objectGuid, second.questionId, second.hash, next)).toBe(false);
  });

  it('never overwrites a re-enrollment that came in between, and is false for no enrollment', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    const verified = enrolled.answers[0];
    if (!verified) throw new Error('enrollment() has three answers');
    // Re-enrolled with the same question, a new salt and hash, since the answer was verified.
    const again = enrollment({
      objectGuid: enrolled.objectGuid,
      answers: enrolled.answers.map((a) => ({
        ...a,
        hash: { ...a.hash, salt: Buffer.alloc(16, 7).toString('base64') },
      })),
      updatedAt: enrolled.updatedAt + 1,
    });
    await store.putEnrollment(again);
    expect(
      await store.replaceAnswerHash(enrolled.objectGuid, verified.questionId, verified.hash, stronger(verified.hash)),
    ).toBe(false);
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual(again);
    expect(await store.replaceAnswerHash(randomUUID(), 'q1', verified.hash, stronger(verified.hash))).toBe(false);
    expect(await store.replaceAnswerHash(enrolled.objectGuid, 'q9', verified.hash, stronger(verified.hash))).toBe(
      false,
    );
  });
});

describe('recovery methods on the enrollment (issue 16)', () => {
  const sealed = {
    v: 1 as const,
    keyVersion: 1,
    iv: 'aXZpdml2aXZpdml2',
    ct: 'Y2lwaGVydGV4dA',
    tag: 'dGFndGFndGFndGFndGFn',
  };
  const authenticator = (id = randomUUID()): EnrolledAuthenticator => ({
    id,
    sealed,
    addedAt: 1_700_000_100_000,
    lastUsedStep: null,
  });
  const codes = (count = 10): RecoveryCodeSet => ({
    setId: randomUUID(),
    hashes: Array.from({ length: count }, () => randomBytes(32).toString('base64url')),
    issued: count,
    createdAt: 1_700_000_200_000,
  });

  it('reads an enrollment written before these methods (neither field) as it was', async () => {
    const old = enrollment();
    // Written as an old version of the store wrote it: no authenticator or recoveryCodes attribute.
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...itemKeys.enrollment(old.objectGuid), entity: 'enrollment', ...old },
      }),
    );
    const read = await store.getEnrollment(old.objectGuid);
    expect(read).toEqual(old);
    expect(read && 'authenticator' in read).toBe(false);
    expect(read && 'recoveryCodes' in read).toBe(false);
  });

  it('round-trips both through putEnrollment, null and set', async () => {
    const none = enrollment({ authenticator: null, recoveryCodes: null });
    await store.putEnrollment(none);
    expect(await store.getEnrollment(none.objectGuid)).toEqual(none);
    const both = enrollment({
      authenticator: { ...authenticator(), lastUsedStep: 56_666_667 },
      recoveryCodes: codes(),
    });
    await store.putEnrollment(both);
    expect(await store.getEnrollment(both.objectGuid)).toEqual(both);
    expect(await store.listEnrollments()).toContainEqual(both);
  });

  it('a re-enrollment that names no method keeps the stored ones; null removes one', async () => {
    const first = enrollment({ authenticator: authenticator(), recoveryCodes: codes() });
    await store.putEnrollment(first);
    const again = enrollment({ objectGuid: first.objectGuid, answers: first.answers.slice(0, 1), contacts: [] });
    await store.putEnrollment(again);
    expect(await store.getEnrollment(first.objectGuid)).toEqual({
      ...again,
      authenticator: first.authenticator,
      recoveryCodes: first.recoveryCodes,
    });
    await store.putEnrollment({ ...again, recoveryCodes: null });
    expect(await store.getEnrollment(first.objectGuid)).toEqual({
      ...again,
      authenticator: first.authenticator,
      recoveryCodes: null,
    });
  });

  it('sets, replaces and removes an authenticator, each time moving updatedAt on', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    const first = authenticator();
    const now = enrolled.updatedAt + 5000;
    expect(await store.setAuthenticator(enrolled.objectGuid, enrolled.updatedAt, first, now)).toBe(true);
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual({
      ...enrolled,
      authenticator: first,
      updatedAt: now,
    });
    // A clock behind the stored time still moves updatedAt on, so the next write from an old read is refused.
    const second = authenticator();
    expect(await store.setAuthenticator(enrolled.objectGuid, now, second, now - 10)).toBe(true);
    expect(await store.getEnrollment(enrolled.objectGuid)).toMatchObject({ authenticator: second, updatedAt: now + 1 });
    expect(await store.setAuthenticator(enrolled.objectGuid, now + 1, null, now + 100)).toBe(true);
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual({
      ...enrolled,
      authenticator: null,
      updatedAt: now + 100,
    });
  });

  it('refuses a stale updatedAt, a re-enrollment in between, and no enrollment, changing nothing', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    expect(await store.setAuthenticator(enrolled.objectGuid, enrolled.updatedAt - 1, authenticator(), 1)).toBe(false);
    expect(await store.setRecoveryCodes(enrolled.objectGuid, enrolled.updatedAt + 1, codes(), 1)).toBe(false);
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual(enrolled);
    // Read at updatedAt, then re-enrolled, then written from the old read.
    const again = enrollment({ objectGuid: enrolled.objectGuid, updatedAt: enrolled.updatedAt + 1000 });
    await store.putEnrollment(again);
    expect(await store.setRecoveryCodes(enrolled.objectGuid, enrolled.updatedAt, codes(), again.updatedAt + 1)).toBe(
      false,
    );
    expect(await store.getEnrollment(enrolled.objectGuid)).toEqual(again);
    // No enrollment: nothing is created.
    const nobody = randomUUID();
    expect(await store.setAuthenticator(nobody, 0, authenticator(), 1)).toBe(false);
    expect(await store.setRecoveryCodes(nobody, 0, codes(), 1)).toBe(false);
    expect(await store.getEnrollment(nobody)).toBeNull();
  });

  it('lets one of 20 parallel writes from the same read win', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    const sets = Array.from({ length: 20 }, () => codes());
    const results = await Promise.all(
      sets.map((set) => store.setRecoveryCodes(enrolled.objectGuid, enrolled.updatedAt, set, enrolled.updatedAt + 1)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const read = await store.getEnrollment(enrolled.objectGuid);
    expect(read?.recoveryCodes).toEqual(sets[results.indexOf(true)]);
  });

  it('uses a recovery code once: its hash goes, the others stay, updatedAt stays', async () => {
    const set = codes();
    const enrolled = enrollment({ recoveryCodes: set });
    await store.putEnrollment(enrolled);
    const [first, second, third] = set.hashes;
    if (!first || !second || !third) throw new Error('codes() makes ten');
    expect(await store.useRecoveryCode(enrolled.objectGuid, second)).toBe(true);
    expect(await store.useRecoveryCode(enrolled.objectGuid, second)).toBe(false);
    expect(await store.useRecoveryCode(enrolled.objectGuid, first)).toBe(true);
    const read = await store.getEnrollment(enrolled.objectGuid);
    expect(read).toEqual({ ...enrolled, recoveryCodes: { ...set, hashes: set.hashes.slice(2) } });
    // Not in the set, no set, no enrollment.
    expect(await store.useRecoveryCode(enrolled.objectGuid, randomBytes(32).toString('base64url'))).toBe(false);
    const without = enrollment();
    await store.putEnrollment(without);
    expect(await store.useRecoveryCode(without.objectGuid, third)).toBe(false);
    expect(await store.useRecoveryCode(randomUUID(), third)).toBe(false);
  });

  it('uses every code of a set down to an empty list, which reads back as a set with no hashes', async () => {
    const set = codes(3);
    const enrolled = enrollment({ recoveryCodes: set });
    await store.putEnrollment(enrolled);
    for (const hash of set.hashes) expect(await store.useRecoveryCode(enrolled.objectGuid, hash)).toBe(true);
    expect((await store.getEnrollment(enrolled.objectGuid))?.recoveryCodes).toEqual({ ...set, hashes: [] });
  });

  it('of 20 parallel uses of one code exactly one is true', async () => {
    const set = codes();
    const enrolled = enrollment({ recoveryCodes: set });
    await store.putEnrollment(enrolled);
    const hash = set.hashes[4] ?? '';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.useRecoveryCode(enrolled.objectGuid, hash)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getEnrollment(enrolled.objectGuid))?.recoveryCodes?.hashes).toEqual(
      set.hashes.filter((h) => h !== hash),
    );
  });

  it('parallel uses of every code of a set each succeed once, whatever order the list moves in', async () => {
    const set = codes();
    const enrolled = enrollment({ recoveryCodes: set });
    await store.putEnrollment(enrolled);
    const results = await Promise.all(
      [...set.hashes, ...set.hashes].map((hash) => store.useRecoveryCode(enrolled.objectGuid, hash)),
    );
    expect(results.filter(Boolean)).toHaveLength(set.hashes.length);
    expect((await store.getEnrollment(enrolled.objectGuid))?.recoveryCodes?.hashes).toEqual([]);
  });

  it('a code of a replaced set is not used on the new one', async () => {
    const old = codes();
    const enrolled = enrollment({ recoveryCodes: old });
    await store.putEnrollment(enrolled);
    const fresh = codes();
    expect(await store.setRecoveryCodes(enrolled.objectGuid, enrolled.updatedAt, fresh, enrolled.updatedAt + 1)).toBe(
      true,
    );
    expect(await store.useRecoveryCode(enrolled.objectGuid, old.hashes[0] ?? '')).toBe(false);
    expect((await store.getEnrollment(enrolled.objectGuid))?.recoveryCodes).toEqual(fresh);
  });

  it('records a used step only forward, never on another or no authenticator, and leaves updatedAt', async () => {
    const current = authenticator();
    const enrolled = enrollment({ authenticator: current });
    await store.putEnrollment(enrolled);
    const guid = enrolled.objectGuid;
    expect(await store.useAuthenticatorStep(guid, current.id, 100)).toBe(true);
    expect(await store.useAuthenticatorStep(guid, current.id, 100)).toBe(false);
    expect(await store.useAuthenticatorStep(guid, current.id, 99)).toBe(false);
    expect(await store.useAuthenticatorStep(guid, current.id, 101)).toBe(true);
    expect(await store.getEnrollment(guid)).toEqual({ ...enrolled, authenticator: { ...current, lastUsedStep: 101 } });
    // Another id (replaced since the code was checked), no authenticator, no enrollment.
    expect(await store.useAuthenticatorStep(guid, randomUUID(), 200)).toBe(false);
    const without = enrollment({ authenticator: null });
    await store.putEnrollment(without);
    expect(await store.useAuthenticatorStep(without.objectGuid, current.id, 200)).toBe(false);
    const older = enrollment();
    await store.putEnrollment(older);
    expect(await store.useAuthenticatorStep(older.objectGuid, current.id, 200)).toBe(false);
    expect(await store.useAuthenticatorStep(randomUUID(), current.id, 200)).toBe(false);
    expect(await store.getEnrollment(without.objectGuid)).toEqual(without);
  });

  it('of 20 parallel uses of one step exactly one is true', async () => {
    const current = { ...authenticator(), lastUsedStep: 56_666_665 };
    const enrolled = enrollment({ authenticator: current });
    await store.putEnrollment(enrolled);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.useAuthenticatorStep(enrolled.objectGuid, current.id, 56_666_667)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getEnrollment(enrolled.objectGuid))?.authenticator?.lastUsedStep).toBe(56_666_667);
  });

  it('refuses a step that is not a non-negative integer', async () => {
    await expect(store.useAuthenticatorStep(randomUUID(), 'a', 1.5)).rejects.toThrow(/step/);
    await expect(store.useAuthenticatorStep(randomUUID(), 'a', -1)).rejects.toThrow(/step/);
  });
});

describe('passkeys on the enrollment (issue 16)', () => {
  const passkey = (overrides: Partial<EnrolledPasskey> = {}): EnrolledPasskey => ({
    id: randomBytes(16).toString('base64url'),
    publicKey: randomBytes(77).toString('base64url'),
    counter: 0,
    transports: ['internal', 'hybrid'],
    name: 'Laptop',
    addedAt: 1_700_000_300_000,
    lastUsedAt: null,
    ...overrides,
  });

  it('round-trips through putEnrollment; an enrollment without them reads without them', async () => {
    const held = enrollment({ passkeys: [passkey(), passkey({ counter: 7, lastUsedAt: 1_700_000_400_000 })] });
    await store.putEnrollment(held);
    expect(await store.getEnrollment(held.objectGuid)).toEqual(held);
    const none = enrollment();
    await store.putEnrollment(none);
    const read = await store.getEnrollment(none.objectGuid);
    expect(read && 'passkeys' in read).toBe(false);
    // A re-enrollment that names no passkeys keeps them.
    await store.putEnrollment({ ...held, passkeys: undefined, updatedAt: held.updatedAt + 5 });
    expect((await store.getEnrollment(held.objectGuid))?.passkeys).toEqual(held.passkeys);
  });

  it('adds up to 5, each conditional on updatedAt (which moves on), never the same id twice', async () => {
    const enrolled = enrollment();
    await store.putEnrollment(enrolled);
    const guid = enrolled.objectGuid;
    let updatedAt = enrolled.updatedAt;
    const added: EnrolledPasskey[] = [];
    for (let n = 0; n < 5; n++) {
      const next = passkey({ name: `key ${n}` });
      expect(await store.addPasskey(guid, updatedAt, next, updatedAt)).toBe(true);
      const read = await store.getEnrollment(guid);
      expect(read?.updatedAt).toBe(updatedAt + 1);
      updatedAt = read?.updatedAt ?? 0;
      added.push(next);
      // A stale updatedAt is refused.
      expect(await store.addPasskey(guid, updatedAt - 1, passkey(), updatedAt)).toBe(false);
    }
    expect(await store.addPasskey(guid, updatedAt, passkey(), updatedAt + 10)).toBe(false);
    expect((await store.getEnrollment(guid))?.passkeys).toEqual(added);
    expect(await store.addPasskey(randomUUID(), 1, passkey(), 2)).toBe(false);

    const other = enrollment({ passkeys: [added[0] as EnrolledPasskey] });
    await store.putEnrollment(other);
    expect(
      await store.addPasskey(other.objectGuid, other.updatedAt, added[0] as EnrolledPasskey, other.updatedAt),
    ).toBe(false);
  });

  it('removes one by id, conditional on updatedAt; a missing id or a stale updatedAt is refused', async () => {
    const [a, b, c] = [passkey(), passkey(), passkey()];
    const enrolled = enrollment({ passkeys: [a, b, c] as EnrolledPasskey[] });
    await store.putEnrollment(enrolled);
    const guid = enrolled.objectGuid;
    expect(await store.removePasskey(guid, enrolled.updatedAt - 1, b?.id ?? '', enrolled.updatedAt)).toBe(false);
    expect(await store.removePasskey(guid, enrolled.updatedAt, 'nope', enrolled.updatedAt)).toBe(false);
    expect(await store.removePasskey(guid, enrolled.updatedAt, b?.id ?? '', enrolled.updatedAt + 50)).toBe(true);
    const read = await store.getEnrollment(guid);
    expect(read?.passkeys).toEqual([a, c]);
    expect(read?.updatedAt).toBe(enrolled.updatedAt + 50);
    expect(await store.removePasskey(guid, enrolled.updatedAt, a?.id ?? '', enrolled.updatedAt + 60)).toBe(false);
  });

  it('records a use only from the counter read, and leaves updatedAt', async () => {
    const [a, b] = [passkey({ counter: 3 }), passkey()];
    const enrolled = enrollment({ passkeys: [a, b] as EnrolledPasskey[] });
    await store.putEnrollment(enrolled);
    const guid = enrolled.objectGuid;
    expect(await store.usePasskey(guid, a?.id ?? '', 2, 4, 1_700_000_500_000)).toBe(false);
    expect(await store.usePasskey(guid, a?.id ?? '', 3, 4, 1_700_000_500_000)).toBe(true);
    expect(await store.usePasskey(guid, a?.id ?? '', 3, 4, 1_700_000_500_001)).toBe(false);
    expect(await store.usePasskey(guid, 'nope', 0, 1, 1_700_000_500_000)).toBe(false);
    expect(await store.usePasskey(randomUUID(), a?.id ?? '', 0, 1, 1_700_000_500_000)).toBe(false);
    expect(await store.getEnrollment(guid)).toEqual({
      ...enrolled,
      passkeys: [{ ...a, counter: 4, lastUsedAt: 1_700_000_500_000 }, b],
    });
  });

  it('of 20 parallel uses of one assertion exactly one is true', async () => {
    const a = passkey({ counter: 41 });
    const enrolled = enrollment({ passkeys: [passkey(), a] });
    await store.putEnrollment(enrolled);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.usePasskey(enrolled.objectGuid, a.id, 41, 42, 1_700_000_600_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getEnrollment(enrolled.objectGuid))?.passkeys?.[1]?.counter).toBe(42);
  });

  it('keeps the hash of a passkey challenge on a methods session; an item with one in clear (before hashing) has none', async () => {
    const created = {
      tokenHash: randomBytes(32).toString('base64url'),
      objectGuid: randomUUID(),
      subject: 'alice',
      language: 'en' as const,
      pendingAuthenticator: null,
      passkeyChallengeHash: randomBytes(32).toString('base64url'),
      wrongTries: 0,
      expiresAt: Date.now() + 60_000,
      version: 1,
    };
    await store.createMethodsSession(created);
    expect(await store.getMethodsSession(created.tokenHash, Date.now())).toEqual(created);
    expect(await store.updateMethodsSession({ ...created, passkeyChallengeHash: null, version: 2 })).toBe(true);
    expect((await store.getMethodsSession(created.tokenHash, Date.now()))?.passkeyChallengeHash).toBeNull();

    // The session as a release before hashing left it: the challenge in clear, no hash.
    const key = itemKeys.methodsSession(created.tokenHash);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    const { passkeyChallengeHash: _, ...older } = Item ?? {};
    await db.send(new PutCommand({ TableName: tableName, Item: { ...older, passkeyChallenge: 'Y2hhbGxlbmdl' } }));
    const read = await store.getMethodsSession(created.tokenHash, Date.now());
    expect(read).toEqual({ ...created, version: 2, passkeyChallengeHash: undefined });
    expect(read && ('passkeyChallenge' in read || 'passkeyChallengeHash' in read)).toBe(false);
    // The next write replaces the item: the clear challenge is gone from the table.
    expect(await store.updateMethodsSession({ ...(read ?? created), version: 3 })).toBe(true);
    const after = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    expect(after.Item?.version).toBe(3);
    expect(after.Item && 'passkeyChallenge' in after.Item).toBe(false);
  });
});

describe('audit', () => {
  function event(subject: string, at: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
    return {
      subject,
      at,
      event: 'enroll',
      outcome: 'success',
      sourceAddress: '192.0.2.10',
      userAgent: 'test-agent',
      requestId: `req-${at}`,
      ...overrides,
    };
  }

  it('lists a subject’s events oldest first, with the optional reason only where given', async () => {
    const subject = `user-${randomUUID()}`;
    const later = event(subject, 1_700_000_002_000, { outcome: 'NOT_ELIGIBLE', reason: 'DISABLED' });
    const earlier = event(subject, 1_700_000_001_000);
    await store.recordAudit(later, 400);
    await store.recordAudit(earlier, 400);
    await store.recordAudit(event(`${subject}-other`, 1_700_000_000_000), 400);
    expect(await store.listAudit(subject)).toEqual([earlier, later]);
  });

  it('keeps two events of one request in the same millisecond', async () => {
    const subject = `user-${randomUUID()}`;
    const one = event(subject, 1_700_000_000_000);
    await store.recordAudit(one, 400);
    await store.recordAudit(one, 400);
    expect(await store.listAudit(subject)).toEqual([one, one]);
  });

  it('sets the TTL to the retention', async () => {
    const subject = `user-${randomUUID()}`;
    await store.recordAudit(event(subject, 1_700_000_000_000), 400);
    const raw = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': itemKeys.auditPartition(subject) },
      }),
    );
    expect(raw.Items?.[0]?.expiresAt).toBe(1_700_000_000 + 400 * 86_400);
    expect(raw.Items?.[0]?.sk).toMatch(/^2023-11-14T22:13:20\.000Z#req-1700000000000#[A-Za-z0-9_-]+$/);
  });

  it('lists nothing for a subject without events', async () => {
    expect(await store.listAudit(`user-${randomUUID()}`)).toEqual([]);
  });
});

describe('outbox', () => {
  function item(overrides: Partial<OutboxItem> = {}): OutboxItem {
    return {
      id: randomUUID(),
      channel: 'email',
      to: 'alice@corp.example.test',
      // A notice without a secret, kept readable (the block notice carries no repudiation link).
      template: 'self-service-blocked',
      params: { displayName: 'Alice Archer', at: '2026-01-01T10:00:00.000Z', until: '2026-01-02T10:00:00.000Z' },
      language: 'en',
      status: 'pending',
      createdAt: 1_700_000_000_000,
      ...overrides,
    };
  }

  it('puts and gets an item, expiring a day after it was created', async () => {
    const original = item();
    await store.putOutboxItem(original);
    expect(await store.getOutboxItem(original.id)).toEqual(original);
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.outbox(original.id) }));
    expect(Item?.expiresAt).toBe(1_700_000_000 + 86_400);
  });

  it('returns null for an unknown item', async () => {
    expect(await store.getOutboxItem(randomUUID())).toBeNull();
  });

  it('marks a pending item once; the second mark returns false', async () => {
    const original = item();
    await store.putOutboxItem(original);
    expect(await store.markOutboxItem(original.id, 'sent', 1_700_000_001_000)).toBe(true);
    expect(await store.markOutboxItem(original.id, 'sent', 1_700_000_002_000)).toBe(false);
    expect(await store.markOutboxItem(original.id, 'failed', 1_700_000_002_000)).toBe(false);
    const settled = await store.getOutboxItem(original.id);
    // The parameters do not outlive the send.
    expect(settled).toEqual({ ...original, status: 'sent', params: {} });
  });

  it('lets only one of two parallel marks win', async () => {
    const original = item();
    await store.putOutboxItem(original);
    const results = await Promise.all([
      store.markOutboxItem(original.id, 'sent', 1),
      store.markOutboxItem(original.id, 'sent', 1),
    ]);
    expect(results.sort()).toEqual([false, true]);
  });

  it('does not mark (or create) an unknown item', async () => {
    const id = randomUUID();
    expect(await store.markOutboxItem(id, 'failed', 1)).toBe(false);
    expect(await store.getOutboxItem(id)).toBeNull();
  });

  it('never overwrites an existing item', async () => {
    const original = item();
    await store.putOutboxItem(original);
    await store.markOutboxItem(original.id, 'sent', 1);
    await expect(store.putOutboxItem(original)).rejects.toThrow(/already exists/);
    expect((await store.getOutboxItem(original.id))?.status).toBe('sent');
  });

  describe('sealed params', () => {
    const keys = generateSealingKeyPair();
    const code = '493817';
    const codeParams = { code, minutes: '10' };
    // The code as a value of its own: random base64url may hold these six digits by chance, but always inside a run
    // of base64url characters, never standing alone as a clear value (or in a sentence) does.
    const clearCode = new RegExp(`(^|[^A-Za-z0-9_-])${code}([^A-Za-z0-9_-]|$)`);

    function sealedItem(overrides: Partial<OutboxItem> = {}): OutboxItem {
      const id = overrides.id ?? randomUUID();
      return item({
        id,
        template: 'verification-code',
        params: {},
        sealed: sealParams(codeParams, keys.publicKey, id),
        ...overrides,
      });
    }

    it('puts and gets a sealed item as it was', async () => {
      const original = sealedItem();
      await store.putOutboxItem(original);
      const read = await store.getOutboxItem(original.id);
      expect(read).toEqual(original);
      expect(openParams(read?.sealed as NonNullable<OutboxItem['sealed']>, keys.privateKey, original.id)).toEqual(
        codeParams,
      );
    });

    it('keeps no code in the raw table image (scanned through the DocumentClient)', async () => {
      const original = sealedItem();
      await store.putOutboxItem(original);
      const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      const image = Items.find((raw) => raw.id === original.id);
      expect(image?.params).toEqual({});
      expect(Object.keys(image?.sealed ?? {}).sort()).toEqual(['ct', 'epk', 'iv', 'tag', 'v']);
      expect(JSON.stringify(image)).not.toMatch(clearCode);
      expect(JSON.stringify(Items)).not.toMatch(clearCode);
      expect(JSON.stringify(image)).not.toContain('"code"');
    });

    it('removes the sealed params with the readable ones when the item is settled', async () => {
      for (const status of ['sent', 'failed'] as const) {
        const original = sealedItem();
        await store.putOutboxItem(original);
        expect(await store.markOutboxItem(original.id, status, 1_700_000_001_000)).toBe(true);
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.outbox(original.id) }));
        expect(Item).not.toHaveProperty('sealed');
        expect(Item?.params).toEqual({});
        expect(Item?.status).toBe(status);
        const { sealed: _sealed, ...rest } = original;
        expect(await store.getOutboxItem(original.id)).toEqual({ ...rest, status });
      }
    });

    it('refuses a code template with readable params, an unknown template in clear, and both kinds at once', async () => {
      const clear = item({ template: 'verification-code', params: codeParams });
      await expect(store.putOutboxItem(clear)).rejects.toThrow(/must have its params sealed/);
      const unsealedEmpty = item({ template: 'verification-code', params: {} });
      await expect(store.putOutboxItem(unsealedEmpty)).rejects.toThrow(/must have its params sealed/);
      const unknown = item({ template: 'verification_code', params: codeParams });
      await expect(store.putOutboxItem(unknown)).rejects.toThrow(/must have its params sealed/);
      const both = sealedItem({ params: { minutes: '10' } });
      await expect(store.putOutboxItem(both)).rejects.toThrow(/both readable and sealed/);
      for (const refused of [clear, unsealedEmpty, unknown, both]) {
        expect(await store.getOutboxItem(refused.id)).toBeNull();
      }
      // Nothing of the refused items reached the table, not even in an error message.
      const error = await store.putOutboxItem(clear).catch((e: Error) => e);
      expect(String(error)).not.toContain(code);
    });

    it('reads back a notice sealed as well (sealing every template is allowed)', async () => {
      const id = randomUUID();
      const notice = item({ id, params: {}, sealed: sealParams(item().params, keys.publicKey, id) });
      await store.putOutboxItem(notice);
      expect(await store.getOutboxItem(id)).toEqual(notice);
    });
  });
});

describe('errors', () => {
  it('throws for an item it cannot read, naming no values', async () => {
    const objectGuid = randomUUID();
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...itemKeys.enrollment(objectGuid), objectGuid, sAMAccountName: 'x', answers: 'secret-ish' },
      }),
    );
    const error = await store.getEnrollment(objectGuid).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/malformed enrollment/);
    expect((error as Error).message).not.toContain('secret-ish');
  });

  it('throws when DynamoDB fails, keeping the cause', async () => {
    const broken = new DynamoStore(db, 'no-such-table');
    const error = await broken.admit('c', { limit: 1, windowSeconds: 60 }, 0).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('DynamoStore.admit failed: ResourceNotFoundException');
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(broken.getOutboxItem('x')).rejects.toThrow(/getOutboxItem failed/);
    await expect(broken.giveBack('c', { limit: 1, windowSeconds: 60 }, 0)).rejects.toThrow(/giveBack failed/);
    await expect(broken.markOutboxItem('x', 'sent', 0)).rejects.toThrow(/markOutboxItem failed/);
    await expect(broken.getFlow('x', 0)).rejects.toThrow(/getFlow failed/);
    await expect(broken.clearFailures('u')).rejects.toThrow(/clearFailures failed/);
    await expect(broken.getBlock('u', 0)).rejects.toThrow(/getBlock failed/);
    await expect(broken.endMethodsSessions('u')).rejects.toThrow(/endMethodsSessions failed/);
    await expect(broken.clearFailuresAndUnreportedBlock('u')).rejects.toThrow(/clearFailuresAndUnreportedBlock failed/);
  });
});

describe('local dynalite', () => {
  it('keeps data on disk across a restart, and ensureTable is idempotent', async () => {
    const path = join(tmpdir(), `sspr-dynalite-${randomUUID()}`);
    try {
      const first = await startDynalite({ path });
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = createDocumentClient(localClientOptions(first.endpoint));
      await ensureTable(client, 'sspr');
      await ensureTable(client, 'sspr');
      const saved = enrollment();
      await new DynamoStore(client, 'sspr').putEnrollment(saved);
      client.destroy();
      await first.close();

      const second = await startDynalite({ path });
      const again = createDocumentClient(localClientOptions(second.endpoint));
      await ensureTable(again, 'sspr');
      expect(await new DynamoStore(again, 'sspr').getEnrollment(saved.objectGuid)).toEqual(saved);
      again.destroy();
      await second.close();
    } finally {
      await rm(path, { recursive: true, force: true });
    }
  });
});

describe('admin reads: scans over the whole table (for the admin CLI)', () => {
  // A table of their own: the scans must see exactly what these tests wrote.
  const scanTable = `store-scans-${randomUUID()}`;
  let scans: DynamoStore;

  beforeAll(async () => {
    await ensureTable(db, scanTable);
    scans = new DynamoStore(db, scanTable);
  });

  function auditEvent(subject: string, at: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
    return {
      subject,
      at,
      event: 'start',
      outcome: 'started',
      sourceAddress: '192.0.2.10',
      userAgent: 'test-agent',
      requestId: `req-${at}`,
      ...overrides,
    };
  }

  it('lists every enrollment and nothing else, reporting progress', async () => {
    const enrolled = [enrollment(), enrollment({ sAMAccountName: 'bob' }), enrollment({ sAMAccountName: 'judy' })];
    for (const e of enrolled) await scans.putEnrollment(e);
    await countFailure(scans, 'alice', 'answer', 3600, Date.now());
    await scans.putBlock({ subject: 'alice', until: Date.now() + 60_000, reason: 'answer' });
    await scans.recordAudit(auditEvent('alice', 1_700_000_000_000), 400);
    const progress: number[] = [];
    const listed = await scans.listEnrollments((scanned) => progress.push(scanned));
    const byGuid = (a: Enrollment, b: Enrollment) => a.objectGuid.localeCompare(b.objectGuid);
    expect(listed.sort(byGuid)).toEqual([...enrolled].sort(byGuid));
    expect(progress.length).toBeGreaterThan(0);
    // Three enrollments, alice's guard item (her failures and block in one) and her audit event.
    expect(progress.at(-1)).toBeGreaterThanOrEqual(5);
  });

  it('pages through a scan larger than one page (1 MB)', async () => {
    const table = `store-pages-${randomUUID()}`;
    await ensureTable(db, table);
    const paged = new DynamoStore(db, table);
    const big = 'x'.repeat(60_000);
    const many = Array.from({ length: 24 }, (_, i) =>
      enrollment({ sAMAccountName: `user${i}`, contacts: [], answers: [], language: 'en', enrolledAt: i }),
    ).map((e) => ({ ...e, sAMAccountName: `${e.sAMAccountName}-${big}` }));
    await Promise.all(many.map((e) => paged.putEnrollment(e)));
    const progress: number[] = [];
    const listed = await paged.listEnrollments((scanned) => progress.push(scanned));
    expect(listed).toHaveLength(24);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(24);
  });

  it('deletes an enrollment only while it is the one that was read', async () => {
    const first = enrollment();
    await scans.putEnrollment(first);
    const replaced = { ...first, answers: first.answers.slice(0, 1), updatedAt: first.updatedAt + 5000 };
    await scans.putEnrollment(replaced);
    // The helpdesk read `first`; the user re-enrolled in between: the newer enrollment stays.
    expect(await scans.deleteEnrollment(first.objectGuid, first.updatedAt)).toBe(false);
    expect(await scans.getEnrollment(first.objectGuid)).toEqual(replaced);
    expect(await scans.deleteEnrollment(first.objectGuid.toUpperCase(), replaced.updatedAt)).toBe(true);
    expect(await scans.getEnrollment(first.objectGuid)).toBeNull();
    // Gone: a second delete changes nothing and says so.
    expect(await scans.deleteEnrollment(first.objectGuid, replaced.updatedAt)).toBe(false);
    expect(await scans.deleteEnrollment(randomUUID(), 1)).toBe(false);
  });

  it('scans every subject’s audit events since a time, oldest first, with the operator where given', async () => {
    const base = 1_800_000_000_000;
    const old = auditEvent('carol', base - 1);
    const a = auditEvent('bob', base + 2000, { event: 'block', outcome: 'blocked', reason: 'answer' });
    const b = auditEvent('carol', base, { event: 'answer', outcome: 'wrong' });
    const c = auditEvent('bob', base + 1000, {
      event: 'helpdesk-unblock',
      outcome: 'unblocked',
      sourceAddress: 'cli:host',
      userAgent: 'sspr-cli',
      operator: 'jdoe',
    });
    for (const event of [old, a, b, c]) await scans.recordAudit(event, 400);
    const progress: number[] = [];
    expect(await scans.scanAudit(base, (n) => progress.push(n))).toEqual([b, c, a]);
    expect(progress.length).toBeGreaterThan(0);
    expect(await scans.scanAudit(base + 1500)).toEqual([a]);
    expect(await scans.scanAudit(base + 10_000)).toEqual([]);
    // The operator is kept by the per-subject listing too, and absent where none was given.
    const bob = await scans.listAudit('bob');
    expect(bob.find((e) => e.event === 'helpdesk-unblock')?.operator).toBe('jdoe');
    expect(bob.find((e) => e.event === 'block')).not.toHaveProperty('operator');
  });

  it('refuses a since that is not a time', async () => {
    await expect(scans.scanAudit(Number.NaN)).rejects.toThrow(/since must be/);
  });
});
