/**
 * docs/openapi.json is what the code builds (scripts/openapi.ts), documents every route, and says what the API really
 * answers: one journey on a local stack (as the API suites run it) parses every success body with its route's response
 * schema and every error body with the error schema (strict objects: an undocumented key fails), and each error's
 * code must be one its route documents. The types below make the handlers' result types and the response schemas agree
 * both ways at compile time (the handlers check the other way with `satisfies`).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import type { changePassword } from '../../functions/core/change.js';
import type { enroll } from '../../functions/core/enroll.js';
import type { verifyContact } from '../../functions/core/enrollVerify.js';
import type { answerChallenge } from '../../functions/core/flow/answer.js';
import type { answerPasskey } from '../../functions/core/flow/passkeyAnswer.js';
import type { sendCode } from '../../functions/core/flow/sendCode.js';
import type { setPassword } from '../../functions/core/flow/setPassword.js';
import type { startFlow } from '../../functions/core/flow/start.js';
import type { unlockAccount } from '../../functions/core/flow/unlock.js';
import type {
  beginAuthenticator,
  confirmAuthenticator,
  issueRecoveryCodeSet,
  removeMethod,
} from '../../functions/core/methods/enrollMethods.js';
import type { startMethodsSession } from '../../functions/core/methods/methodsSession.js';
import type { beginPasskey, finishPasskey } from '../../functions/core/methods/passkeyMethods.js';
import type { repudiate } from '../../functions/core/repudiation.js';
import { ERROR_STATUS } from '../../functions/http/errorStatus.js';
import {
  type AnswerResponse,
  type ChangePasswordResponse,
  type EnrollResponse,
  errorBodySchema,
  healthResponse,
  type MethodsAuthenticatorBeginResponse,
  type MethodsAuthenticatorConfirmResponse,
  type MethodsPasskeyBeginResponse,
  type MethodsPasskeyFinishResponse,
  type MethodsRecoveryCodesResponse,
  type MethodsRemoveResponse,
  type MethodsSessionResponse,
  type RepudiateResponse,
  type ResetPasskeyResponse,
  ROUTE_DOCS,
  type SendCodeResponse,
  type SetPasswordResponse,
  type StartResetResponse,
  type UnlockResponse,
  type VerifyContactResponse,
} from '../../functions/http/responses.js';
import { ROUTES, type RouteName } from '../../functions/http/routes.js';
import { buildOpenApi, OPENAPI_FILE, REQUEST_BODIES, renderOpenApi } from '../../scripts/openapi.js';
import { type ApiResponse, DEMO, GENEROUS_ACTION_LIMITS, startTestStack, type TestStack } from '../api/harness.js';
import { otherCode, ResetClient, unknownToken } from '../api/resetClient.js';
import { SoftAuthenticator } from '../api/softAuthenticator.js';

// ---- compile time: a schema key the code does not produce, or a required key the schema lacks, fails tsc

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Agree<Code, Schema> = [Code] extends [Schema] ? ([Schema] extends [Code] ? true : false) : false;
type Holds<T extends true> = T;
type ResponseTypesAgree = [
  Holds<Agree<Result<typeof enroll>, EnrollResponse>>,
  Holds<Agree<Result<typeof verifyContact>, VerifyContactResponse>>,
  Holds<Agree<Result<typeof startFlow>, StartResetResponse>>,
  Holds<Agree<Result<typeof answerChallenge>, AnswerResponse>>,
  Holds<Agree<Result<typeof sendCode>, SendCodeResponse>>,
  Holds<Agree<Result<typeof setPassword>, SetPasswordResponse>>,
  Holds<Agree<Result<typeof unlockAccount>, UnlockResponse>>,
  Holds<Agree<Result<typeof changePassword>, ChangePasswordResponse>>,
  Holds<Agree<Result<typeof startMethodsSession>, MethodsSessionResponse>>,
  Holds<Agree<Result<typeof issueRecoveryCodeSet>, MethodsRecoveryCodesResponse>>,
  Holds<Agree<Result<typeof beginAuthenticator>, MethodsAuthenticatorBeginResponse>>,
  Holds<Agree<Result<typeof confirmAuthenticator>, MethodsAuthenticatorConfirmResponse>>,
  Holds<Agree<Result<typeof removeMethod>, MethodsRemoveResponse>>,
  Holds<Agree<Result<typeof repudiate>, RepudiateResponse>>,
  Holds<Agree<Result<typeof beginPasskey>, MethodsPasskeyBeginResponse>>,
  Holds<Agree<Result<typeof finishPasskey>, MethodsPasskeyFinishResponse>>,
  Holds<Agree<Result<typeof answerPasskey>, ResetPasskeyResponse>>,
];

// ---- the committed document

interface Operation {
  operationId: string;
  summary: string;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content: Record<string, { schema: { $ref: string } }> }
  >;
}

describe('docs/openapi.json', () => {
  it('is what the code builds', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8'), 'docs/openapi.json is out of date: run npm run openapi').toBe(
      renderOpenApi(),
    );
  });

  it('documents every route: method, request body, success and error statuses, headers', () => {
    const doc = buildOpenApi() as unknown as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
    };
    for (const route of ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (!operation) continue;
      const routeDoc = ROUTE_DOCS[route.name];
      expect(operation.operationId).toBe(route.name);
      expect(operation.summary).toBe(routeDoc.summary);
      expect(Boolean(operation.requestBody), `${route.name}: a POST has a body`).toBe(route.method === 'POST');
      expect(Boolean(REQUEST_BODIES[route.name])).toBe(route.method === 'POST');
      const body = operation.requestBody?.content['application/json']?.schema.$ref;
      if (body) expect(doc.components.schemas[body.split('/').at(-1) ?? '']).toBeDefined();

      const statuses = [routeDoc.status, ...routeDoc.errors.map((code) => ERROR_STATUS[code])];
      expect(Object.keys(operation.responses).map(Number).sort()).toEqual([...new Set(statuses)].sort());
      expect(routeDoc.errors).toContain('INTERNAL');
      if (route.method === 'POST') expect(routeDoc.errors).toContain('VALIDATION');
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(Object.keys(response.headers ?? {}).sort(), `${route.name} ${status}`).toEqual(
          status === '429' ? ['Cache-Control', 'Retry-After', 'X-Request-Id'] : ['Cache-Control', 'X-Request-Id'],
        );
        const schema = response.content['application/json']?.schema.$ref ?? '';
        expect(doc.components.schemas[schema.split('/').at(-1) ?? ''], `${route.name} ${status}`).toBeDefined();
      }
    }
    expect(Object.keys(doc.components.responses)).toEqual(['NotFound', 'MethodNotAllowed']);
  });

  it('the handler results and the response schemas agree (checked by tsc)', () => {
    const agree: ResponseTypesAgree = [
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ];
    expect(agree).toHaveLength(17);
  });

  it('response schemas are strict: an undocumented key fails', () => {
    expect(healthResponse.safeParse({ ok: true, version: '1' }).success).toBe(true);
    expect(healthResponse.safeParse({ ok: true, version: '1', extra: 1 }).success).toBe(false);
    const error = { code: 'INTERNAL', message: 'm', requestId: 'r' };
    expect(errorBodySchema.safeParse({ error }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: { ...error, detail: 'x' } }).success).toBe(false);
  });
});

// ---- real responses

describe('real responses parse with the documented schemas', () => {
  let stack: TestStack;
  let api: ResetClient;
  const seen: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ config: { rateLimits: GENEROUS_ACTION_LIMITS } });
    api = new ResetClient(stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const parsed = (schema: z.ZodMiniType, value: unknown, what: string) => {
    const result = schema.safeParse(value);
    expect(result.success, `${what}: ${JSON.stringify(result.error?.issues)}\n${JSON.stringify(value)}`).toBe(true);
  };

  /**
   * The response has the common headers and its route's documented body: the success schema, or the error schema with
   * a code the route lists (404 and 405 from the `$default` route). Returns the body.
   */
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read freely once they parsed
  const check = (route: RouteName | 'fallback', response: ApiResponse, status: number): any => {
    const what = `${route} ${response.status}`;
    expect(response.status, `${what}: ${response.text}`).toBe(status);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('cache-control')).toBe('no-store');
    seen.push(`${route} ${status}`);
    const doc = route === 'fallback' ? undefined : ROUTE_DOCS[route];
    if (doc && status === doc.status) {
      parsed(doc.response, response.body, what);
      return response.body;
    }
    parsed(errorBodySchema, response.body, what);
    const code: keyof typeof ERROR_STATUS = response.body.error.code;
    expect(ERROR_STATUS[code]).toBe(status);
    expect(doc ? doc.errors : ['NOT_FOUND', 'METHOD_NOT_ALLOWED'], what).toContain(code);
    expect(response.body.error.requestId).toBe(response.headers.get('x-request-id'));
    if (status === 429) expect(response.headers.get('retry-after')).toBe(String(response.body.error.retryAfterSeconds));
    return response.body;
  };

  it('one journey: config, enroll, verify, start, answers, codes, set password, change, unlock, and errors', async () => {
    check('health', await stack.request('GET', '/api/health'), 200);
    const config = check('config', await stack.request('GET', '/api/config'), 200);
    expect(config.passwordPolicy.rules.length).toBeGreaterThan(0);
    await api.loadCatalog();

    check('fallback', await stack.request('GET', '/api/nope'), 404);
    check('fallback', await stack.request('GET', '/api/reset/start'), 405);
    check('startReset', await stack.request('POST', '/api/reset/start', { body: '{', headers: json }), 400);

    // enroll with a new e-mail; a wrong contact code, then the right one
    const home = 'alice.home@example.org';
    const enrolled = check('enroll', await api.enroll('alice', { email: home }), 200);
    const [pending] = enrolled.pendingContacts;
    const contactCode = await api.lastCode(home);
    const verify = (code: string) =>
      stack.post('/api/enroll/verify', { enrollmentToken: enrolled.enrollmentToken, channelId: pending.id, code });
    check('verifyContact', await verify(otherCode(contactCode)), 403);
    check('verifyContact', await verify(contactCode), 200);

    // a reset: a wrong answer, the right ones, a code (answered too early, resent too soon, wrong, right)
    const started = check('startReset', await api.start('alice', 'reset'), 200);
    const { flowId } = started;
    // choosing the step the flow is at (the only way on here) answers its challenge; a way not offered is 400
    const chose = check('chooseMethod', await stack.post('/api/reset/choose', { flowId, method: 'questions' }), 200);
    expect(chose.challenge).toEqual(started.challenge);
    check('chooseMethod', await stack.post('/api/reset/choose', { flowId, method: 'authenticator' }), 400);
    const afterWrong = check('answer', await api.answer(flowId, 'definitely not it'), 200);
    const codeStep = await api.passQuestions(flowId, afterWrong.challenge, api.goodKey());
    expect(codeStep.type).toBe('code');
    parsed(ROUTE_DOCS.answer.response, { username: 'alice', challenge: codeStep }, 'answer (code challenge)');
    check('answer', await api.answer(flowId, '123456'), 409);
    const channel = codeStep.channels.find((c: { destination: string }) => c.destination === 'a•••@corp.example.test');
    check('sendCode', await api.sendCode(flowId, channel.id), 202);
    check('sendCode', await api.sendCode(flowId, channel.id), 429);
    const code = await api.lastCode('alice@corp.example.test');
    expect(check('answer', await api.answer(flowId, otherCode(code)), 200).challenge.type).toBe('code');
    const verified = check('answer', await api.answer(flowId, code), 200);
    expect(verified.challenge).toMatchObject({ type: 'verified', passwordPolicy: { minLength: 8 } });

    check('unlock', await api.unlock(flowId), 409);
    const setPassword = (newPassword: string) => stack.post('/api/reset/password', { flowId, newPassword });
    expect(check('setPassword', await setPassword('password'), 422).error.violations.length).toBeGreaterThan(0);
    check('setPassword', await setPassword('Sequoia!2027x'), 200);
    check('answer', await api.answer(flowId, code), 410);
    check('answer', await api.answer(unknownToken(), 'anything at all'), 410);

    // change: a wrong old password, then the right one
    const change = (oldPassword: string) =>
      stack.post('/api/change', { username: 'alice', oldPassword, newPassword: 'Redwood!2028y' });
    check('changePassword', await change(DEMO.alice), 401);
    check('changePassword', await change('Sequoia!2027x'), 200);

    // unlock: ivan (enrolled and locked out in the demo directory)
    const ivanFlow = await api.verifiedFlow('ivan', 'unlock', api.ivanKey(), {
      destination: 'i•••@corp.example.test',
      to: 'ivan@corp.example.test',
    });
    check('unlock', await api.unlock(ivanFlow), 200);

    // recovery methods (judy): a session, recovery codes, an authenticator begun and confirmed, removed
    const methods = check(
      'methodsSession',
      await stack.post('/api/methods/session', { username: 'judy', password: DEMO.judy }),
      200,
    );
    const { methodsToken } = methods;
    check('methodsRecoveryCodes', await stack.post('/api/methods/recovery-codes', { methodsToken }), 200);
    const begun = check(
      'methodsAuthenticatorBegin',
      await stack.post('/api/methods/authenticator/begin', { methodsToken }),
      200,
    );
    const confirm = (code: string) => stack.post('/api/methods/authenticator/confirm', { methodsToken, code });
    check('methodsAuthenticatorConfirm', await confirm(totpNow(begun.secret, stack.clock.now())), 200);
    const removed = check(
      'methodsRemove',
      await stack.post('/api/methods/remove', { methodsToken, method: 'authenticator' }),
      200,
    );
    expect(removed.methods.recoveryCodes.remaining).toBe(10);
    const passkeyBegun = check(
      'methodsPasskeyBegin',
      await stack.post('/api/methods/passkey/begin', { methodsToken }),
      200,
    );
    const authenticator = new SoftAuthenticator('http://127.0.0.1:8787');
    check(
      'methodsPasskeyFinish',
      await stack.post('/api/methods/passkey/finish', {
        methodsToken,
        name: 'Laptop',
        credential: authenticator.register(passkeyBegun.options),
      }),
      200,
    );
    // a reset with that passkey (judy holds it now): chosen where a choice comes first, then answered
    const judyStart = check(
      'startReset',
      await stack.post('/api/reset/start', { username: 'judy', purpose: 'reset' }),
      200,
    );
    let passkeyStep = judyStart.challenge;
    if (passkeyStep.type === 'choose') {
      passkeyStep = check(
        'chooseMethod',
        await stack.post('/api/reset/choose', { flowId: judyStart.flowId, method: 'passkey' }),
        200,
      ).challenge;
    }
    expect(passkeyStep.type).toBe('passkey');
    check(
      'resetPasskey',
      await stack.post('/api/reset/passkey', {
        flowId: judyStart.flowId,
        credential: authenticator.assert(passkeyStep.options),
      }),
      200,
    );

    // "This wasn't me": the token of the last notice's link, used once; again it is 410.
    const notices = (await stack.outboxLines()).map((line) => String(line.body));
    const notMe = /#\/not-me\?token=([A-Za-z0-9_-]{43})/.exec(
      notices.filter((body) => body.includes('#/not-me')).at(-1) ?? '',
    );
    const token = notMe?.[1] ?? '';
    check('repudiate', await stack.post('/api/repudiate', { token }), 200);
    check('repudiate', await stack.post('/api/repudiate', { token }), 410);

    for (const route of ROUTES) expect(seen, route.name).toContain(`${route.name} ${ROUTE_DOCS[route.name].status}`);
    const errorStatuses = new Set(seen.map((s) => Number(s.split(' ')[1])).filter((s) => s >= 400));
    expect([...errorStatuses].sort()).toEqual([400, 401, 403, 404, 405, 409, 410, 422, 429]);
  });
});

const json = { 'content-type': 'application/json' };

/** The current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 seed. */
function totpNow(base32: string, now: number): string {
  let bits = '';
  for (const char of base32) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(char).toString(2).padStart(5, '0');
  const seed = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30_000)));
  const mac = createHmac('sha1', seed).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
