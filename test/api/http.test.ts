/** The HTTP contract every route shares (DESIGN §3): bodies, content types, unknown routes and methods, headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestStack, type TestStack } from './harness.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const validEnroll = () => ({
  username: 'alice',
  password: DEMO.alice,
  answers: [
    { questionId: 'first-pet-name', answer: 'Rex the dog' },
    { questionId: 'birth-city', answer: 'Springfield' },
    { questionId: 'first-school', answer: 'Elm Street School' },
  ],
});

function expectErrorShape(body: { error: Record<string, unknown> }, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toEqual(expect.any(String));
}

describe('GET /api/health', () => {
  it('says ok and the version, and nothing else', async () => {
    const response = await stack.request('GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, version: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBe(response.headers.get('x-request-id'));
  });
});

describe('GET /api/config', () => {
  it('lists the questions, the enrollment rules and the domain policy in the request language', async () => {
    const response = await stack.request('GET', '/api/config', { headers: { 'accept-language': 'fr-CA, en;q=0.5' } });
    expect(response.status).toBe(200);
    expect(response.body.questions).toHaveLength(10);
    expect(response.body.questions[0]).toEqual({ id: 'first-pet-name', text: expect.stringMatching(/\?$/) });
    expect(response.body.enrollment).toEqual({
      questionsRequired: 3,
      answerMinLength: 4,
      answerMaxLength: 128,
      email: 'optional',
      phone: 'optional',
    });
    expect(response.body.reset).toEqual({ questionsAsked: 3, codeLength: 6 });
    expect(response.body.passwordPolicy).toMatchObject({
      minLength: 8,
      maxLength: 256,
      complexity: true,
      historyLength: 5,
      minAgeDays: 0,
    });
    expect(response.body.passwordPolicy.rules[0]).toBe('Au moins 8 caractères.');
  });
});

describe('request bodies', () => {
  it('refuses unknown fields, naming each', async () => {
    const response = await stack.post('/api/enroll', { ...validEnroll(), admin: true, isAdmin: 1 });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, 'VALIDATION');
    expect(Object.keys(response.body.error.fields).sort()).toEqual(['admin', 'isAdmin']);
  });

  it('refuses unknown fields inside answers', async () => {
    const body = validEnroll();
    const response = await stack.post('/api/enroll', {
      ...body,
      answers: body.answers.map((a, i) => (i === 1 ? { ...a, hint: 'x' } : a)),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields['answers.1.hint']).toBeTruthy();
  });

  it('refuses __proto__, constructor and prototype keys as unknown fields, naming each, at any depth', async () => {
    // As a raw body: JSON.parse makes "__proto__" an own key, which an object literal here would not.
    const body = JSON.stringify(validEnroll()).replace(
      /^\{/,
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"prototype":1,',
    );
    const nested = JSON.stringify(validEnroll()).replace(
      '"answer":"Springfield"',
      '"answer":"Springfield","__proto__":{}',
    );
    for (const [raw, names] of [
      [body, ['__proto__', 'constructor', 'prototype']],
      [nested, ['answers.1.__proto__']],
    ] as const) {
      const response = await stack.request('POST', '/api/enroll', {
        body: raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status, response.text).toBe(400);
      expectErrorShape(response.body, 'VALIDATION');
      expect(Object.keys(response.body.error.fields).sort()).toEqual([...names].sort());
      expect(response.body.error.fields[names[0]]).toEqual(expect.any(String));
    }
  });

  it('names missing and mistyped fields', async () => {
    const response = await stack.post('/api/enroll', { username: 42, answers: 'no' });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields).sort()).toEqual(['answers', 'password', 'username']);
    expect(response.body.error.fields.password).toMatch(/required/);
  });

  it('refuses a body over 16 KiB', async () => {
    const response = await stack.post('/api/enroll', { ...validEnroll(), username: 'a'.repeat(17 * 1024) });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.body).toMatch(/too large/);
  });

  it('refuses a far larger body without trouble', async () => {
    const response = await stack.request('POST', '/api/enroll', {
      body: 'x'.repeat(3 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.body).toBeTruthy();
  });

  it.each([
    ['text/plain', JSON.stringify(validEnroll())],
    ['application/x-www-form-urlencoded', 'username=alice'],
    ['', JSON.stringify(validEnroll())],
  ])('refuses content type %j', async (contentType, body) => {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const response = await stack.request('POST', '/api/enroll', { body, headers });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.body).toMatch(/JSON/);
  });

  it('accepts a charset parameter on the JSON content type', async () => {
    const response = await stack.request('POST', '/api/enroll', {
      body: JSON.stringify({ ...validEnroll(), password: 'Wrong!2026zz' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(401);
  });

  it.each(['{"username":', 'null', '[]', '"text"', ''])('refuses %j as the body', async (body) => {
    const response = await stack.request('POST', '/api/enroll', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.body).toBeTruthy();
  });
});

describe('routes', () => {
  it('an unknown route is 404 in the error shape', async () => {
    const response = await stack.request('GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expectErrorShape(response.body, 'NOT_FOUND');
    expect(response.headers.get('x-request-id')).toBe(response.body.error.requestId);
  });

  it.each([
    ['GET', '/api/enroll'],
    ['DELETE', '/api/enroll'],
    ['POST', '/api/health'],
    ['PUT', '/api/config'],
  ])('%s %s is 405', async (method, path) => {
    const response = await stack.request(method, path);
    expect(response.status).toBe(405);
    expectErrorShape(response.body, 'METHOD_NOT_ALLOWED');
  });

  it('the web app is served with a strict CSP', async () => {
    const response = await stack.request('GET', '/');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});
