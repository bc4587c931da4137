/**
 * Lays races out by events, not timing: while armed, every call of one store method that `holds` picks is held just
 * before it reaches the store, until the test releases them all at once. Held at a flow claim (updateFlow with a
 * pending request), an answer has passed the check that its flow is the user's open one and nothing of it is counted
 * or checked yet; held at a conditional use (useRecoveryCode, useAuthenticatorStep), both racers have found their code
 * right and neither has written.
 */
import type { Store } from '../../functions/core/store.js';

type Method = keyof Store & string;

export class StoreGate<M extends Method> {
  private armed = false;
  private readonly held: (() => void)[] = [];
  private waiters: { count: number; done: () => void }[] = [];

  constructor(
    private readonly method: M,
    private readonly holds: (...args: Parameters<Extract<Store[M], (...a: never[]) => unknown>>) => boolean = () =>
      true,
  ) {}

  wrap(store: Store): Store {
    return new Proxy(store, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target);
        if (prop !== this.method || typeof value !== 'function') return value;
        return async (...args: Parameters<Extract<Store[M], (...a: never[]) => unknown>>) => {
          if (this.armed && this.holds(...args)) await this.hold();
          return Reflect.apply(value, target, args);
        };
      },
    });
  }

  arm() {
    this.armed = true;
  }

  disarm() {
    this.armed = false;
  }

  /** Resolves once `count` calls are held. */
  heldCount(count: number): Promise<void> {
    return new Promise((done) => {
      this.waiters.push({ count, done });
      this.notify();
    });
  }

  release() {
    for (const go of this.held.splice(0)) go();
  }

  private hold(): Promise<void> {
    return new Promise((go) => {
      this.held.push(go);
      this.notify();
    });
  }

  private notify() {
    const ready = this.waiters.filter((w) => this.held.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.held.length < w.count);
    for (const w of ready) w.done();
  }
}

/** Holds flow claims: an answer's first write, which marks the flow as pending for its request. */
export const claimGate = () => new StoreGate('updateFlow', (flow) => flow.pending !== null);
