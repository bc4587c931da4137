/**
 * The one error type of the domain (DESIGN §3): a code from ERROR_CODES and its details. The domain knows no HTTP: the
 * code's status is in functions/http/errorStatus.ts. Anything thrown that is not an SsprError becomes a generic
 * INTERNAL with no detail.
 */

export const ERROR_CODES = [
  'VALIDATION',
  'BAD_CREDENTIALS',
  'NOT_ELIGIBLE',
  'NOT_ENROLLED',
  'VERIFICATION_FAILED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'WRONG_STEP',
  'FLOW_EXPIRED',
  'PASSWORD_POLICY',
  'BLOCKED',
  'RATE_LIMITED',
  'DIRECTORY_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const INELIGIBILITY_REASONS = [
  'DISABLED',
  'EXPIRED',
  'LOGON_HOURS',
  'WORKSTATION',
  'CANNOT_CHANGE_PASSWORD',
  'MUST_CHANGE_PASSWORD',
  'PASSWORD_EXPIRED',
  'PROTECTED_ACCOUNT',
  'NO_VERIFICATION_CHANNEL',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

export const PASSWORD_VIOLATIONS = [
  'MIN_LENGTH',
  'MAX_LENGTH',
  'COMPLEXITY',
  'CONTAINS_NAME',
  'BANNED',
  'HISTORY',
  'TOO_RECENT',
  'DIRECTORY_REFUSED',
] as const;
export type PasswordViolation = (typeof PASSWORD_VIOLATIONS)[number];

/**
 * A field problem: the message key of core/messages.ts and its parameters; the HTTP layer renders it in the
 * request's language, so domain code never deals in sentences.
 */
export interface FieldProblem {
  message: string;
  params?: Record<string, string | number>;
}

export interface SsprErrorDetails {
  fields?: Record<string, FieldProblem>;
  reason?: IneligibilityReason;
  violations?: PasswordViolation[];
  retryAfterSeconds?: number;
}

export class SsprError extends Error {
  override readonly name = 'SsprError';
  constructor(
    readonly code: ErrorCode,
    readonly details: SsprErrorDetails = {},
  ) {
    super(code);
  }
}

/** A request whose fields break the rules: one problem per field (dot paths, 0-based indexes, `body` for the whole). */
export function validationError(fields: Record<string, FieldProblem>): SsprError {
  return new SsprError('VALIDATION', { fields });
}
