/**
 * The API's response bodies as zod schemas (DESIGN §3), and one row per route of what it answers: the source of
 * docs/openapi.json (`npm run openapi`). The handlers check their bodies against these types with `satisfies`, so the
 * code and the contract change together or `npm run typecheck` fails; test/unit/openapi.test.ts parses real responses
 * with them. Handlers import only types from here: the schemas never reach a Lambda bundle.
 *
 * A new challenge type: one line in `challengeSchema` (and its case in core/flow/challenge.ts `Challenge`).
 * A new route: its row in routes.ts ROUTES, its response schema and its row in ROUTE_DOCS below, its request schema
 * in scripts/openapi.ts REQUEST_BODIES; then `npm run openapi`.
 */
import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode, INELIGIBILITY_REASONS, PASSWORD_VIOLATIONS } from '../core/errors.js';
import { RECOVERY_METHODS } from '../core/recovery/policy.js';
import type { RouteName } from './routes.js';

const count = z.int().check(z.nonnegative());

// ---- shared parts

export const passwordPolicySchema = z.strictObject({
  minLength: count,
  maxLength: count,
  complexity: z.boolean(),
  historyLength: count,
  minAgeDays: count,
  /** The rules as sentences in the request's language. */
  rules: z.array(z.string()),
});

/** A contact as the API shows it: `id` opaque and stable within a flow, the destination masked. */
export const channelSchema = z.strictObject({
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  destination: z.string(),
});

/** One challenge type: its `type` and the keys it carries. */
const challenge = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape });

const PASSKEY_TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;

/** A credential as WebAuthn options name it (PublicKeyCredentialDescriptorJSON). */
const passkeyDescriptorSchema = z.strictObject({
  id: z.string(),
  type: z.literal('public-key'),
  transports: z.optional(z.array(z.enum(PASSKEY_TRANSPORTS))),
});

/** PublicKeyCredentialRequestOptionsJSON as a reset's passkey step sends it (core/flow/passkeyStep.ts). */
export const passkeyRequestOptionsSchema = z.strictObject({
  challenge: z.string(),
  rpId: z.string(),
  allowCredentials: z.array(passkeyDescriptorSchema),
  timeout: count,
  userVerification: z.literal('required'),
});

/** A way on the user may choose (docs/recovery.md): `code` with the channels a code may go to. */
const methodOptionSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('questions') }),
  z.strictObject({ method: z.literal('code'), channels: z.array(channelSchema) }),
  z.strictObject({ method: z.literal('authenticator') }),
  z.strictObject({ method: z.literal('recoveryCode') }),
  z.strictObject({ method: z.literal('passkey') }),
]);

/** What a flow asks next (DESIGN §3 `challenge`, docs/recovery.md): one line per type. */
export const challengeSchema = z.discriminatedUnion('type', [
  challenge('question', { questionId: z.string(), text: z.string(), index: count, of: count }),
  challenge('code', { channels: z.array(channelSchema) }),
  challenge('authenticator', {}),
  challenge('recoveryCode', {}),
  challenge('passkey', { options: passkeyRequestOptionsSchema }),
  challenge('choose', { options: z.array(methodOptionSchema) }),
  challenge('verified', { passwordPolicy: z.optional(passwordPolicySchema) }),
]);

/** Every error (functions/http/errors.ts); the keys after requestId appear only where they apply. */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
    reason: z.optional(z.enum(INELIGIBILITY_REASONS)),
    violations: z.optional(z.array(z.enum(PASSWORD_VIOLATIONS))),
    retryAfterSeconds: z.optional(count),
  }),
});
export type ErrorBody = z.output<typeof errorBodySchema>;

/** What an account holds of each recovery method and what the policy offers (never a secret of a method). */
export const recoveryMethodsSchema = z.strictObject({
  offered: z.array(z.enum(RECOVERY_METHODS)),
  questions: z.strictObject({ enrolled: z.boolean() }),
  authenticator: z.strictObject({ enrolled: z.boolean(), addedAt: z.optional(z.iso.datetime()) }),
  recoveryCodes: z.strictObject({ remaining: count, issuedAt: z.optional(z.iso.datetime()) }),
  passkeys: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      addedAt: z.iso.datetime(),
      lastUsedAt: z.optional(z.iso.datetime()),
    }),
  ),
  /** Whether the account can complete some alternative of the policy with what it holds now (a reset can pass). */
  canRecover: z.boolean(),
});

/** PublicKeyCredentialCreationOptionsJSON as this service sends it (core/methods/passkeys.ts). */
export const passkeyCreationOptionsSchema = z.strictObject({
  challenge: z.string(),
  rp: z.strictObject({ name: z.string(), id: z.string() }),
  user: z.strictObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.strictObject({ alg: z.int(), type: z.literal('public-key') })),
  timeout: count,
  attestation: z.literal('none'),
  excludeCredentials: z.array(passkeyDescriptorSchema),
  authenticatorSelection: z.strictObject({
    residentKey: z.literal('preferred'),
    userVerification: z.literal('required'),
    requireResidentKey: z.boolean(),
  }),
  extensions: z.strictObject({ credProps: z.boolean() }),
});

// ---- one success body per route

const contactSetting = z.enum(['optional', 'required', 'off']);

export const healthResponse = z.strictObject({ ok: z.literal(true), version: z.string() });
export const configResponse = z.strictObject({
  questions: z.array(z.strictObject({ id: z.string(), text: z.string() })),
  enrollment: z.strictObject({
    questionsRequired: count,
    answerMinLength: count,
    answerMaxLength: count,
    email: contactSetting,
    phone: contactSetting,
  }),
  reset: z.strictObject({ questionsAsked: count, codeLength: count }),
  /** The methods of the recovery policy in force; without `questions`, enroll takes contacts only. */
  recovery: z.strictObject({ offered: z.array(z.enum(RECOVERY_METHODS)) }),
  passwordPolicy: passwordPolicySchema,
});
export const enrollResponse = z.strictObject({
  enrolled: z.literal(true),
  questionIds: z.array(z.string()),
  pendingContacts: z.array(channelSchema),
  enrollmentToken: z.optional(z.string()),
});
export const verifyContactResponse = z.strictObject({ verified: z.literal(true), channel: channelSchema });
/**
 * The name the flow is for, as reduced from what was typed (`CORP\Alice` and `alice@corp.example.test` are `alice`),
 * never the directory's form: the same for a name that exists and one that does not. On every step, for "Not you?".
 */
const flowUsername = z.string();
export const startResetResponse = z.strictObject({
  flowId: z.string(),
  expiresInSeconds: count,
  username: flowUsername,
  challenge: challengeSchema,
});
export const answerResponse = z.strictObject({ username: flowUsername, challenge: challengeSchema });
export const resetPasskeyResponse = z.strictObject({ username: flowUsername, challenge: challengeSchema });
export const sendCodeResponse = z.strictObject({
  sent: z.literal(true),
  username: flowUsername,
  destination: z.string(),
  expiresInSeconds: count,
  resendAfterSeconds: count,
});
export const setPasswordResponse = z.strictObject({ passwordChanged: z.literal(true), unlocked: z.boolean() });
export const unlockResponse = z.strictObject({ unlocked: z.boolean() });
export const changePasswordResponse = z.strictObject({ passwordChanged: z.literal(true) });
export const methodsSessionResponse = z.strictObject({
  methodsToken: z.string(),
  expiresInSeconds: count,
  methods: recoveryMethodsSchema,
});
export const methodsRecoveryCodesResponse = z.strictObject({
  /** Shown once: the store keeps only their keyed hashes. */
  codes: z.array(z.string()),
  issuedAt: z.iso.datetime(),
});
export const methodsAuthenticatorBeginResponse = z.strictObject({
  /** The seed in base32, for typing into an app; `otpauthUri` carries it for a QR code. */
  secret: z.string(),
  otpauthUri: z.string(),
});
export const methodsAuthenticatorConfirmResponse = z.strictObject({
  added: z.literal(true),
  addedAt: z.iso.datetime(),
});
export const methodsRemoveResponse = z.strictObject({ removed: z.literal(true), methods: recoveryMethodsSchema });
export const repudiateResponse = z.strictObject({ reported: z.literal(true) });
export const methodsPasskeyBeginResponse = z.strictObject({ options: passkeyCreationOptionsSchema });
export const methodsPasskeyFinishResponse = z.strictObject({
  added: z.literal(true),
  passkey: z.strictObject({ id: z.string(), name: z.string(), addedAt: z.iso.datetime() }),
});

export type HealthResponse = z.output<typeof healthResponse>;
export type ConfigResponse = z.output<typeof configResponse>;
export type EnrollResponse = z.output<typeof enrollResponse>;
export type VerifyContactResponse = z.output<typeof verifyContactResponse>;
export type StartResetResponse = z.output<typeof startResetResponse>;
export type AnswerResponse = z.output<typeof answerResponse>;
export type ResetPasskeyResponse = z.output<typeof resetPasskeyResponse>;
export type SendCodeResponse = z.output<typeof sendCodeResponse>;
export type SetPasswordResponse = z.output<typeof setPasswordResponse>;
export type UnlockResponse = z.output<typeof unlockResponse>;
export type ChangePasswordResponse = z.output<typeof changePasswordResponse>;
export type MethodsSessionResponse = z.output<typeof methodsSessionResponse>;
export type MethodsRecoveryCodesResponse = z.output<typeof methodsRecoveryCodesResponse>;
export type MethodsAuthenticatorBeginResponse = z.output<typeof methodsAuthenticatorBeginResponse>;
export type MethodsAuthenticatorConfirmResponse = z.output<typeof methodsAuthenticatorConfirmResponse>;
export type MethodsRemoveResponse = z.output<typeof methodsRemoveResponse>;
export type RepudiateResponse = z.output<typeof repudiateResponse>;
export type MethodsPasskeyBeginResponse = z.output<typeof methodsPasskeyBeginResponse>;
export type MethodsPasskeyFinishResponse = z.output<typeof methodsPasskeyFinishResponse>;

// ---- what each route answers

export interface RouteDoc {
  summary: string;
  /** The success status and body. */
  status: 200 | 202;
  response: z.ZodMiniType;
  /** The error codes it can answer (statuses from errorStatus.ts); 404 and 405 come from the `$default` route. */
  errors: readonly ErrorCode[];
}

/** Every request body can be refused as VALIDATION; every route can fail as INTERNAL. */
const FLOW_STEP: readonly ErrorCode[] = ['VALIDATION', 'VERIFICATION_FAILED', 'WRONG_STEP', 'FLOW_EXPIRED'];

/** A step with a methods token: its shape, the session, the account read again, the limits, a race. */
const METHODS_STEP: readonly ErrorCode[] = [
  'VALIDATION',
  'NOT_ELIGIBLE',
  'WRONG_STEP',
  'FLOW_EXPIRED',
  'RATE_LIMITED',
  'DIRECTORY_UNAVAILABLE',
  'INTERNAL',
];

export const ROUTE_DOCS: Record<RouteName, RouteDoc> = {
  health: {
    summary: 'Says the function runs; touches nothing behind it',
    status: 200,
    response: healthResponse,
    errors: ['INTERNAL'],
  },
  config: {
    summary:
      'The questions, the answer rules, the contact settings, the methods the recovery policy offers and the domain password policy',
    status: 200,
    response: configResponse,
    errors: ['DIRECTORY_UNAVAILABLE', 'INTERNAL'],
  },
  enroll: {
    summary:
      'Prove the AD password, store the hashed answers and contacts (contacts only under a policy without questions); new contacts get a code',
    status: 200,
    response: enrollResponse,
    errors: [
      'VALIDATION',
      'BAD_CREDENTIALS',
      'NOT_ELIGIBLE',
      'BLOCKED',
      'RATE_LIMITED',
      'DIRECTORY_UNAVAILABLE',
      'INTERNAL',
    ],
  },
  verifyContact: {
    summary: 'Confirm a new e-mail or phone given at enrollment with the code sent to it',
    status: 200,
    response: verifyContactResponse,
    errors: [...FLOW_STEP, 'RATE_LIMITED', 'INTERNAL'],
  },
  startReset: {
    summary: 'Open a reset or unlock flow; returns the first challenge',
    status: 200,
    response: startResetResponse,
    errors: [
      'VALIDATION',
      'NOT_ELIGIBLE',
      'NOT_ENROLLED',
      'BLOCKED',
      'RATE_LIMITED',
      'DIRECTORY_UNAVAILABLE',
      'INTERNAL',
    ],
  },
  resetPasskey: {
    summary:
      "Answer the passkey step with a passkey's assertion (its challenge is the step's, used once); returns the next challenge",
    status: 200,
    response: resetPasskeyResponse,
    errors: [...FLOW_STEP, 'DIRECTORY_UNAVAILABLE', 'INTERNAL'],
  },
  answer: {
    summary:
      'Answer the current challenge (a question, a sent code, an authenticator code or a recovery code); returns the next challenge',
    status: 200,
    response: answerResponse,
    errors: [...FLOW_STEP, 'DIRECTORY_UNAVAILABLE', 'INTERNAL'],
  },
  chooseMethod: {
    summary:
      'Choose the way on among the options of a choose challenge (or switch between them); returns its challenge',
    status: 200,
    response: answerResponse,
    errors: [...FLOW_STEP, 'INTERNAL'],
  },
  sendCode: {
    summary: "Send a verification code to one of the code challenge's channels",
    status: 202,
    response: sendCodeResponse,
    errors: [...FLOW_STEP, 'RATE_LIMITED', 'INTERNAL'],
  },
  setPassword: {
    summary: 'Set a new password on a verified reset flow; also unlocks',
    status: 200,
    response: setPasswordResponse,
    errors: [...FLOW_STEP, 'NOT_ELIGIBLE', 'PASSWORD_POLICY', 'DIRECTORY_UNAVAILABLE', 'INTERNAL'],
  },
  unlock: {
    summary: 'Unlock the account on a verified unlock flow',
    status: 200,
    response: unlockResponse,
    errors: [...FLOW_STEP, 'NOT_ELIGIBLE', 'DIRECTORY_UNAVAILABLE', 'INTERNAL'],
  },
  changePassword: {
    summary: 'Change a known password (old and new)',
    status: 200,
    response: changePasswordResponse,
    errors: [
      'VALIDATION',
      'BAD_CREDENTIALS',
      'NOT_ELIGIBLE',
      'PASSWORD_POLICY',
      'RATE_LIMITED',
      'DIRECTORY_UNAVAILABLE',
      'INTERNAL',
    ],
  },
  methodsSession: {
    summary: 'Prove the AD password as enroll does; returns a token for adding and removing recovery methods',
    status: 200,
    response: methodsSessionResponse,
    errors: [
      'VALIDATION',
      'BAD_CREDENTIALS',
      'NOT_ELIGIBLE',
      'BLOCKED',
      'RATE_LIMITED',
      'DIRECTORY_UNAVAILABLE',
      'INTERNAL',
    ],
  },
  methodsRecoveryCodes: {
    summary: 'A new set of 10 recovery codes, shown once, replacing the old set',
    status: 200,
    response: methodsRecoveryCodesResponse,
    errors: METHODS_STEP,
  },
  methodsAuthenticatorBegin: {
    summary: "A new authenticator app seed (text and otpauth URI), kept sealed on the session until it's confirmed",
    status: 200,
    response: methodsAuthenticatorBeginResponse,
    errors: METHODS_STEP,
  },
  methodsAuthenticatorConfirm: {
    summary: 'Store the begun authenticator with a current code of it; codes.maxTries wrong codes end the session',
    status: 200,
    response: methodsAuthenticatorConfirmResponse,
    errors: [...METHODS_STEP, 'VERIFICATION_FAILED'],
  },
  methodsPasskeyBegin: {
    summary:
      'The options of a passkey registration (WebAuthn); its challenge is kept on the session, only as its hash, until finish',
    status: 200,
    response: methodsPasskeyBeginResponse,
    errors: METHODS_STEP,
  },
  methodsPasskeyFinish: {
    summary: 'Store the passkey made for the begun challenge, named; a failed verification counts as a wrong code',
    status: 200,
    response: methodsPasskeyFinishResponse,
    errors: [...METHODS_STEP, 'VERIFICATION_FAILED'],
  },
  methodsRemove: {
    summary: 'Remove the authenticator app, the recovery codes or one passkey (by its id)',
    status: 200,
    response: methodsRemoveResponse,
    errors: METHODS_STEP,
  },
  repudiate: {
    summary:
      'Use a notice\'s single-use "This wasn\'t me" token: blocks self-service for the account, ends its open flow, ' +
      'audits and alerts the operators',
    status: 200,
    response: repudiateResponse,
    errors: ['VALIDATION', 'FLOW_EXPIRED', 'RATE_LIMITED', 'INTERNAL'],
  },
};

/** When each error code is answered (DESIGN §3), for the error responses' descriptions. */
export const ERROR_DOCS: Record<ErrorCode, string> = {
  VALIDATION:
    'Malformed or rule-breaking input, wrong content type, body over 16 KiB, invalid JSON; `fields` names each field',
  BAD_CREDENTIALS: 'Username or password wrong, or the account is locked (one answer for all three)',
  NOT_ELIGIBLE: 'The account may not use self-service (after the password is proven, or in reveal mode); `reason`',
  NOT_ENROLLED: 'The account is not enrolled (reveal mode only)',
  VERIFICATION_FAILED: 'The questions or the code failed; later calls on that flow get 410',
  NOT_FOUND: 'Unknown route',
  METHOD_NOT_ALLOWED: 'Known route, wrong method',
  WRONG_STEP: "The request does not fit the flow's current step or purpose, or another request on it is running",
  FLOW_EXPIRED: 'Unknown, expired, failed or already used flow, enrollment, methods or "This wasn\'t me" token',
  PASSWORD_POLICY: 'The new password is refused; `violations`',
  BLOCKED:
    'Self-service is blocked for this user: at start in reveal mode only; at enroll and methods session after the password is proven, while a "This wasn\'t me" report stands; `retryAfterSeconds`',
  RATE_LIMITED: 'Too many requests or failures from this address or for this user; `retryAfterSeconds`',
  DIRECTORY_UNAVAILABLE: 'No domain controller answered in time',
  INTERNAL: 'Anything else; no detail leaves the server, the request id does',
};
