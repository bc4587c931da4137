/** The error → HTTP status table (DESIGN §3), pinned: a change to a status is a change to the API. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../functions/core/errors.js';
import { ERROR_STATUS, statusOf } from '../../functions/http/errorStatus.js';

const DESIGN_TABLE = {
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
};

describe('error status table', () => {
  it('gives every code the status of the DESIGN table', () => {
    expect(ERROR_STATUS).toEqual(DESIGN_TABLE);
    for (const [code, status] of Object.entries(DESIGN_TABLE)) {
      expect(statusOf(code as keyof typeof DESIGN_TABLE), code).toBe(status);
    }
  });

  it('has a status for every error code, and no status for a code the domain does not have', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const code of ERROR_CODES) expect(Number.isInteger(statusOf(code)), code).toBe(true);
  });
});
