import { describe, expect, it } from 'vitest';
import { WrongBindTimes } from '../../functions/adapters/ldap/wrongBindTime.js';

describe('WrongBindTimes: a stand-in bind takes as long as a refused one', () => {
  it('knows nothing before the first refused bind, and pads nothing then', async () => {
    const times = new WrongBindTimes();
    expect(times.typical()).toBeNull();
    const now = () => 1000;
    await times.padFrom(1000, now);
  });

  it('takes the median of the last 15 refused binds', () => {
    const times = new WrongBindTimes();
    for (const ms of [50, 10, 30]) times.record(ms);
    expect(times.typical()).toBe(30);
    times.record(40);
    expect(times.typical()).toBe(35);
    // Only the last 15 count: an old slow spell ages out.
    for (let i = 0; i < 15; i++) times.record(5);
    expect(times.typical()).toBe(5);
    // Nonsense durations are not kept.
    times.record(Number.NaN);
    times.record(-3);
    expect(times.typical()).toBe(5);
  });

  it('waits out what is left of the typical time, and not at all when it has passed', async () => {
    const times = new WrongBindTimes();
    times.record(40);
    const started = Date.now();
    await times.padFrom(started);
    expect(Date.now() - started).toBeGreaterThanOrEqual(39);
    // Started long ago: returns at once (the clock is read, nothing waits).
    let reads = 0;
    await times.padFrom(0, () => {
      reads += 1;
      return 10_000;
    });
    expect(reads).toBe(1);
  });
});
