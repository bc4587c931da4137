/**
 * No name tells whether it exists (DESIGN §4 Enumeration protection, issue 15 items 5 and 7): the plain, NETBIOS\ and
 * UPN forms of a made-up name behave exactly as those of a real one (the same decoy questions, one bucket for all
 * forms, the same refusals, the same echo of the name in use: issue 16 item 4), and nothing typed into the username
 * field is kept in clear when it resolves to no account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';
import { keyPaths, ResetClient, WRONG_ANSWERS } from './resetClient.js';
import { scanTable } from './tableScan.js';

/** bob is real and not enrolled; the made-up names look like a password, as people sometimes type one there. */
const REAL = 'bob';
const MADE_UP = 'Summer2026xq';
const forms = (name: string) => [name, `CORP\\${name}`, `${name}@corp.example.test`];

let stack: TestStack;
let client: ResetClient;
let ids: string[];

beforeAll(async () => {
  stack = await startTestStack({
    config: {
      rateLimits: {
        perUser: { limit: 4, windowSeconds: 3600 },
        failedPasswordsPerUser: { limit: 3, windowSeconds: 1800 },
      },
    },
  });
  client = new ResetClient(stack);
  ids = (await client.loadCatalog()).ids.slice(0, 3);
});

afterAll(async () => {
  await stack?.close();
});

/** The flows in the table, grouped by subject: each subject's question sets, sorted. */
async function questionSetsBySubject(): Promise<Map<string, string[]>> {
  const sets = new Map<string, string[]>();
  for (const item of await scanTable(stack.dataDir)) {
    if (!String(item.pk).startsWith('FLOW#')) continue;
    const subject = String(item.subject);
    const set = [...(item.questionIds as string[])].sort().join(',');
    sets.set(subject, [...(sets.get(subject) ?? []), set]);
  }
  return sets;
}

describe('every form of a name, real or made up', () => {
  it('gets the same decoy questions under one subject, for a real name and a made-up one alike', async () => {
    for (const name of [REAL, MADE_UP]) {
      for (const typed of forms(name)) {
        const response = await stack.post('/api/reset/start', { username: typed, purpose: 'reset' });
        expect(response.status, response.text).toBe(200);
      }
    }
    const sets = await questionSetsBySubject();
    // Two names, two subjects: the three forms of each landed on one, with one question set.
    expect(sets.size).toBe(2);
    for (const [, perFlow] of sets) {
      expect(perFlow).toHaveLength(3);
      expect(new Set(perFlow).size).toBe(1);
    }
  });

  it('shares one start bucket across forms for a made-up name as for a real one', async () => {
    // Four starts per name per hour in this stack; the first test took three of each.
    for (const name of ['erin', 'Winter2026zz']) {
      const [plain, netbios, upn] = forms(name);
      const statuses: number[] = [];
      for (const typed of [plain, netbios, upn, plain, upn] as string[]) {
        statuses.push((await stack.post('/api/reset/start', { username: typed, purpose: 'reset' })).status);
      }
      expect(statuses, name).toEqual([200, 200, 200, 200, 429]);
    }
  });

  it('shares one failed-proof bucket across forms, and refuses with the same shape, existing or not', async () => {
    const bodies: Record<string, unknown[]> = {};
    for (const name of ['heidi', 'Autumn2026qq']) {
      const [plain, netbios, upn] = forms(name);
      const responses = [];
      for (const typed of [plain, netbios, upn, plain] as string[]) {
        responses.push(await stack.post('/api/enroll', enrollBody(ids, typed, 'Wrong!2026zz')));
      }
      expect(
        responses.map((r) => r.status),
        name,
      ).toEqual([401, 401, 401, 429]);
      // The window's remaining seconds are read a moment apart: compared as "a number of seconds".
      bodies[name] = responses.map((r) => ({
        ...r.body.error,
        requestId: undefined,
        ...(r.body.error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: expect.any(Number) }),
      }));
    }
    expect(bodies.heidi).toEqual(bodies.Autumn2026qq);
  });

  it('answers a locked account, an unknown name and a wrong password the same way', async () => {
    const shapes = [];
    for (const [typed, password] of [
      ['ivan', DEMO.ivan],
      ['Spring2026ww', DEMO.alice],
      ['judy', 'Wrong!2026zz'],
    ] as const) {
      const response = await stack.post('/api/enroll', enrollBody(ids, typed, password));
      shapes.push({ status: response.status, error: { ...response.body.error, requestId: undefined } });
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[0]?.status).toBe(401);
  });
});

describe('the name in use, echoed on every step ("Not you?")', () => {
  // alice is enrolled, so her flows go on to a code; the made-up name gets a decoy. Three starts each (limit 4).
  const ENROLLED = 'alice';
  const UNKNOWN = 'Nobody2026kk';
  const typedForms = (name: string) => [name.toUpperCase(), `corp\\${name}`, `${name}@CORP.example.test`];

  it('is the name as reduced from what was typed, the same value and shape for a real name and a made-up one', async () => {
    await client.enroll(ENROLLED);
    const starts: Record<string, { status: number; username: unknown; keys: string[] }[]> = {};
    for (const name of [ENROLLED, UNKNOWN]) {
      starts[name] = [];
      for (const typed of typedForms(name)) {
        const started = await stack.post('/api/reset/start', { username: typed, purpose: 'reset' });
        expect(started.status, started.text).toBe(200);
        starts[name]?.push({ status: started.status, username: started.body.username, keys: keyPaths(started.body) });
        // The next step echoes the same. Once per name: alice's answer is right, the made-up name's is not, and
        // three wrong answers would block it, as they would block a real user.
        if (typed !== typedForms(name)[0]) continue;
        const answer = client.goodKey().get(started.body.challenge.questionId) ?? WRONG_ANSWERS[0] ?? '';
        const answered = await client.answer(started.body.flowId, answer);
        expect(answered.status, answered.text).toBe(200);
        expect(answered.body.username, typed).toBe(name.toLowerCase());
        expect(Object.keys(answered.body).sort()).toEqual(['challenge', 'username']);
      }
    }
    const expected = (name: string) =>
      typedForms(name).map(() => ({ status: 200, username: name.toLowerCase(), keys: starts[ENROLLED]?.[0]?.keys }));
    expect(starts[ENROLLED]).toEqual(expected(ENROLLED));
    expect(starts[UNKNOWN]).toEqual(expected(UNKNOWN));
    expect(starts[ENROLLED]?.[0]?.keys).toContain('username');
  });

  it('is echoed on the code step and the code send of a real user too', async () => {
    const started = await stack.post('/api/reset/start', { username: `CORP\\Alice`, purpose: 'unlock' });
    expect(started.status, started.text).toBe(200);
    const codeStep = await client.passQuestions(started.body.flowId, started.body.challenge, client.goodKey());
    expect(codeStep.type).toBe('code');
    const sent = await client.sendCode(started.body.flowId, codeStep.channels[0].id);
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body.username).toBe('alice');
    const verified = await client.answer(started.body.flowId, await client.lastCode('alice@corp.example.test'));
    expect(verified.body).toEqual({ username: 'alice', challenge: { type: 'verified' } });
  });
});

describe('nothing typed is kept in clear when it resolves to no account', () => {
  it('keeps made-up names only as keyed hashes, in every key and attribute of the table', async () => {
    const table = JSON.stringify(await scanTable(stack.dataDir)).toLowerCase();
    // Nobody2026kk's flows carry the name for the echo, sealed with their tokens (core/flow/flowName.ts).
    for (const madeUp of [MADE_UP, 'Winter2026zz', 'Autumn2026qq', 'Spring2026ww', 'Nobody2026kk']) {
      expect(table).not.toContain(madeUp.toLowerCase());
    }
    // Their audit events are there, under a hashed subject.
    expect(table).toMatch(/audit#unresolved:[0-9a-f]{32}/);
    // Real accounts stay readable for the helpdesk.
    expect(table).toContain('audit#heidi');
  });

  it('keeps them out of the log lines too', () => {
    const logs = stack.logs.join('\n').toLowerCase();
    for (const madeUp of [MADE_UP, 'Winter2026zz', 'Autumn2026qq', 'Spring2026ww', 'Nobody2026kk']) {
      expect(logs).not.toContain(madeUp.toLowerCase());
    }
  });
});
