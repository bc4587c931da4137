import type { Clock } from '../functions/core/clock.js';

/** The local stack's clock, shifted by SSPR_CLOCK_OFFSET_SECONDS so a test can restart the stack "a day later". */
export function offsetClock(offsetSeconds: number): Clock {
  return { now: () => Date.now() + offsetSeconds * 1000 };
}
