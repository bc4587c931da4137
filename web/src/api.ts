/**
 * The HTTP API as the page uses it (DESIGN §3): same origin, JSON in and out, Accept-Language = the UI language.
 * Every call resolves (never throws): either the success body or an `ApiError` in the §3 error shape. A network
 * failure, a timeout or a body that is not the §3 shape are mapped onto that shape too, so pages handle one thing.
 */
import type { Language } from './i18n.js';
import type { RequestOptionsJSON } from './webauthn.js';

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
  /** The methods of the recovery policy in force (absent from an older server: questions assumed). */
  recovery?: { offered: RecoveryMethod[] };
  passwordPolicy: PasswordPolicy;
}

/**
 * Whether the recovery policy asks security questions. Without them enroll takes contacts only, and setting up
 * means "your recovery methods" (#/methods).
 */
export function questionsOffered(config: PublicConfig): boolean {
  return config.recovery === undefined || config.recovery.offered.includes('questions');
}

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  complexity: boolean;
  historyLength: number;
  minAgeDays: number;
  rules: string[];
}

export interface Channel {
  id: string;
  channel: 'email' | 'sms';
  destination: string;
}

export interface EnrollRequest {
  username: string;
  password: string;
  /** Sent only when the policy asks questions (the server refuses them otherwise). */
  answers?: { questionId: string; answer: string }[];
  email?: string;
  phone?: string;
}

export interface EnrollResponse {
  enrolled: true;
  questionIds: string[];
  pendingContacts: Channel[];
  enrollmentToken?: string;
}

export type Purpose = 'reset' | 'unlock';

/** A way on the user may choose (docs/recovery.md): `code` with the channels a code may go to. */
export type MethodOption =
  | { method: 'questions' }
  | { method: 'code'; channels: Channel[] }
  | { method: 'authenticator' }
  | { method: 'recoveryCode' }
  | { method: 'passkey' };

export type ChoosableMethod = MethodOption['method'];

export type Challenge =
  | { type: 'question'; questionId: string; text: string; index: number; of: number }
  | { type: 'code'; channels: Channel[] }
  | { type: 'authenticator' }
  | { type: 'recoveryCode' }
  | { type: 'passkey'; options: RequestOptionsJSON }
  | { type: 'choose'; options: MethodOption[] }
  | { type: 'verified'; passwordPolicy?: PasswordPolicy };

export type RecoveryMethod = 'questions' | 'email' | 'sms' | 'authenticator' | 'recoveryCode' | 'passkey';

/** What an account holds of each recovery method and what the policy offers (never a secret of a method). */
export interface RecoveryMethods {
  offered: RecoveryMethod[];
  questions: { enrolled: boolean };
  authenticator: { enrolled: boolean; addedAt?: string };
  recoveryCodes: { remaining: number; issuedAt?: string };
  passkeys: Passkey[];
  /** Whether a reset can pass with what the account holds now (absent from an older server). */
  canRecover?: boolean;
}

/** A passkey of the account as the methods routes list it (never its key). */
export interface Passkey {
  id: string;
  name: string;
  addedAt: string;
  lastUsedAt?: string;
}

export interface MethodsSession {
  methodsToken: string;
  expiresInSeconds: number;
  methods: RecoveryMethods;
}

/** The two methods the methods page adds and removes. */
export type ManagedMethod = 'authenticator' | 'recoveryCodes';

export interface StartResponse {
  flowId: string;
  expiresInSeconds: number;
  /** The name as the server reduced what was typed; every step's response carries it (absent from an older API). */
  username?: string;
  challenge: Challenge;
}

export interface CodeSent {
  sent: true;
  destination: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
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

export function isRecord(value: unknown): value is Record<string, unknown> {
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

export async function call<T>(
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
    isContactSetting(e.phone) &&
    (value.recovery === undefined ||
      (isRecord(value.recovery) &&
        Array.isArray(value.recovery.offered) &&
        value.recovery.offered.every((method) => typeof method === 'string'))) &&
    isPolicy(value.passwordPolicy)
  );
}

function isChannel(c: unknown): c is Channel {
  return (
    isRecord(c) &&
    typeof c.id === 'string' &&
    (c.channel === 'email' || c.channel === 'sms') &&
    typeof c.destination === 'string'
  );
}

function isPolicy(value: unknown): value is PasswordPolicy {
  return (
    isRecord(value) &&
    typeof value.minLength === 'number' &&
    typeof value.maxLength === 'number' &&
    typeof value.complexity === 'boolean' &&
    Array.isArray(value.rules) &&
    value.rules.every((rule) => typeof rule === 'string')
  );
}

export function isChallenge(value: unknown): value is Challenge {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'question':
      return typeof value.text === 'string' && typeof value.index === 'number' && typeof value.of === 'number';
    case 'code':
      return Array.isArray(value.channels) && value.channels.every(isChannel);
    case 'authenticator':
    case 'recoveryCode':
      return true;
    case 'passkey':
      return isRecord(value.options) && typeof value.options.challenge === 'string';
    case 'choose':
      return Array.isArray(value.options) && value.options.every(isMethodOption);
    case 'verified':
      return value.passwordPolicy === undefined || isPolicy(value.passwordPolicy);
    default:
      return false;
  }
}

function isMethodOption(value: unknown): value is MethodOption {
  if (!isRecord(value)) return false;
  switch (value.method) {
    case 'code':
      return Array.isArray(value.channels) && value.channels.every(isChannel);
    case 'questions':
    case 'authenticator':
    case 'recoveryCode':
    case 'passkey':
      return true;
    default:
      return false;
  }
}

export function isRecoveryMethods(value: unknown): value is RecoveryMethods {
  return (
    isRecord(value) &&
    Array.isArray(value.offered) &&
    value.offered.every((method) => typeof method === 'string') &&
    isRecord(value.questions) &&
    typeof value.questions.enrolled === 'boolean' &&
    isRecord(value.authenticator) &&
    typeof value.authenticator.enrolled === 'boolean' &&
    isRecord(value.recoveryCodes) &&
    typeof value.recoveryCodes.remaining === 'number' &&
    Array.isArray(value.passkeys) &&
    value.passkeys.every(isPasskey)
  );
}

function isPasskey(value: unknown): value is Passkey {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    typeof value.addedAt === 'string'
  );
}

const isMethodsSession = (v: unknown): v is MethodsSession =>
  isRecord(v) &&
  typeof v.methodsToken === 'string' &&
  typeof v.expiresInSeconds === 'number' &&
  isRecoveryMethods(v.methods);
const isCodesIssued = (v: unknown): v is { codes: string[]; issuedAt: string } =>
  isRecord(v) &&
  Array.isArray(v.codes) &&
  v.codes.every((code) => typeof code === 'string') &&
  typeof v.issuedAt === 'string';
const isAuthenticatorBegun = (v: unknown): v is { secret: string; otpauthUri: string } =>
  isRecord(v) && typeof v.secret === 'string' && typeof v.otpauthUri === 'string';
const isAuthenticatorAdded = (v: unknown): v is { added: true; addedAt: string } =>
  isRecord(v) && v.added === true && typeof v.addedAt === 'string';
const isRemoved = (v: unknown): v is { removed: true; methods: RecoveryMethods } =>
  isRecord(v) && v.removed === true && isRecoveryMethods(v.methods);
const isStart = (v: unknown): v is StartResponse =>
  isRecord(v) && typeof v.flowId === 'string' && typeof v.expiresInSeconds === 'number' && isChallenge(v.challenge);
const isChallengeBody = (v: unknown): v is { challenge: Challenge } => isRecord(v) && isChallenge(v.challenge);
const isCodeSent = (v: unknown): v is CodeSent =>
  isRecord(v) &&
  v.sent === true &&
  typeof v.destination === 'string' &&
  typeof v.expiresInSeconds === 'number' &&
  typeof v.resendAfterSeconds === 'number';
const isPasswordChanged = (v: unknown): v is { passwordChanged: true; unlocked?: boolean } =>
  isRecord(v) && v.passwordChanged === true;
const isUnlocked = (v: unknown): v is { unlocked: boolean } => isRecord(v) && typeof v.unlocked === 'boolean';
const isVerified = (v: unknown): v is { verified: true; channel: Channel } =>
  isRecord(v) && v.verified === true && isChannel(v.channel);

function isEnrollResponse(value: unknown): value is EnrollResponse {
  return (
    isRecord(value) &&
    value.enrolled === true &&
    Array.isArray(value.questionIds) &&
    Array.isArray(value.pendingContacts) &&
    value.pendingContacts.every(isChannel) &&
    (value.enrollmentToken === undefined || typeof value.enrollmentToken === 'string')
  );
}

const configCache = new Map<Language, PublicConfig>();

/** The config already loaded in any language, for what does not depend on the language (the policy); else undefined. */
export function loadedConfig(): PublicConfig | undefined {
  return configCache.values().next().value;
}

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

/** POST /api/enroll/verify: confirm a new contact with the code sent to it. */
export function verifyContact(
  request: { enrollmentToken: string; channelId: string; code: string },
  language: Language,
): Promise<ApiResult<{ verified: true; channel: Channel }>> {
  return call('POST', '/api/enroll/verify', language, isVerified, request);
}

/** POST /api/reset/start: opens a reset or unlock flow. */
export function startFlow(username: string, purpose: Purpose, language: Language): Promise<ApiResult<StartResponse>> {
  return call('POST', '/api/reset/start', language, isStart, { username, purpose });
}

/** POST /api/reset/answer: the answer to a question, or the code. */
export function answerChallenge(
  flowId: string,
  answer: string,
  language: Language,
): Promise<ApiResult<{ challenge: Challenge }>> {
  return call('POST', '/api/reset/answer', language, isChallengeBody, { flowId, answer });
}

/** POST /api/reset/choose: the way on among a choice's options (or another of them, from a method step). */
export function chooseMethod(
  flowId: string,
  method: ChoosableMethod,
  language: Language,
): Promise<ApiResult<{ challenge: Challenge }>> {
  return call('POST', '/api/reset/choose', language, isChallengeBody, { flowId, method });
}

/** POST /api/reset/code: send (or send again) a code to one of the offered channels. */
export function sendCode(flowId: string, channelId: string, language: Language): Promise<ApiResult<CodeSent>> {
  return call('POST', '/api/reset/code', language, isCodeSent, { flowId, channelId });
}

/** POST /api/reset/password on a verified reset flow. */
export function setPassword(
  flowId: string,
  newPassword: string,
  language: Language,
): Promise<ApiResult<{ passwordChanged: true; unlocked?: boolean }>> {
  return call('POST', '/api/reset/password', language, isPasswordChanged, { flowId, newPassword });
}

/** POST /api/unlock on a verified unlock flow. */
export function unlockAccount(flowId: string, language: Language): Promise<ApiResult<{ unlocked: boolean }>> {
  return call('POST', '/api/unlock', language, isUnlocked, { flowId });
}

/** POST /api/repudiate: the "This wasn't me" link of a notice (blocks self-service for the account, alerts IT). */
export function repudiate(token: string, language: Language): Promise<ApiResult<{ reported: true }>> {
  const isReported = (v: unknown): v is { reported: true } => isRecord(v) && v.reported === true;
  return call('POST', '/api/repudiate', language, isReported, { token });
}

/** POST /api/change: a known password for a new one. */
export function changePassword(
  request: { username: string; oldPassword: string; newPassword: string },
  language: Language,
): Promise<ApiResult<{ passwordChanged: true }>> {
  return call('POST', '/api/change', language, isPasswordChanged, request);
}

/** POST /api/methods/session: the password proven, a token for adding and removing recovery methods. */
export function startMethodsSession(
  request: { username: string; password: string },
  language: Language,
): Promise<ApiResult<MethodsSession>> {
  return call('POST', '/api/methods/session', language, isMethodsSession, request);
}

/** POST /api/methods/recovery-codes: a new set of codes, shown once, replacing the old set. */
export function createRecoveryCodes(
  methodsToken: string,
  language: Language,
): Promise<ApiResult<{ codes: string[]; issuedAt: string }>> {
  return call('POST', '/api/methods/recovery-codes', language, isCodesIssued, { methodsToken });
}

/** POST /api/methods/authenticator/begin: a new seed (text and otpauth URI) for an authenticator app. */
export function beginAuthenticator(
  methodsToken: string,
  language: Language,
): Promise<ApiResult<{ secret: string; otpauthUri: string }>> {
  return call('POST', '/api/methods/authenticator/begin', language, isAuthenticatorBegun, { methodsToken });
}

/** POST /api/methods/authenticator/confirm: the begun app is stored once a current code of it is typed. */
export function confirmAuthenticator(
  methodsToken: string,
  code: string,
  language: Language,
): Promise<ApiResult<{ added: true; addedAt: string }>> {
  return call('POST', '/api/methods/authenticator/confirm', language, isAuthenticatorAdded, { methodsToken, code });
}

/**
 * POST /api/methods/remove: the authenticator app or the recovery codes go. `leaveNoRecovery` confirms a removal the
 * server refused because it would leave the account no way to reset (VALIDATION naming `confirm`).
 */
export function removeMethod(
  methodsToken: string,
  method: ManagedMethod,
  language: Language,
  leaveNoRecovery = false,
): Promise<ApiResult<{ removed: true; methods: RecoveryMethods }>> {
  return call('POST', '/api/methods/remove', language, isRemoved, {
    methodsToken,
    method,
    ...(leaveNoRecovery ? { confirm: 'leave-no-recovery' } : {}),
  });
}
