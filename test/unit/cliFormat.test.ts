/** The admin CLI's pure formatting (cli/format.ts) and report logic (cli/reports.ts, cli/status.ts). */
import { describe, expect, it } from 'vitest';
import { csv, formatDuration, parseSince, printable, table } from '../../cli/format.js';
import { activity, filterAudit } from '../../cli/reports.js';
import type { AuditEvent } from '../../functions/core/store.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('parseSince', () => {
  it('takes durations back from now and UTC dates', () => {
    expect(parseSince('30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseSince('24h', NOW)).toBe(NOW - 86_400_000);
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('2w', NOW)).toBe(NOW - 14 * 86_400_000);
    expect(parseSince('2026-03-01', NOW)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseSince('2026-03-01T09:30:00Z', NOW)).toBe(Date.parse('2026-03-01T09:30:00Z'));
  });

  it('refuses anything else as a usage error', () => {
    for (const bad of ['', '7', 'd7', '7days', '-1d', '2026-13-45', 'yesterday', '1e3d']) {
      expect(() => parseSince(bad, NOW), bad).toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });
});

describe('output', () => {
  it('CSV quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(
      csv(
        ['a', 'b'],
        [
          ['plain', 'with, comma'],
          ['say "hi"', 'line\nbreak'],
          ['=HYPERLINK("x")', '-1'],
          [3, true],
        ],
      ),
    ).toBe('a,b\r\nplain,"with, comma"\r\n"say ""hi""","line\nbreak"\r\n"\'=HYPERLINK(""x"")",\'-1\r\n3,true\r\n');
  });

  it('tables align columns and replace control characters (no terminal escapes from directory values)', () => {
    expect(
      table(
        ['user', 'name'],
        [
          ['al', 'Alice'],
          ['bob', 'B\u001b[31mob'],
        ],
      ),
    ).toBe('user  name\nal    Alice\nbob   B\ufffd[31mob\n');
    expect(printable('a\u202eb\tc')).toBe('a\ufffdb\ufffdc');
  });

  it('durations read as people say them', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(125 * 60_000)).toBe('2h 5m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
});

describe('audit reports', () => {
  const event = (at: string, name: string, outcome: string): AuditEvent => ({
    subject: 'alice',
    at: Date.parse(at),
    event: name,
    outcome,
    sourceAddress: '192.0.2.1',
    userAgent: 'ua',
    requestId: 'r',
  });
  const events = [
    event('2026-03-09T23:59:59Z', 'answer', 'wrong'),
    event('2026-03-10T00:00:00Z', 'answer', 'wrong'),
    event('2026-03-10T00:00:01Z', 'answer', 'wrong'),
    event('2026-03-10T01:00:00Z', 'block', 'blocked'),
    event('2026-03-10T02:00:00Z', 'start', 'BLOCKED'),
  ];

  it('counts per UTC day, event and outcome', () => {
    expect(activity(events)).toEqual([
      { day: '2026-03-09', event: 'answer', outcome: 'wrong', count: 1 },
      { day: '2026-03-10', event: 'answer', outcome: 'wrong', count: 2 },
      { day: '2026-03-10', event: 'block', outcome: 'blocked', count: 1 },
      { day: '2026-03-10', event: 'start', outcome: 'BLOCKED', count: 1 },
    ]);
  });

  it('--event matches the name or the outcome in any case; --since is inclusive', () => {
    expect(filterAudit(events, { since: 0, event: 'BLOCKED' }).map((e) => e.event)).toEqual(['block', 'start']);
    expect(filterAudit(events, { since: 0, event: 'block' }).map((e) => e.event)).toEqual(['block']);
    expect(filterAudit(events, { since: Date.parse('2026-03-10T00:00:00Z') })).toHaveLength(4);
  });
});
