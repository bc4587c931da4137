/**
 * `npm run openapi`: writes docs/openapi.json, the HTTP API as OpenAPI 3.1, from the code: the routes
 * (functions/http/routes.ts ROUTES), each handler's request schema (REQUEST_BODIES below, read as input: optional keys
 * and defaults as a client sends them), the response schemas and the route table of functions/http/responses.ts (read
 * as output), and the error statuses of functions/http/errorStatus.ts.
 * `npm run openapi -- --check` writes nothing; it exits 1 with a summary of the differences when the committed file is
 * not what the code builds (test/unit/openapi.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { answerRequest } from '../functions/answer.js';
import { changePasswordRequest } from '../functions/changePassword.js';
import { chooseMethodRequest } from '../functions/chooseMethod.js';
import type { ErrorCode } from '../functions/core/errors.js';
import { LANGUAGES } from '../functions/core/language.js';
import { enrollRequest } from '../functions/enroll.js';
import { verifyContactRequest } from '../functions/enrollVerify.js';
import { ERROR_STATUS } from '../functions/http/errorStatus.js';
import {
  challengeSchema,
  channelSchema,
  ERROR_DOCS,
  errorBodySchema,
  passwordPolicySchema,
  ROUTE_DOCS,
  recoveryMethodsSchema,
} from '../functions/http/responses.js';
import { ROUTES, type RouteName } from '../functions/http/routes.js';
import {
  methodsAuthenticatorBeginRequest,
  methodsAuthenticatorConfirmRequest,
} from '../functions/methodsAuthenticator.js';
import { methodsPasskeyBeginRequest, methodsPasskeyFinishRequest } from '../functions/methodsPasskey.js';
import { methodsRecoveryCodesRequest } from '../functions/methodsRecoveryCodes.js';
import { methodsRemoveRequest } from '../functions/methodsRemove.js';
import { methodsSessionRequest } from '../functions/methodsSession.js';
import { repudiateRequest } from '../functions/repudiate.js';
import { resetPasskeyRequest } from '../functions/resetPasskey.js';
import { sendCodeRequest } from '../functions/sendCode.js';
import { setPasswordRequest } from '../functions/setPassword.js';
import { startResetRequest } from '../functions/startReset.js';
import { unlockRequest } from '../functions/unlock.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** Each route's request body (its handler's schema), or null for a route that takes none. */
export const REQUEST_BODIES: Record<RouteName, z.ZodMiniType | null> = {
  health: null,
  config: null,
  enroll: enrollRequest,
  verifyContact: verifyContactRequest,
  startReset: startResetRequest,
  answer: answerRequest,
  resetPasskey: resetPasskeyRequest,
  chooseMethod: chooseMethodRequest,
  sendCode: sendCodeRequest,
  setPassword: setPasswordRequest,
  unlock: unlockRequest,
  changePassword: changePasswordRequest,
  methodsSession: methodsSessionRequest,
  methodsRecoveryCodes: methodsRecoveryCodesRequest,
  methodsAuthenticatorBegin: methodsAuthenticatorBeginRequest,
  methodsAuthenticatorConfirm: methodsAuthenticatorConfirmRequest,
  methodsPasskeyBegin: methodsPasskeyBeginRequest,
  methodsPasskeyFinish: methodsPasskeyFinishRequest,
  methodsRemove: methodsRemoveRequest,
  repudiate: repudiateRequest,
};

/** The parts the responses share, as named components. */
const SHARED: Record<string, z.ZodMiniType> = {
  ErrorBody: errorBodySchema,
  PasswordPolicy: passwordPolicySchema,
  Channel: channelSchema,
  Challenge: challengeSchema,
  RecoveryMethods: recoveryMethodsSchema,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const schemaRef = (id: string): JsonObject => ({ $ref: `#/components/schemas/${id}` });
const headerRef = (id: string): JsonObject => ({ $ref: `#/components/headers/${id}` });

/** Every named schema of one direction as components; a named schema inside another is a $ref to it. */
function components(schemas: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    // z.int()'s safe-integer bounds say nothing a reader needs.
    override: ({ jsonSchema }) => {
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  });
  const result: Record<string, JsonObject> = {};
  for (const id of Object.keys(schemas)) {
    const { $schema: _dialect, $id: _id, ...schema } = out[id] as JsonObject;
    result[id] = schema;
  }
  return result;
}

const COMMON_HEADERS = { 'X-Request-Id': headerRef('X-Request-Id'), 'Cache-Control': headerRef('Cache-Control') };

function jsonContent(id: string): JsonObject {
  return { 'application/json': { schema: schemaRef(id) } };
}

function errorResponse(status: number, codes: readonly ErrorCode[]): JsonObject {
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_DOCS[code]}.`).join(' '),
    headers: status === 429 ? { ...COMMON_HEADERS, 'Retry-After': headerRef('Retry-After') } : COMMON_HEADERS,
    content: jsonContent('ErrorBody'),
  };
}

/** The codes of `codes` grouped by status, statuses ascending (codes in the order given). */
function byStatus(codes: readonly ErrorCode[]): [number, ErrorCode[]][] {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) groups.set(ERROR_STATUS[code], [...(groups.get(ERROR_STATUS[code]) ?? []), code]);
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

export function buildOpenApi(): JsonObject {
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  const requests: Record<string, z.ZodMiniType> = {};
  const responses: Record<string, z.ZodMiniType> = { ...SHARED };
  for (const route of ROUTES) {
    // tsc refuses a route without both rows; tsx does not typecheck, so say it here too.
    if (!ROUTE_DOCS[route.name]) throw new Error(`${route.name}: no row in ROUTE_DOCS (functions/http/responses.ts)`);
    if (REQUEST_BODIES[route.name] === undefined)
      throw new Error(`${route.name}: no row in REQUEST_BODIES (scripts/openapi.ts)`);
    const body = REQUEST_BODIES[route.name];
    if (body) requests[`${pascal(route.name)}Request`] = body;
    responses[`${pascal(route.name)}Response`] = ROUTE_DOCS[route.name].response;
  }

  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const doc = ROUTE_DOCS[route.name];
    const operation: JsonObject = {
      operationId: route.name,
      summary: doc.summary,
      parameters: [{ $ref: '#/components/parameters/Accept-Language' }],
      ...(REQUEST_BODIES[route.name]
        ? { requestBody: { required: true, content: jsonContent(`${pascal(route.name)}Request`) } }
        : {}),
      responses: {
        [String(doc.status)]: {
          description: doc.status === 202 ? 'Accepted' : 'OK',
          headers: COMMON_HEADERS,
          content: jsonContent(`${pascal(route.name)}Response`),
        },
        ...Object.fromEntries(
          byStatus(doc.errors).map(([status, codes]) => [String(status), errorResponse(status, codes)]),
        ),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Password self-service for Active Directory: HTTP API',
      version,
      description: [
        'Generated by `npm run openapi` from the code (functions/http/responses.ts, the handlers, functions/http/routes.ts);',
        'do not edit. JSON in and out; request bodies at most 16 KiB; unknown fields are refused (400 `VALIDATION`).',
        'Every response carries `x-request-id` and `cache-control: no-store`; every error has the `ErrorBody` shape,',
        'with messages in the language of `Accept-Language`. An unknown path is 404 `NOT_FOUND`, a known path with',
        'another method 405 `METHOD_NOT_ALLOWED` (components.responses).',
      ].join(' '),
    },
    paths,
    components: {
      schemas: { ...components(responses, 'output'), ...components(requests, 'input') },
      headers: {
        'X-Request-Id': {
          description: "The request's id; error bodies carry it as `requestId`.",
          required: true,
          schema: { type: 'string' },
        },
        'Cache-Control': { description: 'Responses are never cached.', required: true, schema: { const: 'no-store' } },
        'Retry-After': {
          description: 'Seconds until the limit or block ends; the same as `retryAfterSeconds`.',
          required: true,
          schema: { type: 'integer', minimum: 0 },
        },
      },
      parameters: {
        'Accept-Language': {
          name: 'Accept-Language',
          in: 'header',
          required: false,
          description: `The language of messages and question texts: ${LANGUAGES.join(', ')} (English otherwise).`,
          schema: { type: 'string' },
        },
      },
      responses: {
        NotFound: errorResponse(ERROR_STATUS.NOT_FOUND, ['NOT_FOUND']),
        MethodNotAllowed: errorResponse(ERROR_STATUS.METHOD_NOT_ALLOWED, ['METHOD_NOT_ALLOWED']),
      },
    },
  };
}

/** The file's text: 2-space JSON in the order built (the same code builds the same order), trailing newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}

/** The JSON paths where `a` (committed) and `b` (built) differ. */
export function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (Object.is(a, b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) return [`${path}: changed`];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((key) => {
    const at = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
    if (!(key in a)) return [`${at}: added`];
    if (!(key in b)) return [`${at}: removed`];
    return differences(a[key], b[key], at);
  });
}

function main(argv: string[]) {
  const built = renderOpenApi();
  if (!argv.includes('--check')) {
    writeFileSync(OPENAPI_FILE, built);
    console.log(`wrote ${OPENAPI_FILE}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    console.error('docs/openapi.json is missing: run npm run openapi');
    process.exit(1);
  }
  if (committed === built) {
    console.log('docs/openapi.json matches the code');
    return;
  }
  let changes: string[];
  try {
    changes = differences(JSON.parse(committed), JSON.parse(built));
  } catch {
    changes = ['$: not JSON'];
  }
  if (changes.length === 0) changes = ['formatting or key order only'];
  console.error(`docs/openapi.json differs from the code (${changes.length}); run npm run openapi`);
  for (const change of changes.slice(0, 30)) console.error(`  ${change}`);
  if (changes.length > 30) console.error(`  … and ${changes.length - 30} more`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
