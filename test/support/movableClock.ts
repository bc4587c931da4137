/**
 * A clock a test moves while the stack runs (TestStackOptions.clock): it follows the system clock, shifted by an
 * amount the test changes, e.g. to put the next requests just past a rate-limit window boundary while earlier ones
 * are still in flight, or to let the in-memory directory's lockout observation window pass.
 */
import type { Clock } from '../../functions/core/clock.js';

export interface MovableClock extends Clock {
  /** Moves the clock forward (or back, with a negative value) by this many milliseconds. */
  advance(ms: number): void;
  /** Sets the clock so that now() reads this time (milliseconds since the epoch); it runs on from there. */
  set(ms: number): void;
}

export function movableClock(): MovableClock {
  let shift = 0;
  return {
    now: () => Date.now() + shift,
    advance(ms) {
      shift += ms;
    },
    set(ms) {
      shift = ms - Date.now();
    },
  };
}

/** The start of the next fixed window of this length (as the store's rate counters align them: to the epoch). */
export function nextWindowBoundary(now: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return (Math.floor(now / windowMs) + 1) * windowMs;
}
