/**
 * Sealed outbox items through the local server (DESIGN §1, §7): a code sent by POST /api/reset/code reaches the user
 * (the outbox file stands in for the inbox) and never sits readable in the table, neither while pending (sealed to the
 * notifier's key) nor after it was sent (params and seal removed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { scanTable } from './tableScan.js';

/** DESIGN §7: ivan is enrolled with the first three questions of the catalog. */
const IVAN_ANSWERS = ['ivan answer one', 'ivan answer two', 'ivan answer three'];

/**
 * The code as a value of its own. Random base64url (the seal, hashes, HMACs) can hold six given digits by chance, but
 * always inside a run of base64url characters; in clear the code stands alone, as a value or in a sentence.
 */
const standingAlone = (code: string) => new RegExp(`(^|[^A-Za-z0-9_-])${code}([^A-Za-z0-9_-]|$)`);

describe('sealed outbox items (the code of an unlock flow)', () => {
  let stack: TestStack;
  let flowId: string;
  let code: string;

  beforeAll(async () => {
    stack = await startTestStack();

    const config = await stack.request('GET', '/api/config');
    expect(config.status).toBe(200);
    const ids = (config.body.questions as { id: string }[]).slice(0, 3).map((q) => q.id);
    const answerFor = new Map(IVAN_ANSWERS.map((answer, i) => [ids[i], answer]));

    const start = await stack.post('/api/reset/start', { username: 'ivan', purpose: 'unlock' });
    expect(start.status, start.text).toBe(200);
    flowId = start.body.flowId;
    expect(start.body.challenge.type).toBe('question');

    // One right answer passes the questions when a code step follows (reset.correctAnswersRequired = 1).
    const answer = await stack.post('/api/reset/answer', {
      flowId,
      answer: answerFor.get(start.body.challenge.questionId),
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.challenge.type).toBe('code');
    const channel = (answer.body.challenge.channels as { id: string; channel: string }[]).find(
      (c) => c.channel === 'email',
    );
    expect(channel, answer.text).toBeDefined();

    const sent = await stack.post('/api/reset/code', { flowId, channelId: channel?.id });
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body.sent).toBe(true);

    const lines = await stack.outboxLines();
    const codeLines = lines.filter((line) => line.code !== undefined);
    expect(codeLines).toHaveLength(1);
    code = String(codeLines[0]?.code);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('delivers the code to the outbox file (the local inbox)', async () => {
    expect(code).toMatch(/^\d{6}$/);
    const [line] = (await stack.outboxLines()).filter((l) => l.code === code);
    expect(line).toMatchObject({ channel: 'email', to: 'ivan@corp.example.test', subject: 'Your verification code' });
    expect(String(line?.body)).toContain(`is ${code}.`);
  });

  it('leaves the code nowhere in the raw table', async () => {
    const items = await scanTable(stack.dataDir);
    expect(items.length).toBeGreaterThan(0);
    expect(JSON.stringify(items)).not.toMatch(standingAlone(code));
    // The flow keeps only the code's HMAC.
    expect(JSON.stringify(items)).toContain('"hmac"');
  });

  it('removes the sent item’s params and seal', async () => {
    const outbox = await outboxItems(stack.dataDir);
    const codeItems = outbox.filter((item) => item.template === 'verification-code');
    expect(codeItems).toHaveLength(1);
    expect(codeItems[0]).toMatchObject({ status: 'sent', to: 'ivan@corp.example.test', params: {} });
    for (const item of outbox) {
      expect(item.status).toBe('sent');
      expect(item.params).toEqual({});
      expect(item).not.toHaveProperty('sealed');
    }
  });

  it('keeps the code out of the logs', () => {
    expect(stack.logs.length).toBeGreaterThan(0);
    for (const line of stack.logs) expect(line).not.toMatch(standingAlone(code));
  });

  it('sent the code the flow accepts', async () => {
    const verified = await stack.post('/api/reset/answer', { flowId, answer: code });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.challenge.type).toBe('verified');
    const unlocked = await stack.post('/api/unlock', { flowId });
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.body).toEqual({ unlocked: true });
    // The unlock notice went out as well, and left no params behind either.
    const outbox = await outboxItems(stack.dataDir);
    expect(outbox.map((item) => item.template).sort()).toEqual(['account-unlocked', 'verification-code']);
    for (const item of outbox) expect(item).toMatchObject({ status: 'sent', params: {} });
    expect(JSON.stringify(await scanTable(stack.dataDir))).not.toMatch(standingAlone(code));
  });
});

/**
 * The outbox items in the table. A response waits for its messages' whole delivery, the mark in the table included
 * (DESIGN §7), so they are settled when it comes.
 */
async function outboxItems(dataDir: string): Promise<Record<string, unknown>[]> {
  return (await scanTable(dataDir)).filter((item) => String(item.pk).startsWith('OUTBOX#'));
}
