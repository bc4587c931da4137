/** The one mapping from error codes to HTTP statuses (DESIGN §3); the domain's codes are in core/errors.ts. */
import type { ErrorCode } from '../core/errors.js';

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
} as const satisfies Record<ErrorCode, number>;

/** The HTTP status of an error code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
