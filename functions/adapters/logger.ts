import { LOG_FIELDS, type LogFields, type Logger } from '../core/log.js';

const allowed = new Set<string>(LOG_FIELDS);

type Level = 'info' | 'warn' | 'error';

/** One JSON object per line; fields outside the allow-list are dropped, not redacted, so nothing leaks by name. */
export function createLogger(sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const write = (level: Level, message: string, fields: LogFields = {}) => {
    const entry: Record<string, unknown> = { level, time: new Date().toISOString(), message };
    for (const [key, value] of Object.entries(fields)) {
      if (allowed.has(key) && value !== undefined) entry[key] = value;
    }
    sink(JSON.stringify(entry));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
