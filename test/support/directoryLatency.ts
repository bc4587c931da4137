/**
 * A directory that answers as a domain controller reached over a VPN does: every call of the port (openSession and
 * every method of the sessions it opens) waits before it reaches the wrapped directory and again before its answer
 * comes back. Races that need a few milliseconds between a read and a bind (issue 15: parallel password proofs) show
 * on the in-memory stand-in only with this delay; without it every call finishes in the same tick.
 *
 * The wrapper is generic (a Proxy): a method another change adds to the port is delayed too, with no edit here.
 */
import type { Directory, DirectorySession } from '../../functions/core/directory.js';

/** A fixed delay in milliseconds, or one drawn uniformly from [min, max] for each call. */
export type Delay = number | { min: number; max: number };

export interface DirectoryLatency {
  /** The request on its way to the DC. */
  before?: Delay;
  /** The answer on its way back. */
  after?: Delay;
}

export interface DirectoryLatencyOptions {
  /**
   * A number or a range is a round trip, half of it each way (20 → 10 ms before and 10 after each call); an object
   * gives each way its own delay.
   */
  latency: Delay | DirectoryLatency;
  /**
   * Told of every call as it starts, before the delay ('openSession' or the session method's name, and the arguments);
   * a function it returns is called once the answer (or the error) is back, after the delay.
   */
  onCall?: (method: string, args: readonly unknown[]) => undefined | (() => void);
  /** How a delay is waited (tests of the wrapper replace it, to see the order without timing anything). */
  sleep?: (ms: number) => Promise<void>;
  /** For drawing from a range (default Math.random). */
  random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The two ways of a latency: a round trip is split in half, an explicit object is taken as it is. */
export function latencyWays(latency: Delay | DirectoryLatency): Required<DirectoryLatency> {
  if (typeof latency === 'number') return { before: latency / 2, after: latency / 2 };
  if ('min' in latency) {
    const half = { min: latency.min / 2, max: latency.max / 2 };
    return { before: half, after: half };
  }
  return { before: latency.before ?? 0, after: latency.after ?? 0 };
}

/** Wraps any Directory: openSession and every function of the sessions it opens are delayed both ways. */
export function withDirectoryLatency(directory: Directory, options: DirectoryLatencyOptions): Directory {
  const ways = latencyWays(options.latency);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const wait = async (delay: Delay) => {
    const ms = typeof delay === 'number' ? delay : delay.min + random() * (delay.max - delay.min);
    if (ms > 0) await sleep(ms);
  };
  // Every port method returns a promise (a DC is remote), so the delayed call may too.
  const delayed = async <T>(method: string, args: unknown[], call: () => Promise<T> | T): Promise<T> => {
    const answered = options.onCall?.(method, args);
    await wait(ways.before);
    try {
      return await call();
    } finally {
      // A refusal or an error comes back over the same network as an answer.
      await wait(ways.after);
      answered?.();
    }
  };

  const wrapSession = (session: DirectorySession): DirectorySession =>
    new Proxy(session, {
      get(target, property) {
        // The receiver is the target, so getters and private (#) fields of the wrapped class keep working.
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const name = String(property);
        return (...args: unknown[]) => delayed(name, args, () => Reflect.apply(value, target, args));
      },
    });

  return new Proxy(directory, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (property === 'openSession') {
        return (...args: unknown[]) =>
          delayed(name, args, async () => wrapSession(await Reflect.apply(value, target, args)));
      }
      // A method the port gains later (not a session) is a DC call too.
      return (...args: unknown[]) => delayed(name, args, () => Reflect.apply(value, target, args));
    },
  });
}
