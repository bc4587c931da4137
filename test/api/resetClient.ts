/**
 * A small client for the reset/unlock API (DESIGN §3) over a test stack. It remembers every flow token, answer and code
 * it handled, so a suite can scan the logs and the outbox for them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiResponse, TestStack } from './harness.js';
import { DEMO, GOOD_ANSWERS } from './harness.js';

/** Flow tokens: 43 base64url characters (32 random bytes). */
export const FLOW_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const IVAN_ANSWERS = ['ivan answer one', 'ivan answer two', 'ivan answer three'];

/** Wrong answers that pass every answer rule, so they are checked (and counted), never refused as VALIDATION. */
export const WRONG_ANSWERS = ['definitely not it', 'still not the answer', 'a third wrong guess', 'guess number four'];

export type Purpose = 'reset' | 'unlock';

export interface Catalog {
  ids: string[];
  texts: Map<string, string>;
}

/** A question id → the right answer. */
export type AnswerKey = Map<string, string>;

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A valid-looking flow token that no flow has. */
export const unknownToken = () => randomBytes(32).toString('base64url');

/** A six-digit code other than `code`. */
export function otherCode(code: string, step = 1): string {
  return String((Number(code) + step) % 1_000_000).padStart(code.length, '0');
}

export class ResetClient {
  readonly flowIds = new Set<string>();
  readonly answersGiven = new Set<string>();
  readonly codes = new Set<string>();
  catalog: Catalog = { ids: [], texts: new Map() };

  constructor(readonly stack: TestStack) {}

  async loadCatalog(): Promise<Catalog> {
    const response = await this.stack.request('GET', '/api/config');
    expect(response.status).toBe(200);
    const questions = response.body.questions as { id: string; text: string }[];
    this.catalog = { ids: questions.map((q) => q.id), texts: new Map(questions.map((q) => [q.id, q.text])) };
    return this.catalog;
  }

  /** ivan's answers: the first three catalog questions (DESIGN §7). */
  ivanKey(): AnswerKey {
    return new Map(IVAN_ANSWERS.map((answer, i) => [this.catalog.ids[i] ?? '', answer]));
  }

  /** The answers enrollBody (harness) gives: GOOD_ANSWERS to the first three catalog questions. */
  goodKey(): AnswerKey {
    return new Map(GOOD_ANSWERS.map((a, i) => [this.catalog.ids[i] ?? '', a.answer]));
  }

  /** Enrolls a demo user with GOOD_ANSWERS (and optional contacts); expects 200. */
  async enroll(user: keyof typeof DEMO, extra: object = {}): Promise<ApiResponse> {
    const response = await this.stack.post('/api/enroll', {
      username: user,
      password: DEMO[user],
      answers: GOOD_ANSWERS.map((a, i) => ({ questionId: this.catalog.ids[i] ?? '', answer: a.answer })),
      ...extra,
    });
    expect(response.status, `enroll ${user}: ${response.text}`).toBe(200);
    return response;
  }

  async start(
    username: string,
    purpose: Purpose = 'reset',
    headers: Record<string, string> = {},
    localAddress?: string,
  ): Promise<ApiResponse> {
    const response = await this.stack.post('/api/reset/start', { username, purpose }, headers, localAddress);
    if (typeof response.body?.flowId === 'string') this.flowIds.add(response.body.flowId);
    return response;
  }

  /** A start that must open a flow; returns its token and first challenge. */
  async started(username: string, purpose: Purpose = 'reset') {
    const response = await this.start(username, purpose);
    expect(response.status, `start ${username}: ${response.text}`).toBe(200);
    return { flowId: response.body.flowId as string, challenge: response.body.challenge, response };
  }

  async answer(flowId: string, answer: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    // Only real tokens and answers long enough not to turn up in a log line by chance are remembered as secrets.
    if (FLOW_TOKEN.test(flowId)) this.flowIds.add(flowId);
    if (!/^\d+$/.test(answer) && answer.length >= 6) this.answersGiven.add(answer);
    return this.stack.post('/api/reset/answer', { flowId, answer }, headers);
  }

  async sendCode(flowId: string, channelId: string, localAddress?: string): Promise<ApiResponse> {
    return this.stack.post('/api/reset/code', { flowId, channelId }, {}, localAddress);
  }

  async unlock(flowId: string): Promise<ApiResponse> {
    return this.stack.post('/api/unlock', { flowId });
  }

  /**
   * Answers the question challenges right (from `key`) until the challenge is something else; returns that challenge.
   * Every answer must be 200.
   */
  // biome-ignore lint/suspicious/noExplicitAny: challenges are inspected freely
  async passQuestions(flowId: string, first: any, key: AnswerKey): Promise<any> {
    let challenge = first;
    for (let i = 0; challenge?.type === 'question'; i++) {
      if (i > 10) throw new Error('more than 10 question challenges');
      const right = key.get(challenge.questionId);
      if (right === undefined) throw new Error(`no answer for question ${challenge.questionId}`);
      const response = await this.answer(flowId, right);
      expect(response.status, response.text).toBe(200);
      challenge = response.body.challenge;
    }
    return challenge;
  }

  /** The code of the last message to `to` that carries one. */
  async lastCode(to: string): Promise<string> {
    const lines = (await this.stack.outboxLines()).filter((line) => line.to === to && typeof line.code === 'string');
    const code = lines.at(-1)?.code as string | undefined;
    if (!code) throw new Error(`no code was sent to ${to}`);
    this.codes.add(code);
    return code;
  }

  async codeCount(to: string): Promise<number> {
    return (await this.stack.outboxLines()).filter((line) => line.to === to && typeof line.code === 'string').length;
  }

  /** Sends a code to the e-mail channel showing `destination`, and returns the code from the outbox. */
  // biome-ignore lint/suspicious/noExplicitAny: challenges are inspected freely
  async sendAndRead(flowId: string, challenge: any, destination: string, to: string): Promise<string> {
    expect(challenge?.type).toBe('code');
    const channel = (challenge.channels as { id: string; destination: string }[]).find(
      (c) => c.destination === destination,
    );
    if (!channel) throw new Error(`no channel ${destination} in ${JSON.stringify(challenge)}`);
    const sent = await this.sendCode(flowId, channel.id);
    expect(sent.status, sent.text).toBe(202);
    return this.lastCode(to);
  }

  /** start → right answers → (code →) verified; returns the flow token. */
  async verifiedFlow(
    username: string,
    purpose: Purpose,
    key: AnswerKey,
    code?: { destination: string; to: string },
  ): Promise<string> {
    const { flowId, challenge } = await this.started(username, purpose);
    let next = await this.passQuestions(flowId, challenge, key);
    if (code) {
      const value = await this.sendAndRead(flowId, next, code.destination, code.to);
      const answered = await this.answer(flowId, value);
      expect(answered.status, answered.text).toBe(200);
      next = answered.body.challenge;
    }
    expect(next?.type).toBe('verified');
    return flowId;
  }

  /** Answers wrong until the flow ends; returns every status in order. */
  async failQuestions(flowId: string, max = 10): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < max; i++) {
      const response = await this.answer(flowId, WRONG_ANSWERS[i % WRONG_ANSWERS.length] ?? 'wrong answer');
      statuses.push(response.status);
      if (response.status !== 200) break;
    }
    return statuses;
  }

  now(): number {
    return this.stack.clock.now();
  }
}

/** Every nested key path of a JSON value (array items share one path): compares response shapes, not values. */
export function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))].sort();
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .flatMap(([key, item]) => [`${prefix}${key}`, ...keyPaths(item, `${prefix}${key}.`)])
      .sort();
  }
  return [];
}

/** A 429 carries retryAfterSeconds in its body and the same in Retry-After. */
export function expectRetryAfter(response: ApiResponse, code: 'RATE_LIMITED' | 'BLOCKED', min: number, max: number) {
  expect(response.status, response.text).toBe(429);
  expect(response.body.error.code).toBe(code);
  const seconds = response.body.error.retryAfterSeconds;
  expect(seconds).toBeGreaterThanOrEqual(min);
  expect(seconds).toBeLessThanOrEqual(max);
  expect(response.headers.get('retry-after')).toBe(String(seconds));
}

/** Scans text for secrets; a code only as a whole number (timestamps hold long digit runs). */
export function secretsIn(
  haystack: string,
  secrets: { strings: Iterable<string>; codes?: Iterable<string> },
): string[] {
  const lower = haystack.toLowerCase();
  const found: string[] = [];
  for (const secret of secrets.strings) if (secret && lower.includes(secret.toLowerCase())) found.push(secret);
  for (const code of secrets.codes ?? []) if (new RegExp(`(^|\\D)${code}(\\D|$)`).test(haystack)) found.push(code);
  return found;
}
