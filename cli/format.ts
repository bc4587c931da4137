/** Pure formatting for the admin CLI: durations, times, tables, CSV and JSON lines. No I/O. */
import { CliError, EXIT } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: a duration back from now (`90s`, `30m`, `24h`, `7d`, `2w`) or a UTC date or time (`2026-03-01`,
 * `2026-03-01T09:00:00Z`). Returns the time in ms since the epoch.
 */
export function parseSince(value: string, now: number): number {
  const text = value.trim();
  const duration = /^(\d{1,6})([smhdw])$/.exec(text);
  if (duration?.[1] && duration[2]) return now - Number(duration[1]) * (UNIT_MS[duration[2]] ?? 0);
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) {
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new CliError(
    `--since ${JSON.stringify(value)} is neither a duration (30m, 24h, 7d, 2w) nor a UTC date (2026-03-01)`,
    EXIT.USAGE,
  );
}

/** `2026-03-01 09:05:07` (UTC; the CLI says so in its headers). */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `2026-03-01` (UTC). */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `2h 5m`, `3d 4h`, `45s`: how long until a time. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${seconds}s`;
}

/**
 * Control characters (a directory value or an audit field could carry an escape sequence that rewrites the operator's
 * terminal) become U+FFFD.
 */
export function printable(value: string): string {
  return value.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '\ufffd');
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((row) => row.map((cell) => printable(cell)));
  const widths = headers.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
      .join('  ')
      .trimEnd();
  return `${all.map(line).join('\n')}\n`;
}

/**
 * RFC 4180 CSV (CRLF, quotes doubled). A cell that a spreadsheet would read as a formula (= + - @, tab, CR) gets a
 * leading apostrophe: directory values such as displayName are not the operator's to trust.
 */
export function csv(headers: string[], rows: (string | number | boolean)[][]): string {
  const cell = (value: string | number | boolean) => {
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [headers, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

/** One JSON object per line. */
export function jsonLines(values: unknown[]): string {
  return values.map((value) => `${JSON.stringify(value)}\n`).join('');
}
