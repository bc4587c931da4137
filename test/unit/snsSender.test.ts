import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsSender } from '../../functions/adapters/snsSender.js';
import { parseConfig } from '../../functions/core/config.js';
import type { RenderedMessage } from '../../functions/core/ports.js';
import type { OutboxItem } from '../../functions/core/store.js';

const sns = mockClient(SNSClient);

afterEach(() => {
  sns.reset();
});

const item: OutboxItem = {
  id: 'item-1',
  channel: 'sms',
  to: '+15550100001',
  template: 'account-unlocked',
  params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:00Z' },
  language: 'de',
  status: 'pending',
  createdAt: 0,
};

const message: RenderedMessage = {
  channel: 'sms',
  to: '+15550100001',
  body: 'Ihr Konto wurde am 2026-03-01 09:05 UTC über die Selbstbedienung entsperrt. Nicht Sie? Wenden Sie sich an x.',
};

const TRANSACTIONAL = { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } };

describe('SnsSender', () => {
  it('publishes one transactional SMS to the number, with the configured sender id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsSender({ senderId: 'CorpIT' }, new SNSClient({ region: 'eu-central-1' })).send(message, item);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      PhoneNumber: '+15550100001',
      Message: message.body,
      MessageAttributes: {
        ...TRANSACTIONAL,
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'CorpIT' },
      },
    });
    expect(sns.calls()).toHaveLength(1);
  });

  it('leaves the sender id out when none is configured, and creates its own client when none is given', async () => {
    sns.on(PublishCommand).resolves({});
    await new SnsSender().send(message, item);
    await new SnsSender({ senderId: undefined }).send(message, item);
    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { PhoneNumber: '+15550100001', Message: message.body, MessageAttributes: TRANSACTIONAL },
      { PhoneNumber: '+15550100001', Message: message.body, MessageAttributes: TRANSACTIONAL },
    ]);
  });

  it('lets an SNS error propagate (so the notifier retries)', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    await expect(new SnsSender().send(message, item)).rejects.toThrow('Rate exceeded');
  });

  it('refuses e-mail and a destination that is not E.164 without calling SNS', async () => {
    const sender = new SnsSender({ senderId: 'CorpIT' });
    await expect(
      sender.send({ channel: 'email', to: 'alice@corp.example.test', subject: 's', body: 'b' }, item),
    ).rejects.toThrow(/SMS only/);
    for (const to of ['5550100001', '+1 555 010 0001', '+0550100001', '', '+15550100001\n']) {
      await expect(sender.send({ ...message, to }, item)).rejects.toThrow(/E\.164/);
    }
    expect(sns.calls()).toHaveLength(0);
  });
});

describe('config notifications.smsSenderId', () => {
  it('is optional: 1–11 letters or digits with at least one letter', () => {
    expect(parseConfig({}).notifications.smsSenderId).toBeUndefined();
    for (const id of ['C', 'CorpIT', 'Corp2026', 'ABCDEFGHIJK']) {
      expect(parseConfig({ notifications: { smsSenderId: id } }).notifications.smsSenderId).toBe(id);
    }
    for (const id of ['', 'ABCDEFGHIJKL', 'Corp IT', 'Corp-IT', '12345', 'Café']) {
      expect(() => parseConfig({ notifications: { smsSenderId: id } }), id).toThrow(/notifications\.smsSenderId/);
    }
  });
});
