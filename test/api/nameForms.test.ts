/**
 * No name tells whether it exists (DESIGN §4 Enumeration protection, issue 15 items 5 and 7): the plain, NETBIOS\ and
 * UPN forms of a made-up name behave exactly as those of a real one (the same decoy questions, one bucket for all
 * forms, the same refusals), and nothing typed into the username field is kept in clear when it resolves to no account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, enrollBody, startTestStack, type TestStack } from './harness.js';
import { ResetClient } from './resetClient.js';
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

describe('nothing typed is kept in clear when it resolves to no account', () => {
  it('keeps made-up names only as keyed hashes, in every key and attribute of the table', async () => {
    const table = JSON.stringify(await scanTable(stack.dataDir)).toLowerCase();
    for (const madeUp of [MADE_UP, 'Winter2026zz', 'Autumn2026qq', 'Spring2026ww']) {
      expect(table).not.toContain(madeUp.toLowerCase());
    }
    // Their audit events are there, under a hashed subject.
    expect(table).toMatch(/audit#unresolved:[0-9a-f]{32}/);
    // Real accounts stay readable for the helpdesk.
    expect(table).toContain('audit#heidi');
  });

  it('keeps them out of the log lines too', () => {
    const logs = stack.logs.join('\n').toLowerCase();
    for (const madeUp of [MADE_UP, 'Winter2026zz', 'Autumn2026qq', 'Spring2026ww']) {
      expect(logs).not.toContain(madeUp.toLowerCase());
    }
  });
});
