/**
 * The latency wrapper of test/support/directoryLatency.ts: every call waits before it reaches the wrapped directory
 * and again before its answer comes back, and is otherwise forwarded untouched. Its sleep is replaced by one that
 * records, so the order of waits and calls is checked without timing anything.
 */
import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySession } from '../../functions/core/directory.js';
import { latencyWays, withDirectoryLatency } from '../support/directoryLatency.js';

/** A directory whose session records each call; `extra` is a method the port does not have (yet). */
function fakeDirectory(events: string[]) {
  const session = {
    controller: 'dc9',
    async findAccount(lookup: { value: string }) {
      events.push(`findAccount ${lookup.value}`);
      return null;
    },
    async verifyPassword() {
      events.push('verifyPassword');
      throw new Error('dc refused');
    },
    async close() {
      events.push('close');
    },
  };
  class FakeDirectory {
    // A private field: the wrapper must call methods on the real object, not on the Proxy.
    #dn = 'CN=svc';
    get serviceAccountDn() {
      return this.#dn;
    }
    async openSession(options?: { verifiesPassword?: boolean }) {
      events.push(`openSession ${options?.verifiesPassword ?? false}`);
      return session as unknown as DirectorySession;
    }
    async extra(n: number) {
      events.push(`extra ${n}`);
      return n * 2;
    }
  }
  return new FakeDirectory();
}

function recorded(latency: Parameters<typeof withDirectoryLatency>[1]['latency']) {
  const events: string[] = [];
  const calls: string[] = [];
  const inner = fakeDirectory(events);
  const directory = withDirectoryLatency(inner as unknown as Directory, {
    latency,
    onCall: (method, args) => {
      calls.push(`${method}(${args.length})`);
      return () => calls.push(`${method} answered`);
    },
    sleep: async (ms) => {
      events.push(`sleep ${ms}`);
    },
    random: () => 0.5,
  });
  return { events, calls, directory, inner };
}

describe('withDirectoryLatency', () => {
  it('waits before and after openSession and every session call, forwarding arguments and results', async () => {
    const { events, calls, directory } = recorded({ before: 7, after: 11 });
    const session = await directory.openSession({ verifiesPassword: true });
    expect(session.controller).toBe('dc9');
    expect(await session.findAccount({ by: 'sAMAccountName', value: 'paula' })).toBeNull();
    await session.close();
    expect(events).toEqual([
      'sleep 7',
      'openSession true',
      'sleep 11',
      'sleep 7',
      'findAccount paula',
      'sleep 11',
      'sleep 7',
      'close',
      'sleep 11',
    ]);
    expect(calls).toEqual([
      'openSession(1)',
      'openSession answered',
      'findAccount(1)',
      'findAccount answered',
      'close(0)',
      'close answered',
    ]);
  });

  it('a refusal comes back after the delay too, as the same error', async () => {
    const { events, calls, directory } = recorded({ before: 3, after: 4 });
    const session = await directory.openSession();
    events.length = 0;
    const account = {} as Parameters<DirectorySession['verifyPassword']>[0];
    await expect(session.verifyPassword(account, 'x')).rejects.toThrow('dc refused');
    expect(events).toEqual(['sleep 3', 'verifyPassword', 'sleep 4']);
    // A call that failed is answered too (an in-flight count goes back down).
    expect(calls.slice(-2)).toEqual(['verifyPassword(2)', 'verifyPassword answered']);
  });

  it('delays a method the port does not name (one another change adds) and keeps getters and private fields', async () => {
    const { events, directory } = recorded(10);
    expect(directory.serviceAccountDn).toBe('CN=svc');
    const extra = (directory as unknown as { extra(n: number): Promise<number> }).extra;
    expect(await extra(21)).toBe(42);
    expect(events).toEqual(['sleep 5', 'extra 21', 'sleep 5']);
  });

  it('a number or a range is a round trip, half each way; zero does not wait at all', async () => {
    expect(latencyWays(20)).toEqual({ before: 10, after: 10 });
    expect(latencyWays({ min: 20, max: 60 })).toEqual({ before: { min: 10, max: 30 }, after: { min: 10, max: 30 } });
    expect(latencyWays({ after: 5 })).toEqual({ before: 0, after: 5 });

    const ranged = recorded({ min: 20, max: 60 });
    await ranged.directory.openSession();
    // random() = 0.5: the middle of [10, 30] each way.
    expect(ranged.events).toEqual(['sleep 20', 'openSession false', 'sleep 20']);

    const none = recorded(0);
    await none.directory.openSession();
    expect(none.events).toEqual(['openSession false']);
  });
});
