/**
 * The HTTP API as the page uses it (DESIGN §3): same origin, JSON in and out, Accept-Language = the UI language.
 * Every call resolves (never throws): either the success body or an `ApiError` in the §3 error shape. A network
 * failure, a timeout or a body that is not the §3 shape are mapped onto that shape too, so pages handle one thing.
 */
import type { Language } from './i18n.js';

export type ContactSetting = 'optional' | 'required' | 'off';

export interface PublicConfig {
  questions: { id: string; text: string }[];
  enrollment: {
    questionsRequired: number;
    answerMinLength: number;
    answerMaxLength: number;
    email: ContactSetting;
    phone: ContactSetting;
  };
  reset: { questionsAsked: number; codeLength: number };
  passwordPolicy: unknown;
}

export interface Channel {
  id: string;
  channel: 'email' | 'sms';
  destination: string;
}

export interface EnrollRequest {
  username: string;
  password: string;
  answers: { questionId: string; answer: string }[];
  email?: string;
  phone?: string;
}

export interface EnrollResponse {
  enrolled: true;
  questionIds: string[];
  pendingContacts: Channel[];
  enrollmentToken?: string;
}

/** `NETWORK` is the page's own code: the request never got an answer (offline, DNS, timeout). */
export type ErrorCode =
  | 'VALIDATION'
  | 'BAD_CREDENTIALS'
  | 'NOT_ELIGIBLE'
  | 'NOT_ENROLLED'
  | 'VERIFICATION_FAILED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'WRONG_STEP'
  | 'FLOW_EXPIRED'
  | 'PASSWORD_POLICY'
  | 'BLOCKED'
  | 'RATE_LIMITED'
  | 'DIRECTORY_UNAVAILABLE'
  | 'INTERNAL'
  | 'NETWORK';

export interface ApiError {
  code: ErrorCode | (string & {});
  /** The server's sentence in the request's language; empty when the server sent none (then the page words it). */
  message: string;
  requestId: string;
  fields?: Record<string, string>;
  reason?: string;
  violations?: string[];
  retryAfterSeconds?: number;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: ApiError };

const TIMEOUT_MS = 30_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) if (typeof text === 'string') out[key] = text;
  return out;
}

/** Reads a §3 error body; anything else becomes INTERNAL carrying the x-request-id header, if there was one. */
function toApiError(body: unknown, headerRequestId: string): ApiError {
  const raw = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!raw || typeof raw.code !== 'string') return { code: 'INTERNAL', message: '', requestId: headerRequestId };
  const error: ApiError = {
    code: raw.code,
    message: typeof raw.message === 'string' ? raw.message : '',
    requestId: typeof raw.requestId === 'string' ? raw.requestId : headerRequestId,
  };
  const fields = stringRecord(raw.fields);
  if (fields) error.fields = fields;
  if (typeof raw.reason === 'string') error.reason = raw.reason;
  if (Array.isArray(raw.violations)) error.violations = raw.violations.filter((v) => typeof v === 'string');
  if (typeof raw.retryAfterSeconds === 'number' && Number.isFinite(raw.retryAfterSeconds)) {
    error.retryAfterSeconds = Math.max(0, raw.retryAfterSeconds);
  }
  return error;
}

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  language: Language,
  isBody: (value: unknown) => value is T,
  body?: unknown,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  init.signal = AbortSignal.timeout(TIMEOUT_MS);

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, error: { code: 'NETWORK', message: '', requestId: '' } };
  }
  const requestId = response.headers.get('x-request-id') ?? '';
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  if (response.ok && isBody(parsed)) return { ok: true, data: parsed };
  return { ok: false, status: response.status, error: toApiError(parsed, requestId) };
}

const isContactSetting = (v: unknown): v is ContactSetting => v === 'optional' || v === 'required' || v === 'off';

function isConfig(value: unknown): value is PublicConfig {
  if (!isRecord(value) || !Array.isArray(value.questions) || !isRecord(value.enrollment)) return false;
  const e = value.enrollment;
  return (
    value.questions.every((q) => isRecord(q) && typeof q.id === 'string' && typeof q.text === 'string') &&
    typeof e.questionsRequired === 'number' &&
    typeof e.answerMinLength === 'number' &&
    typeof e.answerMaxLength === 'number' &&
    isContactSetting(e.email) &&
    isContactSetting(e.phone)
  );
}

function isEnrollResponse(value: unknown): value is EnrollResponse {
  return (
    isRecord(value) &&
    value.enrolled === true &&
    Array.isArray(value.questionIds) &&
    Array.isArray(value.pendingContacts) &&
    value.pendingContacts.every(
      (c) =>
        isRecord(c) &&
        typeof c.id === 'string' &&
        (c.channel === 'email' || c.channel === 'sms') &&
        typeof c.destination === 'string',
    )
  );
}

const configCache = new Map<Language, PublicConfig>();

/** GET /api/config, once per language per page load (question texts come in the request's language). */
export async function getConfig(language: Language): Promise<ApiResult<PublicConfig>> {
  const cached = configCache.get(language);
  if (cached) return { ok: true, data: cached };
  const result = await call('GET', '/api/config', language, isConfig);
  if (result.ok) configCache.set(language, result.data);
  return result;
}

/** POST /api/enroll. The caller drops the password as soon as this resolves. */
export function enroll(request: EnrollRequest, language: Language): Promise<ApiResult<EnrollResponse>> {
  return call('POST', '/api/enroll', language, isEnrollResponse, request);
}
