/** Exit codes scripts can rely on (docs/helpdesk.md), and the translation of failures into sentences an operator can act on. */
import { ConfigError } from '../functions/core/config.js';
import { DirectoryUnavailableError } from '../functions/core/directory.js';
import { UnresolvableGroupError } from '../functions/core/groups.js';

export const EXIT = {
  /** Done (also: nothing to do, e.g. unblocking a user who was not blocked). */
  OK: 0,
  /** An unexpected error (a bug, or a failure the CLI cannot explain). */
  FAILURE: 1,
  /** Wrong usage: unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** The user was not found in the directory (or the name is in no accepted form). */
  NOT_FOUND: 3,
  /** Not confirmed: the operator answered no, or there was no answer and no --yes. Nothing changed. */
  ABORTED: 4,
  /** Cannot reach or use what the command needs: no local stack, no AWS credentials, stack or table not found, an invalid config, no domain controller. */
  UNAVAILABLE: 5,
  /** doctor found at least one problem (a missing right, a certificate, an unreachable DC). */
  PROBLEMS: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

function names(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      found.push(current.name);
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') found.push(code);
      // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1)
      for (const inner of (current as { errors?: unknown[] }).errors ?? []) {
        const innerCode = (inner as { code?: unknown })?.code;
        if (typeof innerCode === 'string') found.push(innerCode);
      }
      current = current.cause;
    } else break;
  }
  return found;
}

export interface ErrorContext {
  /** e.g. "the local stack's store at http://127.0.0.1:41234" or "table sspr-prod-Table in eu-west-1". */
  store?: string;
  table?: string;
}

/** Any error as a CliError with a sentence that says what to do; unknown errors keep their message and exit 1. */
export function explain(error: unknown, context: ErrorContext = {}): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ConfigError) return new CliError(error.message, EXIT.UNAVAILABLE);
  // A configured group DN that resolves to nothing is an invalid config too, found only once the directory is asked.
  if (error instanceof UnresolvableGroupError) return new CliError(error.message, EXIT.UNAVAILABLE);
  if (error instanceof DirectoryUnavailableError) {
    return new CliError(`no domain controller answered: ${error.message}`, EXIT.UNAVAILABLE);
  }
  const found = names(error);
  if (found.includes('ResourceNotFoundException')) {
    return new CliError(`table ${context.table ?? ''} not found (${context.store ?? 'the store'})`, EXIT.UNAVAILABLE);
  }
  if (found.includes('CredentialsProviderError') || found.includes('ExpiredTokenException')) {
    return new CliError(
      'no AWS credentials: set a profile (AWS_PROFILE, aws sso login) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      EXIT.UNAVAILABLE,
    );
  }
  if (
    found.includes('AccessDeniedException') ||
    found.includes('AccessDenied') ||
    found.includes('UnrecognizedClientException')
  ) {
    return new CliError(
      `AWS refused the request (${found.join(', ')}): check the credentials' permissions`,
      EXIT.UNAVAILABLE,
    );
  }
  if (found.includes('ECONNREFUSED') || found.includes('ECONNRESET') || found.includes('TimeoutError')) {
    return new CliError(
      `${context.store ?? 'the store'} does not answer: is the local stack running (npm start)?`,
      EXIT.UNAVAILABLE,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message, EXIT.FAILURE);
}
