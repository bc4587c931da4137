import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/sesMailer.js';
import type { RenderedMessage } from '../../functions/core/ports.js';
import type { OutboxItem } from '../../functions/core/store.js';

const ses = mockClient(SESv2Client);

afterEach(() => {
  ses.reset();
});

const item: OutboxItem = {
  id: 'item-1',
  channel: 'email',
  to: 'alice@corp.example.test',
  template: 'enrolled',
  params: { displayName: 'Alice Archer', at: '2026-03-01T09:05:00Z' },
  language: 'de',
  status: 'pending',
  createdAt: 0,
};

const message: RenderedMessage = {
  channel: 'email',
  to: 'alice@corp.example.test',
  subject: 'Ihre Sicherheitsantworten wurden gespeichert',
  body: 'Hallo Alice Archer,\n\nÜmlaute und „Anführungszeichen“.\n',
};

describe('SesMailer', () => {
  it('sends one plain-text SendEmailCommand from the configured address, UTF-8', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await new SesMailer('no-reply@corp.example.com', new SESv2Client({ region: 'eu-central-1' })).send(message, item);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: 'no-reply@corp.example.com',
      Destination: { ToAddresses: ['alice@corp.example.test'] },
      Content: {
        Simple: {
          Subject: { Data: 'Ihre Sicherheitsantworten wurden gespeichert', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hallo Alice Archer,\n\nÜmlaute und „Anführungszeichen“.\n', Charset: 'UTF-8' } },
        },
      },
    });
    expect(ses.calls()).toHaveLength(1);
  });

  it('creates its own client when none is given', async () => {
    ses.on(SendEmailCommand).resolves({});
    await new SesMailer('no-reply@corp.example.com').send(message, item);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('lets an SES error propagate (so the notifier retries)', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(new SesMailer('no-reply@corp.example.com').send(message, item)).rejects.toThrow('Rate exceeded');
  });

  it('refuses SMS, addresses with CR/LF and a missing or multi-line subject without calling SES', async () => {
    const mailer = new SesMailer('no-reply@corp.example.com');
    await expect(mailer.send({ channel: 'sms', to: '+15550100001', body: 'x' }, item)).rejects.toThrow(/e-mail only/);
    await expect(mailer.send({ ...message, to: 'a@b.example\r\nBcc: c@d.example' }, item)).rejects.toThrow(/CR or LF/);
    await expect(mailer.send({ ...message, subject: undefined }, item)).rejects.toThrow(/subject/);
    await expect(mailer.send({ ...message, subject: 'a\nb' }, item)).rejects.toThrow(/subject/);
    expect(ses.calls()).toHaveLength(0);
  });
});
