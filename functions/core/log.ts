/**
 * The logger port. Log lines are structured JSON built from an allow-list of fields, so a password, answer, code or
 * token can never reach a log line by being passed along in some object: anything not listed is dropped.
 */
export const LOG_FIELDS = [
  'requestId',
  'route',
  'method',
  'status',
  'code',
  'reason',
  'event',
  'outcome',
  'subject',
  'sourceAddress',
  'controller',
  'durationMs',
  'errorName',
  'errorMessage',
  'outboxId',
  'channel',
  'template',
  'count',
] as const;

export type LogField = (typeof LOG_FIELDS)[number];
export type LogFields = Partial<Record<LogField, string | number | boolean | null>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
