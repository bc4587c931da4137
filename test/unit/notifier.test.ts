/** The notifier's domain against a real DynamoStore on in-process dynalite, with an in-memory transport. */
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamoClient.js';
import {
  generateSealingKeyPair,
  openParams,
  parsePrivateKey,
  sealedParamsOpener,
  sealParams,
} from '../../functions/adapters/sealing.js';
import { SnsSender } from '../../functions/adapters/snsSender.js';
import { DynamoStore, itemKeys } from '../../functions/adapters/store.js';
import { StoreOutbox } from '../../functions/adapters/storeOutbox.js';
import {
  deliverOutboxItemById,
  deliverWrittenOutboxItem,
  type NotifierPorts,
  UndeliverableOutboxItemError,
} from '../../functions/core/notifier.js';
import type { MessageTransport, OpenSealedParams, RenderedMessage } from '../../functions/core/ports.js';
import type { OutboxItem } from '../../functions/core/store.js';
import { ensureTable, localClientOptions, type RunningDynalite, startDynalite } from '../../local/dynalite.js';

class MemoryTransport implements MessageTransport {
  readonly sent: { message: RenderedMessage; item: OutboxItem }[] = [];
  failWith: Error | undefined;

  async send(message: RenderedMessage, item: OutboxItem): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push({ message, item });
  }
}

let dynalite: RunningDynalite;
let db: ReturnType<typeof createDocumentClient>;
let store: DynamoStore;
const tableName = `notifier-${randomUUID()}`;
const NOW = 1_772_355_900_000;
const KEYS = generateSealingKeyPair();
const CODE_PARAMS = { code: '493817', minutes: '10' };

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

function setup(transports: Partial<NotifierPorts['transports']> = {}, openSealed?: OpenSealedParams) {
  const email = new MemoryTransport();
  const sms = new MemoryTransport();
  const ports: NotifierPorts = {
    store,
    transports: { email, sms, alert: new MemoryTransport(), ...transports },
    clock: { now: () => NOW },
    context: { helpdeskContact: 'the helpdesk', baseUrl: 'https://sspr.example.com/' },
    openSealed: openSealed ?? sealedParamsOpener(KEYS.privateKey),
  };
  return { email, sms, ports };
}

/** A pending verification-code item as StoreOutbox writes it: empty params, the params sealed to KEYS. */
async function pendingSealed(overrides: Partial<OutboxItem> = {}): Promise<OutboxItem> {
  const id = overrides.id ?? randomUUID();
  return pending({
    id,
    template: 'verification-code',
    params: {},
    sealed: sealParams(CODE_PARAMS, KEYS.publicKey, id),
    ...overrides,
  });
}

/** Writes an item straight to the table, past the store's checks: what a writer that bypasses the outbox leaves. */
async function putRaw(item: Record<string, unknown> & { id: string }): Promise<OutboxItem> {
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...itemKeys.outbox(item.id), status: 'pending', createdAt: NOW - 1000, language: 'en', ...item },
    }),
  );
  return (await store.getOutboxItem(item.id)) as OutboxItem;
}

async function rawItem(id: string): Promise<Record<string, unknown> | undefined> {
  return (await db.send(new GetCommand({ TableName: tableName, Key: itemKeys.outbox(id) }))).Item;
}

async function pending(overrides: Partial<OutboxItem> = {}): Promise<OutboxItem> {
  const item: OutboxItem = {
    id: randomUUID(),
    channel: 'email',
    to: 'alice@corp.example.test',
    // A notice without a secret (no code, no "This wasn't me" token): readable params.
    template: 'contact-added',
    params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:00.000Z' },
    language: 'en',
    status: 'pending',
    createdAt: NOW - 1000,
    ...overrides,
  };
  await store.putOutboxItem(item);
  return item;
}

describe('deliverWrittenOutboxItem, and by id where the table decides', () => {
  it('renders, sends through the channel’s transport and marks the item sent', async () => {
    const { email, sms, ports } = setup();
    const item = await pending();
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(email.sent).toHaveLength(1);
    expect(sms.sent).toHaveLength(0);
    expect(email.sent[0]?.message).toMatchObject({
      channel: 'email',
      to: 'alice@corp.example.test',
      subject: 'A contact was added to your password self-service',
    });
    expect(email.sent[0]?.message.body).toContain('Hello Alice Archer,');
    expect((await store.getOutboxItem(item.id))?.status).toBe('sent');
  });

  it('sends SMS through the SMS transport', async () => {
    const { email, sms, ports } = setup();
    const item = await pending({ channel: 'sms', to: '+15550100001' });
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(sms.sent.map((s) => s.message.to)).toEqual(['+15550100001']);
    expect(email.sent).toHaveLength(0);
  });

  it('skips an item that is not pending, and a redelivery of one already sent', async () => {
    const { email, ports } = setup();
    const item = await pending();
    expect(await deliverWrittenOutboxItem({ ...item, status: 'sent' }, ports)).toBe('skipped');
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    // The stream names the item again: the table says it was sent.
    expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');
    expect(email.sent).toHaveLength(1);
  });

  it('skips an item the table does not hold', async () => {
    const { email, ports } = setup();
    const item: OutboxItem = { ...(await pending()), id: randomUUID() };
    expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');
    expect(email.sent).toHaveLength(0);
  });

  it('lets a transport error propagate and leaves the item pending for the retry', async () => {
    const { email, ports } = setup();
    const item = await pending();
    email.failWith = new Error('SES throttled');
    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow('SES throttled');
    expect((await store.getOutboxItem(item.id))?.status).toBe('pending');
    email.failWith = undefined;
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(email.sent).toHaveLength(1);
  });

  it('fails loudly without a transport for the channel and keeps the item pending', async () => {
    const { ports } = setup({ sms: undefined });
    const item = await pending({ channel: 'sms', to: '+15550100001' });
    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow(/no transport for channel sms/);
    expect((await store.getOutboxItem(item.id))?.status).toBe('pending');
  });

  it('refuses an e-mail address with CR or LF, marks the item failed and sends nothing', async () => {
    for (const to of ['alice@corp.example.test\r\nBcc: x@evil.example', 'alice@corp.example.test\n']) {
      const { email, ports } = setup();
      const item = await pending({ to });
      await expect(deliverWrittenOutboxItem(item, ports)).rejects.toBeInstanceOf(UndeliverableOutboxItemError);
      expect(email.sent).toHaveLength(0);
      expect((await store.getOutboxItem(item.id))?.status).toBe('failed');
      // A retry of the same record finds it settled.
      expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');
    }
  });

  it('marks an item with an unknown template or bad parameters failed', async () => {
    const { email, ports } = setup();
    // The store refuses readable params for a template it cannot vouch for; a sealed one gets as far as rendering.
    const unknown = await pendingSealed({ template: 'no-such-template' });
    await expect(deliverWrittenOutboxItem(unknown, ports)).rejects.toThrow(/unknown notification template/);
    const extra = await pending({ params: { displayName: 'A', at: '2026-03-01T09:05:00Z', code: '123456' } });
    await expect(deliverWrittenOutboxItem(extra, ports)).rejects.toThrow(/does not take the parameter/);
    expect(email.sent).toHaveLength(0);
    expect((await store.getOutboxItem(unknown.id))?.status).toBe('failed');
    expect((await store.getOutboxItem(extra.id))?.status).toBe('failed');
  });

  it('delivers an item its caller has just written without reading it again (the local notifier)', async () => {
    const { email, ports } = setup();
    const reads: string[] = [];
    const counting = Object.assign(Object.create(store) as typeof store, {
      getOutboxItem: (id: string) => {
        reads.push(id);
        return store.getOutboxItem(id);
      },
    });
    const item = await pendingSealed({ to: 'alice@corp.example.test' });
    expect(await deliverWrittenOutboxItem(item, { ...ports, store: counting })).toBe('sent');
    expect(reads).toEqual([]);
    expect(email.sent.map((s) => s.message.body).join('')).toContain(CODE_PARAMS.code);
    expect(await rawItem(item.id)).toMatchObject({ status: 'sent', params: {} });
    expect(await rawItem(item.id)).not.toHaveProperty('sealed');
    expect(await deliverWrittenOutboxItem({ ...item, status: 'sent' }, ports)).toBe('skipped');
  });

  it('delivers what StoreOutbox queued', async () => {
    const { email, ports } = setup();
    const outbox = new StoreOutbox(store, KEYS.publicKey, { now: () => NOW });
    await outbox.enqueue({
      channel: 'email',
      to: 'bob@corp.example.test',
      template: 'contact-added',
      params: { displayName: 'Bob Baker', at: '2026-03-01T09:05:00Z', contact: 'b•••@example.com' },
      language: 'fr',
    });
    // The local stack hands the notifier the item as written; here it is read back by its id.
    const ids = await findPendingIdsFor('bob@corp.example.test');
    expect(ids).toHaveLength(1);
    const queued = await store.getOutboxItem(ids[0] ?? '');
    expect(queued).toMatchObject({ status: 'pending', createdAt: NOW, language: 'fr', template: 'contact-added' });
    expect(await deliverWrittenOutboxItem(queued as OutboxItem, ports)).toBe('sent');
    expect(email.sent[0]?.message.subject).toBe('Un contact a été ajouté à votre libre-service mot de passe');
  });
});

describe('delivering sealed params', () => {
  it('opens a sealed item, hands the transport the opened item, and leaves neither params nor seal behind', async () => {
    const { email, ports } = setup();
    const item = await pendingSealed();
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(email.sent).toHaveLength(1);
    const [sent] = email.sent;
    expect(sent?.message.subject).toBe('Your verification code');
    expect(sent?.message.body).toContain('Your verification code for password self-service is 493817.');
    expect(sent?.message.body).toContain('valid for 10 minutes');
    // The local outbox file takes the code from here; the item is the opened one, in memory only.
    expect(sent?.item.params).toEqual(CODE_PARAMS);
    expect(sent?.item.sealed).toBeUndefined();
    expect(await store.getOutboxItem(item.id)).toEqual({ ...item, status: 'sent', params: {}, sealed: undefined });
    const raw = await rawItem(item.id);
    expect(raw).not.toHaveProperty('sealed');
    expect(raw?.params).toEqual({});
  });

  it('delivers what StoreOutbox sealed, by SMS too', async () => {
    const { sms, ports } = setup();
    const outbox = new StoreOutbox(store, KEYS.publicKey, { now: () => NOW });
    const item = await outbox.write({
      channel: 'sms',
      to: '+15550100001',
      template: 'verification-code',
      params: CODE_PARAMS,
      language: 'de',
    });
    expect(item.params).toEqual({});
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(sms.sent[0]?.message.body).toContain('Ihr Code für die Kennwort-Selbstbedienung: 493817');
  });

  it('marks an item whose seal does not open failed and sends nothing', async () => {
    const other = generateSealingKeyPair();
    const moved = randomUUID();
    const cases: Partial<OutboxItem>[] = [];
    const good = sealParams(CODE_PARAMS, KEYS.publicKey, randomUUID());
    // Sealed for another item: copied over, it does not open here.
    cases.push({ id: moved, sealed: good });
    cases.push({ sealed: { ...good, tag: Buffer.alloc(16).toString('base64url') } });
    const id = randomUUID();
    cases.push({ id, sealed: sealParams(CODE_PARAMS, other.publicKey, id) });
    for (const overrides of cases) {
      const { email, ports } = setup();
      const item = await pendingSealed(overrides);
      await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow(UndeliverableOutboxItemError);
      expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');
      expect(email.sent).toHaveLength(0);
      expect((await store.getOutboxItem(item.id))?.status).toBe('failed');
      expect(await rawItem(item.id)).not.toHaveProperty('sealed');
    }
  });

  it('keeps the item pending when the private key cannot be had, and sends it once it can', async () => {
    let available = false;
    const { email, ports } = setup({}, async (sealed, itemId) => {
      if (!available) throw new Error('AccessDeniedException');
      return openParams(sealed, KEYS.privateKey, itemId);
    });
    const item = await pendingSealed();
    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow('AccessDeniedException');
    expect((await store.getOutboxItem(item.id))?.status).toBe('pending');
    expect(email.sent).toHaveLength(0);
    available = true;
    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    expect(email.sent).toHaveLength(1);
  });

  it('never asks for the key for an item that is not sealed', async () => {
    const { email, ports } = setup({}, async () => {
      throw new Error('the key was asked for');
    });
    expect(await deliverWrittenOutboxItem(await pending(), ports)).toBe('sent');
    expect(email.sent).toHaveLength(1);
  });

  it('refuses a code in clear and an item with both readable and sealed params, sending nothing', async () => {
    const { email, ports } = setup();
    const clear = await putRaw({
      id: randomUUID(),
      channel: 'email',
      to: 'alice@corp.example.test',
      template: 'verification-code',
      params: CODE_PARAMS,
    });
    await expect(deliverWrittenOutboxItem(clear, ports)).rejects.toThrow(/verification-code must be sealed/);
    const bothId = randomUUID();
    const both = await putRaw({
      id: bothId,
      channel: 'email',
      to: 'alice@corp.example.test',
      template: 'verification-code',
      params: { minutes: '10' },
      sealed: sealParams(CODE_PARAMS, KEYS.publicKey, bothId),
    });
    await expect(deliverWrittenOutboxItem(both, ports)).rejects.toThrow(/both readable and sealed/);
    expect(email.sent).toHaveLength(0);
    expect((await store.getOutboxItem(clear.id))?.status).toBe('failed');
    expect((await store.getOutboxItem(both.id))?.status).toBe('failed');
  });

  it('checks the opened params against the template like readable ones', async () => {
    const { email, ports } = setup();
    const id = randomUUID();
    const item = await pendingSealed({ id, sealed: sealParams({ ...CODE_PARAMS, password: 'x' }, KEYS.publicKey, id) });
    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow(/does not take the parameter "password"/);
    expect(email.sent).toHaveLength(0);
  });
});

describe('StoreOutbox', () => {
  it('refuses a template it cannot render and an e-mail address with CR/LF before writing', async () => {
    const outbox = new StoreOutbox(store, KEYS.publicKey);
    const message = {
      channel: 'email' as const,
      to: 'alice@corp.example.test',
      template: 'enrolled',
      params: { displayName: 'A', at: '2026-03-01T09:05:00Z' },
      language: 'en' as const,
    };
    await expect(outbox.enqueue({ ...message, template: 'nope' })).rejects.toThrow(/unknown notification template/);
    await expect(outbox.enqueue({ ...message, params: { ...message.params, code: '1' } })).rejects.toThrow(
      /does not take/,
    );
    await expect(outbox.enqueue({ ...message, to: 'a@b.example\r\n' })).rejects.toThrow(/CR or LF/);
  });

  it('seals the params of a template that carries a code, bound to the item, and keeps notices readable', async () => {
    const written: OutboxItem[] = [];
    const recording = {
      putOutboxItem: async (item: OutboxItem) => {
        written.push(structuredClone(item));
      },
    } as unknown as DynamoStore;
    const outbox = new StoreOutbox(recording, KEYS.publicKey);
    const base = { channel: 'email' as const, to: 'ivan@corp.example.test', language: 'en' as const };
    await outbox.enqueue({ ...base, template: 'verification-code', params: CODE_PARAMS });
    await outbox.enqueue({
      ...base,
      template: 'contact-added',
      params: { displayName: 'I', at: '2026-03-01T09:05:00Z' },
    });
    const token = 'T'.repeat(43);
    await outbox.enqueue({
      ...base,
      template: 'password-reset',
      params: { displayName: 'I', at: '2026-03-01T09:05:00Z', notMeToken: token },
    });
    const [code, notice, repudiable] = written;
    expect(code?.params).toEqual({});
    expect(JSON.stringify(code)).not.toContain('493817');
    expect(openParams(code?.sealed as NonNullable<OutboxItem['sealed']>, KEYS.privateKey, code?.id ?? '')).toEqual(
      CODE_PARAMS,
    );
    expect(notice?.params).toEqual({ displayName: 'I', at: '2026-03-01T09:05:00Z' });
    expect(notice).not.toHaveProperty('sealed');
    // A notice that may carry a "This wasn't me" token is sealed like a code.
    expect(repudiable?.params).toEqual({});
    expect(JSON.stringify(repudiable)).not.toContain(token);
    expect(
      openParams(repudiable?.sealed as NonNullable<OutboxItem['sealed']>, KEYS.privateKey, repudiable?.id ?? ''),
    ).toEqual({ displayName: 'I', at: '2026-03-01T09:05:00Z', notMeToken: token });
  });

  it('puts an alert on the alert channel only, and no user template there', async () => {
    const outbox = new StoreOutbox({ putOutboxItem: async () => undefined } as unknown as DynamoStore, KEYS.publicKey);
    const alert = {
      channel: 'alert' as const,
      to: 'operators',
      template: 'repudiation-alert',
      params: { subject: 'bob', event: 'password-reset', at: '2026-03-01T09:05:00Z', sourceAddress: '192.0.2.1' },
      language: 'en' as const,
    };
    await expect(outbox.enqueue(alert)).resolves.toBeUndefined();
    await expect(outbox.enqueue({ ...alert, channel: 'email', to: 'bob@corp.example.test' })).rejects.toThrow(
      /cannot go by channel email/,
    );
    await expect(
      outbox.enqueue({ ...alert, template: 'contact-added', params: { displayName: 'B', at: '2026-03-01T09:05:00Z' } }),
    ).rejects.toThrow(/cannot go by channel alert/);
    await expect(
      outbox.enqueue({ ...alert, params: { ...alert.params, event: 'self-service-blocked' } }),
    ).rejects.toThrow(/parameter event/);
  });

  it('takes the notifier’s public key only, and a malformed one fails at construction', () => {
    expect(() => new StoreOutbox(store, parsePrivateKey(KEYS.privateKey))).toThrow(/public key only/);
    expect(() => new StoreOutbox(store, KEYS.privateKey.slice(1))).toThrow(/base64url of 32 raw bytes/);
    expect(() => new StoreOutbox(store, '')).toThrow(/base64url of 32 raw bytes/);
  });

  it('gives every item a fresh random id', async () => {
    const ids: string[] = [];
    const recording = {
      putOutboxItem: async (item: OutboxItem) => {
        ids.push(item.id);
      },
    } as unknown as DynamoStore;
    const outbox = new StoreOutbox(recording, KEYS.publicKey);
    const message = {
      channel: 'sms' as const,
      to: '+15550100001',
      template: 'password-reset',
      params: { displayName: 'A', at: '2026-03-01T09:05:00Z' },
      language: 'en' as const,
    };
    await outbox.enqueue(message);
    await outbox.enqueue(message);
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('SMS through SnsSender (idempotent on the item)', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => {
    sns.reset();
  });

  async function queuedCode() {
    const outbox = new StoreOutbox(store, KEYS.publicKey, { now: () => NOW });
    return outbox.write({
      channel: 'sms',
      to: '+15550100001',
      template: 'verification-code',
      params: CODE_PARAMS,
      language: 'en',
    });
  }

  it('a failed send leaves the item pending; the retry sends it once; a redelivered record is skipped', async () => {
    const { ports } = setup({ sms: new SnsSender({ senderId: 'CorpIT' }, new SNSClient({ region: 'eu-west-1' })) });
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }))
      .resolves({ MessageId: 'm-1' });
    const item = await queuedCode();

    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow('Rate exceeded');
    const afterFailure = await store.getOutboxItem(item.id);
    expect(afterFailure?.status).toBe('pending');
    // Still sealed: the retry has what it needs, and nothing readable was left behind.
    expect(afterFailure?.sealed).toBeDefined();
    expect(afterFailure?.params).toEqual({});

    expect(await deliverWrittenOutboxItem(item, ports)).toBe('sent');
    // The stream redelivers the same pending image, and the Lambda retries the batch: the table says it was sent.
    expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');
    expect((await deliverOutboxItemById(item.id, ports)).outcome).toBe('skipped');

    const publishes = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    // Two attempts, one of which SNS took: the code went out exactly once.
    expect(publishes).toHaveLength(2);
    expect(publishes[1]).toEqual({
      PhoneNumber: '+15550100001',
      Message: expect.stringContaining('Your password self-service code is 493817 (valid 10 min).'),
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'CorpIT' },
      },
    });
    const sent = await rawItem(item.id);
    expect(sent?.status).toBe('sent');
    expect(sent).not.toHaveProperty('sealed');
    expect(JSON.stringify(sent)).not.toContain('493817');
  });

  it('an SMS item never goes to the e-mail transport, and a missing SMS transport keeps it pending', async () => {
    const { email, ports } = setup({ sms: undefined });
    const item = await queuedCode();
    await expect(deliverWrittenOutboxItem(item, ports)).rejects.toThrow(/no transport for channel sms/);
    expect(email.sent).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect((await store.getOutboxItem(item.id))?.status).toBe('pending');
  });
});

async function findPendingIdsFor(to: string): Promise<string[]> {
  const { Items = [] } = await db.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: '#to = :to AND #status = :pending',
      ExpressionAttributeNames: { '#to': 'to', '#status': 'status' },
      ExpressionAttributeValues: { ':to': to, ':pending': 'pending' },
    }),
  );
  return Items.map((item) => String(item.id));
}
