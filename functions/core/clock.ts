/** Time as the domain sees it. Deployed code uses the system clock; only the local stack may shift it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
