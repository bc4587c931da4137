/** The local stack itself (DESIGN §7): config validation at start, the shifted clock, data kept across restarts. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/config.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { DEMO_PASSWORDS } from '../support/demoUsers.js';

const dirs: string[] = [];
const stacks: LocalStack[] = [];

afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'sspr-local-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, options: { config?: unknown; clockOffsetSeconds?: number } = {}) {
  const stack = await startLocalStack({ dataDir: dir, port: 0, log: () => undefined, ...options });
  stacks.push(stack);
  return stack;
}

const wrongEnroll = {
  username: 'bob',
  password: 'Wrong!2026zz',
  answers: [
    { questionId: 'first-pet-name', answer: 'Rex the dog' },
    { questionId: 'birth-city', answer: 'Springfield' },
    { questionId: 'first-school', answer: 'Elm Street School' },
  ],
};

async function enroll(stack: LocalStack, body: object) {
  const response = await fetch(`${stack.url}/api/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

describe('the local stack', () => {
  it('refuses a bad config at start, listing every problem', async () => {
    const dir = await dataDir();
    const failure = startLocalStack({
      dataDir: dir,
      port: 0,
      log: () => undefined,
      config: '{"enrollment":{"email":"sometimes"},"reset":{"flowMinutes":0},"nonsense":true}',
    });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    const problems = await failure.catch((error: ConfigError) => error.problems);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^enrollment\.email:/),
        expect.stringMatching(/^reset\.flowMinutes:/),
        expect.stringMatching(/nonsense/),
      ]),
    );
  });

  it('writes endpoint.json, keeps the store across a restart, and a shifted clock opens a new window', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    expect(JSON.parse(await readFile(join(dir, 'endpoint.json'), 'utf8'))).toEqual({ dynamodb: first.storeEndpoint });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await enroll(first, wrongEnroll));
    expect(statuses).toEqual([401, 401, 401, 429]);
    await first.close();
    stacks.length = 0;

    // Same data, same time: the failed proofs are still counted.
    const again = await start(dir);
    expect(await enroll(again, { ...wrongEnroll, password: DEMO_PASSWORDS.bob })).toBe(429);
    await again.close();
    stacks.length = 0;

    // Same data, a day later: the window has passed (the counter item is still in the table; its end is compared).
    const later = await start(dir, { clockOffsetSeconds: 86_400 });
    expect(await enroll(later, { ...wrongEnroll, password: DEMO_PASSWORDS.bob })).toBe(200);
  });
});
