/**
 * Each API suite runs its own local stack (own data dir, own config), so one suite's counters never limit another's.
 * Log lines are captured so a suite can scan them for secrets.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { DEMO_PASSWORDS } from '../support/demoUsers.js';

export interface TestStack extends LocalStack {
  logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  outboxLines(): Promise<Record<string, unknown>[]>;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  body: any;
  text: string;
}

export async function startTestStack(config: unknown = {}, clockOffsetSeconds = 0): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sspr-api-'));
  const logs: string[] = [];
  const stack = await startLocalStack({ dataDir, port: 0, config, clockOffsetSeconds, log: (line) => logs.push(line) });

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, headers: response.headers, body, text };
  };

  return {
    ...stack,
    logs,
    request,
    post: (path, body, headers = {}) =>
      request('POST', path, {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    outboxLines: async () => {
      const text = await readFile(stack.outboxFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    close: async () => {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo users of DESIGN §7. */
export const DEMO = DEMO_PASSWORDS;

export const GOOD_ANSWERS = [
  { questionId: '', answer: 'Rex the dog' },
  { questionId: '', answer: 'Springfield Elementary' },
  { questionId: '', answer: 'Blue Volvo' },
];

/** A valid enrollment body for a user, with the first three catalog questions (ids from /api/config). */
export function enrollBody(questionIds: string[], username: string, password: string, extra: object = {}) {
  return {
    username,
    password,
    answers: GOOD_ANSWERS.map((a, i) => ({ questionId: questionIds[i] ?? '', answer: a.answer })),
    ...extra,
  };
}
