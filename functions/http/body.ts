/** JSON request bodies: content type, size, syntax and shape, each refused as VALIDATION naming the field. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { type FieldProblem, validationError } from '../core/errors.js';
import { header } from './context.js';

export const MAX_BODY_BYTES = 16 * 1024;

export function parseJsonBody<S extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> {
  const mediaType = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw validationError({ body: { message: 'body.contentType' } });

  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw validationError({ body: { message: 'body.tooLarge', params: { max: MAX_BODY_BYTES } } });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw validationError({ body: { message: 'body.invalidJson' } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationError({ body: { message: 'body.notObject' } });
  }

  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  throw validationError(shapeProblems(result.error.issues, parsed));
}

function shapeProblems(issues: z.core.$ZodIssue[], input: unknown): Record<string, FieldProblem> {
  // No prototype: a field named __proto__ or constructor must land as a key of its own, not read as Object's.
  const fields: Record<string, FieldProblem> = Object.create(null);
  const add = (path: PropertyKey[], problem: FieldProblem) => {
    const key = path.length ? path.map(String).join('.') : 'body';
    if (!Object.hasOwn(fields, key)) fields[key] = problem;
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], { message: 'field.unknown' });
    } else if (issue.code === 'too_big') {
      add(issue.path, { message: 'field.tooLong' });
    } else if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      add(issue.path, { message: 'field.required' });
    } else {
      add(issue.path, { message: 'field.type' });
    }
  }
  return fields;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    // Own keys only: `constructor` of a body that has none is no value the client sent.
    value = Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value;
}
