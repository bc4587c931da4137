/**
 * The one error type of the domain and its one mapping to HTTP (DESIGN §3).
 * Anything thrown that is not an SsprError becomes a generic 500 INTERNAL with no detail.
 */

export const ERROR_STATUS = {
  VALIDATION: 400,
  BAD_CREDENTIALS: 401,
  NOT_ELIGIBLE: 403,
  NOT_ENROLLED: 403,
  VERIFICATION_FAILED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  WRONG_STEP: 409,
  FLOW_EXPIRED: 410,
  PASSWORD_POLICY: 422,
  BLOCKED: 429,
  RATE_LIMITED: 429,
  DIRECTORY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

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
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: SsprErrorDetails = {},
  ) {
    super(code);
    this.status = ERROR_STATUS[code];
  }
}

/** A request whose fields break the rules: one problem per field (dot paths, 0-based indexes, `body` for the whole). */
export function validationError(fields: Record<string, FieldProblem>): SsprError {
  return new SsprError('VALIDATION', { fields });
}
