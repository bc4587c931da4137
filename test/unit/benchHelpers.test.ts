/** The bench's pure helpers: statistics, the report table, the hash clock and the naming of synthesized functions. */
import { describe, expect, it } from 'vitest';
import { functionName } from '../../bench/bundles.js';
import { HashClock } from '../../bench/hashClock.js';
import { expectedAudit, planFlows } from '../../bench/load.js';
import { buildReport, formatMarkdown, formatText, type Row } from '../../bench/report.js';
import { median, percentile, relativeSpread, summarize } from '../../bench/stats.js';

describe('bench statistics', () => {
  it('takes percentiles by nearest rank, from measured values only', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7, 1, 3], 50)).toBe(3);
    expect(percentile([5], 99)).toBe(5);
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 0)).toThrow();
  });

  it('gives the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('summarizes without reordering the input', () => {
    const input = [10, 1, 5];
    expect(summarize(input)).toEqual({ n: 3, p50: 5, p95: 10, p99: 10, max: 10 });
    expect(input).toEqual([10, 1, 5]);
  });

  it('measures the spread of medians against the smallest', () => {
    expect(relativeSpread([10, 10.5, 11])).toBeCloseTo(0.1);
    expect(relativeSpread([4, 4])).toBe(0);
    expect(() => relativeSpread([0, 1])).toThrow();
  });
});

describe('bench report', () => {
  const rows: Row[] = [
    {
      section: '3 Hash',
      name: 'answer | verification',
      figure: '270 ms',
      budget: '≤ 350 ms',
      pass: true,
      value: 270,
      unit: 'ms',
      note: 'scrypt',
    },
    {
      section: '5 Connection reuse',
      name: 'reconnects',
      figure: 'needs SSPR_TEST_AD',
      budget: 'exactly 1',
      pass: false,
      value: null,
      unit: 'connections',
    },
  ];
  const machine = {
    node: '20.20.2',
    platform: 'linux-x64',
    cpus: 2,
    cpuModel: 'test cpu',
    memoryGiB: 23,
    loadAverage: [1, 2] as [number, number],
    freeMemoryGiB: 20,
    samba: false,
  };
  const report = buildReport(rows, new Date('2026-01-02T03:04:05Z'), 12.34, machine);

  it('counts the rows that passed and those that did not', () => {
    expect(report).toMatchObject({
      version: 1,
      passed: 1,
      failed: 1,
      wallSeconds: 12.3,
      startedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('prints aligned text columns with pass as true/false', () => {
    const lines = formatText(report).split('\n');
    expect(lines[0]).toMatch(/^section\s+row\s+figure\s+budget\s+pass$/);
    const passColumn = lines[0]?.indexOf('pass') ?? -1;
    expect(lines[2]?.slice(passColumn)).toBe('true');
    expect(lines[3]?.slice(passColumn)).toBe('false');
    expect(lines.at(-1)).toBe('1 passed, 1 not passed; 12.3 s');
  });

  it('writes a Markdown table with pipes escaped and the notes listed', () => {
    const md = formatMarkdown(report);
    expect(md).toContain('| section | row | figure | budget | pass |');
    expect(md).toContain('| 3 Hash | answer \\| verification | 270 ms | ≤ 350 ms | true |');
    expect(md).toContain('| 5 Connection reuse | reconnects | needs SSPR_TEST_AD | exactly 1 | false |');
    expect(md).toContain('- **3 Hash — answer \\| verification**: scrypt');
  });
});

describe('bench hash clock', () => {
  it('adds up the wall time during which at least one hash ran, parallel hashes once', async () => {
    let now = 0;
    const clock = new HashClock(() => now);
    const pending: (() => void)[] = [];
    const slow = () => new Promise<boolean>((resolve) => pending.push(() => resolve(true)));
    const hasher = clock.wrap({
      hash: async () => {
        throw new Error('unused');
      },
      verify: slow,
      needsRehash: () => false,
    });
    const a = hasher.verify('x', null);
    now = 10;
    const b = hasher.verify('y', null);
    now = 30;
    pending.shift()?.();
    await a;
    now = 50;
    pending.shift()?.();
    await b;
    now = 80;
    expect(clock.take()).toEqual({ ms: 50, calls: 2 });
    expect(clock.take()).toEqual({ ms: 0, calls: 0 });
  });
});

describe('bench helpers', () => {
  it('names synthesized functions after their construct', () => {
    expect(functionName('ApiStartResetFunctionE4556B45')).toBe('startReset');
    expect(functionName('NotifyNotifierFunction7DADC72A')).toBe('notifier');
    expect(functionName('DataNotifierKeyMakerFunctionF837E9FA')).toBe('notifierKeyMaker');
  });

  it('plans 200 load flows with distinct subjects, and the audit trail each implies', () => {
    const plans = planFlows();
    expect(plans).toHaveLength(200);
    expect(new Set(plans.map((p) => p.subject)).size).toBe(200);
    expect(expectedAudit('fail', false)).toEqual(
      ['start/started', 'answer/wrong', 'answer/wrong', 'answer/wrong', 'block/blocked', 'reset/failed'].sort(),
    );
    expect(expectedAudit('decoy', true)).toEqual(['start/RATE_LIMITED']);
  });
});
