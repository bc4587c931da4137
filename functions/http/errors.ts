/** The one mapping from errors to HTTP responses (DESIGN §3); statuses in errorStatus.ts, the body in responses.ts. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DirectoryUnavailableError } from '../core/directory.js';
import { SsprError } from '../core/errors.js';
import type { Language } from '../core/language.js';
import type { Logger } from '../core/log.js';
import { errorMessage, message } from '../core/messages.js';
import { statusOf } from './errorStatus.js';
import { jsonResponse } from './response.js';
import type { ErrorBody } from './responses.js';

export type { ErrorBody } from './responses.js';

/** Unexposed errors become a generic 500 that carries only the request id; the detail goes to the log. */
export function toSsprError(error: unknown, logger: Logger, requestId: string): SsprError {
  if (error instanceof SsprError) return error;
  if (error instanceof DirectoryUnavailableError) {
    logger.error('directory unavailable', { requestId, errorName: error.name, errorMessage: error.message });
    return new SsprError('DIRECTORY_UNAVAILABLE');
  }
  const err = error instanceof Error ? error : new Error(String(error));
  logger.error('unhandled error', { requestId, errorName: err.name, errorMessage: err.message });
  return new SsprError('INTERNAL');
}

export function errorResponse(
  error: SsprError,
  language: Language,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  const { fields, reason, violations, retryAfterSeconds } = error.details;
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: errorMessage(language, error.code),
      requestId,
      ...(fields
        ? {
            fields: Object.fromEntries(
              Object.entries(fields).map(([path, problem]) => [
                path,
                message(language, problem.message, problem.params),
              ]),
            ),
          }
        : {}),
      ...(reason ? { reason } : {}),
      ...(violations ? { violations } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
  };
  const status = statusOf(error.code);
  const response = jsonResponse(status, body, requestId);
  if (status === 429 && retryAfterSeconds !== undefined) {
    response.headers = { ...response.headers, 'retry-after': String(retryAfterSeconds) };
  }
  return response;
}
