import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.js';
import { repudiationBlock, repudiationExpiry } from '../../functions/core/repudiation.js';

const NOW = Date.parse('2026-03-01T09:00:00Z');
const HOUR = 3_600_000;

describe('repudiationBlock', () => {
  it('blocks for block.hours from now when nothing is blocked', () => {
    expect(repudiationBlock('bob', null, NOW, 24)).toEqual({
      subject: 'bob',
      until: NOW + 24 * HOUR,
      reason: 'repudiated',
    });
  });

  it('lengthens a shorter live block of failures to a full block from now', () => {
    const live = { subject: 'bob', until: NOW + HOUR, reason: 'answer' as const };
    expect(repudiationBlock('bob', live, NOW, 24)).toEqual({
      subject: 'bob',
      until: NOW + 24 * HOUR,
      reason: 'repudiated',
    });
  });

  it('keeps a reported block that lasts at least as long', () => {
    expect(
      repudiationBlock('bob', { subject: 'bob', until: NOW + 48 * HOUR, reason: 'repudiated' }, NOW, 24),
    ).toBeNull();
  });

  it('marks a block of failures that lasts at least as long as reported, keeping its end (enrolling lifts only failures)', () => {
    for (const until of [NOW + 24 * HOUR, NOW + 48 * HOUR]) {
      expect(repudiationBlock('bob', { subject: 'bob', until, reason: 'code' }, NOW, 24)).toEqual({
        subject: 'bob',
        until,
        reason: 'repudiated',
      });
    }
  });
});

describe('repudiationExpiry', () => {
  it('is notifications.repudiationDays after the notice', () => {
    expect(repudiationExpiry(NOW, 7) - NOW).toBe(7 * 86_400_000);
  });
});

describe('config notifications.repudiationDays', () => {
  it('defaults to 7 and takes whole days from 1 to 30', () => {
    expect(parseConfig({}).notifications.repudiationDays).toBe(7);
    expect(parseConfig({ notifications: { repudiationDays: 30 } }).notifications.repudiationDays).toBe(30);
    for (const days of [0, 31, 1.5, '7']) {
      expect(() => parseConfig({ notifications: { repudiationDays: days } }), String(days)).toThrow(
        /notifications\.repudiationDays/,
      );
    }
  });
});
